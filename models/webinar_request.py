"""Webinars on request: an organisation asks the centre for a webinar (DOMAIN.md, process 3)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class RequestState(StrEnum):
    SUBMITTED = "submitted"
    SCHEDULED = "scheduled"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return REQUEST_STATE_LABELS[self]


REQUEST_STATE_LABELS = {
    RequestState.SUBMITTED: "получен, на рассмотрении",
    RequestState.SCHEDULED: "принят, вебинар назначен",
    RequestState.DECLINED: "отклонён",
}


class WebinarRequest(SQLModel, table=True):
    """A request for a webinar: who asks, the topic, the audience and the preferred dates."""

    __tablename__ = "webinar_requests"

    id: int | None = Field(default=None, primary_key=True)
    state: RequestState = Field(default=RequestState.SUBMITTED, sa_type=enum_type(RequestState),
                                index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", index=True)
    organisation_name: str = Field(max_length=500)  # as typed, even when matched
    person_id: int | None = Field(default=None, foreign_key="people.id")  # the requester
    requester_name: str = Field(max_length=300)
    email: str = Field(max_length=254)
    phone: str = Field(default="", max_length=50)
    topic: str = Field(max_length=500)
    audience: str = Field(default="", max_length=500)
    preferred_dates: str = Field(default="", max_length=500)
    comment: str = ""
    source: str = Field(default="page", max_length=16)  # page | api
    consent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    decline_reason: str = ""
    session_id: int | None = Field(default=None, foreign_key="webinar_sessions.id")
    submitted_at: datetime = Field(sa_type=UtcDateTime)
    decided_by: int | None = Field(default=None, foreign_key="people.id")
    decided_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
