"""`imc webinar report CYCLE`: the cycle's figures printed, the .xlsx stored (and copied)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from cli import common
from cli.common import BY_OPTION, friendly
from cli.webinar import app
from services import documents
from services.webinar_queries import moscow_time
from services.webinar_report import average_text, cycle_report, percent_text
from services.webinar_report_tables import (
    Average,
    Percent,
    ReportTable,
    municipalities,
    organisations,
    sessions,
    summary,
)
from services.webinar_report_xlsx import export_report

# Looked up at call time, so tests can give their own runtime and a wide console.
rt = common.rt
console = common.console


@app.command("report")
@friendly
def report(cycle_id: int = typer.Argument(..., help="Номер цикла, см. imc webinar list"),
           xlsx: Optional[Path] = typer.Option(
               None, "--xlsx", dir_okay=False,
               help="Куда ещё скопировать отчёт .xlsx (он всегда сохраняется в документах)"),
           by: Optional[str] = BY_OPTION):
    """Отчёт по циклу: приглашённые, регистрации, участие, неявки, по организациям и
    муниципалитетам, сертификаты и отзывы; сохраняет .xlsx."""
    r = rt()
    who = common.actor(r, by)
    figures = cycle_report(r, cycle_id)
    console.print(f"[bold]Отчёт по циклу вебинаров № {figures.cycle_id}[/] «{figures.title}», "
                  f"{figures.year} год, {figures.state}; данные на "
                  f"{moscow_time(figures.as_of)} (МСК)")
    for table in (summary(figures), sessions(figures), organisations(figures),
                  municipalities(figures)):
        console.print(rich_table(table))
    doc = export_report(r, cycle_id, actor=who)
    path = documents.absolute_path(r, doc)
    console.print(f"Отчёт .xlsx (версия {doc.version}): {path}")
    if xlsx is not None:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, xlsx)
        console.print(f"Копия: {xlsx}")


def rich_table(table: ReportTable) -> Table:
    out = Table(title=table.title)
    for i, header in enumerate(table.headers):
        numeric = any(isinstance(row[i], int | Percent | Average) for row in table.rows)
        out.add_column(header, justify="right" if numeric else "left")
    for i, row in enumerate(table.rows):
        last = table.total and i == len(table.rows) - 1
        out.add_row(*(_text(v) for v in row), style="bold" if last else None,
                    end_section=i == len(table.rows) - 2 and table.total)
    return out


def _text(value) -> str:
    if isinstance(value, Percent):
        return percent_text(value.value)
    if isinstance(value, Average):
        return average_text(value.value)
    if isinstance(value, datetime):
        return moscow_time(value)
    return "" if value is None else str(value)
