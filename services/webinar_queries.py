"""Read-only views of webinar cycles and their sessions for staff (times in Europe/Moscow)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import select

from adapters.clock import MOSCOW, as_utc
from models.webinar import Registration, RegistrationState, WebinarCycle, WebinarSession
from services.errors import NotFound
from services.runtime import Runtime

ACTIVE = (RegistrationState.REGISTERED, RegistrationState.ATTENDED, RegistrationState.NO_SHOW,
          RegistrationState.CERTIFICATE_ISSUED)


def moscow_time(value) -> str:
    """«15.10.2024 15:00» in Moscow; a naive datetime is read as UTC, as the store keeps it."""
    return as_utc(value).astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M")


def list_cycles(rt: Runtime) -> list[dict]:
    with rt.session() as s:
        counts = dict(s.exec(select(WebinarSession.cycle_id, func.count(WebinarSession.id))
                             .group_by(WebinarSession.cycle_id)).all())
        firsts = dict(s.exec(select(WebinarSession.cycle_id, func.min(WebinarSession.starts_at))
                             .group_by(WebinarSession.cycle_id)).all())
        rows = []
        for c in s.exec(select(WebinarCycle).order_by(WebinarCycle.id)):
            first = firsts.get(c.id)
            rows.append({"id": c.id, "title": c.title, "year": c.year, "state": c.state.label,
                         "sessions": counts.get(c.id, 0),
                         # min() over the TypeDecorator may come back naive on SQLite
                         "first": _moscow_or_dash(first)})
        return rows


def cycle_view(rt: Runtime, cycle_id: int) -> dict:
    """The cycle's card and its sessions in order, with registration counts."""
    with rt.session() as s:
        cycle = get_cycle(s, cycle_id)
        sessions = list(s.exec(select(WebinarSession).where(WebinarSession.cycle_id == cycle_id)
                               .order_by(WebinarSession.position)))
        ids = [x.id for x in sessions]
        registered = dict(s.exec(
            select(Registration.session_id, func.count(Registration.id))
            .where(Registration.session_id.in_(ids), Registration.state.in_(ACTIVE))
            .group_by(Registration.session_id)).all()) if ids else {}
        return {
            "id": cycle.id, "title": cycle.title, "goal": cycle.goal, "year": cycle.year,
            "state": cycle.state.label, "certificates": cycle.certificate_label,
            "partners_in_parallel": cycle.partners_in_parallel,
            "sessions": [{
                "id": x.id, "position": x.position, "topic": x.topic, "speaker": x.speaker,
                "segment": x.segment.label, "start": moscow_time(x.starts_at),
                "end": x.ends_at.astimezone(MOSCOW).strftime("%H:%M"),
                "duration": x.duration_minutes, "link": x.meeting_url,
                "capacity": x.capacity, "registered": registered.get(x.id, 0),
                "state": x.state.label} for x in sessions],
        }


def _moscow_or_dash(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):  # SQLite may return the aggregate as text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return moscow_time(value)


def get_cycle(s, cycle_id: int) -> WebinarCycle:
    """The cycle by its number, or a Russian NotFound (s: a Session or tx.session)."""
    cycle = s.get(WebinarCycle, cycle_id)
    if cycle is None:
        raise NotFound(f"Цикл вебинаров №{cycle_id} не найден")
    return cycle


def get_session(s, session_id: int, *, lock: bool = False) -> WebinarSession:
    """The session by its number, or a Russian NotFound; `lock` takes its row FOR UPDATE
    (PostgreSQL) for the rest of the transaction."""
    stmt = select(WebinarSession).where(WebinarSession.id == session_id)
    row = s.exec(stmt.with_for_update() if lock else stmt).one_or_none()
    if row is None:
        raise NotFound(f"Вебинар №{session_id} не найден")
    return row
