"""`imc webinar reschedule|cancel …`: move or cancel a session, everyone registered notified."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import typer

from adapters.clock import MOSCOW
from adapters.russian import plural
from cli.common import BY_OPTION, actor, console, friendly, rt
from cli.webinar import app
from services import webinar_schedule
from services.errors import DomainError

START_FORMATS = ("%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M")


def parse_start(text: str) -> datetime:
    """«20.10.2024 15:00» or «2024-10-20 15:00», Moscow time → an aware datetime."""
    cleaned = " ".join(text.split())
    for fmt in START_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=MOSCOW)
        except ValueError:
            continue
    raise DomainError(f"Дата и время «{text}» не распознаны: укажите ДД.ММ.ГГГГ ЧЧ:ММ или "
                      "ГГГГ-ММ-ДД ЧЧ:ММ (московское время)")


@app.command("reschedule")
@friendly
def reschedule(session_id: int = typer.Argument(..., help="Номер вебинара, см. imc webinar show"),
               start: str = typer.Option(..., "--start",
                                         help="Новое начало, московское время: "
                                              "«ДД.ММ.ГГГГ ЧЧ:ММ» или «ГГГГ-ММ-ДД ЧЧ:ММ»"),
               duration: Optional[int] = typer.Option(None, "--duration",
                                                      help="Продолжительность, минут"),
               link: Optional[str] = typer.Option(None, "--link",
                                                  help="Новая ссылка на подключение"),
               reason: str = typer.Option(..., "--reason", help="Причина переноса"),
               by: Optional[str] = BY_OPTION):
    """Перенести вебинар: всем записавшимся — письмо и обновлённое приглашение (.ics)."""
    r = rt()
    result = webinar_schedule.reschedule(r, session_id, start=parse_start(start),
                                         duration_minutes=duration, meeting_url=link,
                                         reason=reason, actor=actor(r, by))
    if not result["changed"]:
        console.print(f"Вебинар №{session_id} уже назначен на {result['start']} (МСК): "
                      "ничего не изменилось, письма не отправлялись")
        return
    console.print(f"Вебинар №{session_id} «{result['topic']}» перенесён на {result['start']} "
                  f"(МСК); {_notified(result)}")


@app.command("cancel")
@friendly
def cancel(session_id: int = typer.Argument(..., help="Номер вебинара, см. imc webinar show"),
           reason: str = typer.Option(..., "--reason", help="Причина отмены"),
           by: Optional[str] = BY_OPTION):
    """Отменить вебинар: всем записавшимся — письмо и отмена для календаря (.ics)."""
    r = rt()
    result = webinar_schedule.cancel_session(r, session_id, reason=reason, actor=actor(r, by))
    if not result["changed"]:
        console.print(f"Вебинар №{session_id} уже отменён: письма не отправлялись")
        return
    console.print(f"Вебинар №{session_id} «{result['topic']}» ({result['start']}, МСК) отменён; "
                  f"{_notified(result)}")


def _notified(result: dict) -> str:
    n = result["notified"]
    return (f"уведомлено: {n} {plural(n, 'человек', 'человека', 'человек')} "
            f"(зарегистрированных — {result['registered']}, "
            f"в листе ожидания — {result['waiting']}, "
            f"приглашённых без регистрации — {result['invited']})")
