"""The webinar platform's attendance export: reading it, matching its rows (no store access).

The file is CSV (UTF-8, UTF-8 with BOM or Windows-1251) or XLSX, read by adapters.tabular;
every row needs a name or an e-mail and the minutes present. Every problem comes back with
its line, so the import can refuse the whole file at once (docs/webinar-attendance.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.tabular import read_table
from models.problems import Problem
from services.partner_input import normalize_email

# The first spelling of each field is the documented one. Headers are compared ignoring
# case, spaces, punctuation and ё/е («E-mail:» == «email»).
COLUMNS: dict[str, list[str]] = {
    "name": ["ФИО", "ФИО участника", "Фамилия Имя Отчество", "Имя", "Имя участника",
             "Участник", "Слушатель", "Пользователь", "Отображаемое имя", "Name", "Full name",
             "Participant", "User", "User name", "Display name", "Name (Original Name)"],
    "email": ["E-mail", "Email участника", "Электронная почта", "Эл. почта", "Почта",
              "Адрес электронной почты", "Mail", "Email address", "User email",
              "Participant email"],
    "minutes": ["Минуты", "Минут", "Продолжительность", "Продолжительность, мин",
                "Длительность", "Длительность, мин", "Время присутствия",
                "Время присутствия, мин", "Время участия", "Время на вебинаре",
                "Присутствие, мин", "Duration", "Duration (minutes)", "Minutes",
                "Total duration", "Total duration (minutes)", "Time in session",
                "Attendance duration"],
}

MSG_NO_PERSON_COLUMN = "Нет столбца с участником: нужен «ФИО» или «E-mail» (можно оба)"
MSG_NO_PERSON = "нет ни ФИО, ни адреса электронной почты участника"
MSG_NO_MINUTES = "не указано время присутствия (минуты)"
MSG_BAD_MINUTES = ("время присутствия «{value}» не распознано: укажите минуты (45 или 45,5) "
                   "или время (0:45, 00:45:30, «1 ч 5 мин»)")
MSG_TOO_LONG = ("время присутствия «{value}» больше суток: два числа через двоеточие — это "
                "часы:минуты; минуты и секунды запишите как «0:45:30»")
MSG_BAD_EMAIL = "«{value}» не похож на адрес электронной почты"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2})(?:[.,]\d+)?)?$")
_UNITS = {
    3600: ("ч", "час", "часа", "часов", "h", "hr", "hrs", "hour", "hours"),
    60: ("м", "мин", "минута", "минуты", "минут", "m", "min", "mins", "minute", "minutes"),
    1: ("с", "сек", "секунда", "секунды", "секунд", "s", "sec", "secs", "second", "seconds"),
}
_UNIT_SECONDS = {word: seconds for seconds, words in _UNITS.items() for word in words}
_UNIT_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-zа-яё]+)\.?", re.IGNORECASE)


@dataclass(frozen=True)
class AttendanceRow:
    """One line of the export: who (name and/or e-mail, the e-mail lower-cased) and how long."""

    line: int
    name: str
    email: str
    seconds: int

    @property
    def minutes(self) -> int:
        return self.seconds // 60


@dataclass
class AttendanceFile:
    rows: list[AttendanceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def read_attendance(data: bytes, filename: str) -> AttendanceFile:
    """Every row of the export, or every problem with its line (the rows are then partial)."""
    table = read_table(data, filename, COLUMNS, required=("minutes",))
    result = AttendanceFile(problems=list(table.problems),
                            ignored_headers=list(table.unknown_headers))
    if table.header_line is not None and not {"name", "email"} & table.present:
        result.problems.insert(0, Problem(None, MSG_NO_PERSON_COLUMN))
    if result.problems and not table.rows:
        return result
    check_minutes = "minutes" in table.present
    for row in table.rows:
        name = " ".join(row.get("name").split())
        email = normalize_email(row.get("email")).removeprefix("mailto:")
        line_problems = []
        if not name and not email:
            line_problems.append(MSG_NO_PERSON)
        if email and not _EMAIL.match(email):
            line_problems.append(MSG_BAD_EMAIL.format(value=row.get("email").strip()))
        seconds = None
        if check_minutes:
            try:
                seconds = parse_duration(row.get("minutes"))
            except ValueError as err:
                line_problems.append(str(err))
        result.problems += [Problem(row.line, text) for text in line_problems]
        if not line_problems and seconds is not None:
            result.rows.append(AttendanceRow(row.line, name, email, seconds))
    return result


def parse_duration(text: str) -> int:
    """«45», «45,5», «0:45» (ч:мм), «00:45:30», «1 ч 5 мин» → seconds; ValueError in Russian."""
    value = text.replace("\xa0", " ").strip()
    if not value:
        raise ValueError(MSG_NO_MINUTES)
    seconds = _duration(value)
    if seconds > 24 * 3600:
        raise ValueError(MSG_TOO_LONG.format(value=value))
    return seconds


def _duration(value: str) -> int:
    bad = ValueError(MSG_BAD_MINUTES.format(value=value))
    if _NUMBER.match(value):
        return _seconds(value, 60)
    if clock := _CLOCK.match(value):
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        if minutes >= 60 or seconds >= 60:
            raise bad
        return hours * 3600 + minutes * 60 + seconds
    total, rest = 0, value.casefold()
    for number, unit in _UNIT_PART.findall(rest):
        if unit.replace("ё", "е") not in _UNIT_SECONDS:
            raise bad
        total += _seconds(number, _UNIT_SECONDS[unit])
    leftover = _UNIT_PART.sub("", rest).replace(",", "").strip()
    if leftover or not _UNIT_PART.search(rest):
        raise bad
    return total


def _seconds(number: str, unit: int) -> int:
    try:
        return int((Decimal(number.replace(",", ".")) * unit).to_integral_value())
    except InvalidOperation as err:  # pragma: no cover - the patterns allow digits only
        raise ValueError(MSG_BAD_MINUTES.format(value=number)) from err


def name_key(text: str) -> str:
    """Case, ё/е and extra spaces do not matter: «  КУЗНЕЦОВА  Мария Ивановна» == the card's."""
    return " ".join(text.casefold().replace("ё", "е").split())


def name_words(text: str) -> tuple[str, ...]:
    """The name's words in any order («Мария Кузнецова» and «Кузнецова Мария»)."""
    return tuple(sorted(name_key(text).replace(".", " ").split()))


def group_rows(rows: list[AttendanceRow], registrations: list[tuple[int, str, str, str]],
               known: Callable[[str], Any]):
    """Match rows to registrations ((id, e-mail, full name, «Фамилия Имя»)).

    A row with an e-mail is matched by that e-mail only: a registration of the session, else
    `known(email)` (a person of the store), else unknown — never by its name, so a namesake's
    registration never gets another person's minutes. A row without an e-mail is matched by
    a name that fits exactly one registration, else unknown. A person on several rows (left
    and rejoined) has the time summed.

    → ({registration id: seconds}, [(known person, seconds)], [unknown {line, name, email,
    minutes}]).
    """
    by_email = {normalize_email(email): rid for rid, email, _, _ in registrations if email}
    by_name: dict[tuple[str, ...], set[int]] = {}
    for rid, _, full, short in registrations:
        for key in {name_words(full), name_words(short)}:
            by_name.setdefault(key, set()).add(rid)
    totals: dict[int, int] = {}
    people: dict[int, list] = {}
    unknown: dict[str, dict] = {}
    for row in rows:
        if row.email:
            rid = by_email.get(row.email)
        else:
            found = by_name.get(name_words(row.name), set())
            rid = next(iter(found)) if len(found) == 1 else None
        if rid is not None:
            totals[rid] = totals.get(rid, 0) + row.seconds
            continue
        person = known(row.email) if row.email else None
        if person is not None:
            people.setdefault(person.id, [person, 0])[1] += row.seconds
            continue
        entry = unknown.setdefault(row.email or name_key(row.name), {
            "line": row.line, "name": row.name, "email": row.email, "seconds": 0})
        entry["seconds"] += row.seconds
    listed = [{"line": e["line"], "name": e["name"], "email": e["email"],
               "minutes": e["seconds"] // 60} for e in unknown.values()]
    return totals, [(p, s) for p, s in people.values()], listed


def namesake_notes(unknown: list[dict], registered: list[tuple[str, str, str]]) -> list[str]:
    """A hint for each unknown row with an e-mail whose name fits exactly one registered
    person ((e-mail, full name, «Фамилия Имя») of those the file did not credit): perhaps
    the same person under another address. Nothing is credited by it."""
    by_name: dict[tuple[str, ...], set[str]] = {}
    for email, full, short in registered:
        for key in {name_words(full), name_words(short)}:
            by_name.setdefault(key, set()).add(email)
    notes = []
    for entry in unknown:
        found = sorted(by_name.get(name_words(entry["name"]), ())) if entry["email"] else []
        if len(found) == 1:
            notes.append(f"строка {entry['line']}: «{entry['name']}» <{entry['email']}> не "
                         f"засчитан(а): почта не совпала, хотя ФИО как у записавшегося(ейся) "
                         f"<{found[0]}>; если это один человек, отметьте участие вручную "
                         "(imc webinar mark) или исправьте почту в файле")
    return notes
