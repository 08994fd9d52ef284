"""Creative-group meetings as staff and letters see them: lookups, cards, the lists.

Reading only; services.plan_meetings changes meetings, plan_meeting_minutes records the
minutes, plan_meeting_protocol holds a meeting and makes its protocol.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from adapters.clock import MOSCOW
from adapters.russian import date_long, initials_name
from models import Document, Person
from models.plan import Plan, PlanItem, PlanOccurrence
from models.plan_meeting import MeetingAttendee, PlanMeeting
from services.documents import absolute_path
from services.errors import NotFound
from services.plan_schedule import MONTHS
from services.runtime import Runtime, Tx
from services.webinar_queries import moscow_time

KIND = "plan_meeting"


def list_meetings(rt: Runtime, year: int | None = None) -> list[dict]:
    """The meetings of a plan year (or all), in time order, with their state labels."""
    with rt.session() as s:
        stmt = (select(PlanMeeting, PlanOccurrence, Plan.year)
                .join(PlanOccurrence, PlanOccurrence.id == PlanMeeting.occurrence_id)
                .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                .join(Plan, Plan.id == PlanItem.plan_id)
                .order_by(PlanMeeting.starts_at, PlanMeeting.id))
        present = dict(s.exec(select(MeetingAttendee.meeting_id, func.count(MeetingAttendee.id))
                              .where(MeetingAttendee.present, ~MeetingAttendee.guest)
                              .group_by(MeetingAttendee.meeting_id)).all())
        return [{"id": m.id, "year": plan_year, "number": m.number or "",
                 "start": moscow_time(m.starts_at), "place": m.place, "period": period(occ),
                 "state": m.state.label, "questions": len(m.agenda),
                 "present": present.get(m.id, 0) if m.decisions else None}
                for m, occ, plan_year in s.exec(stmt if year is None
                                                else stmt.where(Plan.year == year))]


def meeting_view(rt: Runtime, meeting_id: int) -> dict:
    """One meeting: agenda, members and their attendance, guests, decisions, the protocol."""
    with rt.transaction() as tx:
        meeting = get_meeting(tx, meeting_id)
        occ = tx.session.get(PlanOccurrence, meeting.occurrence_id)
        rows = attendees(tx, meeting)
        names = {p.id: p.full_name for _, p in rows}
        doc = (tx.session.get(Document, meeting.protocol_document_id)
               if meeting.protocol_document_id else None)
        return {**card(tx, meeting), "state": meeting.state.label, "number": meeting.number,
                "occurrence": f"{period(occ)}, срок {occ.due:%d.%m.%Y}: {occ.state.label}",
                "minutes": bool(meeting.decisions), "cancel_reason": meeting.cancel_reason,
                "members": [{"name": p.full_name, "position": p.position,
                             "attendance": _attendance(meeting, row, p)}
                            for row, p in rows if not row.guest],
                "guests": [{"name": p.full_name, "position": p.position, "email": p.email}
                           for row, p in rows if row.guest],
                "decisions": [{**d, "title": meeting.agenda[d["question"] - 1],
                               "speaker": names.get(d.get("speaker_id"), "")}
                              for d in meeting.decisions],
                "protocol": str(absolute_path(rt, doc)) if doc else ""}


def _attendance(meeting: PlanMeeting, row: MeetingAttendee, person: Person) -> str:
    if not meeting.decisions:
        return "не отмечено (протокол не внесён)"
    ending = "а" if person.gender == "female" else ""
    if row.present:
        return f"присутствовал{ending}"
    return f"отсутствовал{ending}: {row.absence_reason}"


# -- shared lookups -------------------------------------------------------------------------


def get_meeting(tx: Tx, meeting_id: int, *, lock: bool = False) -> PlanMeeting:
    stmt = select(PlanMeeting).where(PlanMeeting.id == meeting_id)
    meeting = tx.session.exec(stmt.with_for_update() if lock else stmt).one_or_none()
    if meeting is None:
        raise NotFound(f"Заседание творческой группы №{meeting_id} не найдено: см. "
                       "imc plan meeting list")
    return meeting


def meetings_item(tx: Tx, plan: Plan) -> PlanItem:
    """The plan's item carried out by meetings (theor-2 in the 2024 plan)."""
    item = tx.session.exec(select(PlanItem).where(PlanItem.plan_id == plan.id,
                                                  PlanItem.process == "meetings")
                           .order_by(PlanItem.position)).first()
    if item is None:
        raise NotFound(f"В плане работы на {plan.year} год нет пункта о заседаниях творческой "
                       "группы (process: meetings)")
    return item


def attendees(tx: Tx, meeting: PlanMeeting) -> list[tuple[MeetingAttendee, Person]]:
    """Members, then guests, each in the order of their names."""
    return list(tx.session.exec(
        select(MeetingAttendee, Person).join(Person, Person.id == MeetingAttendee.person_id)
        .where(MeetingAttendee.meeting_id == meeting.id)
        .order_by(MeetingAttendee.guest, Person.last_name, Person.first_name, Person.id)))


def period(occ: PlanOccurrence) -> str:
    """«ноябрь 2024», «апрель–август 2024»: the month(s) of an occurrence."""
    first, last = MONTHS[occ.start.month - 1], MONTHS[occ.due.month - 1]
    months = first if (occ.start.year, occ.start.month) == (occ.due.year, occ.due.month) \
        else f"{first}–{last}"
    return f"{months} {occ.due.year}"


def signature(person: Person | None) -> str:
    return initials_name(person.last_name, person.first_name, person.middle_name) \
        if person else ""


def card(tx: Tx, meeting: PlanMeeting) -> dict:
    """What letters and views print about a meeting."""
    local = meeting.starts_at.astimezone(MOSCOW)
    return {"id": meeting.id, "start": moscow_time(meeting.starts_at),
            "date_long": date_long(local.date()), "time": f"{local:%H:%M}",
            "place": meeting.place, "agenda": list(meeting.agenda),
            "chair": signature(tx.session.get(Person, meeting.chair_id)),
            "secretary": signature(tx.session.get(Person, meeting.secretary_id)),
            "period": period(tx.session.get(PlanOccurrence, meeting.occurrence_id))}


