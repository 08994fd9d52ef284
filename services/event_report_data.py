"""The records behind the analysis of events (services.event_report): GROUP BY queries only.

- A contest: its applications by state and by the applicant's municipality, the totals of the
  ranked applications (average, highest, lowest), each criterion's average of the experts'
  averages, and the winners and laureates in rank order.
- A creative-group meeting: members present and absent, guests; agenda and decisions are the
  meeting's own columns.
- A period: every event that took place in it — webinar sessions held (or with attendance
  marked) that started in the period, with their participations; contests (announced) whose
  course, from the announcement to the summing-up (as recorded, else as the rules plan it),
  overlaps the period, with their applications; creative-group meetings held in the period,
  with the members present.
A webinar cycle is computed by services.webinar_report.compute, as in its own report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import select

from adapters.clock import moscow_date
from adapters.russian import short_title
from models import (
    Application,
    ApplicationState as A,
    Contest,
    ContestRules,
    ContestState,
    MeetingAttendee,
    MeetingState,
    Organisation,
    PlanMeeting,
    Registration,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from services.contest_rules import spec_of
from services.contest_rules_spec import RulesSpec
from services.report_period import bounds
from services.runtime import Tx
from services.webinar_report_data import HELD, MARKED, NO_MUNICIPALITY, PRESENT, natural

ACCEPTED = (A.ACCEPTED, A.UNDER_REVIEW, A.REVIEWED, A.WINNER, A.LAUREATE, A.PARTICIPANT)
SCREENING = (A.SUBMITTED, A.RETURNED)
WEBINAR, CONTEST, MEETING = "webinar", "contest", "meeting"
KIND_LABELS = {WEBINAR: "методическое", CONTEST: "конкурсное", MEETING: "организационное"}
# What an event's `participants` counts: people for webinars and meetings, applications for a
# contest — never added together.
PEOPLE, APPLICATIONS = "people", "applications"
UNITS = {WEBINAR: PEOPLE, CONTEST: APPLICATIONS, MEETING: PEOPLE}


@dataclass
class MunicipalityRow:
    name: str
    applications: int = 0
    accepted: int = 0
    rejected: int = 0
    winners: int = 0
    laureates: int = 0


@dataclass
class ContestData:
    contest: Contest
    spec: RulesSpec
    rules_version: int
    states: dict[A, int]
    municipalities: list[MunicipalityRow]
    ranked: int
    average_total: float | None
    max_total: float | None
    min_total: float | None
    criteria: list[tuple[str, float, float, float | None]]  # name, max score, weight, average
    awarded: list[tuple[int | None, str, str, str, float | None, str]]

    def count(self, *states: A) -> int:
        return sum(self.states.get(s, 0) for s in states)


@dataclass
class MeetingData:
    meeting: PlanMeeting
    present: int
    absent: int
    guests: int


@dataclass
class EventRow:
    kind: str  # WEBINAR | CONTEST | MEETING
    object_id: int
    title: str
    first_day: date
    last_day: date
    participants: int  # people present; for a contest, the applications (UNITS)
    label: str = ""  # short, for a chart

    @property
    def people(self) -> int | None:
        """People present (webinars, meetings); None for a contest."""
        return self.participants if UNITS[self.kind] == PEOPLE else None

    @property
    def applications(self) -> int | None:
        """Applications submitted (a contest); None for the other events."""
        return self.participants if UNITS[self.kind] == APPLICATIONS else None

    @property
    def days(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.first_day:%d.%m.%Y}"
        return f"{self.first_day:%d.%m.%Y} – {self.last_day:%d.%m.%Y}"


def rounded(value, places: str = "0.01") -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(places), ROUND_HALF_UP))


def contest_data(tx: Tx, contest: Contest) -> ContestData:
    s = tx.session
    rules = s.get(ContestRules, contest.rules_id)
    spec = spec_of(rules)
    of_contest = Application.contest_id == contest.id
    states = {A(state): n for state, n in s.exec(
        select(Application.state, func.count(Application.id)).where(of_contest)
        .group_by(Application.state))}
    rows: dict[str, MunicipalityRow] = {}
    for municipality, state, n in s.exec(
            select(Organisation.municipality, Application.state, func.count(Application.id))
            .join(Organisation, Organisation.id == Application.organisation_id)
            .where(of_contest).group_by(Organisation.municipality, Application.state)):
        row = rows.setdefault(municipality or NO_MUNICIPALITY,
                              MunicipalityRow(municipality or NO_MUNICIPALITY))
        row.applications += n
        row.accepted += n if state in ACCEPTED else 0
        row.rejected += n if state == A.REJECTED else 0
        row.winners += n if state == A.WINNER else 0
        row.laureates += n if state == A.LAUREATE else 0
    ranked_only = (of_contest, Application.total.is_not(None))
    ranked, average, highest, lowest = s.exec(
        select(func.count(Application.id), func.avg(Application.total),
               func.max(Application.total), func.min(Application.total))
        .where(*ranked_only)).one()
    sums: dict[str, Decimal] = {}
    for averages in s.exec(select(Application.averages).where(*ranked_only)):
        for code, value in (averages or {}).items():
            sums[code] = sums.get(code, Decimal(0)) + Decimal(str(value))
    criteria = [(c.name, float(c.max_score), float(c.weight),
                 rounded(sums[c.code] / ranked) if ranked and c.code in sums else None)
                for c in spec.criteria]
    awarded = [(rank, number, name, municipality or NO_MUNICIPALITY, total, A(state).label)
               for rank, number, name, municipality, total, state in s.exec(
                   select(Application.rank, Application.number, Organisation.short_name,
                          Organisation.municipality, Application.total, Application.state)
                   .join(Organisation, Organisation.id == Application.organisation_id)
                   .where(of_contest, Application.state.in_([A.WINNER, A.LAUREATE]))
                   .order_by(Application.rank, Application.number))]
    return ContestData(
        contest=contest, spec=spec, rules_version=rules.version, states=states,
        municipalities=sorted(rows.values(), key=lambda r: (r.name == NO_MUNICIPALITY,
                                                            natural(r.name))),
        ranked=ranked, average_total=rounded(average), max_total=rounded(highest),
        min_total=rounded(lowest), criteria=criteria, awarded=awarded)


def meeting_data(tx: Tx, meeting: PlanMeeting) -> MeetingData:
    counts = {(bool(guest), bool(present)): n for guest, present, n in tx.session.exec(
        select(MeetingAttendee.guest, MeetingAttendee.present, func.count(MeetingAttendee.id))
        .where(MeetingAttendee.meeting_id == meeting.id)
        .group_by(MeetingAttendee.guest, MeetingAttendee.present))}
    return MeetingData(meeting=meeting, present=counts.get((False, True), 0),
                       absent=counts.get((False, False), 0),
                       guests=counts.get((True, True), 0) + counts.get((True, False), 0))


def contest_course(contest: Contest, spec: RulesSpec) -> tuple[date, date]:
    """From the announcement to the summing-up: as recorded, else as the rules plan it."""
    return (contest.order_date or spec.dates.announcement,
            contest.protocol_date or spec.dates.results)


def cycle_course(tx: Tx, cycle_id: int) -> tuple[date, date] | None:
    """The days of the cycle's first and last webinar (cancelled ones left out unless all are
    cancelled); None for a cycle without webinars."""
    for wanted in (WebinarSession.state != SessionState.CANCELLED, sa.true()):
        first, last = tx.session.exec(
            select(func.min(WebinarSession.starts_at), func.max(WebinarSession.starts_at))
            .where(WebinarSession.cycle_id == cycle_id, wanted)).one()
        if first is not None:
            return moscow_date(first), moscow_date(last)
    return None


def period_events(tx: Tx, start: date, end: date) -> list[EventRow]:
    return sorted([*_sessions(tx, start, end), *_contests(tx, start, end),
                   *_meetings(tx, start, end)],
                  key=lambda e: (e.first_day, e.kind, e.object_id))


def _sessions(tx: Tx, start: date, end: date) -> list[EventRow]:
    since, until = bounds(start, end)
    marked = func.count(sa.case((Registration.state.in_(MARKED), Registration.id)))
    present = func.count(sa.case((Registration.state.in_(PRESENT), Registration.id)))
    rows = tx.session.exec(
        select(WebinarSession.id, WebinarSession.topic, WebinarSession.starts_at,
               WebinarSession.state, WebinarCycle.title, marked, present)
        .join(WebinarCycle, WebinarCycle.id == WebinarSession.cycle_id)
        .outerjoin(Registration, Registration.session_id == WebinarSession.id)
        .where(WebinarSession.starts_at >= since, WebinarSession.starts_at < until)
        .group_by(WebinarSession.id, WebinarSession.topic, WebinarSession.starts_at,
                  WebinarSession.state, WebinarCycle.title))
    return [EventRow(WEBINAR, sid, f"Вебинар «{topic}» (цикл «{cycle}»)",
                     moscow_date(starts), moscow_date(starts), n_present,
                     f"Вебинар «{topic}», {moscow_date(starts):%d.%m}")
            for sid, topic, starts, state, cycle, n_marked, n_present in rows
            if state in HELD or n_marked]


def _contests(tx: Tx, start: date, end: date) -> list[EventRow]:
    s = tx.session
    applications = dict(s.exec(select(Application.contest_id, func.count(Application.id))
                               .group_by(Application.contest_id)).all())
    events = []
    for contest in s.exec(select(Contest).where(Contest.state != ContestState.DRAFT)):
        first, last = contest_course(contest, spec_of(s.get(ContestRules, contest.rules_id)))
        if first <= end and last >= start:
            events.append(EventRow(CONTEST, contest.id, contest.title, first, last,
                                   applications.get(contest.id, 0),
                                   f"Конкурс «{short_title(contest.title)}»"))
    return events


def _meetings(tx: Tx, start: date, end: date) -> list[EventRow]:
    since, until = bounds(start, end)
    present = func.count(sa.case((sa.and_(MeetingAttendee.present,
                                          sa.not_(MeetingAttendee.guest)),
                                  MeetingAttendee.id)))
    rows = tx.session.exec(
        select(PlanMeeting.id, PlanMeeting.number, PlanMeeting.starts_at, present)
        .outerjoin(MeetingAttendee, MeetingAttendee.meeting_id == PlanMeeting.id)
        .where(PlanMeeting.state == MeetingState.HELD, PlanMeeting.starts_at >= since,
               PlanMeeting.starts_at < until)
        .group_by(PlanMeeting.id, PlanMeeting.number, PlanMeeting.starts_at))
    return [EventRow(MEETING, mid, f"Заседание творческой группы № {number or mid}",
                     moscow_date(starts), moscow_date(starts), n,
                     f"Заседание творческой группы № {number or mid}, "
                     f"{moscow_date(starts):%d.%m}")
            for mid, number, starts, n in rows]
