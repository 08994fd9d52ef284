"""Reminder waves before a webinar session («за 24 часа», «за 1 час»), fired by the sweep.

For each session still ahead (registration open or rescheduled) and each offset of
`settings.webinar_reminder_offsets_minutes`: once start − offset ≤ now < start, one letter to
every person registered — never to the waiting list, never to those who cancelled, never for
a cancelled session. The wave is remembered in `ReminderWave(session, offset, sequence)`; a
reschedule raises the session's sequence, so the waves fire again for the new time (and the
waves of the old time, measured against the new start, are simply not due). A late sweep
that finds several waves due sends only the nearest one (the smallest offset) and records the
others as skipped. A reschedule records as skipped, at the new sequence, every wave already
fired for an earlier schedule whose new moment has passed too (a 24-hour reminder is not sent
again when the session moves by half an hour; it is when it moves to another day).

A reminder expires at the session's start: the drain never sends it later (rate limits can
hold mail back), it withdraws it. `withdraw_reminders` withdraws the reminders still queued
for a session (cancelled, rescheduled) or for one registration (cancelled by the person).

Speed: a wave for 10,000 registrants is queued with one query for the registrations and their
people, one for the keys already queued, and inserts of many rows per statement.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from adapters.clock import MOSCOW
from models import MailStatus, OutboxEmail, Person
from models.webinar import (
    Registration,
    RegistrationState,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_followup import ReminderWave
from services.actors import Actor
from services.audit import record_event
from services.outbox import queue_many
from services.runtime import Runtime, Tx
from services.webinar_invitations import KIND, personal_link, session_card

AHEAD = (SessionState.REGISTRATION_OPEN, SessionState.RESCHEDULED)
TEMPLATE = "webinar_reminder"
REG_KIND = "webinar_registration"


def remind(rt: Runtime) -> dict:
    """Fire every reminder wave due now; {"waves": [{session_id, offset_minutes, sequence,
    sent, skipped}], "sent": letters queued}. Idempotent: a wave fires once."""
    offsets = rt.settings.webinar_reminder_offsets_minutes
    if not offsets:
        return {"waves": [], "sent": 0}
    now = rt.clock.now()
    horizon = now + timedelta(minutes=max(offsets))
    with rt.session() as s:
        ids = list(s.exec(select(WebinarSession.id)
                          .where(WebinarSession.state.in_(AHEAD),
                                 WebinarSession.starts_at > now,
                                 WebinarSession.starts_at <= horizon)
                          .order_by(WebinarSession.starts_at, WebinarSession.id)))
    waves = []
    for session_id in ids:
        with rt.transaction() as tx:
            wave = fire_due(tx, session_id)
        if wave is not None:
            waves.append(wave)
    return {"waves": waves, "sent": sum(w["sent"] for w in waves)}


def due_offsets(row: WebinarSession, offsets: list[int], now: datetime) -> list[int]:
    """The offsets whose moment has come for this session, nearest (smallest) first."""
    if row.state not in AHEAD or now >= row.starts_at:
        return []
    return sorted(o for o in set(offsets) if row.starts_at - timedelta(minutes=o) <= now)


def fire_due(tx: Tx, session_id: int) -> dict | None:
    """The waves of one session due now and not yet fired: the nearest sent, others skipped."""
    # FOR UPDATE (PostgreSQL; SQLite already writes one at a time): two sweeps never both fire.
    row = tx.session.exec(select(WebinarSession).where(WebinarSession.id == session_id)
                          .with_for_update()).one_or_none()
    if row is None:
        return None
    due = due_offsets(row, tx.rt.settings.webinar_reminder_offsets_minutes, tx.now)
    if not due:
        return None
    done = set(tx.session.exec(select(ReminderWave.offset_minutes).where(
        ReminderWave.session_id == row.id, ReminderWave.sequence == row.sequence)))
    pending = [o for o in due if o not in done]
    if not pending:
        return None
    nearest = due[0]
    sent = queue_wave(tx, row, nearest) if nearest in pending else 0
    skipped = [o for o in pending if o != nearest]
    for offset in pending:
        tx.session.add(ReminderWave(session_id=row.id, offset_minutes=offset,
                                    sequence=row.sequence, skipped=offset != nearest,
                                    sent=sent if offset == nearest else 0, fired_at=tx.now))
    details = {"offset_minutes": nearest if nearest in pending else None,
               "sequence": row.sequence, "sent": sent, "skipped": skipped}
    record_event(tx, object_kind=KIND, object_id=row.id, action="remind",
                 actor=Actor.scheduler(), state=str(row.state), details=details)
    return {"session_id": row.id, **details}


def reminder_key(session_id: int, offset: int, sequence: int, registration_id: int) -> str:
    return (f"{KIND}:{session_id}:reminder:{offset}:seq:{sequence}"
            f":registration:{registration_id}")


def queue_wave(tx: Tx, row: WebinarSession, offset: int) -> int:
    """Queue the reminder to everyone registered for the session; how many were queued."""
    people = tx.session.exec(
        select(Registration.id, Person)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id == row.id,
               Registration.state == RegistrationState.REGISTERED)
        .order_by(Registration.id))
    letters = [{"key": reminder_key(row.id, offset, row.sequence, registration_id),
                "person": person, "context": {"link": personal_link(tx, row, person)},
                "object_kind": REG_KIND, "object_id": registration_id}
               for registration_id, person in people]
    common = {"cycle": tx.session.get(WebinarCycle, row.cycle_id),
              "webinar": session_card(row), "when": when_text(row.starts_at, tx.now)}
    # A reminder that cannot leave before the start (rate limits) is withdrawn, not late.
    return len(queue_many(tx, letters, template=TEMPLATE, common=common,
                          expires_at=row.starts_at))


def withdraw_reminders(tx: Tx, *, session_id: int, registration_id: int | None = None) -> int:
    """Withdraw the reminders of a session (or of one registration of it) not yet sent, in one
    UPDATE; how many were withdrawn. Mail already handed to a drain is left to it."""
    registrations = select(Registration.id).where(Registration.session_id == session_id)
    if registration_id is not None:
        registrations = registrations.where(Registration.id == registration_id)
    result = tx.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.template == TEMPLATE, OutboxEmail.object_kind == REG_KIND,
               OutboxEmail.status == MailStatus.QUEUED,
               OutboxEmail.object_id.in_(registrations.scalar_subquery()))
        .values(status=MailStatus.WITHDRAWN)
        .execution_options(synchronize_session=False))
    return result.rowcount


def skip_passed_waves(tx: Tx, row: WebinarSession) -> list[int]:
    """After a reschedule (the new sequence and start already on `row`): the offsets whose wave
    fired at an earlier schedule and whose moment at the new start has passed as well are
    recorded as skipped at the new sequence, so they are not sent a second time."""
    offsets = set(tx.rt.settings.webinar_reminder_offsets_minutes)
    fired = set(tx.session.exec(select(ReminderWave.offset_minutes).where(
        ReminderWave.session_id == row.id, ReminderWave.sequence < row.sequence).distinct()))
    skipped = sorted(o for o in offsets & fired
                     if row.starts_at - timedelta(minutes=o) <= tx.now)
    for offset in skipped:
        tx.session.add(ReminderWave(session_id=row.id, offset_minutes=offset,
                                    sequence=row.sequence, skipped=True, sent=0,
                                    fired_at=tx.now))
    return skipped


def when_text(start: datetime, now: datetime) -> str:
    """«сегодня в 15:00», «завтра в 15:00» or «15.10.2024 в 15:00» (Moscow wall time)."""
    local, today = start.astimezone(MOSCOW), now.astimezone(MOSCOW).date()
    days = (local.date() - today).days
    day = {0: "сегодня", 1: "завтра"}.get(days, f"{local:%d.%m.%Y}")
    return f"{day} в {local:%H:%M}"
