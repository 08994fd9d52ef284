"""Business events, kept in the transaction that caused them until Prefect has them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime


class EventRecord(SQLModel, table=True):
    """imc.<process>.<transition> about imc.<process>.<id>; forwarded_at set once delivered."""

    __tablename__ = "business_events"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36, unique=True)  # the id Prefect gets, for de-duplication
    name: str = Field(max_length=100)
    resource_id: str = Field(max_length=100, index=True)
    payload: dict = Field(default_factory=dict, sa_type=sa.JSON)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    forwarded_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
