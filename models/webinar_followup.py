"""What follows a webinar session: reminder waves, attendance imports, materials, feedback and
certificates (DOMAIN.md, process 3)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, utcnow


class ReminderWave(SQLModel, table=True):
    """One reminder wave of a session («за 24 часа», «за 1 час») at one schedule of it.

    The row is the sweep's memory: a wave is fired (or skipped, when a late sweep finds a
    nearer wave due) once per session, offset and `sequence` — a reschedule raises the
    session's sequence, so the waves of the new time fire again.
    """

    __tablename__ = "webinar_reminder_waves"
    __table_args__ = (sa.UniqueConstraint("session_id", "offset_minutes", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="webinar_sessions.id", index=True)
    offset_minutes: int
    sequence: int
    skipped: bool = False  # a nearer wave was due too: only that one was sent
    sent: int = 0
    fired_at: datetime = Field(sa_type=UtcDateTime)


class AttendanceImport(SQLModel, table=True):
    """One attendance file (the platform's export) or one manual marking, as applied."""

    __tablename__ = "webinar_attendance_imports"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="webinar_sessions.id", index=True)
    filename: str = Field(default="", max_length=300)  # "" for a manual marking
    sha256: str = Field(default="", max_length=64)
    min_minutes: int = 0
    rows: int = 0
    attended: int = 0
    no_show: int = 0
    # People of the file not found among the registered/known ones:
    # [{"line": 7, "name": "…", "email": "…", "minutes": 40}, …]
    unknown: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    imported_by: int | None = Field(default=None, foreign_key="people.id")
    imported_at: datetime = Field(sa_type=UtcDateTime)


class WebinarMaterial(SQLModel, table=True):
    """A material of a session sent to its attendees: a link or a stored file."""

    __tablename__ = "webinar_materials"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="webinar_sessions.id", index=True)
    title: str = Field(max_length=500)
    url: str = Field(default="", max_length=1000)
    document_id: int | None = Field(default=None, foreign_key="documents.id")
    added_by: int | None = Field(default=None, foreign_key="people.id")
    added_at: datetime = Field(sa_type=UtcDateTime)


class Feedback(SQLModel, table=True):
    """An attendee's answer to the feedback form of a session (one per registration; a second
    answer replaces the first)."""

    __tablename__ = "webinar_feedback"

    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="webinar_registrations.id", unique=True)
    session_id: int = Field(foreign_key="webinar_sessions.id", index=True)
    rating: int  # 1…5
    usefulness: int | None = None  # 1…5, optional
    comment: str = ""
    submitted_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Certificate(SQLModel, table=True):
    """A participant's certificate (сертификат участника) with its registration number.

    `scope` is "session:<id>" under the per-session rule and "cycle" under the
    "at least N sessions" rule: one certificate per person and scope, ever.
    """

    __tablename__ = "webinar_certificates"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "person_id", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="webinar_cycles.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="webinar_sessions.id")
    scope: str = Field(max_length=32)
    number: str = Field(max_length=32, unique=True)
    sessions_attended: int = 0
    document_id: int | None = Field(default=None, foreign_key="documents.id")
    issued_at: datetime = Field(sa_type=UtcDateTime)
