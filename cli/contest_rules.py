"""`imc contest rules …`: load, show and list the versions of contest rules (Положение)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from adapters.russian import MOSCOW, date_long, plural
from cli.common import BY_OPTION, actor, console, friendly, rt
from services import contest_rules
from services.contest_rules_checks import COMMISSION_VOTE, DATE_LABELS, dec, plain
from services.contest_rules_spec import AwardRule, RulesSpec
from services.errors import NotFound

rules_app = typer.Typer(help="Положения о конкурсах: версии правил", no_args_is_help=True)


@rules_app.command("load")
@friendly
def load(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Файл положения, YAML"),
         by: Optional[str] = BY_OPTION):
    """Загрузить положение; если текст изменился, сохраняется новая версия."""
    r = rt()
    rules_id, version, created = contest_rules.load_rules(r, file, actor=actor(r, by))
    row = contest_rules.rules_by_id(r, rules_id)
    state = "новая версия" if created else "без изменений"
    console.print(f"Положение «{row.code}» ({row.title}), версия {version}: {state}")


@rules_app.command("show")
@friendly
def show(code: str = typer.Argument(..., help="Код положения, см. imc contest rules list"),
         version: Optional[int] = typer.Option(None, "--version", help="Номер версии "
                                               "(по умолчанию последняя)")):
    """Показать положение: сроки, критерии, порядок равенства баллов, итоги, жюри."""
    r = rt()
    row = (contest_rules.latest_rules(r, code) if version is None
           else contest_rules.rules_version(r, code, version))
    if row is None:
        which = "" if version is None else f" версии {version}"
        raise NotFound(f"Положение «{code}»{which} не загружено: imc contest rules list")
    spec = contest_rules.spec_of(row)
    console.print(f"[bold]{spec.title}[/]")
    console.print(f"Положение «{row.code}», версия {row.version}, загружено "
                  f"{_moment(row.loaded_at)}" + (f" ({row.loaded_by})" if row.loaded_by else ""))
    console.print(f"Вид: {spec.kind_label}, {spec.year} год")
    console.print(f"Участники: {spec.eligibility_label}")
    _dates(spec)
    _criteria(spec)
    console.print(f"Экспертов на заявку: {spec.experts_per_application}; конфликт интересов: "
                  + ", ".join(_conflicts(spec)))
    console.print(f"Заявка отмечается при разбросе сумм экспертов больше "
                  f"{plain(dec(spec.spread_flag_share) * 100)} % от максимума "
                  f"({_points(dec(spec.spread_flag_share) * spec.max_total)})")
    console.print("Равенство баллов: " + " → ".join(_tie_step(spec, c) for c in spec.tie_break))
    console.print(f"Победители: {_award(spec.winners)}")
    console.print(f"Лауреаты: {_award(spec.laureates, after_winners=True)}")
    years = spec.status_validity_years
    console.print(f"Присваиваемый статус: «{spec.status_awarded}» на {years} "
                  f"{plural(years, 'год', 'года', 'лет')}")
    for item in spec.reporting_obligations:
        console.print(f"  • {item}")
    _jury(spec)


@rules_app.command("list")
@friendly
def list_():
    """Загруженные положения и их версии."""
    table = Table("Код", "Версия", "Название", "Загружено", "Кем", title="Положения о конкурсах")
    for row in contest_rules.all_rules(rt()):
        table.add_row(row.code, str(row.version), row.title, _moment(row.loaded_at), row.loaded_by)
    console.print(table)


def _dates(spec: RulesSpec) -> None:
    table = Table("Этап", "Дата", title="Сроки")
    for key, label in DATE_LABELS.items():
        table.add_row(label, date_long(getattr(spec.dates, key)))
    console.print(table)


def _criteria(spec: RulesSpec) -> None:
    table = Table("№", "Код", "Критерий", "Макс. балл", "Вес", "Макс. с весом",
                  title="Критерии оценки")
    for n, c in enumerate(spec.criteria, start=1):
        name = f"{c.name}\n[dim]{c.description}[/]" if c.description else c.name
        table.add_row(str(n), c.code, name, plain(c.max_score), plain(c.weight),
                      plain(c.weighted_max))
    table.add_row("", "", "[bold]Наибольшая сумма[/]", "", "", f"[bold]{plain(spec.max_total)}[/]")
    console.print(table)


def _jury(spec: RulesSpec) -> None:
    table = Table("Роль", "ФИО", "Должность", title="Жюри")
    table.add_row("Председатель", spec.jury.chair.name, spec.jury.chair.position)
    table.add_row("Секретарь", spec.jury.secretary.name, spec.jury.secretary.position)
    for m in spec.jury.members:
        table.add_row("Член жюри", m.name, m.position)
    console.print(table)


def _conflicts(spec: RulesSpec) -> list[str]:
    found = ["не из организации-заявителя", "не заявивший о конфликте"]
    if spec.conflicts.same_municipality:
        found.insert(1, "не из муниципалитета заявителя")
    return found


def _tie_step(spec: RulesSpec, code: str) -> str:
    return "голосование комиссии" if code == COMMISSION_VOTE else f"«{spec.criterion(code).name}»"


def _award(rule: AwardRule, *, after_winners: bool = False) -> str:
    parts = []
    if rule.top is not None:
        n = rule.top
        one, many = ("следующее", "следующие") if after_winners else ("первое", "первые")
        places = f"{one} место" if n == 1 else f"{many} {n} {plural(n, 'место', 'места', 'мест')}"
        parts.append(places + " рейтинга" + (" после победителей" if after_winners else ""))
    if rule.min_total is not None:
        parts.append(f"сумма баллов не ниже {plain(rule.min_total)}")
    return " и ".join(parts) if parts else "не предусмотрены"


def _points(value) -> str:
    """«18 баллов», «10,5 балла»."""
    number = dec(value)
    if number != number.to_integral_value():
        return f"{plain(number)} балла"
    return f"{plain(number)} {plural(int(number), 'балл', 'балла', 'баллов')}"


def _moment(value) -> str:
    return value.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")
