"""What a webinar certificate and its letter are made from (templates/docx/README.md).

A `Unit` is one certificate to issue (or already issued): a person, its scope («session:<id>»
or «cycle»), the sessions it covers and the registrations it closes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date

from adapters.russian import date_long, local_date, plural
from models import Person
from models.webinar import Registration, WebinarCycle, WebinarSession

NUMBER_KIND = "webinar_certificate"  # services.numbering kind: «ВС-n/year», year of issue
TEMPLATE = "webinar_certificate.docx"
CYCLE_SCOPE = "cycle"
TOOK_PART = {"female": "приняла участие", "male": "принял участие"}


@dataclass
class Unit:
    person: Person
    organisation: str
    scope: str
    sessions: list[WebinarSession]  # the sessions the certificate covers, in order
    registrations: list[Registration]  # attended ones it moves to «сертификат выдан»
    number: str = ""  # set when issued now, or the number issued earlier
    new: bool = True  # False: the person holds it already, only registrations to close
    email_ids: list[int] = field(default_factory=list)

    @property
    def session_id(self) -> int | None:
        return self.sessions[0].id if self.scope != CYCLE_SCOPE else None


def session_scope(session_id: int) -> str:
    return f"session:{session_id}"


def certificate_number(n: int, year: int) -> str:
    return f"ВС-{n}/{year}"


def number_order(number: str) -> tuple[int, int]:
    """«ВС-12/2024» → (2024, 12): sorts numbers as issued."""
    body, _, year = number.partition("-")[2].partition("/")
    return (int(year or 0), int(body or 0))


def document_key(cycle_id: int, unit: Unit) -> str:
    return f"webinar_cycle:{cycle_id}:certificate:{unit.scope}:person:{unit.person.id}"


def email_key(cycle_id: int, unit: Unit) -> str:
    return f"webinar_cycle:{cycle_id}:certificate_mail:{unit.scope}:person:{unit.person.id}"


def took_part(gender: str) -> str:
    return TOOK_PART.get(gender or "", "принял(а) участие")


def hours_text(minutes: int) -> str:
    """90 → «1,5 часа», 180 → «3 часа», 100 → «1,7 часа», 360 → «6 часов»."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = format(hours.normalize(), "f").replace(".", ",")
    if "," in text:
        return f"{text} часа"
    return f"{text} {plural(int(text), 'час', 'часа', 'часов')}"


def period_text(days: list[date]) -> str:
    """«15 октября 2024 г.», «с 15 по 29 октября 2024 г.», «с 15 октября по 26 ноября 2024 г.»"""
    first, last = min(days), max(days)
    if first == last:
        return date_long(first)
    if first.year != last.year:
        return f"с {date_long(first)} по {date_long(last)}"
    head = str(first.day) if first.month == last.month else format_date(first, "d MMMM",
                                                                        locale="ru")
    return f"с {head} по {date_long(last)}"


def certificate_card(cycle: WebinarCycle, unit: Unit, sessions_total: int) -> dict:
    """The `certificate` of the template and of the letter (without number and date)."""
    per_session = unit.scope != CYCLE_SCOPE
    return {
        "per_session": per_session,
        "title": unit.sessions[0].topic if per_session else cycle.title,
        "dates_text": period_text([local_date(s.starts_at) for s in unit.sessions]),
        "hours_text": hours_text(sum(s.duration_minutes for s in unit.sessions)),
        "sessions_attended": len(unit.sessions),
        "sessions_total": sessions_total,
    }


def person_card(unit: Unit) -> dict:
    p = unit.person
    return {"name": p.full_name, "position": p.position, "organisation": unit.organisation,
            "took_part": took_part(p.gender)}


def document_context(centre: dict, cycle: WebinarCycle, unit: Unit, card: dict,
                     issued_on: str) -> dict:
    return {"centre": centre, "person": person_card(unit),
            "cycle": {"title": cycle.title, "year": cycle.year},
            "certificate": {**card, "number": unit.number, "date_long": issued_on}}


def filename(unit: Unit) -> str:
    return f"Сертификат участника {unit.number.replace('/', '-')}.docx"


def scope_label(scope: str, sessions: dict[int, WebinarSession]) -> str:
    """«цикл» or «вебинар 2 «Тема»» for the certificate list."""
    if scope == CYCLE_SCOPE:
        return "цикл"
    row = sessions.get(int(scope.partition(":")[2]))
    return f"вебинар {row.position} «{row.topic}»" if row else scope


def sessions_word(n: int) -> str:
    return f"{n} {plural(n, 'вебинар', 'вебинара', 'вебинаров')}"
