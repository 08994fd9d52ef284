"""The figures of a webinar cycle for reporting, by session, organisation and municipality.

Everything comes from a handful of GROUP BY queries (never a query per person), so a cycle of
10,000 registrants costs the same few round trips as one of ten. What is counted:

- «Приглашено» of a session: the distinct people who were sent its invitation (outbox rows of
  template `webinar_invitation` for the session, by their recipient `person_id`). For the
  cycle, an organisation and a municipality: «приглашений» sums these (person × session);
  «приглашено, чел.» counts each person once.
- «Регистраций»: registrations (person × session) ever made and not withdrawn — registered,
  attended, no-show, certificate issued. The waiting list and the cancelled ones are shown on
  their own and are not registrations. The registrations of a cancelled session stay counted
  (people did register) but never enter the rate.
- «Участий»: attended + certificate issued (person × session); «участников, чел.»: the distinct
  people with at least one attendance. «Неявок»: marked no-show. «Не отмечены»: people still
  «зарегистрирован» in a session that took place (held or later, or with attendance marked).
- «Доля участия»: participations / registrations of the sessions that took place, in percent
  with one decimal (half up); «—» when no session took place yet.
- «Сертификатов»: `Certificate` rows of the cycle; a session's column counts the certificates
  for that session (per-session rule); certificates for the whole cycle («not less than N
  sessions» rule) count in the cycle's, organisations' and municipalities' totals only.
- Отзывы: answers, average rating and average usefulness (of the answers that gave one) per
  session and for the cycle (the average of all answers, not of the sessions' averages).
- «Неизвестных в файлах»: the people of a session's attendance files not found among the
  known ones, each counted once per session (by e-mail, else by name) over all its imports.
- People without an organisation are grouped under «Без организации» (in both breakdowns).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    AttendanceImport,
    Certificate,
    Feedback,
    Organisation,
    OutboxEmail,
    Person,
    Registration,
    WebinarSession,
)
from services.runtime import Runtime
from services.webinar_invitations import KIND
from services.webinar_queries import get_cycle, moscow_time
from services.webinar_report_data import (
    HELD,
    MARKED,
    NO_MUNICIPALITY,
    NO_ORG,
    PRESENT,
    TAKEN,
    Comment,
    CycleReport,
    FeedbackFigures,
    Figures,
    GroupRow,
    SessionRow,
    average_text,
    natural,
    percent_text,
)

__all__ = ["Comment", "CycleReport", "FeedbackFigures", "Figures", "GroupRow", "SessionRow",
           "average_text", "compute", "cycle_report", "percent_text"]


def cycle_report(rt: Runtime, cycle_id: int) -> CycleReport:
    """The cycle's figures as of now (the injected clock)."""
    with rt.session() as s:
        return compute(s, cycle_id, rt.clock.now())


def compute(s: Session, cycle_id: int, now: datetime) -> CycleReport:
    cycle = get_cycle(s, cycle_id)
    in_cycle = select(WebinarSession.id).where(WebinarSession.cycle_id == cycle_id)
    regs = list(s.exec(
        select(Registration.session_id, Person.organisation_id, Registration.state,
               func.count(Registration.id))
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id.in_(in_cycle))
        .group_by(Registration.session_id, Person.organisation_id, Registration.state)))
    marked = {sid for sid, _, state, _ in regs if state in MARKED}
    sessions = {x.id: SessionRow(
        id=x.id, position=x.position, topic=x.topic, speaker=x.speaker,
        segment=x.segment.label, starts_at=x.starts_at, start=moscow_time(x.starts_at),
        state=x.state.label, held=x.state in HELD or x.id in marked)
        for x in s.exec(select(WebinarSession).where(WebinarSession.cycle_id == cycle_id)
                        .order_by(WebinarSession.position))}
    orgs = {o.id: o for o in s.exec(select(Organisation.id, Organisation.short_name,
                                           Organisation.municipality))}
    groups: dict[int | None, GroupRow] = {}

    def group(org_id: int | None) -> GroupRow:
        if org_id not in groups:
            org = orgs.get(org_id)
            groups[org_id] = (GroupRow(org.short_name, org.municipality or NO_MUNICIPALITY)
                              if org else GroupRow(NO_ORG, NO_ORG))
        return groups[org_id]

    for sid, org_id, state, n in regs:
        sessions[sid].figures.count(state, n, sessions[sid].held)
        group(org_id).figures.count(state, n, sessions[sid].held)
    invited = invitations_query(in_cycle)
    for sid, org_id, n in s.exec(select(invited.c.session_id, Person.organisation_id,
                                        func.count()).join(Person, Person.id == invited.c.person_id)
                                 .group_by(invited.c.session_id, Person.organisation_id)):
        sessions[sid].figures.invited += n
        group(org_id).figures.invited += n
    for org_id, n in s.exec(select(Person.organisation_id, func.count(sa.distinct(Person.id)))
                            .join(invited, invited.c.person_id == Person.id)
                            .group_by(Person.organisation_id)):
        group(org_id).invited_people = n
    people = list(s.exec(
        select(Person.organisation_id, _distinct_people(TAKEN), _distinct_people(PRESENT))
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.session_id.in_(in_cycle)).group_by(Person.organisation_id)))
    for org_id, _, participants in people:
        group(org_id).participants = participants
    for sid, org_id, n in s.exec(
            select(Certificate.session_id, Person.organisation_id, func.count(Certificate.id))
            .join(Person, Person.id == Certificate.person_id)
            .where(Certificate.cycle_id == cycle_id)
            .group_by(Certificate.session_id, Person.organisation_id)):
        if sid in sessions:
            sessions[sid].figures.certificates += n
        group(org_id).figures.certificates += n
    _feedback(s, in_cycle, sessions)
    _unknown(s, in_cycle, sessions)
    rows = list(sessions.values())
    total, feedback = Figures(), FeedbackFigures()
    for row in rows:
        feedback.add(row.feedback)
    for g in groups.values():  # everyone is in one group: the groups add up to the cycle
        total.add(g.figures)
    organisations = sorted(groups.values(), key=lambda g: (
        g.name == NO_ORG, natural(g.municipality), natural(g.name)))
    return CycleReport(
        cycle_id=cycle.id, title=cycle.title, year=cycle.year, state=cycle.state.label,
        certificate_rule=cycle.certificate_label, as_of=now, sessions=rows, total=total,
        feedback=feedback, unknown=sum(r.unknown for r in rows),
        invited_people=sum(g.invited_people for g in groups.values()),
        registered_people=sum(p[1] for p in people),
        participants=sum(g.participants for g in groups.values()),
        organisations=organisations, municipalities=_municipalities(organisations),
        comments=[Comment(*c) for c in s.exec(
            select(WebinarSession.position, Feedback.rating, Feedback.usefulness,
                   Feedback.comment)
            .join(WebinarSession, WebinarSession.id == Feedback.session_id)
            .where(WebinarSession.cycle_id == cycle_id, Feedback.comment != "")
            .order_by(WebinarSession.position, Feedback.submitted_at, Feedback.id))])


def invitations_query(in_cycle):
    """(session_id, person_id) of every invitation sent for the cycle's sessions, once each."""
    return (select(OutboxEmail.object_id.label("session_id"),
                   OutboxEmail.person_id.label("person_id"))
            .where(OutboxEmail.template == "webinar_invitation", OutboxEmail.object_kind == KIND,
                   OutboxEmail.object_id.in_(in_cycle), OutboxEmail.person_id.is_not(None))
            .distinct().subquery())


def _distinct_people(states):
    return func.count(sa.distinct(sa.case((Registration.state.in_(states),
                                           Registration.person_id))))


def _feedback(s: Session, in_cycle, sessions: dict[int, SessionRow]) -> None:
    for sid, n, ratings, useful_n, useful in s.exec(
            select(Feedback.session_id, func.count(Feedback.id), func.sum(Feedback.rating),
                   func.count(Feedback.usefulness), func.sum(Feedback.usefulness))
            .where(Feedback.session_id.in_(in_cycle)).group_by(Feedback.session_id)):
        sessions[sid].feedback = FeedbackFigures(n, int(ratings or 0), useful_n,
                                                 int(useful or 0))


def _unknown(s: Session, in_cycle, sessions: dict[int, SessionRow]) -> None:
    seen: dict[int, set[str]] = {}
    for sid, unknown in s.exec(select(AttendanceImport.session_id, AttendanceImport.unknown)
                               .where(AttendanceImport.session_id.in_(in_cycle))):
        for person in unknown or []:
            who = str(person.get("email") or "").strip().casefold() or \
                " ".join(str(person.get("name") or "").casefold().split())
            seen.setdefault(sid, set()).add(who)
    for sid, people in seen.items():
        sessions[sid].unknown = len(people)


def _municipalities(organisations: list[GroupRow]) -> list[GroupRow]:
    rows: dict[str, GroupRow] = {}
    for org in organisations:
        row = rows.setdefault(org.municipality, GroupRow(org.municipality))
        row.figures.add(org.figures)
        row.invited_people += org.invited_people
        row.participants += org.participants
    return sorted(rows.values(), key=lambda g: (g.name == NO_ORG, g.name == NO_MUNICIPALITY,
                                                natural(g.name)))

