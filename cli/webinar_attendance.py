"""`imc webinar …`: attendance — the platform's export, marking by hand, the attendees."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import BY_OPTION, actor, console, friendly, rt
from cli.webinar import app
from services import webinar_attendance
from services.webinar_attendance_record import AttendanceResult


@app.command("attendance")
@friendly
def attendance(session_id: int = typer.Argument(..., help="Номер вебинара, см. imc webinar show"),
               file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                           help="Выгрузка платформы: CSV или XLSX, "
                                                "см. docs/webinar-attendance.md"),
               min_minutes: Optional[int] = typer.Option(
                   None, "--min-minutes", min=0,
                   help="Сколько минут нужно, чтобы считаться участником (по умолчанию — "
                        "правило цикла)"),
               by: Optional[str] = BY_OPTION):
    """Загрузить явку из выгрузки платформы: весь файл или ничего."""
    r = rt()
    result = webinar_attendance.import_attendance(
        r, session_id, file.read_bytes(), file.name, actor=actor(r, by), min_minutes=min_minutes)
    console.print(f"Явка на вебинар №{result.session_id} загружена (загрузка №{result.import_id}, "
                  f"порог {result.min_minutes} мин.): строк в файле {result.rows}")
    _summary(result)
    if result.registered:
        console.print("Зарегистрированы по файлу (пришли без регистрации): "
                      + escape(", ".join(result.registered)))
    if result.ignored_headers:
        console.print("Не использованы столбцы: " + escape(", ".join(result.ignored_headers)))
    if result.unknown:
        table = Table("Строка", "ФИО", "Email", "Минут",
                      title=f"Не найдены среди зарегистрированных и в базе: {len(result.unknown)}")
        for u in result.unknown:
            table.add_row(str(u["line"]), escape(u["name"] or "—"), escape(u["email"] or "—"),
                          str(u["minutes"]))
        console.print(table)


@app.command("mark")
@friendly
def mark(session_id: int = typer.Argument(..., help="Номер вебинара"),
         attended: list[str] = typer.Option(
             [], "--attended", help="Email или номер регистрации участника (можно повторять "
                                    "или перечислить через запятую)"),
         absent: list[str] = typer.Option(
             [], "--absent", help="Email или номер регистрации отсутствовавшего"),
         by: Optional[str] = BY_OPTION):
    """Отметить участие вручную."""
    r = rt()
    result = webinar_attendance.mark(r, session_id, attended=_split(attended),
                                     absent=_split(absent), actor=actor(r, by))
    console.print(f"Участие на вебинаре №{result.session_id} отмечено (запись №{result.import_id})")
    _summary(result)


@app.command("attendees")
@friendly
def attendees(session_id: int = typer.Argument(..., help="Номер вебинара")):
    """Зарегистрированные на вебинар: состояние и минуты присутствия."""
    view = webinar_attendance.attendees(rt(), session_id)
    console.print(f"[bold]{escape(view['topic'])}[/] — вебинар №{view['id']}, {view['start']} МСК, "
                  f"{view['state']}")
    table = Table("Рег.", "ФИО", "Email", "Состояние", "Минут", "Источник",
                  title="Регистрации")
    for row in view["rows"]:
        minutes = "—" if row["minutes"] is None else str(row["minutes"])
        table.add_row(str(row["id"]), escape(row["name"]), escape(row["email"]),
                      row["state_label"], minutes, row["source"])
    console.print(table)
    if view["counts"]:
        console.print("Итого: " + ", ".join(f"{k} — {v}" for k, v in view["counts"].items()))
    if view["unknown"]:
        console.print(f"В последней выгрузке не найдены: {len(view['unknown'])} "
                      "(см. imc webinar attendance)")


def _summary(result: AttendanceResult) -> None:
    console.print(f"Участвовали: {result.attended}; не участвовали: {result.no_show}; "
                  f"изменено отметок: {result.changed}")
    for note in result.left_alone:
        console.print(f"Без изменений: {escape(note)}")
    for note in result.notes:
        console.print(f"[bold]Обратите внимание:[/] {escape(note)}")


def _split(values: list[str]) -> list[str]:
    return [part for value in values for part in re.split(r"[,;\s]+", value) if part]
