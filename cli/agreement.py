"""`imc agreement …`: staff actions on network agreements."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from adapters.russian import date_long
from cli.common import BY_OPTION, actor, console, friendly, rt
from models import AgreementState
from models.outbox import MAIL_STATUS_LABELS
from services import agreement_queries, agreements
from services.agreements import Terms
from services.errors import NotFound

app = typer.Typer(help="Договоры о сетевом взаимодействии", no_args_is_help=True)


@app.command("start")
@friendly
def start(partner_id: int, subject: Optional[str] = typer.Option(None, help="Предмет договора"),
          term_years: Optional[int] = typer.Option(None, help="Срок действия, лет"),
          by: Optional[str] = BY_OPTION):
    """Подготовить проект договора и направить его директору на согласование."""
    r = rt()
    terms = Terms(term_years=term_years, **({"subject": subject} if subject else {}))
    ag_id = agreements.start(r, partner_id=partner_id, actor=actor(r, by), terms=terms)
    console.print(f"Договор №{ag_id}: проект сформирован и направлен директору на согласование")


@app.command("submit")
@friendly
def submit(agreement_id: int, subject: Optional[str] = typer.Option(None, help="Новый предмет"),
           by: Optional[str] = BY_OPTION):
    """Повторно направить доработанный проект директору."""
    r = rt()
    agreements.submit(r, agreement_id, actor=actor(r, by), subject=subject)
    console.print(f"Договор №{agreement_id}: проект повторно направлен на согласование")


@app.command("approve")
@friendly
def approve(agreement_id: int, by: Optional[str] = BY_OPTION):
    """Согласовать проект (директор) и направить его партнёру."""
    r = rt()
    agreements.approve(r, agreement_id, actor=actor(r, by))
    console.print(f"Договор №{agreement_id}: согласован и направлен партнёру")


@app.command("return")
@friendly
def return_(agreement_id: int, comment: str = typer.Option(..., help="Замечания к проекту"),
            by: Optional[str] = BY_OPTION):
    """Вернуть проект на доработку с замечаниями (директор)."""
    r = rt()
    agreements.return_draft(r, agreement_id, actor=actor(r, by), comment=comment)
    console.print(f"Договор №{agreement_id}: возвращён на доработку")


@app.command("record-signed")
@friendly
def record_signed(agreement_id: int, note: str = typer.Option("", help="Примечание"),
                  by: Optional[str] = BY_OPTION):
    """Отметить, что подписанный оригинал получен на бумаге (договор будет зарегистрирован)."""
    r = rt()
    agreements.record_signed(r, agreement_id, actor=actor(r, by), note=note)
    _print_number(r, agreement_id)


@app.command("cancel")
@friendly
def cancel(agreement_id: int, reason: str = typer.Option(..., help="Причина отмены"),
           by: Optional[str] = BY_OPTION):
    """Отменить договор до регистрации."""
    r = rt()
    agreements.cancel(r, agreement_id, actor=actor(r, by), reason=reason)
    console.print(f"Договор №{agreement_id}: отменён")


@app.command("terminate")
@friendly
def terminate(agreement_id: int, reason: str = typer.Option(..., help="Причина расторжения"),
              by: Optional[str] = BY_OPTION):
    """Расторгнуть действующий договор."""
    r = rt()
    agreements.terminate(r, agreement_id, actor=actor(r, by), reason=reason)
    console.print(f"Договор №{agreement_id}: расторгнут")


@app.command("renew")
@friendly
def renew(agreement_id: int, by: Optional[str] = BY_OPTION):
    """Продлить: закрыть действующий договор и начать новый, связанный с ним."""
    r = rt()
    new_id = agreements.renew(r, agreement_id, actor=actor(r, by))
    console.print(f"Договор №{agreement_id} продлён: новый договор №{new_id} на согласовании")


@app.command("advance")
@friendly
def advance(agreement_ids: Optional[list[int]] = typer.Argument(None)):
    """Выполнить автоматические шаги (регистрация подписанных договоров)."""
    r = rt()
    for ag_id in agreement_ids or agreements.pending_ids(r):
        state = agreements.advance(r, ag_id)
        console.print(f"Договор №{ag_id}: {AgreementState(state).label}")


@app.command("list")
@friendly
def list_(state: Optional[AgreementState] = typer.Option(None, help="Только в этом состоянии")):
    """Список договоров."""
    table = Table("№", "Партнёр", "Муниципалитет", "Состояние", "Рег. номер", "Дата рег.",
                  "Действует до", title="Договоры о сетевом взаимодействии")
    for row in agreement_queries.list_agreements(rt(), state):
        table.add_row(str(row["id"]), row["partner"], row["municipality"], row["state"],
                      row["number"], row["registered_on"], row["ends_on"])
    console.print(table)


@app.command("show")
@friendly
def show(agreement_id: int):
    """Карточка договора: состояние, документы, письма."""
    info = agreement_queries.show(rt(), agreement_id)
    if info is None:
        raise NotFound(f"Договор №{agreement_id} не найден")
    ag, org = info["agreement"], info["partner"]
    console.print(f"[bold]Договор №{ag.id}[/] — {org.full_name}")
    console.print(f"Состояние: {ag.state.label}")
    console.print(f"Регистрационный номер: {ag.number or '—'}"
                  + (f" от {date_long(ag.registered_on)}" if ag.registered_on else ""))
    console.print(f"Срок: {date_long(ag.starts_on)} — {date_long(ag.ends_on)}")
    for label, value in (("Замечания директора", ag.return_comment),
                         ("Причина отказа", ag.decline_reason), ("Причина", ag.close_reason)):
        if value:
            console.print(f"{label}: {value}")
    docs = Table("Документ", "Версия", "Файл", title="Документы")
    for doc, path in info["documents"]:
        docs.add_row(doc.filename, str(doc.version), str(path))
    console.print(docs)
    mails = Table("№", "Кому", "Тема", "Статус", title="Письма")
    for m in info["emails"]:
        mails.add_row(str(m.id), m.to_addr, m.subject, MAIL_STATUS_LABELS[m.status])
    console.print(mails)


def _print_number(r, agreement_id: int) -> None:
    ag = agreement_queries.show(r, agreement_id)["agreement"]
    console.print(f"Договор №{agreement_id}: {ag.state.label}"
                  + (f", номер {ag.number}" if ag.number else ""))
