"""Registration for a webinar session through the personal link, the waiting list, cancelling.

A registration is «зарегистрирован» while places remain and goes to the waiting list when the
session is full; the confirmation carries the .ics invitation (METHOD:REQUEST, one UID per
session, SEQUENCE = the session's sequence). When a registered person cancels, the first
person of the waiting list moves up and gets the confirmation with the .ics.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

from sqlalchemy import func
from sqlmodel import select

from adapters.calendar import CalendarEvent, ics_attachment
from models import Person
from models.webinar import (
    Registration,
    RegistrationState as R,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_machine import registration_machine
from services import documents, links
from services.actors import Actor
from services.errors import IllegalTransition, NotFound
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import Step, transition
from services.webinar_invitations import (
    KIND,
    PURPOSE_REGISTER,
    personal_link,
    session_card,
)
from services.webinar_reminders import withdraw_reminders

REG_KIND = "webinar_registration"
OPEN = (SessionState.REGISTRATION_OPEN, SessionState.RESCHEDULED)
# Places are taken by everyone registered (and, later, by those who attended).
TAKING = (R.REGISTERED, R.ATTENDED, R.NO_SHOW, R.CERTIFICATE_ISSUED)


def register(rt: Runtime, token: str, *, source: str = "link") -> str:
    """Register the link's person; the registration's state (registered or waiting)."""
    with rt.transaction() as tx:
        row, person, actor = _open(tx, token, "register")
        if tx.now >= row.starts_at:
            _refuse(row, person, actor, "register",
                    "Регистрация невозможна: вебинар уже начался или прошёл")
        if row.state not in OPEN:
            _refuse(row, person, actor, "register",
                    f"Регистрация невозможна: вебинар «{row.state.label}»")
        existing = _registration(tx, row.id, person.id)
        if existing is not None and existing.state != R.CANCELLED:
            _refuse(row, person, actor, "register",
                    "Вы уже в листе ожидания этого вебинара" if existing.state == R.WAITING
                    else "Вы уже зарегистрированы на этот вебинар", state=str(existing.state))
        reg = existing or Registration(session_id=row.id, person_id=person.id, source=source,
                                       registered_at=tx.now, created_at=tx.now,
                                       updated_at=tx.now)
        enrol(tx, row, person, reg, actor=actor, source=source)
        return str(reg.state)


def enrol(tx: Tx, row: WebinarSession, person: Person, reg: Registration, *, actor: Actor,
          source: str, consent: bool = False) -> None:
    """Register a new (or a cancelled, registering again) registration: confirmation with the
    .ics while places remain, else the waiting list. The caller checked the session is open."""
    full = _taken(tx, row.id) >= row.capacity
    again = reg.id is not None
    if again:  # a cancelled registration comes back: its place in the queue is now
        reg.registered_at = tx.now
        reg.source = source
        reg.round += 1
    if consent:
        reg.consent_at = tx.now
    tx.session.add(reg)
    tx.session.flush()
    with transition(tx, registration_machine, reg, "register_again" if again else "register",
                    actor=actor) as step:
        step.details.update(session_id=row.id, capacity=row.capacity, source=source)
        if not full:
            _confirm(tx, row, person, reg, step)
    if full:
        with transition(tx, registration_machine, reg, "queue", actor=actor) as step:
            _waiting(tx, row, person, reg, step)


def cancel(rt: Runtime, token: str) -> str:
    """Cancel the link's person's registration; the first waiting person moves up."""
    with rt.transaction() as tx:
        row, person, actor = _open(tx, token, "cancel")
        reg = _registration(tx, row.id, person.id)
        if reg is None:
            _refuse(row, person, actor, "cancel", "Вы не зарегистрированы на этот вебинар")
        if tx.now >= row.starts_at:
            _refuse(row, person, actor, "cancel",
                    "Отменить регистрацию нельзя: вебинар уже начался или прошёл")
        freed = reg.state == R.REGISTERED
        with transition(tx, registration_machine, reg, "cancel", actor=actor) as step:
            step.details["session_id"] = row.id
            _unregistered(tx, row, person, reg, step, had_invite=freed)
            step.details["reminders_withdrawn"] = withdraw_reminders(
                tx, session_id=row.id, registration_id=reg.id)
        if freed and row.state in OPEN:
            _move_up(tx, row)
        return str(reg.state)


def _move_up(tx: Tx, row: WebinarSession) -> None:
    if _taken(tx, row.id) >= row.capacity:
        return
    first = tx.session.exec(select(Registration)
                            .where(Registration.session_id == row.id,
                                   Registration.state == R.WAITING)
                            .order_by(Registration.registered_at, Registration.id)).first()
    if first is None:
        return
    person = tx.session.get(Person, first.person_id)
    with transition(tx, registration_machine, first, "move_up", actor=Actor.system()) as step:
        step.details["session_id"] = row.id
        _confirm(tx, row, person, first, step)


def _open(tx: Tx, token: str, action: str) -> tuple[WebinarSession, Person, Actor]:
    claims = links.checked_claims(tx, token, purpose=PURPOSE_REGISTER, object_kind=KIND,
                                  action=action)
    row = locked_session(tx, claims.object_id)
    person = tx.session.get(Person, claims.person_id)
    if row is None or person is None:
        raise NotFound("Вебинар по этой ссылке не найден")
    return row, person, Actor.participant(person)


def locked_session(tx: Tx, session_id: int) -> WebinarSession | None:
    """The session, locked for this transaction on PostgreSQL (FOR UPDATE): registrations
    and cancellations of one session count its free places one at a time, as SQLite's
    single writer does anyway."""
    return tx.session.exec(select(WebinarSession).where(WebinarSession.id == session_id)
                           .with_for_update()).one_or_none()


def _refuse(row: WebinarSession, person: Person, actor: Actor, action: str, message: str,
            *, state: str | None = None):
    raise IllegalTransition(message, obj=row, audit={
        "object_kind": KIND, "object_id": row.id, "action": action,
        "from_state": state or str(row.state), "actor": actor,
        "details": {"person_id": person.id}})


def _registration(tx: Tx, session_id: int, person_id: int) -> Registration | None:
    return tx.session.exec(select(Registration).where(
        Registration.session_id == session_id, Registration.person_id == person_id)).first()


def _taken(tx: Tx, session_id: int) -> int:
    return tx.session.exec(select(func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.state.in_(TAKING))).one()


def calendar_event(tx: Tx, row: WebinarSession, person: Person) -> CalendarEvent:
    cycle = tx.session.get(WebinarCycle, row.cycle_id)
    name, email = parseaddr(tx.rt.settings.mail_from)
    return CalendarEvent(
        uid=f"webinar-session-{row.id}@imc-vyselki", sequence=row.sequence,
        start=row.starts_at, duration=timedelta(minutes=row.duration_minutes),
        summary=f"Вебинар: {row.topic}",
        description=f"{cycle.title}\nВедущий: {row.speaker}" if cycle else
        f"Ведущий: {row.speaker}",
        url=row.meeting_url, location=row.meeting_url,
        organizer_name=name or "МКУ ИМЦ", organizer_email=email,
        attendee_name=person.full_name, attendee_email=person.email)


def _confirm(tx: Tx, row: WebinarSession, person: Person, reg: Registration,
             step: Step) -> None:
    filename, data, media_type = ics_attachment(calendar_event(tx, row, person), stamp=tx.now)
    doc = documents.store_file(
        tx, key=f"{KIND}:{row.id}:ics:seq:{row.sequence}:person:{person.id}", kind="ics",
        object_kind=REG_KIND, object_id=reg.id, filename=filename, data=data,
        media_type=media_type, step=step)
    queue_to_person(tx, person, key=f"{REG_KIND}:{reg.id}:confirmation:seq:{row.sequence}"
                    f":{reg.round}",
                    template="webinar_registered",
                    context=_context(tx, row, person), attachment_ids=[doc.id],
                    object_kind=REG_KIND, object_id=reg.id, step=step)


def _unregistered(tx: Tx, row: WebinarSession, person: Person, reg: Registration, step: Step,
                  *, had_invite: bool) -> None:
    """The person's own cancellation confirmed; whoever had the invitation in their calendar
    gets its METHOD:CANCEL (same UID), so the event leaves the calendar."""
    attachments = []
    if had_invite:
        filename, data, media_type = ics_attachment(calendar_event(tx, row, person),
                                                    cancel=True, stamp=tx.now)
        doc = documents.store_file(
            tx, key=f"{REG_KIND}:{reg.id}:ics:cancel:{reg.round}", kind="ics",
            object_kind=REG_KIND, object_id=reg.id, filename=filename, data=data,
            media_type=media_type, step=step)
        attachments.append(doc.id)
    queue_to_person(tx, person, key=f"{REG_KIND}:{reg.id}:unregistered:{reg.round}",
                    template="webinar_unregistered",
                    context={**_context(tx, row, person), "waiting": not had_invite},
                    attachment_ids=attachments, object_kind=REG_KIND, object_id=reg.id,
                    step=step)


def _waiting(tx: Tx, row: WebinarSession, person: Person, reg: Registration,
             step: Step) -> None:
    queue_to_person(tx, person, key=f"{REG_KIND}:{reg.id}:waiting:{reg.round}",
                    template="webinar_waiting", context=_context(tx, row, person),
                    object_kind=REG_KIND, object_id=reg.id, step=step)


def _context(tx: Tx, row: WebinarSession, person: Person) -> dict:
    url = personal_link(tx, row, person)
    return {"cycle": tx.session.get(WebinarCycle, row.cycle_id),
            "webinar": session_card(row), "person": person, "link": url}
