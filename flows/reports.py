"""Analytic reports as flows: any report for any period on demand, the June and December
reports on schedule. After generating, the run carries Prefect artifacts: a markdown one
naming the справка (.docx) and the data (.xlsx) with file:// links, and a table of the
headline figures.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.schedules import Cron

from flows.runtime import runtime
from services import report_period, report_queries, reports
from services.actors import Actor
from services.org import staff_actor

# The reports of a half-year, made on its last day (Moscow) — plan item diag-2 «Июнь, декабрь»:
# at 23:45, so the period's records are all in and the справка is still dated on the due day.
HALF_YEAR_KINDS = ("monitoring", "effectiveness")
HALF_YEAR_SCHEDULES = [Cron("45 23 30 6 *", timezone="Europe/Moscow"),
                       Cron("45 23 31 12 *", timezone="Europe/Moscow")]


@task(name="generate-report")
def generate_task(kind: str, start: date, end: date, subject: str, staff_login: str,
                  again: bool = False) -> dict:
    rt = runtime()
    actor = staff_actor(rt, staff_login) if staff_login else Actor.scheduler()
    done = reports.generate_report(rt, kind, start, end, subject=subject, actor=actor,
                                   again=again)
    return {**report_queries.show(rt, done.report.id), "new": done.created}


def artifact_key(view: dict) -> str:
    """«report-monitoring-2024-1», «report-events-2024-contest-3»: what the UI lists."""
    key = f"report-{view['kind']}-{view['slug']}-{view['subject']}".lower().rstrip("-")
    return re.sub(r"[^a-z0-9-]+", "-", key)


def publish(view: dict) -> None:
    """The run's artifacts: the files and the headline figures (absolute file:// links, also
    when IMC_DATA_DIR is a relative path)."""
    state = "новая версия" if view["new"] else "данные не изменились, прежняя версия"
    files = (("Справка (.docx)", view["docx_name"], view["docx"]),
             ("Данные (.xlsx)", view["xlsx_name"], view["xlsx"]))
    links = "\n".join(f"- {what}: [{name}]({Path(path).resolve().as_uri()})"
                      for what, name, path in files if path)
    create_markdown_artifact(
        key=artifact_key(view),
        markdown=f"### {view['title']} № {view['id']}, версия {view['version']}\n\n"
                 f"Период: {view['period_text']}"
                 + (f"; предмет: {view['subject']}" if view["subject"] else "")
                 + f" ({state}).\n\n{links}\n",
        description=f"{view['title']}: {view['period_text']}")
    create_table_artifact(
        key=f"{artifact_key(view)}-figures",
        table=[{"Показатель": label, "Значение": text} for label, text, _ in view["figures"]],
        description=f"Основные показатели: {view['title']}, {view['period_text']}")


@flow(name="report-generate", log_prints=True)
def generate_report(kind: str, start: date, end: date, subject: str = "",
                    staff_login: str = "", again: bool = False) -> dict:
    """A report (monitoring, effectiveness, plan, events) for [start, end]; a new version only
    when its figures changed, or when `again` (to render it by an edited template). The files
    appear as the run's artifacts."""
    view = generate_task(kind, start, end, subject, staff_login, again)
    publish(view)
    print(f"{view['title']} № {view['id']}, версия {view['version']}: {view['docx']}")
    return view


@flow(name="report-half-year", log_prints=True)
def half_year_reports(run_date: date | None = None, staff_login: str = "") -> list[dict]:
    """The monitoring and effectiveness reports of the half-year ended by `run_date` (by
    default today in Moscow): on 30 June January–June, on 31 December July–December."""
    start, end = report_period.half_year_before(run_date or report_period.today(runtime()))
    return [generate_report(kind, start, end, staff_login=staff_login)
            for kind in HALF_YEAR_KINDS]
