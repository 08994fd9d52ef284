"""Staff act on a consultation request: assign (or reassign) a methodologist, log it as held
with its result, decline it or cancel it. Each is one transition of
models/consultation_machine.py with its letters, under keys that never send one twice.

Times people type are Moscow time: `parse_moment` reads «ДД.ММ.ГГГГ ЧЧ:ММ» (and, where a day
is enough, «ДД.ММ.ГГГГ»); a naive datetime given to a service is read the same way.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func
from sqlmodel import select

from adapters.clock import MOSCOW, as_utc, moscow_date
from models import AuditEntry, Outcome, Person
from models.consultation import Consultation, ConsultationState
from models.consultation_machine import consultation_machine
from services import documents
from services.actors import Actor
from services.consultation_queries import KIND, card_of, get
from services.errors import DomainError, NotFound, UploadRefused
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import Step, refusal_audit, transition
from services.webinar_queries import moscow_time

RESULT_FILE_TYPES = ("pdf", "docx", "doc", "xlsx", "pptx", "jpg", "png")
HELD_AT_NOON = time(12, 0)  # a day without a time: the consultation is dated by its day


def parse_moment(text: str, *, day_allowed: bool = False) -> datetime | date:
    """«15.10.2024 15:00» (Moscow) → an aware datetime; «15.10.2024» → that day when
    `day_allowed`; a Russian refusal otherwise."""
    typed = " ".join((text or "").split())
    try:
        return datetime.strptime(typed, "%d.%m.%Y %H:%M").replace(tzinfo=MOSCOW)
    except ValueError:
        pass
    if day_allowed:
        try:
            return datetime.strptime(typed, "%d.%m.%Y").date()
        except ValueError:
            pass
    shape = "ДД.ММ.ГГГГ ЧЧ:ММ" + (" или ДД.ММ.ГГГГ" if day_allowed else "")
    raise DomainError(f"Время «{text}» не распознано: укажите {shape} (московское время)")


def assign(rt: Runtime, consultation_id: int, methodologist: str | int, *,
           scheduled_at: datetime | None = None, actor: Actor) -> int:
    """Give the consultation to a methodologist (a login or a person's id), optionally for a
    moment in the future; an assigned one is handed over or moved («reassign»). The
    methodologist and the requester are told; on a handover the previous methodologist too,
    and when the methodologist stays and only the time changes, the letters say it moved.
    The methodologist's person id."""
    with rt.transaction() as tx:
        c = get(tx, consultation_id)
        name = "reassign" if c.state == ConsultationState.ASSIGNED else "assign"
        person = _person(tx, c, name, methodologist, actor)
        at = _aware(scheduled_at)
        before = tx.session.get(Person, c.methodologist_id) if c.methodologist_id else None
        earlier = moscow_time(c.scheduled_at) if c.scheduled_at else ""
        moved = before is not None and before.id == person.id
        round_ = _assignments(tx, c) + 1
        with transition(tx, consultation_machine, c, name, actor=actor, methodologist=person,
                        scheduled_at=at, now=tx.now) as step:
            c.methodologist_id = person.id
            c.scheduled_at = at or c.scheduled_at
            c.decided_by = actor.person_id
            step.details.update(methodologist_id=person.id, methodologist=person.full_name,
                                scheduled=moscow_time(c.scheduled_at) if c.scheduled_at else "",
                                previous=before.full_name if before else "", moved=moved)
            context = {"consultation": card_of(tx, c), "again": round_ > 1, "moved": moved,
                       "earlier": earlier}
            if person.email:
                queue_to_person(tx, person, key=f"{KIND}:{c.id}:assigned:{round_}:to:{person.id}",
                                template="consultation_assigned",
                                context={**context, "person": person},
                                object_kind=KIND, object_id=c.id, step=step)
            if before is not None and not moved and before.email:
                queue_to_person(tx, before,
                                key=f"{KIND}:{c.id}:unassigned:{round_}:to:{before.id}",
                                template="consultation_unassigned",
                                context={**context, "person": before},
                                object_kind=KIND, object_id=c.id, step=step)
            _to_requester(tx, c, f"scheduled:{round_}", "consultation_scheduled", context, step)
        return person.id


def hold(rt: Runtime, consultation_id: int, *, result: str,
         held_at: datetime | date | None = None, duration_minutes: int | None = None,
         file: tuple[str, bytes] | None = None, actor: Actor) -> None:
    """Log the consultation as held with its result (required), when it was held (a day or a
    Moscow time, default now; never in the future), its duration and a result file; the
    requester gets the summary, the file attached."""
    result = (result or "").strip()
    with rt.transaction() as tx:
        c = get(tx, consultation_id)
        moment = _held_moment(tx, held_at)
        with transition(tx, consultation_machine, c, "hold", actor=actor, result=result,
                        held_at=moment, now=tx.now, held_day=moscow_date(moment),
                        submitted_day=moscow_date(c.submitted_at),
                        duration=duration_minutes) as step:
            c.held_at, c.result, c.duration_minutes = moment, result, duration_minutes
            attached = []
            if file is not None:
                doc = _store_result(tx, c, file, actor, step)
                c.result_document_id = doc.id
                attached.append(doc.id)
            step.details.update(held=moscow_time(moment), duration=duration_minutes,
                                methodologist_id=c.methodologist_id,
                                document_id=c.result_document_id)
            _to_requester(tx, c, "held", "consultation_held",
                          {"consultation": card_of(tx, c)}, step, attachment_ids=attached)


def decline(rt: Runtime, consultation_id: int, *, reason: str, actor: Actor) -> None:
    """Decline a request not yet assigned, with a reason the requester is told."""
    _close(rt, consultation_id, "decline", reason, actor)


def cancel(rt: Runtime, consultation_id: int, *, reason: str, actor: Actor) -> None:
    """Cancel a consultation before it is held (e.g. the requester withdrew); the requester
    and the assigned methodologist are told."""
    _close(rt, consultation_id, "cancel", reason, actor)


def _close(rt: Runtime, consultation_id: int, name: str, reason: str, actor: Actor) -> None:
    reason = (reason or "").strip()
    with rt.transaction() as tx:
        c = get(tx, consultation_id)
        with transition(tx, consultation_machine, c, name, actor=actor, reason=reason) as step:
            c.decline_reason = reason
            c.decided_by = actor.person_id
            context = {"consultation": card_of(tx, c)}
            what = "declined" if name == "decline" else "cancelled"
            _to_requester(tx, c, what, f"consultation_{what}", context, step)
            who = tx.session.get(Person, c.methodologist_id) if c.methodologist_id else None
            if name == "cancel" and who is not None and who.email:
                queue_to_person(tx, who, key=f"{KIND}:{c.id}:cancelled:to:{who.id}",
                                template="consultation_cancelled",
                                context={**context, "person": who, "methodologist": True},
                                object_kind=KIND, object_id=c.id, step=step)


def _to_requester(tx: Tx, c: Consultation, what: str, template: str, context: dict,
                  step: Step, attachment_ids: list[int] | None = None) -> None:
    person = tx.session.get(Person, c.person_id) if c.person_id else None
    if person is None or not person.email:
        return
    queue_to_person(tx, person, key=f"{KIND}:{c.id}:{what}", template=template,
                    context={"methodologist": False, **context, "person": person},
                    attachment_ids=attachment_ids, object_kind=KIND, object_id=c.id,
                    step=step)


def _person(tx: Tx, c: Consultation, action: str, ref: str | int, actor: Actor) -> Person:
    """The methodologist named by login or person id; an unknown one refused and audited."""
    if isinstance(ref, int):
        person = tx.session.get(Person, ref)
    else:
        login = ref.strip()
        person = tx.session.exec(select(Person).where(Person.login == login)).first()
    if person is None:
        what = f"Человек №{ref}" if isinstance(ref, int) else f"Сотрудник с логином «{ref}»"
        raise NotFound(f"{what} не найден: консультация №{c.id} не назначена", audit={
            **refusal_audit(consultation_machine, c, action, actor, ""),
            "details": {"methodologist": str(ref)}})
    return person


def _assignments(tx: Tx, c: Consultation) -> int:
    """How many times the consultation was assigned so far (keys of the letters count it)."""
    return tx.session.exec(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_kind == KIND, AuditEntry.object_id == c.id,
        AuditEntry.action.in_(("assign", "reassign")),
        AuditEntry.outcome == Outcome.DONE)).one()


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return as_utc(moment.replace(tzinfo=MOSCOW) if moment.tzinfo is None else moment)


def _held_moment(tx: Tx, value: datetime | date | None) -> datetime:
    """Now; a Moscow time; or a day: its noon, or now when that is today before noon."""
    if value is None:
        return tx.now
    if isinstance(value, datetime):
        return _aware(value)
    moment = as_utc(datetime.combine(value, HELD_AT_NOON, MOSCOW))
    return tx.now if moment > tx.now and value == moscow_date(tx.now) else moment


def _store_result(tx: Tx, c: Consultation, file: tuple[str, bytes], actor: Actor, step: Step):
    filename, data = file
    try:
        return documents.store_upload(
            tx, key=f"{KIND}:{c.id}:result", kind="consultation_result", object_kind=KIND,
            object_id=c.id, filename=filename, data=data, allowed=RESULT_FILE_TYPES,
            what="с результатом консультации", step=step)
    except UploadRefused as err:
        err.audit = {**refusal_audit(consultation_machine, c, "hold", actor, ""),
                     "details": {"filename": filename}}
        raise


__all__ = ["assign", "cancel", "decline", "hold", "parse_moment"]
