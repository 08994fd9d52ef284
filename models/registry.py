"""Registry counters (numbers without gaps) and used personal links."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.types import UtcDateTime


class RegistryCounter(SQLModel, table=True):
    """The last number given for one kind of document in one year."""

    __tablename__ = "registry_counters"
    __table_args__ = (sa.UniqueConstraint("kind", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    year: int
    last: int = 0


class LinkUse(SQLModel, table=True):
    """A personal link that has acted; a one-time link acts once."""

    __tablename__ = "link_uses"

    id: int | None = Field(default=None, primary_key=True)
    nonce: str = Field(max_length=64, unique=True)
    purpose: str = Field(max_length=64)
    person_id: int
    object_kind: str = Field(max_length=32)
    object_id: int
    action: str = Field(max_length=64)
    used_at: datetime = Field(sa_type=UtcDateTime)
