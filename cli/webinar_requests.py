"""`imc webinar …`: requests commands — webinars organisations asked for (list, show,
schedule, decline)."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from cli import webinar as base
from cli.common import BY_OPTION, actor, friendly
from cli.webinar import app
from services import webinar_request_decisions as decisions, webinar_requests

NUMBER = typer.Argument(..., help="Номер запроса, см. imc webinar requests")


@app.command("requests")
@friendly
def requests(all_: bool = typer.Option(False, "--all",
                                       help="Показать и рассмотренные запросы")):
    """Запросы организаций на вебинары (по умолчанию — ждущие решения)."""
    rows = webinar_requests.list_requests(base.rt(), include_decided=all_)
    if not rows:
        base.console.print("Запросов нет" if all_ else "Запросов, ждущих решения, нет")
        return
    table = Table("№", "Дата", "Организация", "Тема", "Аудитория", "Желаемые даты",
                  "Состояние", title="Запросы на вебинары")
    for r in rows:
        table.add_row(str(r["id"]), r["submitted"], _organisation(r), r["topic"],
                      r["audience"] or "—", r["preferred_dates"] or "—", r["state_label"])
    base.console.print(table)


@app.command("request-show")
@friendly
def request_show(request_id: int = NUMBER):
    """Запрос на вебинар: кто просит, тема, аудитория, решение."""
    r = webinar_requests.request_view(base.rt(), request_id)
    lines = [
        f"[bold]Запрос на вебинар №{r['id']}[/] от {r['submitted']} "
        f"({'через API' if r['source'] == 'api' else 'с сайта'}) — {r['state_label']}",
        f"Организация: {_organisation(r)}",
        f"Контактное лицо: {r['requester']}, {r['email']}"
        + (f", {r['phone']}" if r["phone"] else ""),
        f"Тема: {r['topic']}",
        f"Аудитория: {r['audience'] or '—'}",
        f"Желаемые даты: {r['preferred_dates'] or '—'}",
    ]
    if r["comment"]:
        lines.append(f"Комментарий: {r['comment']}")
    if r["session_id"]:
        lines.append(f"Вебинар назначен на {r['session_start']} (МСК): цикл №{r['cycle_id']}, "
                     f"вебинар №{r['session_id']} — imc webinar show {r['cycle_id']}")
    if r["decline_reason"]:
        lines.append(f"Отклонён {r['decided']}: {r['decline_reason']}")
    for line in lines:
        base.console.print(line, markup=line.startswith("[bold]"), highlight=False)


@app.command("request-schedule")
@friendly
def request_schedule(
    request_id: int = NUMBER,
    start: str = typer.Option(..., "--start", help="Начало, «ДД.ММ.ГГГГ ЧЧ:ММ», время московское"),
    duration: int = typer.Option(60, "--duration", help="Продолжительность, минут"),
    link: str = typer.Option(..., "--link", help="Ссылка на подключение"),
    speaker: str = typer.Option(..., "--speaker", help="Ведущий"),
    capacity: int = typer.Option(100, "--capacity", help="Число мест"),
    topic: Optional[str] = typer.Option(None, "--topic",
                                        help="Тема, если она отличается от запрошенной"),
    by: Optional[str] = BY_OPTION,
):
    """Принять запрос: создать вебинар и разослать приглашения людям организации."""
    r = base.rt()
    session_id = decisions.schedule_request(
        r, request_id, start=decisions.parse_moscow(start), duration_minutes=duration,
        meeting_url=link, speaker=speaker, capacity=capacity, topic=topic, actor=actor(r, by))
    view = webinar_requests.request_view(r, request_id)
    base.console.print(f"Запрос №{request_id} принят: вебинар №{session_id} назначен на "
                       f"{view['session_start']} (МСК), цикл №{view['cycle_id']}. Приглашения "
                       "разосланы, заявителю отправлено письмо.", highlight=False)


@app.command("request-decline")
@friendly
def request_decline(request_id: int = NUMBER,
                    reason: str = typer.Option(..., "--reason", help="Причина отказа"),
                    by: Optional[str] = BY_OPTION):
    """Отклонить запрос с указанием причины; заявитель получит письмо."""
    r = base.rt()
    decisions.decline_request(r, request_id, reason=reason, actor=actor(r, by))
    base.console.print(f"Запрос №{request_id} отклонён; заявителю отправлено письмо с причиной.",
                       highlight=False)


def _organisation(r: dict) -> str:
    if r["matched"] and r["matched"] != r["organisation"]:
        return f"{r['organisation']} ({r['matched']})"
    return r["organisation"]
