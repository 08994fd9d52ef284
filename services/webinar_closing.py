"""What the sweep closes of webinar cycles once their time has passed.

- A session whose end has passed and that still waits for its time (registration open,
  rescheduled; «объявлен» too once the machine allows `hold` from it) becomes «проведён».
- A session whose end is more than `settings.webinar_close_after_days` ago becomes
  «завершён» when it is «сертификаты выданы», or still «проведён» / «материалы разосланы»
  but has nobody awaiting a certificate — attendance never marked, nobody came, or nobody
  registered; otherwise such a session would keep its cycle open for ever. Awaiting means:
  - per_session: a registration of this session still «участвовал» (not yet «сертификат
    выдан»);
  - min_sessions: every session of the cycle has ended (held or later, or cancelled) and
    the certificates step has nothing left to issue in the cycle (services.
    webinar_certificates.pending). An «участвовал» of someone below the minimum awaits
    nothing.
  Attendance can no longer be imported or marked once a session is «завершён».
- A cycle whose sessions are all «завершён» or «отменён» becomes «завершён».

Each object moves in a transaction of its own (actor: the system), so one refusal never holds
back the others; running the sweep again changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from models.webinar import (
    CertificateRule,
    CycleState,
    Registration,
    RegistrationState as R,
    SessionState as S,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_machine import cycle_machine, session_machine
from services.actors import Actor
from services.runtime import Runtime, Tx
from services.transitions import transition
from services.webinar_certificates import pending
from services.webinar_queries import moscow_time

WAITING_FOR_TIME = (S.ANNOUNCED, S.REGISTRATION_OPEN, S.RESCHEDULED)
FINISHED = (S.CLOSED, S.CANCELLED)
UNCERTIFIED = (S.HELD, S.MATERIALS_SENT)  # closed only when nobody awaits a certificate
CLOSABLE = (*UNCERTIFIED, S.CERTIFICATES_ISSUED)


def close_due(rt: Runtime) -> dict:
    """Hold the ended sessions, close the long finished ones and their cycles;
    {"held": [session ids], "closed": [session ids], "cycles_closed": [cycle ids]}."""
    now = rt.clock.now()
    after = timedelta(days=rt.settings.webinar_close_after_days)
    with rt.session() as s:
        candidates = list(s.exec(select(WebinarSession)
                                 .where(WebinarSession.state.in_(
                                     (*WAITING_FOR_TIME, *CLOSABLE)),
                                        WebinarSession.starts_at <= now)
                                 .order_by(WebinarSession.starts_at, WebinarSession.id)))
    report = {"held": [], "closed": [], "cycles_closed": []}
    for row in candidates:
        name = due_transition(row, now, after)
        if name is not None and _move_session(rt, row.id, name, after):
            report["held" if name == "hold" else "closed"].append(row.id)
    report["cycles_closed"] = close_finished_cycles(rt)
    return report


def due_transition(row: WebinarSession, now: datetime, after: timedelta) -> str | None:
    """"hold", "close" or None for one session at `now`."""
    if row.state in WAITING_FOR_TIME and row.ends_at <= now:
        # `hold` is taken only from the states the machine allows it from
        return "hold" if row.state in session_machine.get("hold").sources else None
    if row.state in CLOSABLE and now - row.ends_at > after:
        return "close"
    return None


def awaiting_certificates(tx: Tx, row: WebinarSession) -> bool:
    """Whether closing this held session now could leave someone without a certificate."""
    if row.state not in UNCERTIFIED:
        return False
    cycle = tx.session.get(WebinarCycle, row.cycle_id)
    if cycle.certificate_rule != CertificateRule.MIN_SESSIONS:
        return tx.session.exec(select(Registration.id).where(
            Registration.session_id == row.id, Registration.state == R.ATTENDED)
        ).first() is not None
    sessions = {s.id: s for s in tx.session.exec(
        select(WebinarSession).where(WebinarSession.cycle_id == cycle.id))}
    if any(s.state in WAITING_FOR_TIME or s.state == S.PLANNED for s in sessions.values()):
        return True  # a later session may still make someone qualify
    return bool(pending(tx, cycle, sessions))


def _move_session(rt: Runtime, session_id: int, name: str, after: timedelta) -> bool:
    with rt.transaction() as tx:
        row = tx.session.exec(select(WebinarSession).where(WebinarSession.id == session_id)
                              .with_for_update()).one_or_none()
        if row is None or due_transition(row, tx.now, after) != name:
            return False  # moved meanwhile (by staff or another sweep)
        if name == "close" and awaiting_certificates(tx, row):
            return False  # issue the certificates first (imc webinar certificates)
        with transition(tx, session_machine, row, name, actor=Actor.system(),
                        now=tx.now) as step:
            step.details["ended"] = moscow_time(row.ends_at)
        return True


def close_finished_cycles(rt: Runtime) -> list[int]:
    """Close every announced cycle whose sessions are all closed or cancelled."""
    unfinished = select(WebinarSession.cycle_id).where(WebinarSession.state.not_in(FINISHED))
    with rt.session() as s:
        ids = list(s.exec(select(WebinarCycle.id)
                          .where(WebinarCycle.state == CycleState.ANNOUNCED,
                                 WebinarCycle.id.in_(select(WebinarSession.cycle_id)),
                                 WebinarCycle.id.not_in(unfinished))
                          .order_by(WebinarCycle.id)))
    closed = []
    for cycle_id in ids:
        with rt.transaction() as tx:
            cycle = tx.session.exec(select(WebinarCycle).where(WebinarCycle.id == cycle_id)
                                    .with_for_update()).one_or_none()
            states = set(tx.session.exec(select(WebinarSession.state)
                                         .where(WebinarSession.cycle_id == cycle_id)))
            if cycle is None or cycle.state != CycleState.ANNOUNCED or not states \
                    or not states <= set(FINISHED):
                continue
            with transition(tx, cycle_machine, cycle, "close", actor=Actor.system()) as step:
                step.details["sessions"] = sorted(str(x) for x in states)
            closed.append(cycle_id)
    return closed
