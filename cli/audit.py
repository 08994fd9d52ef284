"""`imc audit KIND ID`: the trail of one object; `imc db verify`: states against the trail."""

from __future__ import annotations

import typer
from rich.table import Table

from adapters.clock import MOSCOW
from cli.common import console, friendly, rt
from models.audit import ACTOR_KIND_LABELS
from models.labels import MACHINES, action_label, state_label
from services.audit import inconsistencies, trail

KINDS = ("agreement, contest, application, contest_rules, organisation, person, email, "
         "link")


@friendly
def show(kind: str = typer.Argument(..., help=f"Вид объекта: {KINDS}"),
         object_id: int = typer.Argument(..., help="Номер объекта")):
    """Журнал аудита объекта: кто, когда, из какого состояния в какое, почему."""
    table = Table("Когда (МСК)", "Кто", "Действие", "Из", "В", "Итог", "Причина / подробности",
                  "Док.", "Письма", title=f"Журнал: {kind} №{object_id}")
    for e in trail(rt(), kind, object_id):
        extra = e.reason or e.details.get("error", "") or ", ".join(
            f"{k}={v}" for k, v in e.details.items())
        table.add_row(e.at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M:%S"),
                      f"{ACTOR_KIND_LABELS[e.actor_kind]}: {e.actor_label}",
                      action_label(kind, e.action), state_label(kind, e.from_state),
                      state_label(kind, e.to_state),
                      "выполнено" if e.outcome == "done" else "отказ",
                      extra, ",".join(map(str, e.document_ids)), ",".join(map(str, e.email_ids)))
    console.print(table)


@friendly
def verify():
    """Проверить, что состояния в базе совпадают с журналом."""
    runtime = rt()
    problems = [p for process, machine in MACHINES.items()
                for p in inconsistencies(runtime, process, machine.model, machine.column)]
    for p in problems:
        console.print(f"[red]{p}[/]")
    if problems:
        raise typer.Exit(1)
    console.print("Расхождений нет")
