"""`imc report …`: analytic reports for any period, their headline figures and files."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from cli import common
from cli.common import BY_OPTION, friendly
from services import event_report, report_period, report_queries, reports
from services.errors import DomainError

app = typer.Typer(help="Аналитические справки и отчёты: мониторинг, эффективность, выполнение "
                       "плана, анализ мероприятий", no_args_is_help=True)

# Looked up at call time, so tests can give their own runtime and a wide console.
rt = common.rt
console = common.console

FROM = typer.Option(None, "--from", help="Начало периода, ДД.ММ.ГГГГ (вместе с --to)")
TO = typer.Option(None, "--to", help="Конец периода, ДД.ММ.ГГГГ")
YEAR = typer.Option(None, "--year", help="Календарный год, например 2024")
HALF = typer.Option(None, "--half", help="Полугодие: 2024-1 (январь–июнь) или 2024-2 "
                                         "(июль–декабрь)")
AGAIN = typer.Option(False, "--again", help="Составить новую версию, даже если данные не "
                                            "изменились (например, после правки шаблона)")


def _period(from_: str | None, to: str | None, year: str | None, half: str | None):
    return report_period.resolve(start=from_, end=to, year_text=year, half_text=half)


def _generate(kind: str, period, by: str | None, subject: str = "",
              again: bool = False) -> None:
    r = rt()
    done = reports.generate_report(r, kind, *period, subject=subject,
                                   actor=common.actor(r, by), again=again)
    print_report(report_queries.show(r, done.report.id), created=done.created)


def print_report(view: dict, created: bool | None = None) -> None:
    state = "" if created is None else " — новая версия" if created else \
        " — данные не изменились, это прежняя версия"
    console.print(f"[bold]{escape(view['title'])}[/] № {view['id']}, версия {view['version']}"
                  f"{state}")
    console.print(f"Период: {view['period_text']}"
                  + (f"; предмет: {view['subject']}" if view["subject"] else "")
                  + f"; сформирован {view['created']} (МСК), {escape(view['author'])}")
    table = Table("Показатель", "Значение", title="Основные показатели")
    for label, text, _ in view["figures"]:
        table.add_row(escape(label), text)
    console.print(table)
    console.print(f"Справка (.docx): {view['docx']}")
    console.print(f"Данные (.xlsx): {view['xlsx']}")


@app.command("monitoring")
@friendly
def monitoring(from_: Optional[str] = FROM, to: Optional[str] = TO,
               year: Optional[str] = YEAR, half: Optional[str] = HALF,
               by: Optional[str] = BY_OPTION, again: bool = AGAIN):
    """Мониторинг активности участников сетевого взаимодействия за период."""
    _generate("monitoring", _period(from_, to, year, half), by, again=again)


@app.command("effectiveness")
@friendly
def effectiveness(from_: Optional[str] = FROM, to: Optional[str] = TO,
                  year: Optional[str] = YEAR, half: Optional[str] = HALF,
                  by: Optional[str] = BY_OPTION, again: bool = AGAIN):
    """«Эффективность сетевого взаимодействия» (июнь и декабрь: --half 2024-1 / 2024-2)."""
    _generate("effectiveness", _period(from_, to, year, half), by, again=again)


@app.command("plan")
@friendly
def plan(from_: Optional[str] = FROM, to: Optional[str] = TO,
         year: Optional[str] = YEAR, half: Optional[str] = HALF,
         by: Optional[str] = BY_OPTION, again: bool = AGAIN):
    """Отчёт о выполнении плана работы (за год: --year 2024)."""
    _generate("plan", _period(from_, to, year, half), by, again=again)


@app.command("events")
@friendly
def events(contest: Optional[int] = typer.Option(None, "--contest", help="Номер конкурса"),
           cycle: Optional[int] = typer.Option(None, "--cycle", help="Номер цикла вебинаров"),
           meeting: Optional[int] = typer.Option(None, "--meeting",
                                                 help="Номер заседания творческой группы"),
           from_: Optional[str] = FROM, to: Optional[str] = TO,
           year: Optional[str] = YEAR, half: Optional[str] = HALF,
           by: Optional[str] = BY_OPTION, again: bool = AGAIN):
    """Анализ мероприятий: одного (--contest / --cycle / --meeting) или всех за период.
    Для одного мероприятия период по умолчанию — его собственные сроки: конкурс — от
    объявления до подведения итогов, цикл — от первого до последнего вебинара, заседание —
    его день."""
    subjects = [f"{kind}:{n}" for kind, n in (("contest", contest), ("webinar_cycle", cycle),
                                             ("plan_meeting", meeting)) if n is not None]
    if len(subjects) > 1:
        raise DomainError("Укажите одно мероприятие: --contest, --cycle или --meeting")
    subject = subjects[0] if subjects else ""
    period = event_report.period(rt(), subject, start=from_, end=to, year_text=year,
                                 half_text=half)
    _generate("events", period, by, subject, again)


@app.command("list")
@friendly
def list_(kind: Optional[str] = typer.Option(None, "--kind", help="monitoring, effectiveness, "
                                                                   "plan или events")):
    """Сформированные отчёты, новые сверху."""
    if kind:
        reports.kind_of(kind)
    table = Table("№", "Отчёт", "Период", "Предмет", "Версия", "Сформирован (МСК)",
                  title="Отчёты")
    for row in report_queries.list_reports(rt(), kind):
        table.add_row(str(row["id"]), escape(row["title"]), row["period"], row["subject"],
                      str(row["version"]), row["created"])
    console.print(table)


@app.command("show")
@friendly
def show(report_id: int = typer.Argument(..., help="Номер отчёта, см. imc report list")):
    """Отчёт: основные показатели и пути к справке (.docx) и данным (.xlsx)."""
    print_report(report_queries.show(rt(), report_id))
