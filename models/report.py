"""Generated analytic reports (мониторинг, эффективность, анализ мероприятий, выполнение плана).

A report is computed from the system's own records for a period (and, for an event analysis,
one event); each generation whose figures differ from the last one's is a new version with its
.docx справка and .xlsx data, so running a report again with unchanged records changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, utcnow


class Report(SQLModel, table=True):
    __tablename__ = "reports"
    __table_args__ = (sa.UniqueConstraint("kind", "period_start", "period_end", "subject",
                                          "version", name="uq_reports_kind_period_version"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, index=True)  # monitoring | effectiveness | events | plan
    period_start: date
    period_end: date
    subject: str = Field(default="", max_length=64)  # «contest:3», «webinar_cycle:1» or ""
    version: int = 1
    figures_sha256: str = Field(max_length=64)  # of the figures: same figures, same version
    figures: dict = Field(default_factory=dict, sa_type=sa.JSON)  # the headline figures
    docx_document_id: int | None = Field(default=None, foreign_key="documents.id")
    xlsx_document_id: int | None = Field(default=None, foreign_key="documents.id")
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class PlanLink(SQLModel, table=True):
    """A plan occurrence carried out by a process record (a contest, a webinar cycle, a
    meeting, a report); the occurrence's state follows from the record where it can."""

    __tablename__ = "plan_links"
    __table_args__ = (sa.UniqueConstraint("occurrence_id", "object_kind", "object_id",
                                          name="uq_plan_links_occurrence_object"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="plan_occurrences.id", index=True)
    object_kind: str = Field(max_length=32)  # contest | webinar_cycle | plan_meeting | report
    object_id: int
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
