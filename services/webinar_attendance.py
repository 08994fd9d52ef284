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

The session's checks and the import's record: services.webinar_attendance_record; finding
and marking the registrations: services.webinar_attendance_marks.
"""

from __future__ import annotations

import hashlib

from sqlmodel import select

from models import Person
from models.webinar import Registration, RegistrationState as R, WebinarCycle
from models.webinar_followup import AttendanceImport
from services.actors import Actor
from services.errors import DomainError, ImportRefused
from services.runtime import Runtime
from services.webinar_attendance_file import namesake_notes, read_attendance
from services.webinar_attendance_marks import (
    LEFT_ALONE,
    apply_mark,
    left_alone_note,
    match_rows,
    new_registration,
    person_names,
    registrations,
    resolve_marks,
    who,
)
from services.webinar_attendance_record import (
    AttendanceResult,
    audit_of,
    check_session,
    finish_record,
    hold,
    refuse,
    start_record,
)
from services.webinar_queries import get_session, moscow_time

WHAT = "файл явки"
SOURCE = "attendance"


def import_attendance(rt: Runtime, session_id: int, data: bytes, filename: str, *,
                      actor: Actor, min_minutes: int | None = None) -> AttendanceResult:
    """Apply the platform's export to the session's registrations, or refuse it whole."""
    parsed = read_attendance(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    with rt.transaction() as tx:
        row = get_session(tx.session, session_id)
        details = {"file": filename, "sha256": digest}
        if min_minutes is not None and min_minutes < 0:
            refuse(row, actor, "Порог минут не может быть отрицательным", details, DomainError)
        check_session(tx, row, actor, details)
        if parsed.problems:
            err = ImportRefused(problems=parsed.problems, what=WHAT)
            err.audit = audit_of(row, actor, {**details, "problems": len(parsed.problems)})
            raise err
        threshold = (min_minutes if min_minutes is not None
                     else tx.session.get(WebinarCycle, row.cycle_id).min_minutes)
        hold(tx, row, actor)
        record = start_record(tx, row, actor, filename=filename[:300], sha256=digest,
                              min_minutes=threshold, rows=len(parsed.rows))
        result = AttendanceResult(row.id, record.id, len(parsed.rows), 0, 0, threshold,
                                  ignored_headers=parsed.ignored_headers)
        regs = registrations(tx, row.id)
        totals, people, unknown = match_rows(tx, regs, parsed.rows)
        note = {"import_id": record.id, "file": filename}
        for reg, person in regs:
            seconds = totals.get(reg.id)
            present = seconds is not None and seconds >= threshold * 60
            if reg.state in LEFT_ALONE:
                if seconds is not None:
                    result.left_alone.append(left_alone_note(reg, person, seconds, present))
                continue
            if reg.state == R.WAITING and not present:
                continue  # had no place: neither present nor a no-show
            if reg.state == R.ATTENDED and seconds is None:
                result.notes.append(f"{who(person)}: был(а) отмечен(а) «участвовал», в файле "
                                    "нет — теперь «не участвовал» (файл платформы заменяет "
                                    "прежние отметки; если человек был, отметьте вручную: "
                                    "imc webinar mark)")
            reg.minutes_attended = (seconds or 0) // 60
            tx.session.add(reg)
            apply_mark(tx, result, reg, present, actor, {**note, "minutes": reg.minutes_attended})
        for person, seconds in people:
            if seconds < threshold * 60:
                result.left_alone.append(f"{who(person)}: не регистрировался(ась), был(а) "
                                         f"{seconds // 60} мин. — меньше {threshold}, "
                                         "регистрация не создана")
                continue
            reg = new_registration(tx, row, person, actor, SOURCE, seconds // 60)
            apply_mark(tx, result, reg, True, actor, {**note, "minutes": seconds // 60})
            result.registered.append(person.email)
        result.unknown = unknown
        result.notes += namesake_notes(unknown, [person_names(p) for r, p in regs
                                                 if r.id not in totals])
        finish_record(tx, row, record, result, actor, details)
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
            refuse(row, actor, "Укажите, кто участвовал (--attended) или не участвовал "
                               "(--absent)", details, DomainError)
        check_session(tx, row, actor, details)
        plan, problems = resolve_marks(tx, row, attended, absent)
        if problems:
            refuse(row, actor, "Отметка участия не сохранена, ничего не изменено:\n" +
                   "\n".join(f"  • {p}" for p in problems), details, DomainError)
        hold(tx, row, actor)
        record = start_record(tx, row, actor, rows=len(plan))
        result = AttendanceResult(row.id, record.id, len(plan), 0, 0, 0)
        note = {"import_id": record.id, "manual": True}
        for target, present in plan:
            if isinstance(target, Person):
                target = new_registration(tx, row, target, actor, "staff", None)
            apply_mark(tx, result, target, present, actor, note)
        finish_record(tx, row, record, result, actor, details)
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
