"""Creative-group meetings (заседания творческой группы) of the annual plan (item theor-2).

A meeting belongs to one dated occurrence of its plan item; it is scheduled with its agenda,
then held: who attended, what was decided; its protocol (.docx) is generated and closes the
occurrence. State changes go through models/plan_meeting_machine.py.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return MEETING_STATE_LABELS[self]


MEETING_STATE_LABELS = {
    MeetingState.SCHEDULED: "назначено",
    MeetingState.HELD: "проведено",
    MeetingState.CANCELLED: "отменено",
}


class PlanMeeting(SQLModel, table=True):
    """One meeting: when, where, the agenda (questions in order), the decisions, the protocol."""

    __tablename__ = "plan_meetings"

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int | None = Field(default=None, foreign_key="plan_occurrences.id",
                                      index=True)
    state: MeetingState = Field(default=MeetingState.SCHEDULED,
                                sa_type=enum_type(MeetingState), index=True)
    number: int | None = None  # protocol number within the plan year, given when held
    starts_at: datetime = Field(sa_type=UtcDateTime)
    place: str = Field(default="", max_length=500)
    agenda: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # questions, in order
    # [{"question": 1, "heard": "…", "decision": "…", "responsible": "…", "due": "…"}]
    decisions: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    chair_id: int | None = Field(default=None, foreign_key="people.id")
    secretary_id: int | None = Field(default=None, foreign_key="people.id")
    protocol_document_id: int | None = Field(default=None, foreign_key="documents.id")
    cancel_reason: str = ""
    held_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_by: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class MeetingAttendee(SQLModel, table=True):
    """A member of the creative group at a meeting: present or absent (with a reason); or a
    guest invited to it."""

    __tablename__ = "plan_meeting_attendees"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id",
                                          name="uq_plan_meeting_attendees_meeting_person"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="plan_meetings.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    present: bool = True
    absence_reason: str = Field(default="", max_length=300)
    # A guest (приглашённый) is not a member of the group: present, named by the minutes.
    guest: bool = False
