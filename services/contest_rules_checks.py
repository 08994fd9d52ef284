"""Checks across the fields of a rules file, and the constants and numbers they share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

COMMISSION_VOTE = "commission_vote"
DATE_FIELDS = ("announcement", "intake_opens", "intake_closes", "screening_until", "review_due",
               "results")
MIN_CRITERIA, MAX_CRITERIA = 3, 10

DATE_LABELS = {
    "announcement": "объявление конкурса",
    "intake_opens": "начало приёма заявок",
    "intake_closes": "окончание приёма заявок",
    "screening_until": "проверка заявок до",
    "review_due": "экспертиза до",
    "results": "подведение итогов",
}


def dec(value: Any) -> Decimal:
    """An exact Decimal of a YAML number (1.2 stays 1.2, not its binary neighbour)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def plain(value: Any) -> str:
    """10.0 → «10», 1.5 → «1,5»: a number as people write it."""
    return format(dec(value).normalize(), "f").replace(".", ",")


Path = tuple[str | int, ...]


def cross_problems(data: dict) -> list[tuple[Path, str]]:
    """Checks across fields, tolerant of raw YAML data: (path, Russian message) each."""
    found: list[tuple[Path, str]] = []
    criteria = data.get("criteria")
    codes: list[str] = []
    if isinstance(criteria, list | tuple):
        if not MIN_CRITERIA <= len(criteria) <= MAX_CRITERIA:
            found.append((("criteria",), f"критериев должно быть от {MIN_CRITERIA} до "
                          f"{MAX_CRITERIA}, а указано {len(criteria)}"))
        for i, c in enumerate(criteria):
            code = c.get("code") if isinstance(c, dict) else None
            if isinstance(code, str) and code in codes:
                found.append((("criteria", i, "code"), f"код критерия «{code}» повторяется: "
                              "коды критериев должны быть разными"))
            codes.append(code)
    found += _tie_break_problems(data.get("tie_break"), codes if criteria is not None else None)
    found += _date_problems(data.get("dates"))
    found += _award_problems(data, criteria)
    conflicts = data.get("conflicts")
    if (data.get("kind") == "intermunicipal" and isinstance(conflicts, dict)
            and conflicts.get("same_municipality") is False):
        found.append((("conflicts", "same_municipality"), "в межмуниципальном конкурсе эксперт "
                      "не может оценивать заявки своего муниципалитета: укажите true"))
    return found


def _tie_break_problems(order: Any, codes: list | None) -> list[tuple[Path, str]]:
    if not isinstance(order, list | tuple):
        return []
    found = []
    if not order or order[-1] != COMMISSION_VOTE:
        found.append((("tie_break",), "порядок разрешения равенства баллов должен "
                      f"заканчиваться голосованием комиссии ({COMMISSION_VOTE})"))
    seen = set()
    for i, code in enumerate(order):
        if code in seen:
            found.append((("tie_break", i), f"«{code}» указан в порядке равенства баллов дважды"))
        seen.add(code)
        if code == COMMISSION_VOTE:
            if i != len(order) - 1:
                found.append((("tie_break", i), "голосование комиссии должно быть последним"))
        elif codes is not None and code not in codes:
            found.append((("tie_break", i), f"в порядке равенства баллов указан неизвестный "
                          f"критерий «{code}»"))
    return found


def _date_problems(dates: Any) -> list[tuple[Path, str]]:
    if not isinstance(dates, dict):
        return []
    known = [(k, _as_date(dates.get(k))) for k in DATE_FIELDS]
    known = [(k, d) for k, d in known if d is not None]
    found = []
    for (k1, d1), (k2, d2) in pairwise(known):
        if d2 < d1:
            found.append((("dates", k2), f"сроки не по порядку: «{DATE_LABELS[k2]}» "
                          f"({d2:%d.%m.%Y}) раньше, чем «{DATE_LABELS[k1]}» ({d1:%d.%m.%Y})"))
    return found


def _award_problems(data: dict, criteria: Any) -> list[tuple[Path, str]]:
    found = []
    winners = data.get("winners")
    if isinstance(winners, dict) and winners.get("top") is None \
            and winners.get("min_total") is None:
        found.append((("winners",), "не задано правило определения победителей: укажите "
                      "top (число мест) и/или min_total (минимальную сумму баллов)"))
    top = _max_total(criteria)
    for key, what in (("winners", "победителей"), ("laureates", "лауреатов")):
        rule = data.get(key)
        value = rule.get("min_total") if isinstance(rule, dict) else None
        if top is not None and _is_number(value) and dec(value) > top:
            found.append(((key, "min_total"), f"порог для {what} {value} больше максимально "
                          f"возможной суммы баллов {top}"))
    return found


def _max_total(criteria: Any) -> Decimal | None:
    if not isinstance(criteria, list | tuple):
        return None
    pairs = [(c.get("max_score"), c.get("weight")) for c in criteria if isinstance(c, dict)]
    if not pairs or not all(_is_number(m) and _is_number(w) for m, w in pairs):
        return None
    return sum((dec(m) * dec(w) for m, w in pairs), Decimal(0))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
