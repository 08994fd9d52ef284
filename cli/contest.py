"""`imc contest …`: contests, their applications and screening."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from cli import contest_stages
from cli.common import BY_OPTION, actor, console, friendly, parse_day, rt
from models import ApplicationState
from services import contest_queries, contest_screening, contests
from services.contest_import import import_applications

app = typer.Typer(help="Конкурсы: положение, заявки, проверка", no_args_is_help=True)


def _mount_rules() -> None:
    from cli.contest_rules import rules_app

    app.add_typer(rules_app, name="rules")


_mount_rules()
contest_stages.register(app)


@app.command("create")
@friendly
def create(rules_code: str = typer.Argument(..., help="Код положения, см. imc contest rules list"),
           by: Optional[str] = BY_OPTION):
    """Создать конкурс по последней версии положения."""
    r = rt()
    contest_id = contests.create(r, rules_code=rules_code, actor=actor(r, by))
    console.print(f"Конкурс №{contest_id} создан (подготовка)")


@app.command("announce")
@friendly
def announce(contest_id: int, by: Optional[str] = BY_OPTION):
    """Объявить: приказ, положение и приглашения всем, кто может участвовать."""
    r = rt()
    contests.announce(r, contest_id, actor=actor(r, by))
    console.print(f"Конкурс №{contest_id} объявлен; приглашения поставлены в очередь")


@app.command("open-intake")
@friendly
def open_intake(contest_id: int, by: Optional[str] = BY_OPTION):
    """Открыть приём заявок раньше даты из положения."""
    r = rt()
    contests.open_intake(r, contest_id, actor=actor(r, by))
    console.print(f"Конкурс №{contest_id}: приём заявок открыт")


@app.command("close-intake")
@friendly
def close_intake(contest_id: int, by: Optional[str] = BY_OPTION):
    """Закрыть приём заявок (обычно это делает планировщик после срока)."""
    r = rt()
    contests.close_intake(r, contest_id, actor=actor(r, by))
    console.print(f"Конкурс №{contest_id}: приём заявок закрыт")


@app.command("list")
@friendly
def list_():
    """Конкурсы."""
    table = Table("№", "Конкурс", "Год", "Состояние", "Положение", "Приказ", title="Конкурсы")
    for row in contest_queries.list_contests(rt()):
        table.add_row(str(row["id"]), row["title"], str(row["year"]), row["state"], row["rules"],
                      row["order"])
    console.print(table)


@app.command("applications")
@friendly
def applications(contest_id: int, state: Optional[ApplicationState] = typer.Option(None)):
    """Заявки конкурса."""
    table = Table("№", "Рег. номер", "Организация", "Муниципалитет", "Проект", "Подана",
                  "Состояние", "Примечание", title=f"Заявки конкурса №{contest_id}")
    for row in contest_queries.list_applications(rt(), contest_id, state):
        table.add_row(str(row["id"]), row["number"], row["organisation"], row["municipality"],
                      row["project"], row["submitted"], row["state"], row["note"])
    console.print(table)


@app.command("import-applications")
@friendly
def import_(contest_id: int,
            file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV или XLSX"),
            by: Optional[str] = BY_OPTION):
    """Загрузить заявки, поступившие на бумаге или по почте: весь файл или ничего."""
    r = rt()
    ids = import_applications(r, contest_id, file.read_bytes(), file.name, actor=actor(r, by))
    console.print(f"Зарегистрировано заявок: {len(ids)}")


@app.command("accept")
@friendly
def accept(application_id: int, by: Optional[str] = BY_OPTION):
    """Принять заявку к экспертизе."""
    r = rt()
    contest_screening.accept(r, application_id, actor=actor(r, by))
    console.print(f"Заявка №{application_id} принята к экспертизе")


@app.command("return")
@friendly
def return_(application_id: int,
            reasons: str = typer.Option(..., help="Что нужно исправить"),
            until: Optional[str] = typer.Option(None, help="Срок доработки, ДД.ММ.ГГГГ"),
            by: Optional[str] = BY_OPTION):
    """Вернуть заявку на доработку с причинами и сроком."""
    r = rt()
    deadline = parse_day(until) if until else None
    result = contest_screening.return_for_revision(r, application_id, actor=actor(r, by),
                                                   reasons=reasons, until=deadline)
    console.print(f"Заявка №{application_id} возвращена; доработать до {result:%d.%m.%Y}")


@app.command("reject")
@friendly
def reject(application_id: int, reason: str = typer.Option(..., help="Причина"),
           by: Optional[str] = BY_OPTION):
    """Отклонить заявку."""
    r = rt()
    contest_screening.reject(r, application_id, actor=actor(r, by), reason=reason)
    console.print(f"Заявка №{application_id} отклонена")
