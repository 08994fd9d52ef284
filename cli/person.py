"""`imc person …`: a person's card, and corrections to it."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from cli.common import BY_OPTION, actor, console, friendly, rt
from services import people

app = typer.Typer(help="Люди: сотрудники, руководители, эксперты", no_args_is_help=True)

LABELS = {
    "email": "Email", "phone": "Телефон", "position": "Должность",
    "position_genitive": "Должность (род. п.)", "fio_genitive": "ФИО, родительный",
    "fio_dative": "ФИО, дательный", "fio_accusative": "ФИО, винительный",
    "fio_instrumental": "ФИО, творительный", "fio_prepositional": "ФИО, предложный",
}


@app.command("show")
@friendly
def show(ref: str = typer.Argument(..., help="Номер человека или логин сотрудника")):
    """Карточка: адрес, должность, ФИО во всех падежах."""
    info = people.card(rt(), ref)
    table = Table("Поле", "Значение", title=f"№{info['id']} {info['full_name']}")
    for field, label in LABELS.items():
        table.add_row(label, info[field])
    console.print(table)


@app.command("edit")
@friendly
def edit(
    ref: str = typer.Argument(..., help="Номер человека или логин сотрудника"),
    email: Optional[str] = typer.Option(None), phone: Optional[str] = typer.Option(None),
    position: Optional[str] = typer.Option(None),
    position_genitive: Optional[str] = typer.Option(None, help="«директора», «заведующей»…"),
    genitive: Optional[str] = typer.Option(None, help="ФИО в родительном падеже"),
    dative: Optional[str] = typer.Option(None, help="ФИО в дательном падеже"),
    accusative: Optional[str] = typer.Option(None),
    instrumental: Optional[str] = typer.Option(None),
    prepositional: Optional[str] = typer.Option(None),
    by: Optional[str] = BY_OPTION,
):
    """Исправить карточку (например, склонение ФИО, подставленное автоматически)."""
    values = {"email": email, "phone": phone, "position": position,
              "position_genitive": position_genitive, "fio_genitive": genitive,
              "fio_dative": dative, "fio_accusative": accusative,
              "fio_instrumental": instrumental, "fio_prepositional": prepositional}
    changes = {k: v for k, v in values.items() if v is not None}
    r = rt()
    diff = people.edit(r, ref, changes, actor=actor(r, by))
    for field, values in diff.items():
        console.print(f"{LABELS[field]}: {values['было']} → {values['стало']}")
    if not diff:
        console.print("Изменений нет")
