"""`imc webinar …`: after a session — materials with the feedback link, certificates."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from adapters.russian import date_short
from cli.common import BY_OPTION, actor, console, friendly, rt
from cli.webinar import app
from services import webinar_certificates, webinar_materials
from services.errors import DomainError


@app.command("material")
@friendly
def material(session_id: int = typer.Argument(..., help="Номер вебинара (imc webinar show)"),
             title: str = typer.Option(..., "--title", help="Название материала"),
             url: Optional[str] = typer.Option(None, "--url", help="Ссылка на материал"),
             file: Optional[Path] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                                 help="Файл: PDF, DOCX, PPTX, XLSX, ZIP, "
                                                      "JPEG или PNG"),
             by: Optional[str] = BY_OPTION):
    """Добавить к вебинару материал: ссылку (--url) или файл (--file)."""
    if (url is None) == (file is None):
        raise DomainError("Укажите либо --url, либо --file (одно из двух)")
    r = rt()
    upload = (file.name, file.read_bytes()) if file is not None else None
    material_id = webinar_materials.add_material(r, session_id, title=title, url=url or "",
                                                 upload=upload, actor=actor(r, by))
    count = len(webinar_materials.materials(r, session_id))
    console.print(f"Материал №{material_id} «{title}» добавлен к вебинару №{session_id} "
                  f"(материалов: {count})")


@app.command("materials")
@friendly
def materials(session_id: int = typer.Argument(..., help="Номер вебинара"),
              again: bool = typer.Option(False, "--again",
                                         help="Повторная рассылка: новые материалы и "
                                              "участники, отмеченные позже"),
              by: Optional[str] = BY_OPTION):
    """Разослать участникам вебинара материалы и ссылку на анкету обратной связи."""
    r = rt()
    sent = webinar_materials.send_materials(r, session_id, actor=actor(r, by), again=again)
    if again and not sent:
        console.print("Новых писем нет: все участники уже получили эти материалы")
        return
    console.print(f"Материалы вебинара №{session_id} поставлены в очередь отправки: "
                  f"писем {sent}")


@app.command("certificates")
@friendly
def certificates(cycle_id: int = typer.Argument(..., help="Номер цикла (imc webinar list)"),
                 by: Optional[str] = BY_OPTION):
    """Выдать сертификаты участника тем, кто их заслужил и ещё не получил."""
    r = rt()
    result = webinar_certificates.issue_certificates(r, cycle_id, actor=actor(r, by))
    if result.issued:
        shown = result.numbers[0] if result.issued == 1 else \
            f"{result.numbers[0]} – {result.numbers[-1]}"
        console.print(f"Выдано сейчас: {result.issued} (№ {shown}); письма с сертификатами "
                      "поставлены в очередь отправки")
    else:
        console.print("Выдано сейчас: 0 — новых сертификатов нет")
    console.print(f"Выдано ранее: {result.already}")
    if result.without_email:
        console.print(f"Без адреса электронной почты (не отправлены): "
                      f"{', '.join(result.without_email)}")
    if result.sessions_done:
        console.print("Вебинары в состоянии «сертификаты выданы»: "
                      + ", ".join(f"№{i}" for i in result.sessions_done))
    if result.sessions_waiting:
        console.print("Вебинары цикла ещё не все прошли: сертификаты выдаются по мере того, как "
                      "участники набирают нужное число вебинаров")


@app.command("certificate-list")
@friendly
def certificate_list(cycle_id: int = typer.Argument(..., help="Номер цикла")):
    """Выданные сертификаты цикла: номер, ФИО, организация, за что."""
    rows = webinar_certificates.certificate_list(rt(), cycle_id)
    if not rows:
        console.print(f"У цикла №{cycle_id} сертификатов пока нет")
        return
    table = Table("Рег. №", "ФИО", "Организация", "За что", "Выдан",
                  title=f"Сертификаты участника, цикл №{cycle_id}")
    for row in rows:
        table.add_row(row["number"], row["name"], row["organisation"] or "—", row["scope"],
                      date_short(row["issued_at"]))
    console.print(table)
    console.print(f"Всего: {len(rows)}")
