"""The annual plan (план работы инновационной площадки): the plan, its items, their occurrences.

DOMAIN.md, process 4. A plan is loaded whole from its YAML (data/plan/plan-2024.yaml), one
per year; each item keeps the seed's wording and its «Сроки» as written; each dated
occurrence of an item's schedule is a row whose state changes only through the transitions
of models/plan_machine.py. Items «по мере запроса» / «в соответствии с планом мероприятий»
have no occurrences of their own.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class OccurrenceState(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return OCCURRENCE_STATE_LABELS[self]


OCCURRENCE_STATE_LABELS = {
    OccurrenceState.PLANNED: "запланировано",
    OccurrenceState.DONE: "выполнено",
    OccurrenceState.DONE_LATE: "выполнено с опозданием",
    OccurrenceState.OVERDUE: "просрочено",
    OccurrenceState.CANCELLED: "отменено",
}


class Plan(SQLModel, table=True):
    """One year's plan, with the loaded YAML text verbatim and its sha256."""

    __tablename__ = "plans"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)  # one plan per year
    title: str = Field(max_length=500)
    source: str = ""
    source_name: str = Field(default="", max_length=300)
    sha256: str = Field(max_length=64)
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class PlanItem(SQLModel, table=True):
    """An item of the plan («Деятельность», «Сроки», «Ожидаемый результат») in its section."""

    __tablename__ = "plan_items"
    __table_args__ = (sa.UniqueConstraint("plan_id", "code", name="uq_plan_items_plan_code"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plans.id", index=True)
    code: str = Field(max_length=64)  # «diag-1»: stable across years' files
    section_code: str = Field(max_length=32)
    section_title: str = Field(max_length=300)
    number: int | None = None  # the seed's «№»; blank for some items
    activity: str
    schedule_text: str = Field(max_length=500)  # «Сроки» as written
    schedule_kind: str = Field(max_length=32)  # services.plan_schedule.ScheduleKind
    on_request: bool = False
    result: str
    process: str | None = Field(default=None, max_length=32)  # services.plan_spec.PROCESSES
    responsible_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    position: int  # order in the plan, 1-based


class PlanOccurrence(SQLModel, table=True):
    """One due date of an item: closed with its result (a document, a link or a text)."""

    __tablename__ = "plan_occurrences"
    __table_args__ = (sa.UniqueConstraint("item_id", "position",
                                          name="uq_plan_occurrences_item_position"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="plan_items.id", index=True)
    position: int  # 1-based, in date order within the item
    start: date
    due: date = Field(index=True)
    state: OccurrenceState = Field(default=OccurrenceState.PLANNED,
                                   sa_type=enum_type(OccurrenceState), index=True)
    result_text: str = ""
    result_document_id: int | None = Field(default=None, foreign_key="documents.id")
    result_url: str = Field(default="", max_length=1000)
    closed_by: int | None = Field(default=None, foreign_key="people.id")
    closed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    cancel_reason: str = ""
    # Sweep markers (the outbox keys keep each letter single; these make queries cheap).
    last_reminded_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
