"""The figures of the activity monitoring, per organisation, for a period (Moscow days).

A few GROUP BY queries whatever the size of the network (never a row per registration):

- agreements: registered in the period (`registered_on`), and in force on its last day
  (registered by then, started, not ended, not cancelled or terminated before it);
- webinars of the sessions that start in the period, counted as in the cycle report
  (services.webinar_report): invitations from the outbox (person × session, by recipient),
  registrations, participations and the rate over the sessions that took place;
- contest applications submitted in the period, with their results so far (winner,
  laureate, participant);
- consultations held in the period (`held_at`), by the organisation of the request.

Every organisation of the registry (but the centre) is in the monitoring, whether it did
anything in the period or not: one without records is listed as not active, and so is its
municipality. People and consultations without an organisation are counted under «Без
организации», listed only when they have records and never counted as an organisation; the
centre's own staff are not participants and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Agreement,
    AgreementState,
    Application,
    ApplicationState,
    Consultation,
    ConsultationState,
    Organisation,
    OrgKind,
    Person,
    Registration,
    SessionState,
    WebinarSession,
)
from services.report_period import bounds
from services.webinar_report import invitations_query
from services.webinar_report_data import (
    HELD,
    MARKED,
    NO_MUNICIPALITY,
    NO_ORG,
    Figures,
    natural,
)

NOT_BINDING = (AgreementState.DRAFT, AgreementState.AWAITING_APPROVAL,
               AgreementState.SENT_TO_PARTNER, AgreementState.SIGNED_BY_PARTNER,
               AgreementState.DECLINED, AgreementState.CANCELLED)
RESULTS = {ApplicationState.WINNER: "winners", ApplicationState.LAUREATE: "laureates",
           ApplicationState.PARTICIPANT: "contest_participants"}


@dataclass
class Activity:
    """What one organisation (or a municipality, or everyone) did in the period."""

    agreements_signed: int = 0
    in_force: int = 0  # agreements in force on the last day
    webinars: Figures = field(default_factory=Figures)
    applications: int = 0
    winners: int = 0
    laureates: int = 0
    contest_participants: int = 0
    consultations: int = 0

    @property
    def events(self) -> int:
        """Participations in webinars, contest applications and consultations."""
        return self.webinars.attended + self.applications + self.consultations

    @property
    def active(self) -> bool:
        return self.events > 0

    @property
    def attendance_share(self) -> float | None:
        """Participations / registrations of the sessions that took place, 0.0–1.0."""
        w = self.webinars
        return round(w.attended / w.held_registered, 4) if w.held_registered else None

    def add(self, other: Activity) -> None:
        for name in ("agreements_signed", "in_force", "applications", "winners", "laureates",
                     "contest_participants", "consultations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.webinars.add(other.webinars)


@dataclass
class OrgRow:
    org_id: int | None
    name: str
    municipality: str
    partner: bool
    activity: Activity = field(default_factory=Activity)


@dataclass
class MunicipalityRow:
    name: str
    organisations: int = 0
    active: int = 0
    activity: Activity = field(default_factory=Activity)


@dataclass
class MonitoringData:
    start: date
    end: date
    organisations: list[OrgRow]  # the most active first
    municipalities: list[MunicipalityRow]
    total: Activity
    sessions: int  # webinar sessions planned to start in the period, cancelled ones too
    sessions_held: int
    sessions_cancelled: int
    consultation_forms: dict[str, int]  # the form's Russian label → consultations

    @property
    def active(self) -> int:
        return sum(1 for row in self.organisations if row.org_id and row.activity.active)

    @property
    def listed(self) -> int:
        return sum(1 for row in self.organisations if row.org_id)


def compute(s: Session, start: date, end: date) -> MonitoringData:
    since, until = bounds(start, end)
    orgs: dict[int, OrgRow] = {
        oid: OrgRow(oid, short, municipality or NO_MUNICIPALITY, kind == OrgKind.PARTNER)
        for oid, short, municipality, kind in s.exec(
            select(Organisation.id, Organisation.short_name, Organisation.municipality,
                   Organisation.kind).where(Organisation.kind != OrgKind.CENTRE))}
    centre = set(s.exec(select(Organisation.id).where(Organisation.kind == OrgKind.CENTRE)))
    nobody = OrgRow(None, NO_ORG, NO_ORG, False)  # people without an organisation

    def row(oid: int | None) -> Activity:
        if oid in centre:
            return Activity()  # the centre's own people organise; they are not participants
        return orgs[oid].activity if oid in orgs else nobody.activity

    for oid, n in s.exec(select(Agreement.partner_id, func.count(Agreement.id))
                         .where(Agreement.registered_on >= start, Agreement.registered_on <= end)
                         .group_by(Agreement.partner_id)):
        row(oid).agreements_signed += n
    for oid, n in s.exec(select(Agreement.partner_id, func.count(Agreement.id))
                         .where(*in_force_on(end, until)).group_by(Agreement.partner_id)):
        row(oid).in_force += n

    sessions = dict(s.exec(select(WebinarSession.id, WebinarSession.state).where(
        WebinarSession.starts_at >= since, WebinarSession.starts_at < until)).all())
    marked = set(s.exec(select(Registration.session_id).distinct().where(
        Registration.session_id.in_(list(sessions)), Registration.state.in_(MARKED))))
    held = {sid for sid, state in sessions.items() if state in HELD or sid in marked}
    for took_place, ids in ((True, held), (False, set(sessions) - held)):
        for oid, state, n in s.exec(
                select(Person.organisation_id, Registration.state, func.count(Registration.id))
                .join(Person, Person.id == Registration.person_id)
                .where(Registration.session_id.in_(sorted(ids)))
                .group_by(Person.organisation_id, Registration.state)):
            row(oid).webinars.count(state, n, took_place)
    invited = invitations_query(select(WebinarSession.id).where(
        WebinarSession.starts_at >= since, WebinarSession.starts_at < until))
    for oid, n in s.exec(select(Person.organisation_id, func.count())
                         .join(invited, invited.c.person_id == Person.id)
                         .group_by(Person.organisation_id)):
        row(oid).webinars.invited += n

    for oid, state, n in s.exec(
            select(Application.organisation_id, Application.state, func.count(Application.id))
            .where(Application.submitted_at >= since, Application.submitted_at < until)
            .group_by(Application.organisation_id, Application.state)):
        activity = row(oid)
        activity.applications += n
        if state in RESULTS:
            setattr(activity, RESULTS[state], getattr(activity, RESULTS[state]) + n)

    held_consultations = (Consultation.state == ConsultationState.HELD,
                          Consultation.held_at >= since, Consultation.held_at < until)
    for oid, n in s.exec(select(Consultation.organisation_id, func.count(Consultation.id))
                         .where(*held_consultations).group_by(Consultation.organisation_id)):
        row(oid).consultations += n
    forms = {form.label: n for form, n in s.exec(
        select(Consultation.form, func.count(Consultation.id)).where(*held_consultations)
        .group_by(Consultation.form))}

    # Every organisation of the registry, active or not; «Без организации» if it has records.
    listed = sorted([*orgs.values(), *([nobody] if _shown(nobody.activity) else [])],
                    key=_rank)
    cancelled = sum(1 for state in sessions.values() if state == SessionState.CANCELLED)
    return MonitoringData(start, end, listed, _municipalities(listed), _total(listed),
                          len(sessions), len(held), cancelled, forms)


def in_force_on(day: date, until) -> tuple:
    """SQL conditions: the agreement bound the parties on `day` (`until`: the next midnight)."""
    return (Agreement.registered_on.is_not(None), Agreement.registered_on <= day,
            func.coalesce(Agreement.starts_on, Agreement.registered_on) <= day,
            sa.or_(Agreement.ends_on.is_(None), Agreement.ends_on >= day),
            Agreement.state.not_in(NOT_BINDING),
            sa.or_(Agreement.state != AgreementState.TERMINATED, Agreement.updated_at >= until))


def _shown(a: Activity) -> bool:
    w = a.webinars
    return any((a.agreements_signed, a.in_force, w.invited, w.registered, w.waiting,
                w.cancelled, a.applications, a.consultations))


def _rank(row: OrgRow) -> tuple:
    a = row.activity
    return (row.org_id is None, -a.events, -a.webinars.attended, -a.applications,
            natural(row.municipality), natural(row.name))


def _total(rows: list[OrgRow]) -> Activity:
    total = Activity()
    for r in rows:
        total.add(r.activity)
    return total


def _municipalities(rows: list[OrgRow]) -> list[MunicipalityRow]:
    out: dict[str, MunicipalityRow] = {}
    for r in rows:
        m = out.setdefault(r.municipality, MunicipalityRow(r.municipality))
        if r.org_id is not None:
            m.organisations += 1
            m.active += r.activity.active
        m.activity.add(r.activity)
    return sorted(out.values(), key=lambda m: (m.name == NO_ORG, m.name == NO_MUNICIPALITY,
                                               natural(m.name)))
