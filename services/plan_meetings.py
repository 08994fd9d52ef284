"""Creative-group meetings (plan item theor-2): schedule, reschedule, cancel.

A meeting belongs to one open occurrence of the plan's meetings item (process «meetings»):
the one whose window [start, due] holds its day, or the one named by its position (a meeting
for an overdue month is held late). Refused, audited on the plan item, nothing stored: a day
outside every window, a past time, an empty agenda, an occurrence already closed or cancelled,
a second meeting for an occurrence with one scheduled or held. Members (default: the centre's
active staff and director; the chair and the secretary always) become attendee rows, «не
отмечен» until the minutes; each gets the agenda once per schedule version (`v1`, then one
more per reschedule) under `plan_meeting:{id}:invitation:v{n}:person:{person}`. An invitation
expires at the meeting's start (never sent later); a reschedule or a cancellation withdraws
the invitations still queued, so a member never gets the old time after the new letter.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import select

from adapters.clock import MOSCOW, moscow_date
from models import AuditEntry, MailStatus, OutboxEmail, Outcome, Person, PersonRole
from models.plan import OccurrenceState, PlanItem, PlanOccurrence
from models.plan_meeting import MeetingAttendee, MeetingState, PlanMeeting
from models.plan_meeting_machine import meeting_machine
from services.actors import Actor
from services.errors import DomainError, GuardRefused
from services.org import director, staff
from services.outbox import queue_many
from services.plan import plan_by_ref
from services.plan_meeting_queries import (
    KIND,
    attendees,
    card,
    get_meeting,
    meetings_item,
    moscow_time,
    period,
)
from services.runtime import Runtime, Tx
from services.transitions import Step, check, refusal_audit, transition

TEMPLATE = "plan_meeting_invitation"
OPEN = (OccurrenceState.PLANNED, OccurrenceState.OVERDUE)
ACTIVE = (MeetingState.SCHEDULED, MeetingState.HELD)
Ref = str | int


def schedule(rt: Runtime, *, plan: int, starts_at: datetime, place: str, agenda: list[str],
             members: list[Ref] | None = None, chair: Ref | None = None,
             secretary: Ref | None = None, occurrence: int | None = None,
             actor: Actor) -> dict:
    """Schedule a meeting of the plan `plan` (year or number); the invitations are queued."""
    start = starts_at.replace(tzinfo=MOSCOW) if starts_at.tzinfo is None else starts_at
    questions = [" ".join(q.split()) for q in agenda if q and q.strip()]
    with rt.transaction() as tx:
        item = meetings_item(tx, plan_by_ref(tx, plan))

        def refuse(message: str) -> DomainError:
            return DomainError(message, audit={
                "object_kind": "plan_item", "object_id": item.id, "action": "schedule_meeting",
                "actor": actor, "details": {"start": moscow_time(start), "place": place,
                                            "agenda": questions, "occurrence": occurrence}})

        if start <= tx.now:
            raise refuse(f"Заседание нельзя назначить на {moscow_time(start)} (МСК): это время "
                         "уже прошло")
        if not questions:
            raise refuse("Повестка дня пуста: укажите хотя бы один вопрос заседания")
        occ = _occurrence(tx, item, moscow_date(start), occurrence, refuse)
        chair_p = _person(tx, chair, refuse) if chair is not None else director(tx)
        secretary_p = (_person(tx, secretary, refuse) if secretary is not None
                       else _default_secretary(tx, actor))
        if chair_p.id == secretary_p.id:
            raise refuse(f"Председатель и секретарь заседания — разные люди, а указан "
                         f"{chair_p.full_name} в обеих ролях")
        people = ([_person(tx, ref, refuse) for ref in members] if members
                  else [director(tx), *staff(tx)])
        people = list({p.id: p for p in [chair_p, secretary_p, *people]}.values())
        meeting = PlanMeeting(occurrence_id=occ.id, starts_at=start, place=place.strip(),
                              agenda=questions, decisions=[], chair_id=chair_p.id,
                              secretary_id=secretary_p.id, created_by=actor.person_id,
                              created_at=tx.now, updated_at=tx.now)
        tx.session.add(meeting)
        tx.session.flush()
        tx.session.add_all(MeetingAttendee(meeting_id=meeting.id, person_id=p.id, present=False)
                           for p in people)
        with transition(tx, meeting_machine, meeting, "schedule", actor=actor) as step:
            sent = _notify(tx, meeting, step, "new", version=1)
            step.details.update(start=moscow_time(start), place=meeting.place,
                                occurrence_id=occ.id, period=period(occ),
                                members=[p.id for p in people], invited=sent)
        return {"id": meeting.id, "start": moscow_time(start), "period": period(occ),
                "members": len(people), "invited": sent}


def reschedule(rt: Runtime, meeting_id: int, *, starts_at: datetime, place: str | None = None,
               reason: str = "", actor: Actor) -> dict:
    """Move a scheduled meeting to a new time ahead (and place); the members are told."""
    start = starts_at.replace(tzinfo=MOSCOW) if starts_at.tzinfo is None else starts_at
    with rt.transaction() as tx:
        meeting = get_meeting(tx, meeting_id, lock=True)
        new_place = meeting.place if place is None else place.strip()
        if meeting.state == MeetingState.SCHEDULED and (start, new_place) == (
                meeting.starts_at, meeting.place):
            return {"id": meeting.id, "start": moscow_time(start), "changed": False,
                    "invited": 0}
        check(meeting_machine, meeting, "reschedule", actor=actor, reason=reason,
              starts_at=start, now=tx.now)
        occ = tx.session.get(PlanOccurrence, meeting.occurrence_id)
        if moscow_date(start) < occ.start:
            audit = refusal_audit(meeting_machine, meeting, "reschedule", actor, reason)
            audit["details"] = {"start": moscow_time(start)}
            raise GuardRefused(f"Перенос заседания №{meeting.id} невозможен: заседание за "
                               f"{period(occ)} не может пройти раньше {occ.start:%d.%m.%Y}",
                               obj=meeting, audit=audit)
        old = moscow_time(meeting.starts_at)
        with transition(tx, meeting_machine, meeting, "reschedule", actor=actor,
                        reason=reason.strip(), starts_at=start, now=tx.now) as step:
            meeting.starts_at, meeting.place = start, new_place
            version = _version(tx, meeting) + 1
            withdrawn = _withdraw_invitations(tx, meeting)
            sent = _notify(tx, meeting, step, "rescheduled", version=version,
                           old_start=old, reason=reason.strip())
            step.details.update(old_start=old, start=moscow_time(start), place=new_place,
                                version=version, invited=sent, withdrawn=withdrawn)
        return {"id": meeting.id, "start": moscow_time(start), "changed": True,
                "invited": sent}


def cancel(rt: Runtime, meeting_id: int, *, reason: str, actor: Actor) -> dict:
    """Cancel a scheduled meeting with a reason; the members are told. Its occurrence stays
    open: another meeting may be scheduled for it."""
    with rt.transaction() as tx:
        meeting = get_meeting(tx, meeting_id, lock=True)
        if meeting.state == MeetingState.CANCELLED:
            return {"id": meeting.id, "changed": False, "notified": 0}
        with transition(tx, meeting_machine, meeting, "cancel", actor=actor,
                        reason=reason.strip()) as step:
            meeting.cancel_reason = reason.strip()
            withdrawn = _withdraw_invitations(tx, meeting)
            sent = _notify(tx, meeting, step, "cancelled", reason=reason.strip())
            step.details.update(notified=sent, withdrawn=withdrawn)
        return {"id": meeting.id, "changed": True, "notified": sent}


# -- views ----------------------------------------------------------------------------------


# -- helpers --------------------------------------------------------------------------------


def _occurrence(tx: Tx, item: PlanItem, day: date, position: int | None, refuse):
    # Locked (PostgreSQL): two staff scheduling the same month never both pass the check.
    occurrences = list(tx.session.exec(select(PlanOccurrence).where(
        PlanOccurrence.item_id == item.id).order_by(PlanOccurrence.position).with_for_update()))
    listed = "; ".join(f"{o.position} — {period(o)} (до {o.due:%d.%m.%Y}, {o.state.label})"
                       for o in occurrences)
    if position is not None:
        occ = next((o for o in occurrences if o.position == position), None)
        if occ is None:
            raise refuse(f"У пункта плана {item.code} нет срока № {position}; сроки: {listed}")
        if day < occ.start:
            raise refuse(f"Заседание за {period(occ)} не может пройти раньше "
                         f"{occ.start:%d.%m.%Y}, а назначается на {day:%d.%m.%Y}")
    else:
        occ = next((o for o in occurrences if o.start <= day <= o.due), None)
        if occ is None:
            raise refuse(f"{day:%d.%m.%Y} не попадает ни в один срок пункта плана {item.code} "
                         f"(заседания творческой группы); сроки: {listed}. Заседание за "
                         "просроченный срок назначается с его номером (--occurrence N)")
    if occ.state not in OPEN:
        raise refuse(f"Срок пункта плана {item.code} за {period(occ)} уже "
                     f"«{occ.state.label}»: заседание за него не назначается")
    other = tx.session.exec(select(PlanMeeting).where(PlanMeeting.occurrence_id == occ.id,
                                                      PlanMeeting.state.in_(ACTIVE))).first()
    if other is not None:
        raise refuse(f"За {period(occ)} уже есть заседание №{other.id} "
                     f"({moscow_time(other.starts_at)}, {other.state.label}): второе за тот же "
                     "срок не назначается — перенесите или отмените первое")
    return occ


def _person(tx: Tx, ref: Ref, refuse) -> Person:
    """A person of the registry by id, e-mail or staff login."""
    text = str(ref).strip()
    if isinstance(ref, int) or text.isdigit():
        person = tx.session.get(Person, int(text))
    elif "@" in text:
        person = tx.session.exec(select(Person).where(
            func.lower(Person.email) == text.lower(), Person.active)).first()
    else:
        person = tx.session.exec(select(Person).where(Person.login == text)).first()
    if person is None or not person.active:
        raise refuse(f"«{text}» не найден среди людей реестра: укажите логин сотрудника, "
                     "e-mail или номер человека (imc person show)")
    return person


def _default_secretary(tx: Tx, actor: Actor) -> Person:
    """The staff member who schedules it, else the first of the staff."""
    person = tx.session.get(Person, actor.person_id) if actor.person_id else None
    if person is not None and person.role == PersonRole.STAFF and person.active:
        return person
    return (staff(tx) or [director(tx)])[0]


def _version(tx: Tx, meeting: PlanMeeting) -> int:
    """1 + the reschedules done: the schedule version whose invitations are current."""
    done = tx.session.exec(select(func.count(AuditEntry.id)).where(
        AuditEntry.object_kind == KIND, AuditEntry.object_id == meeting.id,
        AuditEntry.action == "reschedule", AuditEntry.outcome == Outcome.DONE)).one()
    return 1 + int(done)


def _notify(tx: Tx, meeting: PlanMeeting, step: Step, notice: str, *, version: int = 0,
            **extra) -> int:
    """The letter about the meeting (new, moved or cancelled) to every member with an e-mail;
    how many were queued now. An invitation is pointless once the meeting has begun: it
    expires at the start."""
    cancelled = notice == "cancelled"
    what = "cancelled" if cancelled else f"invitation:v{version}"
    letters = [{"key": f"{KIND}:{meeting.id}:{what}:person:{person.id}", "person": person,
                "object_kind": KIND, "object_id": meeting.id}
               for row, person in attendees(tx, meeting) if not row.guest and person.email]
    return len(queue_many(tx, letters, template=TEMPLATE, step=step,
                          expires_at=None if cancelled else meeting.starts_at,
                          common={"meeting": card(tx, meeting), "notice": notice, **extra}))


def _withdraw_invitations(tx: Tx, meeting: PlanMeeting) -> int:
    """Withdraw the meeting's invitations (of any schedule version) not yet sent, in one
    UPDATE; how many. Mail already handed to a drain is left to it."""
    result = tx.session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.template == TEMPLATE, OutboxEmail.object_kind == KIND,
               OutboxEmail.object_id == meeting.id, OutboxEmail.status == MailStatus.QUEUED,
               OutboxEmail.key.startswith(f"{KIND}:{meeting.id}:invitation:", autoescape=True))
        .values(status=MailStatus.WITHDRAWN)
        .execution_options(synchronize_session=False))
    return result.rowcount
