"""The session side of an attendance import or marking: what it did (AttendanceResult), the
checks and refusals, holding the session, and its AttendanceImport row with the audit entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.webinar import SessionState as S, WebinarSession
from models.webinar_followup import AttendanceImport
from models.webinar_machine import session_machine
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, IllegalTransition
from services.runtime import Tx
from services.transitions import transition
from services.webinar_queries import moscow_time

KIND = "webinar_session"
ACTION = "attendance"


@dataclass
class AttendanceResult:
    """What one import or manual marking did; `changed` counts the transitions made."""

    session_id: int
    import_id: int
    rows: int
    attended: int
    no_show: int
    min_minutes: int
    changed: int = 0
    registered: list[str] = field(default_factory=list)  # known people registered by the file
    unknown: list[dict] = field(default_factory=list)  # {"line", "name", "email", "minutes"}
    left_alone: list[str] = field(default_factory=list)  # Russian notes, one per person
    notes: list[str] = field(default_factory=list)  # marks the file reset; namesake hints
    ignored_headers: list[str] = field(default_factory=list)


def check_session(tx: Tx, row: WebinarSession, actor: Actor, details: dict) -> None:
    if row.state == S.CANCELLED:
        refuse(row, actor, f"Вебинар №{row.id} отменён: отмечать участие нельзя", details)
    if row.state == S.CLOSED:
        refuse(row, actor, f"Вебинар №{row.id} завершён: участие больше не меняется", details)
    if tx.now < row.starts_at:
        refuse(row, actor, f"Вебинар №{row.id} ещё не начался (начало "
                           f"{moscow_time(row.starts_at)} МСК): участие отмечают после начала",
               details)


def hold(tx: Tx, row: WebinarSession, actor: Actor) -> None:
    if row.state in (S.HELD, S.MATERIALS_SENT, S.CERTIFICATES_ISSUED):
        return
    if row.state not in session_machine.get("hold").sources:
        refuse(row, actor, f"Вебинар №{row.id} «{row.state.label}»: регистрация на него не "
                           "открывалась, участие отметить нельзя", {})
    with transition(tx, session_machine, row, "hold", actor=actor, now=tx.now) as step:
        step.details["by"] = ACTION


def audit_of(row: WebinarSession, actor: Actor, details: dict) -> dict:
    return {"object_kind": KIND, "object_id": row.id, "action": ACTION,
            "from_state": str(row.state), "actor": actor, "details": details}


def refuse(row: WebinarSession, actor: Actor, message: str, details: dict,
           kind: type[DomainError] = IllegalTransition):
    raise kind(message, obj=row, audit=audit_of(row, actor, details))


def start_record(tx: Tx, row: WebinarSession, actor: Actor, **values) -> AttendanceImport:
    record = AttendanceImport(session_id=row.id, imported_by=actor.person_id,
                              imported_at=tx.now, **values)
    tx.session.add(record)
    tx.session.flush()
    return record


def finish_record(tx: Tx, row: WebinarSession, record: AttendanceImport,
                  result: AttendanceResult, actor: Actor, details: dict) -> None:
    record.attended, record.no_show, record.unknown = result.attended, result.no_show, \
        result.unknown
    tx.session.add(record)
    record_event(tx, object_kind=KIND, object_id=row.id, action=ACTION, actor=actor,
                 state=str(row.state), details={
                     **details, "import_id": record.id, "attended": result.attended,
                     "no_show": result.no_show, "changed": result.changed,
                     "unknown": len(result.unknown), "registered": result.registered,
                     **({"notes": result.notes} if result.notes else {})})
