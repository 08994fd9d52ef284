"""`imc plan link|unlink|sync`: plan items tied to the records that carry them out."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape

from cli.common import BY_OPTION, actor, console, friendly, rt
from cli.plan import REF_HELP, app
from services import plan_links, plan_sync

KIND_HELP = ("Вид записи: contest (конкурс), webinar_cycle (цикл вебинаров), plan_meeting "
             "(заседание творческой группы), report (справка)")
OCCURRENCE = typer.Option(None, "--occurrence", min=1,
                          help="Номер срока пункта (1, 2, …, см. imc plan show), если их "
                               "несколько")
CODE = typer.Argument(..., help="Код пункта (pract-3, pract-1, theor-1, diag-2, …)")


def _where(item: str, position: int, due: str) -> str:
    """«Пункт pract-3, срок №1 до 31.05.2024»: how every line below names an occurrence."""
    return f"Пункт {item}, срок №{position} до {due}"


@app.command("link")
@friendly
def link(ref: int = typer.Argument(..., help=REF_HELP), item_code: str = CODE,
         kind: str = typer.Argument(..., help=KIND_HELP),
         object_id: int = typer.Argument(..., help="Номер записи"),
         occurrence: Optional[int] = OCCURRENCE, by: Optional[str] = BY_OPTION):
    """Связать срок пункта плана с записью процесса (конкурсом, циклом вебинаров,
    заседанием, справкой): пункт будет отмечен выполненным по этой записи."""
    r = rt()
    done = plan_links.link(r, ref, item_code, kind, object_id, occurrence=occurrence,
                           actor=actor(r, by))
    verb = "связь установлена" if done.made else "связь уже была, ничего не изменено"
    console.print(f"{_where(done.item, done.position, done.due)}: {verb} — "
                  f"{escape(done.record)}. Выполнение отметит imc plan sync (и sweep)")


@app.command("unlink")
@friendly
def unlink(ref: int = typer.Argument(..., help=REF_HELP), item_code: str = CODE,
           kind: str = typer.Argument(..., help=KIND_HELP),
           object_id: int = typer.Argument(..., help="Номер записи"),
           occurrence: Optional[int] = OCCURRENCE, by: Optional[str] = BY_OPTION):
    """Снять связь пункта плана с записью процесса (sweep её сам не восстановит)."""
    r = rt()
    done = plan_links.unlink(r, ref, item_code, kind, object_id, occurrence=occurrence,
                             actor=actor(r, by))
    if done is None:
        console.print(f"Пункт {escape(item_code)} не был связан с этой записью: ничего не "
                      "изменено")
        return
    console.print(f"{_where(done.item, done.position, done.due)}: связь снята — "
                  f"{escape(done.record)}")


@app.command("sync")
@friendly
def sync():
    """Отметить выполненными пункты плана по записям процессов (договоры, конкурсы,
    вебинары, справки) — то же делает sweep."""
    report = plan_sync.sync(rt())
    for x in report["linked"]:
        console.print(f"{_where(x['item'], x['position'], x['due'])}: "
                      f"связь установлена — {escape(x['record'])}")
    for x in report["closed"]:
        console.print(f"{_where(x['item'], x['position'], x['due'])}: "
                      f"{x['state']} ({x['day']}) — {escape(x['result'])}")
    if not report["linked"] and not report["closed"]:
        console.print("Изменений нет: по записям процессов выполненных пунктов не прибавилось")
