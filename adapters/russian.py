"""Russian office conventions (ГОСТ Р 7.0.97): dates, initials, signature lines, plurals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date

MOSCOW = ZoneInfo("Europe/Moscow")

ACTING = {"male": "действующего", "female": "действующей"}


def local_date(value: date | datetime) -> date:
    """The calendar date in Moscow of a date or an aware datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            # A naive time is ambiguous by three hours; refuse rather than guess the day.
            raise ValueError("Время без часового пояса: ожидается datetime с tzinfo")
        return value.astimezone(MOSCOW).date()
    return value


def date_long(value: date | datetime) -> str:
    """«5 марта 2024 г.»"""
    # babel's "MMMM" in a date pattern is the genitive (format context) month name.
    return f"{format_date(local_date(value), 'd MMMM y', locale='ru')} г."


def date_short(value: date | datetime) -> str:
    """«05.03.2024»"""
    return local_date(value).strftime("%d.%m.%Y")


def _initial(name: str) -> str:
    # A double first name keeps both initials: «Анна-Мария» → «А.-М.».
    return "-".join(f"{part[0].upper()}." for part in name.split("-") if part)


def initials_name(last: str, first: str, middle: str | None = "") -> str:
    """Signature form «И.О. Фамилия»: «О.А. Верзунова», «О. Верзунова» without a middle name."""
    initials = "".join(_initial(part.strip()) for part in (first, middle or "") if part.strip())
    return f"{initials} {last.strip()}" if initials else last.strip()


def signature_line(position: str, last: str, first: str, middle: str | None = "") -> str:
    """«Директор — О.А. Верзунова»"""
    return f"{position.strip()} — {initials_name(last, first, middle)}"


def acting(gender: str | None) -> str:
    """«действующего» / «действующей» for «…, действующего на основании Устава»."""
    return ACTING.get(gender or "", "действующего(-ей)")


def plural(n: int, one: str, few: str, many: str) -> str:
    """The noun form for n: plural(3, "год", "года", "лет") → «года»."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def years(n: int) -> str:
    """«1 год», «3 года», «5 лет»: a term in years, as in «сроком на 3 года»."""
    return f"{n} {plural(n, 'год', 'года', 'лет')}"


def _number(value) -> str:
    """10, 10.0, Decimal("10.00") → «10»; 51.5 → «51,5»: a number as people write it."""
    return format(Decimal(str(value)).normalize(), "f").replace(".", ",")


def points(value) -> str:
    """«1 балл», «2 балла», «60 баллов», «51,5 балла» (a fraction takes «балла»)."""
    text = _number(value)
    if "," in text:
        return f"{text} балла"
    return f"{text} {plural(int(text), 'балл', 'балла', 'баллов')}"


def points_genitive(value) -> str:
    """After «не менее», «более», «из»: «1 балла», «2 баллов», «60 баллов», «51,5 балла»."""
    text = _number(value)
    if "," in text:
        return f"{text} балла"
    return f"{text} {plural(int(text), 'балла', 'баллов', 'баллов')}"


def short_title(title: str) -> str:
    """«Муниципальный … конкурс «Инновационный поиск 2024»» → «Инновационный поиск 2024».

    Documents and letters say «конкурс «…»» themselves; the full title would read
    «конкурс «Муниципальный … конкурс «…»»». A title without quotes is kept as it is.
    """
    title = title.strip()
    start = title.find("«")
    return title[start + 1:-1].strip() if start >= 0 and title.endswith("»") else title


def file_size(n: int) -> str:
    """«2 КБ», «10 МБ», «1.5 МБ»: sizes as people read them."""
    if n >= 1024 * 1024:
        return f"{n / 1048576:.{0 if n % 1048576 == 0 else 1}f} МБ"
    return f"{max(1, round(n / 1024))} КБ"
