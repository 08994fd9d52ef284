"""The append-only audit trail: one row per transition, refusal or link use."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type


class ActorKind(StrEnum):
    STAFF = "staff"
    PARTICIPANT = "participant"  # acting through a personal link
    SCHEDULER = "scheduler"  # the sweep and other timers
    SYSTEM = "system"  # automatic steps (advance)


ACTOR_KIND_LABELS = {
    ActorKind.STAFF: "сотрудник",
    ActorKind.PARTICIPANT: "участник по персональной ссылке",
    ActorKind.SCHEDULER: "планировщик",
    ActorKind.SYSTEM: "система",
}


class Outcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"

    id: int | None = Field(default=None, primary_key=True)
    object_kind: str = Field(max_length=32, index=True)
    object_id: int = Field(index=True)
    action: str = Field(max_length=64)
    from_state: str = Field(default="", max_length=32)
    to_state: str = Field(default="", max_length=32)
    outcome: Outcome = Field(default=Outcome.DONE, sa_type=enum_type(Outcome))
    actor_kind: ActorKind = Field(sa_type=enum_type(ActorKind))
    actor_id: int | None = None  # Person.id when known
    actor_label: str = Field(default="", max_length=300)
    at: datetime = Field(sa_type=UtcDateTime, index=True)
    reason: str = Field(default="")
    document_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    email_ids: list[int] = Field(default_factory=list, sa_type=sa.JSON)
    details: dict = Field(default_factory=dict, sa_type=sa.JSON)


class AuditTamperError(RuntimeError):
    """The audit trail is append-only."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditTamperError("Журнал аудита нельзя изменять")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditTamperError("Записи журнала аудита нельзя удалять")
