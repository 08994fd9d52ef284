"""Holding a creative-group meeting: its protocol (.docx), number, letters; the plan closed.

`hold` does it all in one transaction once the meeting's time has come and its minutes are
complete (models/plan_meeting_machine): the protocol number «n» of the meeting's year (Europe/
Moscow; numbering kind "plan_meeting", no gaps), the protocol rendered from
templates/docx/plan_meeting_protocol.docx (ГОСТ Р 7.0.97; keys in templates/docx/README.md),
the meeting «проведено», the protocol mailed to every member, and the plan occurrence closed
with it («выполнено» or «выполнено с опозданием» by the meeting's day). Holding a held
meeting changes nothing: no second number, document or letter.

Keys: document `plan_meeting:{id}:protocol`; letters `plan_meeting:{id}:protocol:person:{p}`.
"""

from __future__ import annotations

from adapters.clock import moscow_date
from adapters.russian import date_long, date_short, initials_name
from models import Document, Organisation, Person
from models.plan import PlanOccurrence
from models.plan_meeting import MeetingAttendee, MeetingState, PlanMeeting
from models.plan_meeting_machine import meeting_machine
from services.actors import Actor
from services.documents import absolute_path, render_document
from services.numbering import next_number
from services.org import centre_card
from services.outbox import queue_many
from services.plan_closing import close_with_result
from services.plan_meeting_queries import KIND, attendees, card, get_meeting, period
from services.plan_meetings import OPEN
from services.runtime import Runtime, Tx
from services.transitions import transition

TEMPLATE = "plan_meeting_protocol.docx"
TITLE = "заседания творческой группы по вопросам реализации инновационного проекта"


def hold(rt: Runtime, meeting_id: int, *, actor: Actor) -> dict:
    """Hold the meeting: number, protocol, letters, the plan occurrence closed; a summary."""
    with rt.transaction() as tx:
        meeting = get_meeting(tx, meeting_id, lock=True)
        if meeting.state == MeetingState.HELD:
            return _result(tx, meeting, changed=False, mailed=0)
        rows = attendees(tx, meeting)
        present = sum(r.present and not r.guest for r, _ in rows) if meeting.decisions else 0
        day = moscow_date(meeting.starts_at)
        with transition(tx, meeting_machine, meeting, "hold", actor=actor, now=tx.now,
                        present=present) as step:
            meeting.number = next_number(tx, KIND, day.year)
            meeting.held_at = tx.now
            doc = render_document(
                tx, key=f"{KIND}:{meeting.id}:protocol", kind="meeting_protocol",
                object_kind=KIND, object_id=meeting.id, template=TEMPLATE,
                context=protocol_context(tx, meeting, rows), step=step,
                filename=f"Протокол № {meeting.number} заседания творческой группы от "
                         f"{day:%d.%m.%Y}.docx")
            meeting.protocol_document_id = doc.id
            letters = [{"key": f"{KIND}:{meeting.id}:protocol:person:{person.id}",
                        "person": person, "attachment_ids": [doc.id], "object_kind": KIND,
                        "object_id": meeting.id}
                       for row, person in rows if not row.guest and person.email]
            mailed = len(queue_many(tx, letters, template="plan_meeting_protocol", step=step,
                                    common={"meeting": card(tx, meeting),
                                            "protocol": _protocol(meeting),
                                            "questions": _questions(tx, meeting)}))
            step.details.update(number=meeting.number, day=f"{day:%d.%m.%Y}", present=present,
                                mailed=mailed)
        occ = tx.session.get(PlanOccurrence, meeting.occurrence_id)
        if occ.state in OPEN:  # a staff member may have closed or cancelled it by hand
            close_with_result(tx, occ, actor=actor, document_id=doc.id, day=day,
                              text=f"Протокол №{meeting.number} заседания творческой группы "
                                   f"от {day:%d.%m.%Y}", details={"meeting_id": meeting.id})
        return _result(tx, meeting, changed=True, mailed=mailed)


def protocol_context(tx: Tx, meeting: PlanMeeting,
                     rows: list[tuple[MeetingAttendee, Person]]) -> dict:
    """The context of plan_meeting_protocol.docx (templates/docx/README.md)."""
    people = {p.id: p for _, p in rows}
    members = [(r, p) for r, p in rows if not r.guest]
    return {
        "centre": centre_card(tx),
        "protocol": {**_protocol(meeting), "title": TITLE, "place": meeting.place,
                     "time": card(tx, meeting)["time"]},
        "chair": _person(people[meeting.chair_id]),  # both are members (schedule, minutes)
        "secretary": _person(people[meeting.secretary_id]),
        "present": [_person(p) for r, p in members if r.present],
        "absent": [{**_person(p), "reason": r.absence_reason} for r, p in members
                   if not r.present],
        "guests": [_person(p, tx) for r, p in rows if r.guest],
        "agenda": list(meeting.agenda),
        "questions": _questions(tx, meeting),
    }


def _protocol(meeting: PlanMeeting) -> dict:
    day = moscow_date(meeting.starts_at)
    return {"number": str(meeting.number or ""), "date_long": date_long(day),
            "date_short": date_short(day)}


def _questions(tx: Tx, meeting: PlanMeeting) -> list[dict]:
    out = []
    for d in meeting.decisions:
        speaker = tx.session.get(Person, d["speaker_id"])
        out.append({"number": d["question"], "title": meeting.agenda[d["question"] - 1],
                    "heard": _sentence(f"{_heard_whom(speaker)} — {d['heard']}"),
                    "decision": _sentence(d["decision"]), "responsible": d["responsible"],
                    "due": d["due"]})
    return out


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _heard_whom(person: Person) -> str:
    """«Н.А. Иванову, методиста,»: who was heard, in the accusative (the stored case of the
    surname; for a position noun of a person the genitive form is the accusative)."""
    words = len(person.last_name.split())
    accusative = person.fio_accusative.split()
    last = " ".join(accusative[:words]) if len(accusative) > words else person.last_name
    who = initials_name(last, person.first_name, person.middle_name)
    return f"{who}, {person.position_genitive}," if person.position_genitive else who


def _person(person: Person, tx: Tx | None = None) -> dict:
    """{name, position, signature}; a guest's position names their organisation."""
    position = person.position.strip()
    if position[1:2].islower():  # «Методист» → «методист», but «МКУ …» stays
        position = position[:1].lower() + position[1:]
    if tx is not None and person.organisation_id:
        org = tx.session.get(Organisation, person.organisation_id)
        position = ", ".join(x for x in (position, org.short_name if org else "") if x)
    return {"name": person.full_name, "position": position,
            "signature": initials_name(person.last_name, person.first_name, person.middle_name)}


def _result(tx: Tx, meeting: PlanMeeting, *, changed: bool, mailed: int) -> dict:
    occ = tx.session.get(PlanOccurrence, meeting.occurrence_id)
    doc = tx.session.get(Document, meeting.protocol_document_id)
    return {"id": meeting.id, "number": meeting.number, "changed": changed, "mailed": mailed,
            "date": date_short(moscow_date(meeting.starts_at)), "document_id": doc.id,
            "path": str(absolute_path(tx.rt, doc)),
            "occurrence": f"{period(occ)}: {occ.state.label}"}
