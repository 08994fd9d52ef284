"""Rescheduling or cancelling a webinar session, with the updated calendar invites.

Reschedule («перенести вебинар»): a new start (and, if given, duration and meeting link) in
the future, not overlapping another session of the cycle; the session's .ics SEQUENCE goes up
by one, it becomes «перенесён» (registration goes on), and every registered person gets a
letter with the updated invite (METHOD:REQUEST, the same UID); the waiting list gets the
letter without it, and so do the people invited who are not (or no longer) registered, with a
fresh personal link to register at the new time. Cancel («отменить вебинар»): the same
SEQUENCE + 1 with METHOD:CANCEL / STATUS:CANCELLED to everyone registered, the letter alone to
the waiting list and the invited; the sweep sends no reminders for a cancelled session. Both
need a reason, recorded by the transition.

Retrying is harmless: the letters' keys carry the new sequence, a reschedule to the time the
session already has changes nothing, and cancelling a cancelled session does nothing. Both are
refused once the session has begun. The reminders still queued for the old time are withdrawn;
a reminder wave already sent is not sent again for the new time unless its new moment is
still ahead (webinar_reminders.skip_passed_waves).

Speed: the letters of 10,000 registrants are made with one query for the registrations and
their people, one for the invites and one for the letters already made (a retry), and inserts
of many rows per statement — not several round trips per person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from adapters.calendar import ics_attachment
from adapters.clock import MOSCOW
from models import OutboxEmail, Person
from models.webinar import (
    Registration,
    RegistrationState as R,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_machine import session_machine
from services import documents
from services.actors import Actor
from services.errors import GuardRefused
from services.outbox import queue_many
from services.runtime import Runtime, Tx
from services.transitions import Step, check, refusal_audit, transition
from services.webinar_invitations import KIND, personal_link, session_card
from services.webinar_queries import get_session, moscow_time
from services.webinar_registration import REG_KIND, calendar_event
from services.webinar_reminders import skip_passed_waves, withdraw_reminders


def reschedule(rt: Runtime, session_id: int, *, start: datetime,
               duration_minutes: int | None = None, meeting_url: str | None = None,
               reason: str, actor: Actor) -> dict:
    """Move a session to a new time (Moscow time when `start` is naive); who was notified."""
    with rt.transaction() as tx:
        row = _session(tx, session_id)
        # Before the announcement nobody has been invited: the session only moves (and is
        # announced at its new time); afterwards everyone registered is told.
        name = "move" if row.state == SessionState.PLANNED else "reschedule"
        check(session_machine, row, name, actor=actor, reason=reason, now=tx.now)
        start = start.replace(tzinfo=MOSCOW) if start.tzinfo is None else start
        duration = row.duration_minutes if duration_minutes is None else duration_minutes
        url = row.meeting_url if meeting_url is None else meeting_url.strip()
        why = _refusal(tx, row, start, duration, url)
        if why:
            audit = refusal_audit(session_machine, row, name, actor, reason)
            audit["details"] = {"start": moscow_time(start), "duration": duration, "link": url}
            raise GuardRefused(f"Перенос вебинара №{row.id} невозможен: {why}", obj=row,
                               audit=audit)
        if (start, duration, url) == (row.starts_at, row.duration_minutes, row.meeting_url):
            return _result(row, changed=False)  # a retry of the reschedule already made
        old_start = moscow_time(row.starts_at)
        with transition(tx, session_machine, row, name, actor=actor,
                        reason=reason.strip(), now=tx.now) as step:
            row.sequence += 1
            row.starts_at, row.duration_minutes, row.meeting_url = start, duration, url
            withdrawn = withdraw_reminders(tx, session_id=row.id)
            skipped = skip_passed_waves(tx, row)
            counts = _notify(tx, row, step, template="webinar_rescheduled",
                             extra={"old_start": old_start, "reason": reason.strip()})
            step.details.update(sequence=row.sequence, old_start=old_start,
                                start=moscow_time(start), duration=duration, link=url,
                                reminders_withdrawn=withdrawn, waves_skipped=skipped, **counts)
        return _result(row, changed=True, **counts)


def cancel_session(rt: Runtime, session_id: int, *, reason: str, actor: Actor) -> dict:
    """Cancel a session: the cancellation .ics to the registered, a letter to the waiting."""
    with rt.transaction() as tx:
        row = _session(tx, session_id)
        if row.state == SessionState.CANCELLED:
            return _result(row, changed=False)  # a retry of the cancellation already made
        with transition(tx, session_machine, row, "cancel", actor=actor,
                        reason=reason.strip(), now=tx.now) as step:
            row.sequence += 1
            row.cancel_reason = reason.strip()
            withdrawn = withdraw_reminders(tx, session_id=row.id)
            counts = _notify(tx, row, step, template="webinar_cancelled", cancel=True,
                             extra={"reason": reason.strip()})
            step.details.update(sequence=row.sequence, reminders_withdrawn=withdrawn, **counts)
        return _result(row, changed=True, **counts)


def _session(tx: Tx, session_id: int) -> WebinarSession:
    # Locked: a reschedule and a reminder wave of one session never interleave.
    return get_session(tx.session, session_id, lock=True)


def _refusal(tx: Tx, row: WebinarSession, start: datetime, duration: int,
             url: str) -> str | None:
    if duration <= 0:
        return f"продолжительность должна быть больше нуля минут, а указано {duration}"
    if not url:
        return "ссылка на подключение не может быть пустой"
    if start <= tx.now:
        return (f"новое начало {moscow_time(start)} уже прошло — вебинар в прошлом "
                "не планируется")
    end = start + timedelta(minutes=duration)
    others = tx.session.exec(select(WebinarSession)
                             .where(WebinarSession.cycle_id == row.cycle_id,
                                    WebinarSession.id != row.id,
                                    WebinarSession.state != SessionState.CANCELLED)
                             .order_by(WebinarSession.starts_at))
    for other in others:
        if start < other.ends_at and other.starts_at < end:
            return (f"{_label(row)} ({moscow_time(start)}) пересекается с вебинаром "
                    f"№ {other.position} ({moscow_time(other.starts_at)}–"
                    f"{other.ends_at.astimezone(MOSCOW):%H:%M}): вебинары одного цикла не "
                    "должны идти одновременно")
    return None


def _label(row: WebinarSession) -> str:
    topic = row.topic.strip()
    short = topic if len(topic) <= 50 else topic[:47] + "…"
    return f"вебинар № {row.position} «{short}»"


def _notify(tx: Tx, row: WebinarSession, step: Step, *, template: str, extra: dict,
            cancel: bool = False) -> dict:
    """The letter to everyone registered (with the .ics) and waiting (without); counts.
    A letter already made under its key (a retried step) is not made again."""
    # Held here: the session only weakly keeps it, and each person's invite reads it.
    cycle = tx.session.get(WebinarCycle, row.cycle_id)
    people = [(reg, person) for reg, person in tx.session.exec(
        select(Registration, Person).join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id == row.id,
               Registration.state.in_((R.REGISTERED, R.WAITING)))
        .order_by(Registration.id)) if person.email]
    invites = _invites(tx, row, [p for p in people if p[0].state == R.REGISTERED], step,
                       cancel)
    what = "cancelled" if cancel else "rescheduled"
    letters = [{"key": f"{REG_KIND}:{reg.id}:{what}:seq:{row.sequence}", "person": person,
                "context": {"waiting": reg.state == R.WAITING,
                            "link": personal_link(tx, row, person)},
                "attachment_ids": [] if reg.state == R.WAITING else [invites[reg.id]],
                "object_kind": REG_KIND, "object_id": reg.id} for reg, person in people]
    told = {person.id for _, person in people}
    if cancel:  # whoever cancelled their registration has been told already
        told |= set(tx.session.exec(select(Registration.person_id).where(
            Registration.session_id == row.id, Registration.state == R.CANCELLED)))
    invited = [person for person in _invited(tx, row) if person.id not in told]
    letters += [{"key": f"{KIND}:{row.id}:{what}:seq:{row.sequence}:invited:person:{person.id}",
                 "person": person, "context": {"invited": True, "waiting": False,
                                               "link": personal_link(tx, row, person)},
                 "object_kind": KIND, "object_id": row.id} for person in invited]
    queue_many(tx, letters, template=template, step=step,
               common={"cycle": cycle, "webinar": session_card(row), "invited": False,
                       **extra})
    waiting = sum(reg.state == R.WAITING for reg, _ in people)
    return {"registered": len(people) - waiting, "waiting": waiting, "invited": len(invited)}


def _invited(tx: Tx, row: WebinarSession) -> list[Person]:
    """People invited to the session (their invitation letters), registered or not; the
    fresh personal link in the letter outlives the move, unlike the invitation's."""
    invited = select(OutboxEmail.person_id).where(
        OutboxEmail.template == "webinar_invitation", OutboxEmail.object_kind == KIND,
        OutboxEmail.object_id == row.id, OutboxEmail.person_id.is_not(None))
    return list(tx.session.exec(select(Person).where(Person.id.in_(invited), Person.active,
                                                     Person.email != "").order_by(Person.id)))


def _invites(tx: Tx, row: WebinarSession, people: list[tuple[Registration, Person]],
             step: Step, cancel: bool) -> dict[int, int]:
    """{registration id: document id} of each person's updated invite (or cancellation) at
    the session's current sequence; the invite's key is the one a confirmation at this
    sequence uses, so both share the file."""
    form = "ics:cancel" if cancel else "ics"
    prefix = f"{KIND}:{row.id}:{form}:seq:{row.sequence}:person:"
    stored = documents.store_files(tx, [
        {"key": f"{prefix}{person.id}", "object_id": reg.id,
         **dict(zip(("filename", "data", "media_type"),
                    ics_attachment(calendar_event(tx, row, person), cancel, stamp=tx.now),
                    strict=True))}
        for reg, person in people], kind="ics", object_kind=REG_KIND, step=step)
    return {reg.id: stored[f"{prefix}{person.id}"] for reg, person in people}


def _result(row: WebinarSession, *, changed: bool, registered: int = 0,
            waiting: int = 0, invited: int = 0) -> dict:
    return {"session_id": row.id, "topic": row.topic, "state": str(row.state),
            "sequence": row.sequence, "start": moscow_time(row.starts_at), "changed": changed,
            "registered": registered, "waiting": waiting, "invited": invited,
            "notified": registered + waiting + invited}
