"""What the sweep closes of webinar cycles once their time has passed.

- A session whose end has passed and that still waits for its time (registration open,
  rescheduled; «объявлен» too once the machine allows `hold` from it) becomes «проведён».
- A session whose certificates are issued becomes «завершён» when its end is more than
  `settings.webinar_close_after_days` ago.
- A cycle whose sessions are all «завершён» or «отменён» becomes «завершён».

Each object moves in a transaction of its own (actor: the system), so one refusal never holds
back the others; running the sweep again changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from models.webinar import CycleState, SessionState as S, WebinarCycle, WebinarSession
from models.webinar_machine import cycle_machine, session_machine
from services.actors import Actor
from services.runtime import Runtime
from services.transitions import transition
from services.webinar_queries import moscow_time

WAITING_FOR_TIME = (S.ANNOUNCED, S.REGISTRATION_OPEN, S.RESCHEDULED)
FINISHED = (S.CLOSED, S.CANCELLED)


def close_due(rt: Runtime) -> dict:
    """Hold the ended sessions, close the long finished ones and their cycles;
    {"held": [session ids], "closed": [session ids], "cycles_closed": [cycle ids]}."""
    now = rt.clock.now()
    after = timedelta(days=rt.settings.webinar_close_after_days)
    with rt.session() as s:
        candidates = list(s.exec(select(WebinarSession)
                                 .where(WebinarSession.state.in_(
                                     (*WAITING_FOR_TIME, S.CERTIFICATES_ISSUED)),
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
    if row.state == S.CERTIFICATES_ISSUED and now - row.ends_at > after:
        return "close"
    return None


def _move_session(rt: Runtime, session_id: int, name: str, after: timedelta) -> bool:
    with rt.transaction() as tx:
        row = tx.session.exec(select(WebinarSession).where(WebinarSession.id == session_id)
                              .with_for_update()).one_or_none()
        if row is None or due_transition(row, tx.now, after) != name:
            return False  # moved meanwhile (by staff or another sweep)
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
