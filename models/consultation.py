"""Consultations on request (консультации участников сетевого взаимодействия, item pract-2).

A participant asks through the page or the API (who, organisation, topic, preferred form);
staff assign a methodologist, who holds it and logs the result. State changes go through
models/consultation_machine.py.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class ConsultationState(StrEnum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    HELD = "held"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return CONSULTATION_STATE_LABELS[self]


CONSULTATION_STATE_LABELS = {
    ConsultationState.SUBMITTED: "получен запрос",
    ConsultationState.ASSIGNED: "назначен методист",
    ConsultationState.HELD: "проведена",
    ConsultationState.DECLINED: "отклонён",
    ConsultationState.CANCELLED: "отменена",
}


class ConsultationForm(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    PHONE = "phone"
    WRITTEN = "written"

    @property
    def label(self) -> str:
        return CONSULTATION_FORM_LABELS[self]


CONSULTATION_FORM_LABELS = {
    ConsultationForm.IN_PERSON: "очно",
    ConsultationForm.ONLINE: "онлайн",
    ConsultationForm.PHONE: "по телефону",
    ConsultationForm.WRITTEN: "письменно",
}


class Consultation(SQLModel, table=True):
    """A request for a consultation and, once held, its log entry."""

    __tablename__ = "consultations"

    id: int | None = Field(default=None, primary_key=True)
    state: ConsultationState = Field(default=ConsultationState.SUBMITTED,
                                     sa_type=enum_type(ConsultationState), index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", index=True)
    organisation_name: str = Field(max_length=500)  # as typed, even when matched
    person_id: int | None = Field(default=None, foreign_key="people.id")  # the requester
    requester_name: str = Field(max_length=300)
    email: str = Field(max_length=254)
    phone: str = Field(default="", max_length=50)
    topic: str = Field(max_length=500)
    question: str = ""  # what they want to discuss, optional
    form: ConsultationForm = Field(sa_type=enum_type(ConsultationForm))
    preferred_dates: str = Field(default="", max_length=500)
    source: str = Field(default="page", max_length=16)  # page | api
    consent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    methodologist_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    scheduled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    held_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    duration_minutes: int | None = None
    result: str = ""  # what was discussed and advised
    result_document_id: int | None = Field(default=None, foreign_key="documents.id")
    decline_reason: str = ""
    submitted_at: datetime = Field(sa_type=UtcDateTime, index=True)
    decided_by: int | None = Field(default=None, foreign_key="people.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
