"""Generated and uploaded documents: the file lives under IMC_DATA_DIR, the row here."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, utcnow


class Document(SQLModel, table=True):
    __tablename__ = "documents"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # idempotency key
    kind: str = Field(max_length=64, index=True)  # "agreement_draft", "signed_scan", …
    object_kind: str = Field(max_length=32, index=True)
    object_id: int = Field(index=True)
    version: int = 1
    template: str = Field(default="", max_length=100)  # empty for uploads
    filename: str = Field(max_length=255)  # what people see, Cyrillic allowed
    path: str = Field(max_length=500)  # relative to the documents directory
    media_type: str = Field(max_length=100)
    sha256: str = Field(max_length=64)
    size: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
