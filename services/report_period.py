"""Report periods: explicit dates «ДД.ММ.ГГГГ», a year «2024», a half-year «2024-1» / «2024-2».

Days are calendar days in Moscow, both ends included. `bounds` turns a period into the UTC
instants [start, end) that the stored datetimes are compared with. Staff give years from
FIRST_YEAR to LAST_YEAR: anything else is a typo (0000, 9999), refused in Russian.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from adapters.clock import MOSCOW, moscow_date
from adapters.russian import date_long
from services.errors import DomainError

_HALF = re.compile(r"^\s*(\d{4})\s*[-/.]\s*([12])\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_HALF_NAMES = {1: "первое полугодие", 2: "второе полугодие"}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def checked_year(y: int, given: str | int | None = None) -> int:
    """The year itself when FIRST_YEAR ≤ y ≤ LAST_YEAR; a Russian refusal otherwise."""
    if not FIRST_YEAR <= y <= LAST_YEAR:
        shown = y if given is None else given
        raise DomainError(f"Год «{shown}» вне допустимого диапазона: укажите год с "
                          f"{FIRST_YEAR} по {LAST_YEAR}")
    return y


def parse_day(text: str) -> date:
    """«05.03.2024» → date; a Russian refusal otherwise (a year outside 2000–2100 too)."""
    try:
        day = datetime.strptime(text.strip(), "%d.%m.%Y").date()
    except ValueError as err:
        raise DomainError(f"Дата «{text}» не распознана: укажите ДД.ММ.ГГГГ") from err
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(f"Дата «{text}» вне допустимого диапазона: укажите дату с "
                          f"{FIRST_YEAR} по {LAST_YEAR} год")
    return day


def checked(start: date, end: date) -> tuple[date, date]:
    """The period itself; refused when it ends before it starts."""
    if end < start:
        raise DomainError(f"Период указан неверно: конец ({end:%d.%m.%Y}) раньше начала "
                          f"({start:%d.%m.%Y})")
    return start, end


def year(value: int | str) -> tuple[date, date]:
    match = _YEAR.match(str(value))
    if not match:
        raise DomainError(f"Год «{value}» не распознан: укажите, например, 2024")
    y = checked_year(int(match.group(1)), match.group(1))
    return date(y, 1, 1), date(y, 12, 31)


def half(text: str) -> tuple[date, date]:
    """«2024-1» → 1 января – 30 июня 2024; «2024-2» → 1 июля – 31 декабря 2024."""
    match = _HALF.match(text)
    if not match:
        raise DomainError(f"Полугодие «{text}» не распознано: укажите ГГГГ-1 (январь–июнь) "
                          "или ГГГГ-2 (июль–декабрь), например 2024-1")
    return _half(checked_year(int(match.group(1)), match.group(1)), int(match.group(2)))


def _half(y: int, n: int) -> tuple[date, date]:
    return (date(y, 1, 1), date(y, 6, 30)) if n == 1 else (date(y, 7, 1), date(y, 12, 31))


def resolve(*, start: str | None = None, end: str | None = None, year_text: str | None = None,
            half_text: str | None = None) -> tuple[date, date]:
    """The period given one way: --from and --to, or --year, or --half."""
    given = [name for name, value in (("--from/--to", start or end), ("--year", year_text),
                                      ("--half", half_text)) if value]
    if len(given) != 1:
        raise DomainError("Укажите период одним способом: --from ДД.ММ.ГГГГ --to ДД.ММ.ГГГГ, "
                          "или --year ГГГГ, или --half ГГГГ-1 / ГГГГ-2")
    if year_text:
        return year(year_text)
    if half_text:
        return half(half_text)
    if not (start and end):
        raise DomainError("Укажите и начало (--from), и конец (--to) периода")
    return checked(parse_day(start), parse_day(end))


def half_year_before(day: date) -> tuple[date, date]:
    """The latest half-year that has ended by the end of `day` (a scheduled run on 30 June
    reports January–June; one delayed to 2 July still does)."""
    if day >= date(day.year, 12, 31):
        return date(day.year, 7, 1), date(day.year, 12, 31)
    if day >= date(day.year, 6, 30):
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year - 1, 7, 1), date(day.year - 1, 12, 31)


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Moscow, as aware datetimes."""
    return (datetime.combine(start, time(), MOSCOW),
            datetime.combine(end + timedelta(days=1), time(), MOSCOW))


def text(start: date, end: date) -> str:
    """«с 1 января 2024 г. по 31 декабря 2024 г.»"""
    return f"с {date_long(start)} по {date_long(end)}"


def name(start: date, end: date) -> str:
    """«2024 год», «первое полугодие 2024 года»; "" for any other period."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year} год"
    for n in (1, 2):
        if (start, end) == _half(start.year, n):
            return f"{_HALF_NAMES[n]} {start.year} года"
    return ""


def slug(start: date, end: date) -> str:
    """«2024», «2024-1», «20240201-20240315»: for keys and file names."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    for n in (1, 2):
        if (start, end) == _half(start.year, n):
            return f"{start.year}-{n}"
    return f"{start:%Y%m%d}-{end:%Y%m%d}"


def today(rt) -> date:
    """The runtime clock's calendar day in Moscow."""
    return moscow_date(rt.clock.now())
