"""What every command shares: the runtime, the acting staff member, Russian errors."""

from __future__ import annotations

import functools
from collections.abc import Callable

import typer
from rich.console import Console
from rich.markup import escape

from services.actors import Actor
from services.errors import DomainError
from services.org import staff_actor
from services.runtime import Runtime, default_runtime

console = Console()
err_console = Console(stderr=True)

BY_OPTION = typer.Option(
    None, "--by", "--as", envvar="IMC_STAFF_LOGIN",
    help="Логин сотрудника, который выполняет действие (или IMC_STAFF_LOGIN)")


def rt() -> Runtime:
    return default_runtime()


def actor(runtime: Runtime, login: str | None) -> Actor:
    if not login:
        raise DomainError(
            "Укажите, кто выполняет действие: --by ЛОГИН или переменная IMC_STAFF_LOGIN")
    return staff_actor(runtime, login)


def friendly(fn: Callable) -> Callable:
    """Domain refusals become a red Russian message and exit code 1, not a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as err:
            # The message may quote a file's value: «[…]» in it is text, not markup.
            err_console.print(f"[bold red]Ошибка:[/] {escape(err.message)}")
            raise typer.Exit(1) from err

    return wrapper


def parse_day(text: str):
    """«05.03.2024» → date; a Russian refusal otherwise."""
    from datetime import datetime

    try:
        return datetime.strptime(text.strip(), "%d.%m.%Y").date()
    except ValueError as err:
        raise DomainError(f"Дата «{text}» не распознана: укажите ДД.ММ.ГГГГ") from err
