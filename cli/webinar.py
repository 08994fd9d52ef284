"""`imc webinar …`: webinar cycles from their YAML plan, their sessions."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from cli.common import BY_OPTION, actor, console, friendly, rt
from services import webinar_plan, webinar_queries
from services.errors import DomainError

app = typer.Typer(help="Циклы методических вебинаров: план, вебинары", no_args_is_help=True)


@app.command("plan")
@friendly
def plan(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                     help="План цикла, YAML (образец: data/samples/"
                                          "webinars-autumn-2024.yaml)"),
         by: Optional[str] = BY_OPTION):
    """Создать цикл вебинаров по плану: весь файл или ничего."""
    r = rt()
    cycle_id = webinar_plan.load_plan(r, file, actor=actor(r, by))
    view = webinar_queries.cycle_view(r, cycle_id)
    console.print(f"Цикл №{cycle_id} «{view['title']}» создан (подготовка); "
                  f"вебинаров: {len(view['sessions'])}")
    _sessions(view)


@app.command("create")
@friendly
def create(title: str = typer.Option(..., "--title", help="Название цикла"),
           year: int = typer.Option(..., "--year", help="Год"),
           sessions: list[str] = typer.Option(
               ..., "--session", help="Вебинар: «ДД.ММ.ГГГГ ЧЧ:ММ | Тема | Ведущий [| ссылка]» "
                                      "(московское время); повторите для каждого вебинара"),
           link: str = typer.Option("", "--link", help="Ссылка на подключение для вебинаров "
                                                         "без своей ссылки"),
           duration: int = typer.Option(90, "--duration", help="Продолжительность, минут"),
           capacity: int = typer.Option(100, "--capacity", help="Число мест"),
           goal: str = typer.Option("", "--goal", help="Цель цикла"),
           min_sessions: Optional[int] = typer.Option(
               None, "--min-sessions", help="Сертификат за цикл при посещении не менее N "
                                            "вебинаров (без опции — за каждый вебинар)"),
           save: Optional[Path] = typer.Option(None, "--save", dir_okay=False,
                                               help="Сохранить план в YAML-файл"),
           by: Optional[str] = BY_OPTION):
    """Создать цикл вебинаров из командной строки: аудитории по порядку паспорта проекта
    (первый — руководители, следующие — заместители; партнёры — на каждый)."""
    text = webinar_plan.draft_plan(
        title=title, year=year, goal=goal,
        rule="min_sessions" if min_sessions else "per_session", min_sessions=min_sessions,
        sessions=[_session_option(value, link, duration, capacity) for value in sessions])
    r = rt()
    cycle_id = webinar_plan.load_plan(r, text, actor=actor(r, by))
    if save is not None:
        save.write_text(text, encoding="utf-8")
    view = webinar_queries.cycle_view(r, cycle_id)
    console.print(f"Цикл №{cycle_id} «{view['title']}» создан (подготовка); "
                  f"вебинаров: {len(view['sessions'])}" + (f"; план: {save}" if save else ""))
    _sessions(view)


def _session_option(value: str, link: str, duration: int, capacity: int) -> dict:
    parts = [p.strip() for p in value.split("|")]
    if len(parts) not in (3, 4) or not all(parts[:3]):
        raise DomainError(f"Вебинар «{value}» не понят: укажите «ДД.ММ.ГГГГ ЧЧ:ММ | Тема | "
                          "Ведущий» и, если нужно, «| ссылка»")
    try:
        start = datetime.strptime(parts[0], "%d.%m.%Y %H:%M")
    except ValueError:
        raise DomainError(f"Дата и время «{parts[0]}» не распознаны: укажите ДД.ММ.ГГГГ ЧЧ:ММ "
                          "(московское время)") from None
    url = parts[3] if len(parts) == 4 else link
    if not url:
        raise DomainError(f"Для вебинара «{parts[1]}» нет ссылки на подключение: добавьте "
                          "«| ссылка» или --link")
    return {"topic": parts[1], "speaker": parts[2], "start": start.strftime("%Y-%m-%d %H:%M"),
            "duration": duration, "link": url, "capacity": capacity}


@app.command("announce")
@friendly
def announce(cycle_id: int = typer.Argument(..., help="Номер цикла, см. imc webinar list"),
             by: Optional[str] = BY_OPTION):
    """Объявить цикл: приглашения по аудиториям с персональными ссылками, регистрация открыта.
    Письма уходят с ближайшей рассылкой (imc mail send или сервис отправки)."""
    from services import webinar_invitations

    r = rt()
    invited = webinar_invitations.announce(r, cycle_id, actor=actor(r, by))
    view = webinar_queries.cycle_view(r, cycle_id)
    console.print(f"Цикл №{cycle_id} «{view['title']}» объявлен; приглашений: "
                  f"{sum(invited.values())}")
    _sessions(view)


@app.command("list")
@friendly
def list_():
    """Циклы вебинаров."""
    table = Table("№", "Цикл", "Год", "Вебинаров", "Первый (МСК)", "Состояние",
                  title="Циклы вебинаров")
    for row in webinar_queries.list_cycles(rt()):
        table.add_row(str(row["id"]), row["title"], str(row["year"]), str(row["sessions"]),
                      row["first"], row["state"])
    console.print(table)


@app.command("show")
@friendly
def show(cycle_id: int = typer.Argument(..., help="Номер цикла, см. imc webinar list")):
    """Цикл: цель, правило сертификатов и вебинары (время московское)."""
    view = webinar_queries.cycle_view(rt(), cycle_id)
    console.print(f"[bold]{view['title']}[/] — цикл №{view['id']}, {view['year']} год, "
                  f"{view['state']}")
    if view["goal"]:
        console.print(f"Цель: {view['goal']}")
    console.print(f"Сертификаты: {view['certificates']}")
    if view["partners_in_parallel"]:
        console.print("Сетевые партнёры приглашаются на каждый вебинар параллельно")
    _sessions(view)


def _sessions(view: dict) -> None:
    table = Table("№", "Вебинар", "Тема", "Ведущий", "Аудитория", "Начало (МСК)", "Мин.",
                  "Мест", "Записано", "Ссылка", "Состояние", title="Вебинары цикла")
    for s in view["sessions"]:
        table.add_row(str(s["position"]), str(s["id"]), s["topic"], s["speaker"], s["segment"],
                      f"{s['start']}–{s['end']}", str(s["duration"]), str(s["capacity"]),
                      str(s["registered"]), s["link"], s["state"])
    console.print(table)


# The commands of the later stages live beside this module, each in its own file; importing
# them registers their commands on `app`.
from cli import (  # noqa: E402,F401
    webinar_attendance,
    webinar_followup,
    webinar_report,
    webinar_requests,
    webinar_schedule,
)
