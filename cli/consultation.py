"""`imc consult …`: consultations on request (plan item pract-2) — list, show, assign a
methodologist, log one as held with its result, decline, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import BY_OPTION, actor, console, friendly, rt
from services import consultation_decisions as decisions, consultation_queries as queries

app = typer.Typer(help="Консультации участников сетевого взаимодействия по запросу",
                  no_args_is_help=True)

NUMBER = typer.Argument(..., help="Номер запроса на консультацию, см. imc consult list")


@app.command("list")
@friendly
def list_(state: Optional[str] = typer.Option(
              None, "--state", help="Состояние: submitted (получен запрос), assigned, held, "
                                    "declined, cancelled — или его русское название"),
          year: Optional[int] = typer.Option(
              None, "--year", help="Год: поступившие или проведённые в этом году")):
    """Запросы на консультацию, старые сначала."""
    rows = queries.list_consultations(rt(), state=queries.parse_state(state), year=year)
    if not rows:
        console.print("Запросов на консультацию нет")
        return
    table = Table("№", "Поступил", "Организация", "Тема", "Форма", "Методист", "Время",
                  "Состояние", title="Консультации по запросу")
    for r in rows:
        when = r["held"] or r["scheduled"] or "—"
        table.add_row(str(r["id"]), r["submitted"], escape(_organisation(r)),
                      escape(r["topic"]), r["form_label"], escape(r["methodologist"] or "—"),
                      when, r["state_label"])
    console.print(table)


@app.command("show")
@friendly
def show(consultation_id: int = NUMBER):
    """Запрос на консультацию: кто просит, тема, методист, результат."""
    r = queries.consultation_view(rt(), consultation_id)
    lines = [
        f"Запрос на консультацию №{r['id']} от {r['submitted']} "
        f"({'через API' if r['source'] == 'api' else 'с сайта'}) — {r['state_label']}",
        f"Организация: {_organisation(r)}",
        f"Кто просит: {r['requester']}, {r['email']}" + (f", {r['phone']}" if r["phone"] else ""),
        f"Тема: {r['topic']}",
        f"Вопрос: {r['question'] or '—'}",
        f"Форма: {r['form_label']}; удобные даты: {r['preferred_dates'] or '—'}",
    ]
    if r["methodologist"]:
        lines.append(f"Методист: {r['methodologist']}"
                     + (f", время {r['scheduled']} (МСК)" if r["scheduled"] else ""))
    if r["held"]:
        minutes = f", {r['duration']} мин." if r["duration"] else ""
        lines.append(f"Проведена {r['held']} (МСК){minutes}. Результат: {r['result']}")
    if r["result_file"]:
        lines.append(f"Файл результата: {r['result_file']}")
    if r["reason"]:
        lines.append(f"Причина отказа или отмены: {r['reason']}")
    for line in lines:
        console.print(line, markup=False, highlight=False)


@app.command("assign")
@friendly
def assign(consultation_id: int = NUMBER,
           login: str = typer.Argument(..., help="Логин методиста (сотрудника МКУ ИМЦ)"),
           at: Optional[str] = typer.Option(None, "--at", help="Время консультации, "
                                            "«ДД.ММ.ГГГГ ЧЧ:ММ», московское"),
           by: Optional[str] = BY_OPTION):
    """Назначить методиста, передать другому или перенести; методист и заявитель получат письма."""
    r = rt()
    when = decisions.parse_moment(at) if at else None
    decisions.assign(r, consultation_id, login, scheduled_at=when, actor=actor(r, by))
    view = queries.consultation_view(r, consultation_id)
    time_ = f" на {view['scheduled']} (МСК)" if view["scheduled"] else ""
    console.print(f"Консультация №{consultation_id}{time_}: методист — {view['methodologist']}. "
                  "Письма методисту и заявителю отправлены.", markup=False, highlight=False)


@app.command("hold")
@friendly
def hold(consultation_id: int = NUMBER,
         result: str = typer.Option(..., "--result", help="Итоги: что обсуждали, что "
                                                          "рекомендовано"),
         at: Optional[str] = typer.Option(None, "--at", help="Когда проведена: «ДД.ММ.ГГГГ "
                                          "ЧЧ:ММ» или «ДД.ММ.ГГГГ» (по умолчанию — сейчас)"),
         minutes: Optional[int] = typer.Option(None, "--minutes", help="Продолжительность"),
         file: Optional[Path] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                             help="Файл с результатом (PDF, DOCX, …)"),
         by: Optional[str] = BY_OPTION):
    """Отметить проведение консультации с результатом; заявитель получит итоги письмом."""
    r = rt()
    when = decisions.parse_moment(at, day_allowed=True) if at else None
    upload = (file.name, file.read_bytes()) if file else None
    decisions.hold(r, consultation_id, result=result, held_at=when, duration_minutes=minutes,
                   file=upload, actor=actor(r, by))
    view = queries.consultation_view(r, consultation_id)
    console.print(f"Консультация №{consultation_id} проведена {view['held']} (МСК); итоги "
                  "отправлены заявителю.", markup=False, highlight=False)


@app.command("decline")
@friendly
def decline(consultation_id: int = NUMBER,
            reason: str = typer.Option(..., "--reason", help="Причина отказа"),
            by: Optional[str] = BY_OPTION):
    """Отклонить запрос (пока методист не назначен); заявитель получит письмо с причиной."""
    r = rt()
    decisions.decline(r, consultation_id, reason=reason, actor=actor(r, by))
    console.print(f"Запрос на консультацию №{consultation_id} отклонён; заявителю отправлено "
                  "письмо с причиной.", markup=False, highlight=False)


@app.command("cancel")
@friendly
def cancel(consultation_id: int = NUMBER,
           reason: str = typer.Option(..., "--reason", help="Причина отмены (например, "
                                                            "заявитель отозвал запрос)"),
           by: Optional[str] = BY_OPTION):
    """Отменить консультацию до её проведения; заявитель и методист получат письмо."""
    r = rt()
    decisions.cancel(r, consultation_id, reason=reason, actor=actor(r, by))
    console.print(f"Консультация №{consultation_id} отменена; письма отправлены.",
                  markup=False, highlight=False)


def _organisation(r: dict) -> str:
    if r["matched"] and r["matched"] != r["organisation"]:
        return f"{r['organisation']} ({r['matched']})"
    return r["organisation"]
