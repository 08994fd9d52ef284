"""Webinar cycles (циклы методических вебинаров): the cycle, its sessions, registrations.

DOMAIN.md, process 3. Session and registration states change only through the transitions
of models/webinar_machine.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class Segment(StrEnum):
    """The audience of a session (the passport's order: heads first, then deputies)."""

    HEADS = "heads"
    DEPUTIES = "deputies"
    PARTNERS = "partners"
    ON_REQUEST = "on_request"  # a webinar an organisation asked for: its own people

    @property
    def label(self) -> str:
        return SEGMENT_LABELS[self]


SEGMENT_LABELS = {
    Segment.HEADS: "руководители образовательных организаций",
    Segment.DEPUTIES: "заместители руководителей",
    Segment.PARTNERS: "сетевые партнёры",
    Segment.ON_REQUEST: "по запросу организации",
}


class CertificateRule(StrEnum):
    PER_SESSION = "per_session"
    MIN_SESSIONS = "min_sessions"

    @property
    def label(self) -> str:
        return CERTIFICATE_RULE_LABELS[self]


CERTIFICATE_RULE_LABELS = {
    CertificateRule.PER_SESSION: "за каждый посещённый вебинар",
    CertificateRule.MIN_SESSIONS: "за посещение не менее N вебинаров цикла",
}


class CycleState(StrEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return CYCLE_STATE_LABELS[self]


CYCLE_STATE_LABELS = {
    CycleState.DRAFT: "подготовка",
    CycleState.ANNOUNCED: "объявлен",
    CycleState.CLOSED: "завершён",
}


class WebinarCycle(SQLModel, table=True):
    """A cycle of network webinars with its certificate rule; created from a YAML plan."""

    __tablename__ = "webinar_cycles"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    goal: str = ""
    year: int
    certificate_rule: CertificateRule = Field(default=CertificateRule.PER_SESSION,
                                              sa_type=enum_type(CertificateRule))
    min_sessions: int | None = None  # only for certificate_rule == min_sessions
    # Network partners are invited to every session alongside its own segment (passport).
    partners_in_parallel: bool = True
    # An attendee counts as present with at least this many minutes in the platform's export.
    min_minutes: int = Field(default=30, sa_column_kwargs={"server_default": "30"})
    state: CycleState = Field(default=CycleState.DRAFT, sa_type=enum_type(CycleState),
                              index=True)
    source: str = ""  # the YAML plan exactly as loaded
    source_name: str = Field(default="", max_length=300)
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

    @property
    def certificate_label(self) -> str:
        if self.certificate_rule == CertificateRule.MIN_SESSIONS:
            return f"за посещение не менее {self.min_sessions} вебинаров цикла"
        return self.certificate_rule.label


class SessionState(StrEnum):
    PLANNED = "planned"
    ANNOUNCED = "announced"
    REGISTRATION_OPEN = "registration_open"
    RESCHEDULED = "rescheduled"
    HELD = "held"
    MATERIALS_SENT = "materials_sent"
    CERTIFICATES_ISSUED = "certificates_issued"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return SESSION_STATE_LABELS[self]


SESSION_STATE_LABELS = {
    SessionState.PLANNED: "запланирован",
    SessionState.ANNOUNCED: "объявлен",
    SessionState.REGISTRATION_OPEN: "идёт регистрация",
    SessionState.RESCHEDULED: "перенесён (регистрация продолжается)",
    SessionState.HELD: "проведён",
    SessionState.MATERIALS_SENT: "материалы разосланы",
    SessionState.CERTIFICATES_ISSUED: "сертификаты выданы",
    SessionState.CLOSED: "завершён",
    SessionState.CANCELLED: "отменён",
}


class WebinarSession(SQLModel, table=True):
    """One webinar of a cycle; `sequence` is the .ics SEQUENCE, raised by every update."""

    __tablename__ = "webinar_sessions"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="webinar_cycles.id", index=True)
    position: int  # 1, 2, 3… in the order of the start times
    topic: str = Field(max_length=500)
    speaker: str = Field(max_length=300)
    segment: Segment = Field(sa_type=enum_type(Segment))
    starts_at: datetime = Field(sa_type=UtcDateTime, index=True)
    duration_minutes: int
    meeting_url: str = Field(max_length=1000)
    capacity: int
    sequence: int = 0
    state: SessionState = Field(default=SessionState.PLANNED, sa_type=enum_type(SessionState),
                                index=True)
    cancel_reason: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class RegistrationState(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CERTIFICATE_ISSUED = "certificate_issued"

    @property
    def label(self) -> str:
        return REGISTRATION_STATE_LABELS[self]


REGISTRATION_STATE_LABELS = {
    RegistrationState.REGISTERED: "зарегистрирован",
    RegistrationState.WAITING: "в листе ожидания",
    RegistrationState.CANCELLED: "регистрация отменена",
    RegistrationState.ATTENDED: "участвовал",
    RegistrationState.NO_SHOW: "не участвовал",
    RegistrationState.CERTIFICATE_ISSUED: "сертификат выдан",
}


class Registration(SQLModel, table=True):
    """A person's registration for one session (one per person and session)."""

    __tablename__ = "webinar_registrations"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="webinar_sessions.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    state: RegistrationState = Field(default=RegistrationState.REGISTERED,
                                     sa_type=enum_type(RegistrationState), index=True)
    source: str = Field(default="link", max_length=16)  # link | api | page | staff
    registered_at: datetime = Field(sa_type=UtcDateTime)
    # 1, then 2… each time the person registers again after cancelling: a new round gets its
    # own confirmation, a retried step of the same round does not.
    round: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # The open page records the personal-data consent (152-ФЗ) given with the registration.
    consent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    minutes_attended: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
