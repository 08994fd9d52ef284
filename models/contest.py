"""Contests (конкурсы): rules versions, the contest, applications, experts and reviews."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class ContestRules(SQLModel, table=True):
    """One version of a contest's Положение, as loaded from its YAML file."""

    __tablename__ = "contest_rules"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, index=True)  # "innovative-search", "network-leader"
    version: int
    title: str = Field(max_length=500)
    source: str  # the YAML text exactly as loaded
    sha256: str = Field(max_length=64)
    loaded_at: datetime = Field(sa_type=UtcDateTime)
    loaded_by: str = Field(default="", max_length=300)


class ContestState(StrEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    ACCEPTING = "accepting"
    SCREENING = "screening"
    REVIEWING = "reviewing"
    DELIBERATION = "deliberation"
    RESULTS_APPROVED = "results_approved"
    AWARDED = "awarded"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return CONTEST_STATE_LABELS[self]


CONTEST_STATE_LABELS = {
    ContestState.DRAFT: "подготовка",
    ContestState.ANNOUNCED: "объявлен",
    ContestState.ACCEPTING: "приём заявок",
    ContestState.SCREENING: "проверка заявок",
    ContestState.REVIEWING: "экспертиза",
    ContestState.DELIBERATION: "заседание жюри",
    ContestState.RESULTS_APPROVED: "итоги утверждены",
    ContestState.AWARDED: "награждение проведено",
    ContestState.CLOSED: "завершён",
}


class Contest(SQLModel, table=True):
    __tablename__ = "contests"

    id: int | None = Field(default=None, primary_key=True)
    rules_id: int = Field(foreign_key="contest_rules.id")  # the version it started with
    code: str = Field(max_length=64, index=True)
    title: str = Field(max_length=500)
    year: int
    state: ContestState = Field(default=ContestState.DRAFT, sa_type=enum_type(ContestState),
                                index=True)
    order_number: str | None = Field(default=None, max_length=32)  # приказ о проведении
    order_date: date | None = None
    protocol_number: str | None = Field(default=None, max_length=32)
    protocol_date: date | None = None
    results_order_number: str | None = Field(default=None, max_length=32)
    results_order_date: date | None = None
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ApplicationState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    REJECTED = "rejected"
    UNDER_REVIEW = "under_review"
    REVIEWED = "reviewed"
    WINNER = "winner"
    LAUREATE = "laureate"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        return APPLICATION_STATE_LABELS[self]


APPLICATION_STATE_LABELS = {
    ApplicationState.SUBMITTED: "подана",
    ApplicationState.ACCEPTED: "принята к экспертизе",
    ApplicationState.RETURNED: "возвращена на доработку",
    ApplicationState.REJECTED: "отклонена",
    ApplicationState.UNDER_REVIEW: "на экспертизе",
    ApplicationState.REVIEWED: "экспертиза завершена",
    ApplicationState.WINNER: "победитель",
    ApplicationState.LAUREATE: "лауреат",
    ApplicationState.PARTICIPANT: "участник",
}


class Application(SQLModel, table=True):
    __tablename__ = "contest_applications"
    __table_args__ = (sa.UniqueConstraint("contest_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contests.id", index=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    number: str = Field(max_length=32, unique=True)  # «ИП-7/2024»
    state: ApplicationState = Field(default=ApplicationState.SUBMITTED,
                                    sa_type=enum_type(ApplicationState), index=True)
    project_title: str = Field(max_length=500)
    annotation: str
    head_name: str = Field(max_length=300)
    head_position: str = Field(max_length=200)
    contact_name: str = Field(max_length=300)
    contact_email: str = Field(max_length=254)
    contact_phone: str = Field(default="", max_length=50)
    consent_text: str  # the personal-data consent exactly as shown
    consent_at: datetime = Field(sa_type=UtcDateTime)
    submitted_at: datetime = Field(sa_type=UtcDateTime)
    source: str = Field(default="link", max_length=16)  # link | api | import
    return_reasons: str = ""
    resubmit_until: date | None = None
    reject_reason: str = ""
    # Set by the tally (deliberation): the figures people see, rounded as printed.
    total: float | None = None
    rank: int | None = None
    averages: dict = Field(default_factory=dict, sa_type=sa.JSON)  # criterion code → average
    flagged: bool = False  # the experts' totals spread more than the rules allow
    tie_rule: str = ""  # which rule decided a tie with a neighbour
    outcome_note: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ExpertConflict(SQLModel, table=True):
    """An expert's declared conflict of interest with an organisation, for one contest."""

    __tablename__ = "contest_conflicts"
    __table_args__ = (sa.UniqueConstraint("contest_id", "expert_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contests.id", index=True)
    expert_id: int = Field(foreign_key="people.id")
    organisation_id: int = Field(foreign_key="organisations.id")
    declared_at: datetime = Field(sa_type=UtcDateTime)
    note: str = ""


class ContestExpert(SQLModel, table=True):
    """An expert on a contest's panel (a Person with role expert)."""

    __tablename__ = "contest_experts"
    __table_args__ = (sa.UniqueConstraint("contest_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contests.id", index=True)
    person_id: int = Field(foreign_key="people.id")
    added_at: datetime = Field(sa_type=UtcDateTime)


class Assignment(SQLModel, table=True):
    """An expert assigned to an application; a replaced one stays on record."""

    __tablename__ = "contest_assignments"
    __table_args__ = (sa.UniqueConstraint("application_id", "expert_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contests.id", index=True)
    application_id: int = Field(foreign_key="contest_applications.id", index=True)
    expert_id: int = Field(foreign_key="people.id", index=True)
    active: bool = True
    assigned_at: datetime = Field(sa_type=UtcDateTime)
    replaced_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    replace_reason: str = ""


class Review(SQLModel, table=True):
    """An expert's scores per criterion and comment; revisable until deliberation starts."""

    __tablename__ = "contest_reviews"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="contest_assignments.id", unique=True)
    scores: dict = Field(default_factory=dict, sa_type=sa.JSON)  # criterion code → score
    comment: str
    revision: int = 1
    submitted_at: datetime = Field(sa_type=UtcDateTime)


class CommissionVote(SQLModel, table=True):
    """Votes of the jury for an application, recorded by staff to break a tie."""

    __tablename__ = "contest_votes"
    __table_args__ = (sa.UniqueConstraint("contest_id", "application_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(foreign_key="contests.id")
    application_id: int = Field(foreign_key="contest_applications.id")
    votes: int
    recorded_by: int | None = Field(default=None, foreign_key="people.id")
    recorded_at: datetime = Field(sa_type=UtcDateTime)


class StatusEntry(SQLModel, table=True):
    """The status registry: who holds «Муниципальная инновационная площадка» and until when."""

    __tablename__ = "status_registry"
    __table_args__ = (sa.UniqueConstraint("application_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    contest_id: int = Field(foreign_key="contests.id")
    application_id: int = Field(foreign_key="contest_applications.id")
    status: str = Field(max_length=200)
    order_number: str = Field(max_length=32)
    order_date: date
    valid_from: date
    valid_to: date = Field(index=True)
    obligations: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = Field(sa_type=UtcDateTime)
