"""`imc db`, `imc seed`, `imc sweep`, `imc up`, `imc demo`: running the system."""

from __future__ import annotations

import asyncio
import os

import typer

from cli import audit
from cli.common import console, friendly, rt

db_app = typer.Typer(help="База данных", no_args_is_help=True)
db_app.command("verify")(audit.verify)


@db_app.command("upgrade")
@friendly
def upgrade():
    """Применить миграции к базе (IMC_DATABASE_URL или SQLite в var/)."""
    from services.db import upgrade as do_upgrade

    r = rt()
    do_upgrade(r.settings.sqlalchemy_url)
    console.print(f"База данных обновлена: {r.settings.sqlalchemy_url}")


@friendly
def seed():
    """Загрузить карточку МКУ ИМЦ (организация, директор, сотрудники)."""
    from services.seed import load_centre

    load_centre(rt())
    console.print("Карточка МКУ ИМЦ загружена")


@friendly
def sweep():
    """Выполнить наступившие сроки: напоминания, эскалации, окончание договоров; отправить почту."""
    from services import mail_delivery, sweep as sweep_service

    r = rt()
    report = sweep_service.fire_timers(r)
    mail = asyncio.run(mail_delivery.drain(r))
    console.print(sweep_service.summary(report, len(mail.sent)))
    if os.environ.get("PREFECT_API_URL"):  # events written without an API reach Prefect now
        from adapters.events import PrefectEventSink
        from services.event_forwarding import forward_pending

        console.print(f"Событий передано в Prefect: {forward_pending(r, PrefectEventSink())}")


def up():
    """Запустить всё на этой машине: базу, Prefect, почтовый ящик-заглушку, веб-приложение."""
    from deployments.local import run_local

    run_local()


def demo():
    """Показательный прогон: договоры с партнёрами, конкурс «Инновационный поиск 2024»,
    осенний цикл вебинаров 2024 года и год работы по плану (заседания, консультации,
    просрочка и эскалация, мониторинг и отчёт о выполнении плана)."""
    from demo import agreements, contests, plan, webinars

    console.rule("[bold]Договоры о сетевом взаимодействии[/]")
    agreements.run_demo()
    console.rule("[bold]Конкурс «Инновационный поиск 2024»[/]")
    contests.run_demo()
    console.rule("[bold]Осенний цикл сетевых методических вебинаров 2024 года[/]")
    webinars.run_demo()
    console.rule("[bold]Год работы по плану: 2024[/]")
    plan.run_demo()
