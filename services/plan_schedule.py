"""The «Сроки» of the annual plan as the seed writes them → due dates in a plan year.

What is understood (case, line breaks and extra spaces do not matter):

    «Июнь, декабрь 2024», «Сентябрь, ноябрь, январь, март, апрель», «Март 2024г., Октябрь
    2024г.»                      dates: one occurrence per month, due on its last day
    «Апрель-август 2024»         period: one occurrence from the first day of the first
                                 month to the last day of the last one (the due date)
    «Ежегодно в период - октябрь, ноябрь»
                                 period (the months must follow one another)
    «В течение года»             whole_year: one occurrence 1 January – 31 December
    «По мере запроса»            on_request: no fixed date
    «В соответствии с планом проведения мероприятий»
                                 per_other_plan: follows another plan, no fixed date
    «… и по мере запроса»        the dates before it, and also on request (`on_request`)

Decisions:
- The plan is a calendar-year plan («План работы … на 2024 год»): a month without a year is
  a month of the plan year, even when the list follows the school year («Сентябрь, ноябрь,
  январь, март, апрель» for 2024 is January, March, April, September, November 2024).
  A year written after a month applies to it and to the year-less months before it
  («Июнь, декабрь 2024»). Occurrences are sorted by date.
- A year other than the plan year is refused, not moved: a plan for Y sets dates in Y only.
- «В течение года» is one occurrence due on 31 December, not quarterly checkpoints: the
  plan names no intermediate obligation; reminders before the year-end due date come from
  the reminder offsets.
- Anything else (a misspelt month, a day, «Когда-нибудь») is refused with a ScheduleError
  quoting the text; nothing is guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple

from services.errors import DomainError

__all__ = ["KIND_LABELS", "Occurrence", "Schedule", "ScheduleError", "ScheduleKind",
           "parse_schedule"]

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")
UNDERSTOOD = ("понятны месяцы («Июнь, декабрь 2024»), период («Апрель-август 2024»), "
              "«Ежегодно в период - октябрь, ноябрь», «В течение года», «По мере запроса», "
              "«В соответствии с планом проведения мероприятий»")


class ScheduleKind(StrEnum):
    DATES = "dates"
    PERIOD = "period"
    WHOLE_YEAR = "whole_year"
    ON_REQUEST = "on_request"
    PER_OTHER_PLAN = "per_other_plan"


KIND_LABELS = {
    ScheduleKind.DATES: "в указанные месяцы",
    ScheduleKind.PERIOD: "в указанный период",
    ScheduleKind.WHOLE_YEAR: "в течение года",
    ScheduleKind.ON_REQUEST: "по мере запроса",
    ScheduleKind.PER_OTHER_PLAN: "по плану проведения мероприятий",
}


class Occurrence(NamedTuple):
    start: date
    due: date


@dataclass(frozen=True)
class Schedule:
    """`on_request` is true for «По мере запроса» and for dates followed by «и по мере
    запроса»; on_request and per_other_plan have no occurrences."""

    kind: ScheduleKind
    occurrences: tuple[Occurrence, ...]
    text: str
    on_request: bool = False

    @property
    def due_dates(self) -> tuple[date, ...]:
        return tuple(o.due for o in self.occurrences)


class ScheduleError(DomainError):
    """A schedule that cannot be read; `text` is the phrase as written."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(message)
        self.text = text


_ALSO_ON_REQUEST = re.compile(r"^(.+?)[,;]?\s+и\s+по\s+мере\s+запроса$")
_PER_OTHER_PLAN = re.compile(r"^в\s+соответствии\s+с\s+план(?:ом|ами)(?:\s|$)")
_YEARLY = re.compile(r"^ежегодно[,:]?\s*")
_IN_PERIOD = re.compile(r"^в\s+период(?:\s*[-–—:]\s*|\s+|$)")
_DASH = re.compile(r"\s*[-–—]\s*")
_SEPARATOR = re.compile(r"\s*[,;]\s*|\s+и\s+")
_MONTH = re.compile(r"^([а-я]+)(?:\s+(\d{4})\s*(?:г\.?|года?)?)?$")


def parse_schedule(text: str, year: int) -> Schedule:
    """A «Сроки» phrase → its kind and occurrences in plan year `year`; ScheduleError if
    it cannot be read."""
    if not isinstance(text, str) or not text.strip():
        raise ScheduleError("" if text is None else str(text), "срок не указан")
    phrase = " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).lower().strip(" ,;")
    also_on_request = False
    if match := _ALSO_ON_REQUEST.match(phrase):
        phrase, also_on_request = match.group(1), True
    fixed = _fixed(phrase, text, year)
    if fixed is not None:
        kind, occurrences = fixed
        return Schedule(kind, occurrences, text,
                        also_on_request or kind == ScheduleKind.ON_REQUEST)
    phrase = _YEARLY.sub("", phrase)
    in_period = False
    if match := _IN_PERIOD.match(phrase):
        phrase, in_period = phrase[match.end():], True
    if not phrase:
        raise ScheduleError(text, f"в сроке «{_shown(text)}» не указаны месяцы")
    ends = _DASH.split(phrase)
    if len(ends) == 2 and not _SEPARATOR.search(phrase):
        kind, occurrences = ScheduleKind.PERIOD, (_range(ends, text, year),)
    elif len(ends) == 1:
        kind, occurrences = _month_list(phrase, text, year, in_period)
    else:
        raise _unreadable(text)
    return Schedule(kind, occurrences, text, also_on_request)


def _fixed(phrase: str, text: str, year: int):
    """The phrases without months: (kind, occurrences), or None."""
    if phrase == "в течение года":
        return ScheduleKind.WHOLE_YEAR, (Occurrence(date(year, 1, 1), date(year, 12, 31)),)
    if phrase in ("по мере запроса", "по запросу"):
        return ScheduleKind.ON_REQUEST, ()
    if _PER_OTHER_PLAN.match(phrase):
        return ScheduleKind.PER_OTHER_PLAN, ()
    return None


def _month_list(phrase: str, text: str, year: int, in_period: bool):
    parts = _SEPARATOR.split(phrase)
    if any(not p for p in parts):
        raise _unreadable(text)
    parsed = [_month(p, text) for p in parts]
    resolved: list[tuple[int, int]] = []  # (year, month), in the text's order
    carried: int | None = None
    for month, named in reversed(parsed):  # a year applies to the year-less months before it
        carried = named or carried
        resolved.append((_in_plan_year(carried or year, text, year), month))
    resolved.reverse()
    seen: set[tuple[int, int]] = set()
    for key in resolved:
        if key in seen:
            raise ScheduleError(text, f"в сроке «{_shown(text)}» месяц «{MONTHS[key[1] - 1]}» "
                                      "указан дважды")
        seen.add(key)
    if in_period:
        for (_, a), (_, b) in pairwise(resolved):
            if b != a + 1:
                raise ScheduleError(text, f"в сроке «{_shown(text)}» период указан месяцами не "
                                          "подряд: перечислите месяцы периода по порядку или "
                                          "уберите «в период», если это отдельные месяцы")
        return ScheduleKind.PERIOD, (_span(resolved[0], resolved[-1]),)
    return ScheduleKind.DATES, tuple(_span(key, key) for key in sorted(resolved))


def _range(ends: list[str], text: str, year: int) -> Occurrence:
    (first, first_year), (last, last_year) = (_month(e, text) for e in ends)
    last_year = _in_plan_year(last_year or first_year or year, text, year)
    first_year = _in_plan_year(first_year or last_year, text, year)
    if first >= last:
        raise ScheduleError(text, f"в сроке «{_shown(text)}» начало периода "
                                  f"({MONTHS[first - 1]}) не раньше его конца "
                                  f"({MONTHS[last - 1]})")
    return _span((first_year, first), (last_year, last))


def _month(part: str, text: str) -> tuple[int, int | None]:
    """«март», «март 2024г.» → (3, 2024 or None)."""
    match = _MONTH.match(part)
    if match is None:
        raise _unreadable(text)
    word, named = match.group(1), match.group(2)
    if word in MONTHS:
        return MONTHS.index(word) + 1, int(named) if named else None
    close = get_close_matches(word, MONTHS, n=1, cutoff=0.7)
    if close:
        raise ScheduleError(text, f"в сроке «{_shown(text)}» «{word}» — не название месяца "
                                  f"(может быть, «{close[0]}»?)")
    raise _unreadable(text)


def _in_plan_year(named: int, text: str, year: int) -> int:
    if named != year:
        raise ScheduleError(text, f"срок «{_shown(text)}» выходит за год плана: указан "
                                  f"{named} год, а план — на {year} год")
    return named


def _span(first: tuple[int, int], last: tuple[int, int]) -> Occurrence:
    (y1, m1), (y2, m2) = first, last
    return Occurrence(date(y1, m1, 1), date(y2, m2, calendar.monthrange(y2, m2)[1]))


def _shown(text: str) -> str:
    """The phrase quoted back on one line."""
    return " ".join(text.split())


def _unreadable(text: str) -> ScheduleError:
    return ScheduleError(text, f"срок «{_shown(text)}» не распознан: {UNDERSTOOD}")
