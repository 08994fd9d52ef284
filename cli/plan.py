"""`imc plan …`: the centre's annual plan of work, loaded from its YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import BY_OPTION, actor, console, friendly, rt
from services import plan as plan_service, plan_queries, plan_results
from services.errors import DomainError

app = typer.Typer(help="План работы инновационной площадки на год: загрузка, ответственные",
                  no_args_is_help=True)

REF_HELP = "Год плана (2024) или его номер, см. imc plan list"
MAX_DAYS = 3660  # ten years ahead: a larger horizon is a typo
CODE_HELP = "Код пункта (diag-1, theor-2, …), см. imc plan show"
OCCURRENCE_OPTION = typer.Option(
    None, "--occurrence",
    help="Номер срока пункта (1, 2, …), если открытых сроков несколько; см. imc plan show")
AS_OPTION = typer.Option(
    None, "--as", "--by", envvar="IMC_STAFF_LOGIN",
    help="Логин сотрудника, который отмечает (или IMC_STAFF_LOGIN)")


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


@app.command("due")
@friendly
def due(ref: Optional[int] = typer.Argument(None, help=REF_HELP + "; без него — все планы"),
        days: int = typer.Option(14, "--days", help=f"На сколько дней вперёд (0–{MAX_DAYS})")):
    """Сроки пунктов плана на ближайшие дни и просроченные."""
    if not 0 <= days <= MAX_DAYS:
        raise DomainError(f"Число дней (--days) должно быть от 0 до {MAX_DAYS}, а указано {days}")
    view = plan_queries.due_list(rt(), ref, days)
    table = Table("Год", "Пункт", "Деятельность", "Срок", "Осталось", "Ответственный",
                  "Состояние", title=f"Сроки плана по {view['until']} и просроченные "
                                     f"(сегодня {view['today']})")
    for row in view["rows"]:
        left = row["days"]
        when = (f"просрочено на {-left} дн." if left < 0 else "сегодня" if left == 0
                else f"{left} дн.")
        table.add_row(str(row["year"]), f"{row['code']} (№{row['position']})",
                      escape(_short(row["activity"])), row["due"], when,
                      escape(row["responsible"]) or "не назначен", row["state"],
                      style="red" if row["overdue"] else None)
    console.print(table if view["rows"] else
                  f"Ни одного срока по {view['until']} и ни одного просроченного")


@app.command("close")
@friendly
def close(ref: int = typer.Argument(..., help=REF_HELP),
          item_code: str = typer.Argument(..., help=CODE_HELP),
          occurrence: Optional[int] = OCCURRENCE_OPTION,
          text: str = typer.Option("", "--text", help="Что сделано (описание результата)"),
          url: str = typer.Option("", "--url", help="Ссылка на результат (http/https)"),
          file: Optional[Path] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                              help="Файл с результатом: PDF, DOCX, DOC, XLSX, "
                                                   "PPTX, JPG или PNG"),
          document: Optional[int] = typer.Option(None, "--document",
                                                 help="Номер документа в системе"),
          by: Optional[str] = AS_OPTION):
    """Отметить выполнение срока пункта плана и приложить результат (в срок или с опозданием
    — по дате)."""
    r = rt()
    occ = plan_results.close(r, ref, item_code, occurrence=occurrence, text=text, url=url,
                             file_name=file.name if file else None,
                             data=file.read_bytes() if file else None, document_id=document,
                             actor=actor(r, by))
    console.print(f"Пункт {escape(item_code.strip())}, срок №{occ.position} до "
                  f"{occ.due:%d.%m.%Y}: {occ.state.label}")


@app.command("cancel")
@friendly
def cancel(ref: int = typer.Argument(..., help=REF_HELP),
           item_code: str = typer.Argument(..., help=CODE_HELP),
           occurrence: Optional[int] = OCCURRENCE_OPTION,
           reason: str = typer.Option(..., "--reason", help="Почему срок отменяется"),
           by: Optional[str] = AS_OPTION):
    """Отменить срок пункта плана (с причиной)."""
    r = rt()
    occ = plan_results.cancel(r, ref, item_code, occurrence=occurrence, reason=reason,
                              actor=actor(r, by))
    console.print(f"Пункт {escape(item_code.strip())}, срок №{occ.position} до "
                  f"{occ.due:%d.%m.%Y}: {occ.state.label} ({escape(occ.cancel_reason)})")


def _dates(item: dict) -> str:
    lines = [_occurrence_line(o) for o in item["occurrences"]]
    if item["on_request"]:
        lines.append("по мере запроса")
    return "\n".join(lines) or item["kind"]


def _occurrence_line(o: dict) -> str:
    line = f"{o['due']}: {o['state']}"
    if o["closed"]:
        line += f" {o['closed']}"
    if o["result"]:
        line += f" — {escape(o['result'])}"
    if o["cancel_reason"]:
        line += f" ({escape(o['cancel_reason'])})"
    return line


def _short(text: str) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= 60 else line[:57] + "…"
