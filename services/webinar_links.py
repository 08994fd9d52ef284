"""The webinar.register personal link: what its page shows, and its two actions.

GET shows the session (topic, speaker, Moscow date and time, the cycle), the person and the
state of their registration (with the place in the waiting list); opening it is audited and
changes nothing. The actions — register, cancel — are those of
`services.webinar_registration`, which check the token again and audit every refusal.
The session card and the «is registration possible» rule are shared with the open page.
"""

from __future__ import annotations

from babel.dates import format_date
from sqlalchemy import and_, func, or_
from sqlmodel import select

from adapters.clock import MOSCOW
from adapters.russian import date_long
from models import Person
from models.webinar import (
    Registration,
    RegistrationState as R,
    SessionState as S,
    WebinarCycle,
    WebinarSession,
)
from services import links, webinar_registration
from services.actors import Actor
from services.audit import record_event
from services.errors import NotFound
from services.runtime import Runtime, Tx
from services.webinar_invitations import KIND, PURPOSE_REGISTER
from services.webinar_registration import OPEN, TAKING

ACTIONS = ("register", "cancel")


# ---- the session, as every webinar page shows it ---------------------------------------------


def session_card(tx: Tx, row: WebinarSession) -> dict:
    """The session as pages show it (Europe/Moscow), with what registration allows now."""
    cycle = tx.session.get(WebinarCycle, row.cycle_id)
    start, end = row.starts_at.astimezone(MOSCOW), row.ends_at.astimezone(MOSCOW)
    taken = taken_places(tx, row.id)
    closed = closed_reason(tx, row)
    return {
        "id": row.id, "topic": row.topic, "speaker": row.speaker,
        "segment": row.segment.label, "cycle": cycle.title if cycle else "",
        "date": date_long(start), "weekday": format_date(start.date(), "EEEE", locale="ru"),
        "time": f"{start:%H:%M}–{end:%H:%M}", "start": f"{start:%d.%m.%Y %H:%M}",
        "duration": row.duration_minutes, "state": str(row.state),
        "state_label": row.state.label, "cancel_reason": row.cancel_reason,
        "rescheduled": row.state == S.RESCHEDULED, "capacity": row.capacity,
        "free_places": max(row.capacity - taken, 0), "full": taken >= row.capacity,
        "open": not closed, "closed_reason": closed,
    }


def closed_reason(tx: Tx, row: WebinarSession) -> str:
    """Why nobody can register for the session now (Russian), or "" while registration runs."""
    if row.state == S.CANCELLED:
        reason = f": {row.cancel_reason}" if row.cancel_reason else ""
        return f"Вебинар отменён{reason}"
    if tx.now >= row.starts_at:
        return "Регистрация закрыта: вебинар уже начался или прошёл"
    if row.state in (S.PLANNED, S.ANNOUNCED):
        return "Регистрация на этот вебинар ещё не открыта"
    if row.state not in OPEN:
        return f"Регистрация закрыта: вебинар «{row.state.label}»"
    return ""


def taken_places(tx: Tx, session_id: int) -> int:
    return tx.session.exec(select(func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.state.in_(TAKING))).one()


def registration_of(tx: Tx, session_id: int, person_id: int) -> Registration | None:
    return tx.session.exec(select(Registration).where(
        Registration.session_id == session_id, Registration.person_id == person_id)).first()


def queue_place(tx: Tx, reg: Registration) -> int | None:
    """1 for the first of the waiting list (the order in which places are given)."""
    if reg.state != R.WAITING:
        return None
    ahead = tx.session.exec(select(func.count(Registration.id)).where(
        Registration.session_id == reg.session_id, Registration.state == R.WAITING,
        or_(Registration.registered_at < reg.registered_at,
            and_(Registration.registered_at == reg.registered_at,
                 Registration.id < reg.id)))).one()
    return ahead + 1


# ---- the link --------------------------------------------------------------------------------


def register_view(rt: Runtime, token: str) -> dict:
    """What the person's link shows; the opening is audited, nothing else changes."""
    with rt.transaction() as tx:
        claims = links.checked_claims(tx, token, purpose=PURPOSE_REGISTER, object_kind=KIND,
                                      action="open")
        row = tx.session.get(WebinarSession, claims.object_id)
        person = tx.session.get(Person, claims.person_id)
        if row is None or person is None:
            raise NotFound("Вебинар по этой ссылке не найден")
        record_event(tx, object_kind=KIND, object_id=row.id, action="link_opened",
                     actor=Actor.participant(person), state=str(row.state),
                     details={"purpose": PURPOSE_REGISTER})
        card = session_card(tx, row)
        reg = registration_of(tx, row.id, person.id)
        state = reg.state if reg else None
        before = tx.now < row.starts_at
        return {
            "purpose": PURPOSE_REGISTER, "person": person.full_name, "webinar": card,
            "registration": None if reg is None else {
                "state": str(state), "state_label": state.label,
                "queue_place": queue_place(tx, reg)},
            "can_register": card["open"] and state in (None, R.CANCELLED),
            "can_cancel": before and state in (R.REGISTERED, R.WAITING),
            # The meeting address is for those who hold a place.
            "meeting_url": row.meeting_url if state == R.REGISTERED and before
            and row.state != S.CANCELLED else "",
        }


def act(rt: Runtime, token: str, action: str, *, source: str = "link") -> str:
    """Register (source "link" or "api") or cancel; the registration's new state."""
    if action == "register":
        return webinar_registration.register(rt, token, source=source)
    if action == "cancel":
        return webinar_registration.cancel(rt, token)
    raise NotFound("Такого действия по ссылке нет")
