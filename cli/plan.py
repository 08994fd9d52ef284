"""`imc plan …`: the centre's annual plan of work, loaded from its YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import BY_OPTION, actor, console, friendly, rt
from services import plan as plan_service, plan_queries

app = typer.Typer(help="План работы инновационной площадки на год: загрузка, ответственные",
                  no_args_is_help=True)

REF_HELP = "Год плана (2024) или его номер, см. imc plan list"


@app.command("load")
@friendly
def load(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                     help="План работы, YAML (образец: data/plan/plan-2024.yaml)"),
         year: int = typer.Option(..., "--year", help="Год плана (должен совпадать с файлом)"),
         by: Optional[str] = BY_OPTION):
    """Загрузить план работы на год: весь файл или ничего. Повторная загрузка того же плана
    ничего не меняет; другой план на уже загруженный год не принимается."""
    r = rt()
    before = {row["id"] for row in plan_queries.list_plans(r)}
    plan_id = plan_service.load_plan_file(r, file, year=year, actor=actor(r, by))
    row = next(x for x in plan_queries.list_plans(r) if x["id"] == plan_id)
    verb = "уже был загружен, не изменён" if plan_id in before else "загружен"
    console.print(f"План работы на {row['year']} год (№{plan_id}) {verb}: пунктов "
                  f"{row['items']}, сроков {row['occurrences']}")


@app.command("list")
@friendly
def list_():
    """Загруженные планы работы."""
    table = Table("№", "Год", "План", "Пунктов", "Сроков", "Выполнено", "Просрочено",
                  "Файл", "Загружен", title="Планы работы")
    for row in plan_queries.list_plans(rt()):
        table.add_row(str(row["id"]), str(row["year"]), escape(row["title"]),
                      str(row["items"]), str(row["occurrences"]), str(row["done"]),
                      str(row["overdue"]), escape(row["source"]), row["loaded"])
    console.print(table)


@app.command("show")
@friendly
def show(ref: int = typer.Argument(..., help=REF_HELP)):
    """План по разделам: пункты, сроки, даты исполнения, ответственные, состояние."""
    view = plan_queries.plan_view(rt(), ref)
    console.print(f"[bold]{escape(view['title'])}[/] — план №{view['id']}, {view['year']} год "
                  f"(файл «{escape(view['source'])}», загружен {view['loaded']})")
    for section in view["sections"]:
        table = Table("Код", "№", "Деятельность", "Сроки", "Ожидаемый результат",
                      "Ответственный", "Срок исполнения: состояние",
                      title=escape(section["title"]), show_lines=True)
        for item in section["items"]:
            table.add_row(item["code"], str(item["number"] or ""), escape(item["activity"]),
                          escape(item["schedule"]), escape(item["result"]),
                          escape(item["responsible"]) or "не назначен", _dates(item))
        console.print(table)


@app.command("assign")
@friendly
def assign(ref: int = typer.Argument(..., help=REF_HELP),
           item_code: str = typer.Argument(..., help="Код пункта (diag-1, theor-2, …), см. "
                                                     "imc plan show"),
           login: str = typer.Argument(..., help="Логин сотрудника МКУ ИМЦ"),
           by: Optional[str] = BY_OPTION):
    """Назначить ответственного за пункт плана (методиста или директора центра)."""
    r = rt()
    who = actor(r, by)
    plan_id = plan_queries.plan_view(r, ref)["id"]
    plan_service.assign(r, plan_id, item_code, login, actor=who)
    item = next(i for s in plan_queries.plan_view(r, plan_id)["sections"] for i in s["items"]
                if i["code"] == item_code.strip())
    console.print(f"Пункт {item['code']} «{escape(_short(item['activity']))}»: ответственный — "
                  f"{escape(item['responsible'])}")


def _dates(item: dict) -> str:
    lines = [f"{o['due']}: {o['state']}" for o in item["occurrences"]]
    if item["on_request"]:
        lines.append("по мере запроса")
    return "\n".join(lines) or item["kind"]


def _short(text: str) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= 60 else line[:57] + "…"
