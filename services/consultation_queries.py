"""Reading consultations: one card, the list for staff, and those held in a period (the
monitoring counts them toward plan item pract-2). Times are shown in Europe/Moscow."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import select

from adapters.clock import MOSCOW, as_utc
from adapters.russian import date_long
from models import Document, Organisation, Person
from models.consultation import Consultation, ConsultationState
from services.errors import DomainError, NotFound
from services.report_period import checked_year
from services.runtime import Runtime, Tx
from services.webinar_queries import moscow_time

KIND = "consultation"


def get(tx: Tx, consultation_id: int) -> Consultation:
    row = tx.session.get(Consultation, consultation_id)
    if row is None:
        raise NotFound(f"Запрос на консультацию №{consultation_id} не найден")
    return row


def card_of(tx: Tx, c: Consultation) -> dict:
    """What letters, the CLI and tests show of a consultation."""
    org = tx.session.get(Organisation, c.organisation_id) if c.organisation_id else None
    who = tx.session.get(Person, c.methodologist_id) if c.methodologist_id else None
    doc = tx.session.get(Document, c.result_document_id) if c.result_document_id else None
    return {
        "id": c.id, "state": str(c.state), "state_label": c.state.label,
        "submitted": moscow_time(c.submitted_at), "source": c.source,
        "organisation": c.organisation_name, "organisation_id": c.organisation_id,
        "matched": org.short_name if org else "", "municipality": org.municipality if org else "",
        "requester": c.requester_name, "email": c.email, "phone": c.phone,
        "topic": c.topic, "question": c.question, "form": str(c.form),
        "form_label": c.form.label, "preferred_dates": c.preferred_dates,
        "methodologist": who.full_name if who else "",
        "methodologist_position": who.position if who else "",
        "methodologist_email": who.email if who else "",
        "methodologist_gender": who.gender if who else "",
        "methodologist_phone": who.phone if who else "",
        "scheduled": moscow_time(c.scheduled_at) if c.scheduled_at else "",
        "held": moscow_time(c.held_at) if c.held_at else "",
        "held_date": date_long(as_utc(c.held_at)) if c.held_at else "",
        "duration": c.duration_minutes, "result": c.result,
        "result_file": doc.filename if doc else "", "reason": c.decline_reason,
    }


def consultation_view(rt: Runtime, consultation_id: int) -> dict:
    with rt.transaction() as tx:
        return card_of(tx, get(tx, consultation_id))


def parse_state(text: str | None) -> ConsultationState | None:
    """A state by its code (held) or its Russian name (проведена); None for nothing."""
    wanted = " ".join((text or "").split()).casefold()
    if not wanted:
        return None
    for state in ConsultationState:
        if wanted in (state.value, state.label.casefold()):
            return state
    known = ", ".join(f"{s.value} ({s.label})" for s in ConsultationState)
    raise DomainError(f"Состояние «{text}» не распознано; возможны: {known}")


def list_consultations(rt: Runtime, *, state: ConsultationState | None = None,
                       year: int | None = None) -> list[dict]:
    """Consultations oldest first; `year` keeps those asked for or held in that Moscow year
    (2000–2100; another is refused in Russian)."""
    if year is not None:
        checked_year(year)
    with rt.transaction() as tx:
        stmt = select(Consultation).order_by(Consultation.id)
        if state is not None:
            stmt = stmt.where(Consultation.state == state)
        if year is not None:
            start, end = _bounds(date(year, 1, 1), date(year, 12, 31))
            stmt = stmt.where(or_(
                (Consultation.submitted_at >= start) & (Consultation.submitted_at < end),
                (Consultation.held_at >= start) & (Consultation.held_at < end)))
        return [card_of(tx, c) for c in tx.session.exec(stmt)]


def held_between(tx: Tx, start: date, end: date) -> list[Consultation]:
    """Consultations held from `start` to `end` (Moscow days, both inclusive), in the order
    they were held; declined or cancelled ones never count."""
    if end < start:
        raise DomainError(f"Период {start:%d.%m.%Y}–{end:%d.%m.%Y} заканчивается раньше, "
                          "чем начинается")
    low, high = _bounds(start, end)
    stmt = (select(Consultation)
            .where(Consultation.state == ConsultationState.HELD,
                   Consultation.held_at >= low, Consultation.held_at < high)
            .order_by(Consultation.held_at, Consultation.id))
    return list(tx.session.exec(stmt))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[the first day's Moscow midnight, the midnight after the last day), in UTC."""
    low = datetime.combine(start, time(), MOSCOW)
    high = datetime.combine(end + timedelta(days=1), time(), MOSCOW)
    return as_utc(low), as_utc(high)


