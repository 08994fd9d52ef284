"""The registrations an attendance import or marking touches: finding them (by number, by
e-mail, a known person by e-mail), marking them present or absent through the machine, and
registering a known person who came without registering."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from models import Person
from models.webinar import Registration, RegistrationState as R, WebinarSession
from models.webinar_machine import registration_machine
from services.actors import Actor
from services.partner_input import normalize_email
from services.runtime import Tx
from services.transitions import transition
from services.webinar_attendance_file import AttendanceRow, group_rows
from services.webinar_attendance_record import AttendanceResult

LEFT_ALONE = {R.CANCELLED: "регистрация отменена", R.CERTIFICATE_ISSUED: "сертификат уже выдан"}


def registrations(tx: Tx, session_id: int) -> list[tuple[Registration, Person]]:
    return list(tx.session.exec(
        select(Registration, Person).join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id == session_id).order_by(Registration.id)).all())


def apply_mark(tx: Tx, result: AttendanceResult, reg: Registration, present: bool,
               actor: Actor, details: dict) -> None:
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


def new_registration(tx: Tx, row: WebinarSession, person: Person, actor: Actor, source: str,
                     minutes: int | None) -> Registration:
    reg = Registration(session_id=row.id, person_id=person.id, source=source,
                       registered_at=tx.now, minutes_attended=minutes, created_at=tx.now,
                       updated_at=tx.now)
    tx.session.add(reg)
    tx.session.flush()
    with transition(tx, registration_machine, reg, "register", actor=actor) as step:
        step.details.update(session_id=row.id, source=source)
    return reg


def left_alone_note(reg: Registration, person: Person, seconds: int, present: bool) -> str:
    if reg.state == R.CANCELLED and present:
        return (f"{who(person)}: регистрация отменена, но по файлу присутствовал(а) "
                f"{seconds // 60} мин. — участие не засчитано (отменённую регистрацию отметить "
                "нельзя)")
    return f"{who(person)}: {LEFT_ALONE[reg.state]}"


def who(person: Person) -> str:
    return f"{person.full_name} <{person.email}>" if person.email else person.full_name


def person_by_email(tx: Tx, email: str) -> Person | None:
    # Not services.requesters' lookup: that one skips inactive cards; here an active card
    # comes first, but an inactive one is still found.
    return tx.session.exec(select(Person).where(func.lower(Person.email) == email)
                           .order_by(Person.active.desc(), Person.id)).first()


def person_names(person: Person) -> tuple[str, str, str]:
    return person.email, person.full_name, f"{person.last_name} {person.first_name}"


def match_rows(tx: Tx, regs: list[tuple[Registration, Person]], rows: list[AttendanceRow]):
    return group_rows(rows, [(r.id, *person_names(p)) for r, p in regs],
                      lambda email: person_by_email(tx, email))


def resolve_marks(tx: Tx, row: WebinarSession, attended: list[str], absent: list[str]):
    """[(registration or person to register, present)] and every problem, for a marking."""
    regs = registrations(tx, row.id)
    by_id = {str(r.id): r for r, _ in regs}
    by_email = {normalize_email(p.email): r for r, p in regs if p.email}
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
                person = person_by_email(tx, key)
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
