"""Outgoing mail, queued in the transaction that caused it and drained by the sender."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"  # no longer needed (its webinar cancelled, moved, begun): not sent


MAIL_STATUS_LABELS = {
    MailStatus.QUEUED: "в очереди",
    MailStatus.SENDING: "отправляется",
    MailStatus.SENT: "отправлено",
    MailStatus.FAILED: "не доставлено",
    MailStatus.WITHDRAWN: "отозвано: больше не нужно",
}


class OutboxEmail(SQLModel, table=True):
    __tablename__ = "outbox_emails"
    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # idempotency key
    template: str = Field(max_length=100)
    to_addr: str = Field(max_length=254)
    to_name: str = Field(default="", max_length=300)
    # The recipient, when the letter is to a person of the registry (counts per person).
    person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    subject: str = Field(max_length=998)
    text_body: str
    html_body: str = ""
    attachment_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)  # Document ids
    object_kind: str = Field(default="", max_length=32, index=True)
    object_id: int | None = Field(default=None, index=True)
    status: MailStatus = Field(default=MailStatus.QUEUED, sa_type=enum_type(MailStatus))
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UtcDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    last_error: str = ""
    last_code: int | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    # Mail pointless from this moment on (a reminder once its webinar has begun): a drain never
    # sends it at or after this instant, it is withdrawn instead. None: no deadline.
    expires_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
