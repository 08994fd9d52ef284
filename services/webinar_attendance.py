"""Attendance of a webinar session: the platform's export imported, or marked by staff.

Whole file or nothing. A row with an e-mail is matched by that e-mail only: a registration
of the session, else a known person (someone in the store) who came without registering and
gets a registration (source «attendance»); a row without an e-mail by a name that fits exactly
one registration. Nobody else is dropped silently — they are listed as unknown on the
import's record. At least `min_minutes` (the cycle's rule by default) make a registration
«участвовал», the others «не участвовал». The file is the platform's truth: a registration
not in it becomes «не участвовал» even if marked by hand before (listed in `notes`). A
cancelled registration cannot be marked (the machine allows no `mark_attended` from it): it is
left alone and listed. Registrations change only through the machine's transitions, and only
when their state differs, so a re-import changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from models import Person
from models.webinar import (
    Registration,
    RegistrationState as R,
    SessionState as S,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_followup import AttendanceImport
from models.webinar_machine import registration_machine, session_machine
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, IllegalTransition, ImportRefused
from services.runtime import Runtime, Tx
from services.transitions import transition
from services.webinar_attendance_file import (
    AttendanceRow,
    group_rows,
    namesake_notes,
    read_attendance,
)
from services.webinar_queries import get_session, moscow_time

KIND = "webinar_session"
ACTION = "attendance"
WHAT = "файл явки"
SOURCE = "attendance"
LEFT_ALONE = {R.CANCELLED: "регистрация отменена", R.CERTIFICATE_ISSUED: "сертификат уже выдан"}


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


def import_attendance(rt: Runtime, session_id: int, data: bytes, filename: str, *,
                      actor: Actor, min_minutes: int | None = None) -> AttendanceResult:
    """Apply the platform's export to the session's registrations, or refuse it whole."""
    parsed = read_attendance(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    with rt.transaction() as tx:
        row = get_session(tx.session, session_id)
        details = {"file": filename, "sha256": digest}
        if min_minutes is not None and min_minutes < 0:
            _refuse(row, actor, "Порог минут не может быть отрицательным", details, DomainError)
        _check_session(tx, row, actor, details)
        if parsed.problems:
            err = ImportRefused(problems=parsed.problems, what=WHAT)
            err.audit = _audit(row, actor, {**details, "problems": len(parsed.problems)})
            raise err
        threshold = (min_minutes if min_minutes is not None
                     else tx.session.get(WebinarCycle, row.cycle_id).min_minutes)
        _hold(tx, row, actor)
        record = _record(tx, row, actor, filename=filename[:300], sha256=digest,
                         min_minutes=threshold, rows=len(parsed.rows))
        result = AttendanceResult(row.id, record.id, len(parsed.rows), 0, 0, threshold,
                                  ignored_headers=parsed.ignored_headers)
        regs = _registrations(tx, row.id)
        totals, people, unknown = _group(tx, regs, parsed.rows)
        note = {"import_id": record.id, "file": filename}
        for reg, person in regs:
            seconds = totals.get(reg.id)
            present = seconds is not None and seconds >= threshold * 60
            if reg.state in LEFT_ALONE:
                if seconds is not None:
                    result.left_alone.append(_left_alone(reg, person, seconds, present))
                continue
            if reg.state == R.WAITING and not present:
                continue  # had no place: neither present nor a no-show
            if reg.state == R.ATTENDED and seconds is None:
                result.notes.append(f"{_who(person)}: был(а) отмечен(а) «участвовал», в файле "
                                    "нет — теперь «не участвовал» (файл платформы заменяет "
                                    "прежние отметки; если человек был, отметьте вручную: "
                                    "imc webinar mark)")
            reg.minutes_attended = (seconds or 0) // 60
            tx.session.add(reg)
            _apply(tx, result, reg, present, actor, {**note, "minutes": reg.minutes_attended})
        for person, seconds in people:
            if seconds < threshold * 60:
                result.left_alone.append(f"{_who(person)}: не регистрировался(ась), был(а) "
                                         f"{seconds // 60} мин. — меньше {threshold}, "
                                         "регистрация не создана")
                continue
            reg = _new_registration(tx, row, person, actor, SOURCE, seconds // 60)
            _apply(tx, result, reg, True, actor, {**note, "minutes": seconds // 60})
            result.registered.append(person.email)
        result.unknown = unknown
        result.notes += namesake_notes(unknown, [_names(p) for r, p in regs if r.id not in totals])
        _finish(tx, row, record, result, actor, details)
        return result


def mark(rt: Runtime, session_id: int, *, attended: list[str], absent: list[str],
         actor: Actor) -> AttendanceResult:
    """Staff mark people (e-mails or registration numbers) present or absent by hand."""
    attended = [t.strip() for t in attended if t.strip()]
    absent = [t.strip() for t in absent if t.strip()]
    with rt.transaction() as tx:
        row = get_session(tx.session, session_id)
        details = {"attended": attended, "absent": absent}
        if not attended and not absent:
            _refuse(row, actor, "Укажите, кто участвовал (--attended) или не участвовал "
                                "(--absent)", details, DomainError)
        _check_session(tx, row, actor, details)
        plan, problems = _resolve(tx, row, attended, absent)
        if problems:
            _refuse(row, actor, "Отметка участия не сохранена, ничего не изменено:\n" +
                    "\n".join(f"  • {p}" for p in problems), details, DomainError)
        _hold(tx, row, actor)
        record = _record(tx, row, actor, rows=len(plan))
        result = AttendanceResult(row.id, record.id, len(plan), 0, 0, 0)
        note = {"import_id": record.id, "manual": True}
        for target, present in plan:
            if isinstance(target, Person):
                target = _new_registration(tx, row, target, actor, "staff", None)
            _apply(tx, result, target, present, actor, note)
        _finish(tx, row, record, result, actor, details)
        return result


def attendees(rt: Runtime, session_id: int) -> dict:
    """The session's card and its registrations with state and minutes, by name."""
    with rt.session() as s:
        row = get_session(s, session_id)
        regs = s.exec(select(Registration, Person).join(Person, Person.id == Registration.person_id)
                      .where(Registration.session_id == session_id)
                      .order_by(Person.last_name, Person.first_name, Registration.id)).all()
        imports = s.exec(select(AttendanceImport)
                         .where(AttendanceImport.session_id == session_id)
                         .order_by(AttendanceImport.id.desc())).first()
        counts: dict[str, int] = {}
        for reg, _ in regs:
            counts[reg.state.label] = counts.get(reg.state.label, 0) + 1
        return {
            "id": row.id, "topic": row.topic, "start": moscow_time(row.starts_at),
            "state": row.state.label, "counts": counts,
            "unknown": list(imports.unknown) if imports else [],
            "rows": [{"id": reg.id, "name": person.full_name, "email": person.email,
                      "state": str(reg.state), "state_label": reg.state.label,
                      "minutes": reg.minutes_attended, "source": reg.source}
                     for reg, person in regs],
        }


# --- the session ------------------------------------------------------------------------

def _check_session(tx: Tx, row: WebinarSession, actor: Actor, details: dict) -> None:
    if row.state == S.CANCELLED:
        _refuse(row, actor, f"Вебинар №{row.id} отменён: отмечать участие нельзя", details)
    if row.state == S.CLOSED:
        _refuse(row, actor, f"Вебинар №{row.id} завершён: участие больше не меняется", details)
    if tx.now < row.starts_at:
        _refuse(row, actor, f"Вебинар №{row.id} ещё не начался (начало "
                            f"{moscow_time(row.starts_at)} МСК): участие отмечают после начала",
                details)


def _hold(tx: Tx, row: WebinarSession, actor: Actor) -> None:
    if row.state in (S.HELD, S.MATERIALS_SENT, S.CERTIFICATES_ISSUED):
        return
    if row.state not in session_machine.get("hold").sources:
        _refuse(row, actor, f"Вебинар №{row.id} «{row.state.label}»: регистрация на него не "
                            "открывалась, участие отметить нельзя", {})
    with transition(tx, session_machine, row, "hold", actor=actor, now=tx.now) as step:
        step.details["by"] = ACTION


def _audit(row: WebinarSession, actor: Actor, details: dict) -> dict:
    return {"object_kind": KIND, "object_id": row.id, "action": ACTION,
            "from_state": str(row.state), "actor": actor, "details": details}


def _refuse(row: WebinarSession, actor: Actor, message: str, details: dict,
            kind: type[DomainError] = IllegalTransition):
    raise kind(message, obj=row, audit=_audit(row, actor, details))


def _record(tx: Tx, row: WebinarSession, actor: Actor, **values) -> AttendanceImport:
    record = AttendanceImport(session_id=row.id, imported_by=actor.person_id,
                              imported_at=tx.now, **values)
    tx.session.add(record)
    tx.session.flush()
    return record


def _finish(tx: Tx, row: WebinarSession, record: AttendanceImport, result: AttendanceResult,
            actor: Actor, details: dict) -> None:
    record.attended, record.no_show, record.unknown = result.attended, result.no_show, \
        result.unknown
    tx.session.add(record)
    record_event(tx, object_kind=KIND, object_id=row.id, action=ACTION, actor=actor,
                 state=str(row.state), details={
                     **details, "import_id": record.id, "attended": result.attended,
                     "no_show": result.no_show, "changed": result.changed,
                     "unknown": len(result.unknown), "registered": result.registered,
                     **({"notes": result.notes} if result.notes else {})})


# --- registrations ------------------------------------------------------------------------

def _registrations(tx: Tx, session_id: int) -> list[tuple[Registration, Person]]:
    return list(tx.session.exec(
        select(Registration, Person).join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id == session_id).order_by(Registration.id)).all())


def _apply(tx: Tx, result: AttendanceResult, reg: Registration, present: bool, actor: Actor,
           details: dict) -> None:
    target, name = (R.ATTENDED, "mark_attended") if present else (R.NO_SHOW, "mark_no_show")
    if present:
        result.attended += 1
    else:
        result.no_show += 1
    if reg.state == target:
        return
    with transition(tx, registration_machine, reg, name, actor=actor) as step:
        step.details.update(session_id=reg.session_id, **details)
    result.changed += 1


def _new_registration(tx: Tx, row: WebinarSession, person: Person, actor: Actor, source: str,
                      minutes: int | None) -> Registration:
    reg = Registration(session_id=row.id, person_id=person.id, source=source,
                       registered_at=tx.now, minutes_attended=minutes, created_at=tx.now,
                       updated_at=tx.now)
    tx.session.add(reg)
    tx.session.flush()
    with transition(tx, registration_machine, reg, "register", actor=actor) as step:
        step.details.update(session_id=row.id, source=source)
    return reg


def _left_alone(reg: Registration, person: Person, seconds: int, present: bool) -> str:
    if reg.state == R.CANCELLED and present:
        return (f"{_who(person)}: регистрация отменена, но по файлу присутствовал(а) "
                f"{seconds // 60} мин. — участие не засчитано (отменённую регистрацию отметить "
                "нельзя)")
    return f"{_who(person)}: {LEFT_ALONE[reg.state]}"


def _who(person: Person) -> str:
    return f"{person.full_name} <{person.email}>" if person.email else person.full_name


def _person_by_email(tx: Tx, email: str) -> Person | None:
    return tx.session.exec(select(Person).where(func.lower(Person.email) == email)
                           .order_by(Person.active.desc(), Person.id)).first()


def _names(person: Person) -> tuple[str, str, str]:
    return person.email, person.full_name, f"{person.last_name} {person.first_name}"


def _group(tx: Tx, regs: list[tuple[Registration, Person]], rows: list[AttendanceRow]):
    return group_rows(rows, [(r.id, *_names(p)) for r, p in regs],
                      lambda email: _person_by_email(tx, email))


def _resolve(tx: Tx, row: WebinarSession, attended: list[str], absent: list[str]):
    """[(registration or person to register, present)] and every problem, for a marking."""
    regs = _registrations(tx, row.id)
    by_id = {str(r.id): r for r, _ in regs}
    by_email = {p.email.strip().lower(): r for r, p in regs if p.email}
    plan, problems, missing, seen = [], [], [], {}
    for present, tokens in ((True, attended), (False, absent)):
        for token in tokens:
            key = token.lower()
            if key in seen:
                if seen[key] != present:
                    problems.append(f"{token} указан(а) и среди участников, и среди отсутствующих")
                continue
            seen[key] = present
            reg = by_id.get(key) if key.isdigit() else by_email.get(key)
            if reg is None and not key.isdigit() and present:
                person = _person_by_email(tx, key)
                if person is not None:
                    plan.append((person, True))
                    continue
            if reg is None:
                missing.append(token)
            elif reg.state in LEFT_ALONE:
                problems.append(f"{token}: {LEFT_ALONE[reg.state]}")
            elif reg.state == R.WAITING and not present:
                problems.append(f"{token}: в листе ожидания, неявку не отмечают")
            else:
                plan.append((reg, present))
    if missing:
        problems.insert(0, "не найдены среди зарегистрированных на вебинар: " + ", ".join(missing))
    return plan, problems

