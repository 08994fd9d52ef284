"""Announcing a webinar cycle: the cycle and its sessions announced, invitations by segment.

Audience of a session: its own segment (heads — heads of the district's schools; deputies —
deputies of those schools; partners — heads of organisations with an agreement in force;
on_request — the requesting organisation's people and the requester, see
services.webinar_requests),
plus the partners for every session when the cycle invites them in parallel. A person in
several segments is invited once per session (one idempotency key per person and session),
each invitation with a personal link to register (and later to cancel).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from adapters.clock import moscow_date
from models import Agreement, Organisation, OrgKind, Person, PersonRole
from models.agreement import in_force_clause
from models.webinar import Segment, SessionState, WebinarCycle, WebinarSession
from models.webinar_machine import cycle_machine, session_machine
from models.webinar_request import WebinarRequest
from services import links
from services.actors import Actor
from services.outbox import queue_to_person
from services.partner_input import normalize_email
from services.runtime import Runtime, Tx
from services.transitions import Step, transition
from services.webinar_queries import get_cycle, moscow_time

KIND = "webinar_session"
PURPOSE_REGISTER = "webinar.register"
PAST_REASON = "вебинар не был объявлен до своего начала"


def announce(rt: Runtime, cycle_id: int, *, actor: Actor) -> dict[int, int]:
    """Announce the cycle, open registration where the machine allows; {session id: invited}."""
    with rt.transaction() as tx:
        cycle = get_cycle(tx.session, cycle_id)
        sessions = list(tx.session.exec(select(WebinarSession)
                                        .where(WebinarSession.cycle_id == cycle_id)
                                        .order_by(WebinarSession.position)))
        invited: dict[int, int] = {}
        with transition(tx, cycle_machine, cycle, "announce", actor=actor) as cycle_step:
            for row in sessions:
                if row.state != SessionState.PLANNED:
                    continue
                if tx.now >= row.starts_at:  # nobody can come any more: no invitations
                    with transition(tx, session_machine, row, "cancel", actor=actor,
                                    reason=PAST_REASON):
                        row.cancel_reason = PAST_REASON
                    continue
                with transition(tx, session_machine, row, "announce", actor=actor) as step:
                    invited[row.id] = _invite(tx, cycle, row, step)
                    step.details["invited"] = invited[row.id]
                if tx.now < row.starts_at:
                    with transition(tx, session_machine, row, "open_registration",
                                    actor=actor, now=tx.now):
                        pass
            cycle_step.details["invited"] = {str(k): v for k, v in invited.items()}
        return invited


def audience(tx: Tx, cycle: WebinarCycle, row: WebinarSession) -> list[Person]:
    """Everyone invited to one session, each person once, in id order; one card per e-mail
    address (a head of two organisations with one address gets one invitation)."""
    segments = {row.segment}
    if cycle.partners_in_parallel:
        segments.add(Segment.PARTNERS)
    people: dict[int, Person] = {}
    for segment in segments:
        stmt = (_on_request_people(row) if segment == Segment.ON_REQUEST
                else _segment_people(tx, segment))
        for person in tx.session.exec(stmt):
            people.setdefault(person.id, person)
    by_address: dict[str, Person] = {}
    for k in sorted(people):
        by_address.setdefault(normalize_email(people[k].email), people[k])
    return list(by_address.values())


def _on_request_people(row: WebinarSession):
    """A webinar on request: the requesting organisation's active people with an e-mail, and
    the requester (found by the request that points at this session)."""
    orgs = select(WebinarRequest.organisation_id).where(
        WebinarRequest.session_id == row.id, WebinarRequest.organisation_id.is_not(None))
    requester = select(WebinarRequest.person_id).where(WebinarRequest.session_id == row.id)
    return select(Person).where(Person.email != "", sa.or_(
        sa.and_(Person.active, Person.organisation_id.in_(orgs)), Person.id.in_(requester)))


def _segment_people(tx: Tx, segment: Segment):
    stmt = select(Person).where(Person.active, Person.email != "")
    schools = select(Organisation.id).where(Organisation.kind == OrgKind.SCHOOL)
    if segment == Segment.HEADS:
        return stmt.where(Person.role == PersonRole.HEAD, Person.organisation_id.in_(schools))
    if segment == Segment.DEPUTIES:
        return stmt.where(Person.role == PersonRole.DEPUTY, Person.organisation_id.in_(schools))
    partners = select(Agreement.partner_id).where(in_force_clause(moscow_date(tx.now)))
    return stmt.where(Person.role == PersonRole.HEAD, Person.organisation_id.in_(partners))


def _invite(tx: Tx, cycle: WebinarCycle, row: WebinarSession, step: Step) -> int:
    count = 0
    for person in audience(tx, cycle, row):
        url = personal_link(tx, row, person)
        queue_to_person(tx, person, key=f"{KIND}:{row.id}:invitation:person:{person.id}",
                        template="webinar_invitation",
                        context={"cycle": cycle, "webinar": session_card(row),
                                 "person": person, "link": url},
                        object_kind=KIND, object_id=row.id, step=step)
        count += 1
    return count


def personal_link(tx: Tx, row: WebinarSession, person: Person) -> str:
    """The person's link to register for (and cancel) one session, valid past its end."""
    ttl = max(timedelta(days=tx.rt.settings.link_ttl_days),
              row.ends_at - tx.now + timedelta(days=7))
    return links.link_url(tx.rt, person_id=person.id, object_kind=KIND, object_id=row.id,
                          purpose=PURPOSE_REGISTER, ttl=ttl)


def session_card(row: WebinarSession) -> dict:
    """What the letters show of a session (times in Europe/Moscow)."""
    return {"id": row.id, "topic": row.topic, "speaker": row.speaker,
            "segment": row.segment.label, "start": moscow_time(row.starts_at),
            "duration": row.duration_minutes, "link": row.meeting_url}
