"""`imc person …`: the people of organisations (add, import, list), a card and corrections."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from cli.common import BY_OPTION, actor, console, friendly, rt
from services import people
from services.people_import import import_people

app = typer.Typer(help="Люди: сотрудники, руководители, заместители, эксперты",
                  no_args_is_help=True)

LABELS = {
    "email": "Email", "phone": "Телефон", "position": "Должность",
    "position_genitive": "Должность (род. п.)", "fio_genitive": "ФИО, родительный",
    "fio_dative": "ФИО, дательный", "fio_accusative": "ФИО, винительный",
    "fio_instrumental": "ФИО, творительный", "fio_prepositional": "ФИО, предложный",
}
ORG_HELP = "Номер организации или её краткое наименование (imc partner list)"


@app.command("add")
@friendly
def add(
    org: str = typer.Option(..., "--org", help=ORG_HELP),
    role: str = typer.Option(..., help="deputy — заместитель, head — руководитель, "
                                       "contact — контактное лицо"),
    last_name: str = typer.Option(..., help="Фамилия"),
    first_name: str = typer.Option(..., help="Имя"),
    middle_name: str = typer.Option("", help="Отчество"),
    position: str = typer.Option(..., help="«Заместитель директора по УВР»"),
    email: str = typer.Option(..., help="Email (туда уходят приглашения)"),
    phone: str = typer.Option("", help="Телефон"),
    gender: Optional[str] = typer.Option(None, help="male или female (иначе по отчеству)"),
    by: Optional[str] = BY_OPTION,
):
    """Добавить человека в организацию: заместителя, руководителя или контактное лицо."""
    r = rt()
    person_id = people.add_person(
        r, organisation_id=org, role=role, last_name=last_name, first_name=first_name,
        middle_name=middle_name, position=position, email=email, phone=phone, gender=gender,
        actor=actor(r, by))
    info = people.card(r, person_id)
    console.print(f"Человек добавлен: №{person_id} {info['full_name']}, {info['position']}")


@app.command("import")
@friendly
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                        help="CSV или XLSX, см. docs/people-import.md"),
            by: Optional[str] = BY_OPTION):
    """Загрузить людей организаций из файла: весь файл или ничего."""
    r = rt()
    report = import_people(r, file.read_bytes(), file.name, actor=actor(r, by))
    labels = {str(role): label for role, label in people.ROLE_LABELS.items()}
    counts = ", ".join(f"{labels[k]} — {v}" for k, v in sorted(report.by_role.items()))
    console.print(f"Загружено людей: {report.created}" + (f" ({counts})" if counts else ""))
    if report.ignored_headers:
        console.print(f"Не использованы столбцы: {', '.join(report.ignored_headers)}")


@app.command("list")
@friendly
def list_(org: Optional[str] = typer.Option(None, "--org", help=ORG_HELP),
          role: Optional[str] = typer.Option(
              None, help="head, deputy, contact, staff, director, expert")):
    """Люди организаций: роль, должность, адрес."""
    rows = people.list_people(rt(), organisation=org, role=role)
    table = Table("№", "ФИО", "Роль", "Должность", "Организация", "Email", "Телефон",
                  title="Люди организаций")
    for row in rows:
        table.add_row(row["id"], row["full_name"], row["role_label"], row["position"],
                      row["organisation"], row["email"], row["phone"])
    console.print(table)
    if not rows:
        console.print("Никого не найдено")


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
