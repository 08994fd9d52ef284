"""`imc mail …`: what was sent, what failed, send now."""

from __future__ import annotations

import asyncio
from typing import Optional

import typer
from rich.table import Table

from adapters.clock import MOSCOW, as_utc
from cli.common import BY_OPTION, actor, console, friendly, rt
from models import MailStatus
from models.outbox import MAIL_STATUS_LABELS
from services import mail_delivery, mail_queries
from services.errors import DomainError

app = typer.Typer(help="Исходящая почта", no_args_is_help=True)


def _table(rows, title: str) -> Table:
    table = Table("№", "Создано", "Кому", "Тема", "Статус", "Попыток", "Ошибка", title=title)
    for m in rows:
        created = as_utc(m.created_at).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
        table.add_row(str(m.id), created, m.to_addr, m.subject, MAIL_STATUS_LABELS[m.status],
                      str(m.attempts), m.last_error)
    return table


@app.command("list")
@friendly
def list_(status: Optional[MailStatus] = typer.Option(None), limit: int = 50):
    """Последние письма."""
    console.print(_table(mail_queries.list_mail(rt(), status, limit), "Письма"))


@app.command("failed")
@friendly
def failed():
    """Недоставленные письма (ошибка 5xx или исчерпаны попытки)."""
    rows = mail_queries.list_mail(rt(), MailStatus.FAILED, 1000)
    console.print(_table(rows, "Недоставленные письма") if rows else "Недоставленных писем нет")


@app.command("show")
@friendly
def show(mail_id: int):
    """Текст письма."""
    m = mail_queries.get_mail(rt(), mail_id)
    console.print(f"[bold]Кому:[/] {m.to_name} <{m.to_addr}>\n[bold]Тема:[/] {m.subject}\n"
                  f"[bold]Статус:[/] {MAIL_STATUS_LABELS[m.status]}\n")
    console.print(m.text_body)


@app.command("retry")
@friendly
def retry(mail_id: Optional[int] = typer.Argument(None, help="Номер письма"),
          all_failed: bool = typer.Option(False, "--all-failed",
                                          help="Вернуть в очередь все недоставленные письма"),
          by: Optional[str] = BY_OPTION):
    """Вернуть недоставленное письмо (или все: --all-failed) в очередь."""
    if (mail_id is None) == (not all_failed):
        raise DomainError("Укажите номер письма или --all-failed (что-то одно)")
    runtime = rt()
    who = actor(runtime, by)
    if mail_id is not None:
        mail_queries.retry_failed(runtime, mail_id, actor=who)
        console.print(f"Письмо №{mail_id} снова в очереди")
        return
    ids = mail_queries.retry_all_failed(runtime, actor=who)
    console.print(f"Возвращено в очередь: {len(ids)} (№ {', '.join(map(str, ids))})"
                  if ids else "Недоставленных писем нет")


@app.command("send")
@friendly
def send():
    """Отправить письма из очереди сейчас (в пределах лимитов)."""
    report = asyncio.run(mail_delivery.drain(rt()))
    console.print(f"Отправлено: {len(report.sent)}, повтор позже: {len(report.retry)}, "
                  f"не доставлено: {len(report.failed)}, ждут лимита: {report.waiting}")
