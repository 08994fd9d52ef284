"""`imc partner …`: the partners' registry."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from pydantic import ValidationError
from rich.table import Table

from cli.common import BY_OPTION, actor, console, err_console, friendly, rt
from models import OrgKind
from services.partner_input import PartnerInput
from services.partners import add_partner, import_partners, list_partners

app = typer.Typer(help="Организации-партнёры и школы района", no_args_is_help=True)


@app.command("add")
@friendly
def add(
    full_name: str = typer.Option(..., help="Полное наименование"),
    short_name: str = typer.Option(..., help="Сокращённое наименование"),
    municipality: str = typer.Option(..., help="Муниципальное образование"),
    legal_address: str = typer.Option(..., help="Юридический адрес"),
    head_last_name: str = typer.Option(..., help="Фамилия руководителя"),
    head_first_name: str = typer.Option(..., help="Имя руководителя"),
    head_middle_name: str = typer.Option("", help="Отчество руководителя"),
    head_position: str = typer.Option("Директор", help="Должность руководителя"),
    head_email: str = typer.Option(..., help="Email руководителя (туда уходит договор)"),
    inn: Optional[str] = typer.Option(None, help="ИНН"),
    ogrn: Optional[str] = typer.Option(None, help="ОГРН"),
    phone: str = typer.Option("", help="Телефон организации"),
    email: str = typer.Option("", help="Email организации"),
    kind: OrgKind = typer.Option(OrgKind.PARTNER, help="partner или school"),
    by: Optional[str] = BY_OPTION,
):
    """Добавить организацию и её руководителя."""
    values = {k: v for k, v in locals().items() if k != "by"}
    try:
        card = PartnerInput(**values)
    except ValidationError as err:
        for e in err.errors():
            err_console.print(f"[bold red]Ошибка:[/] {e['msg'].removeprefix('Value error, ')}")
        raise typer.Exit(1) from err
    r = rt()
    org_id = add_partner(r, card, actor=actor(r, by))
    console.print(f"Организация добавлена: №{org_id} {card.short_name}")


@app.command("import")
@friendly
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                        help="CSV или XLSX, см. docs/partners-import.md"),
            kind: Optional[OrgKind] = typer.Option(
                None, help="school — школы района, partner — партнёры (если в файле нет "
                           "столбца «Вид организации»)"),
            by: Optional[str] = BY_OPTION):
    """Загрузить организации из файла: весь файл или ничего."""
    r = rt()
    report = import_partners(r, file.read_bytes(), file.name, actor=actor(r, by), kind=kind)
    console.print(f"Загружено организаций: {report.created}")
    if report.ignored_headers:
        console.print(f"Не использованы столбцы: {', '.join(report.ignored_headers)}")


@app.command("list")
@friendly
def list_(kind: Optional[OrgKind] = typer.Option(None, help="partner или school")):
    """Реестр организаций."""
    table = Table("№", "Организация", "Муниципалитет", "ИНН", "Руководитель", "Email",
                  title="Организации")
    for row in list_partners(rt(), kind):
        table.add_row(row["id"], row["short_name"], row["municipality"], row["inn"],
                      f"{row['head']}, {row['head_position']}", row["head_email"])
    console.print(table)
