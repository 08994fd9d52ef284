"""Organisations (the centre, schools, partners) and the people in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class OrgKind(StrEnum):
    CENTRE = "centre"
    SCHOOL = "school"
    PARTNER = "partner"


ORG_KIND_LABELS = {
    OrgKind.CENTRE: "методический центр",
    OrgKind.SCHOOL: "образовательная организация района",
    OrgKind.PARTNER: "организация-партнёр",
}


class PersonRole(StrEnum):
    DIRECTOR = "director"  # director of the centre
    STAFF = "staff"  # methodologist / specialist of the centre
    HEAD = "head"  # head of a school or partner organisation
    DEPUTY = "deputy"
    EXPERT = "expert"
    CONTACT = "contact"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisations"

    id: int | None = Field(default=None, primary_key=True)
    kind: OrgKind = Field(sa_type=enum_type(OrgKind), index=True)
    full_name: str = Field(max_length=500)
    short_name: str = Field(max_length=200)
    municipality: str = Field(default="", max_length=200)
    legal_address: str = Field(default="", max_length=500)
    inn: str | None = Field(default=None, max_length=12, unique=True)
    ogrn: str | None = Field(default=None, max_length=15)
    phone: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    # «действующего на основании Устава»: the basis of the head's authority, genitive.
    basis_genitive: str = Field(default="Устава", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Person(SQLModel, table=True):
    """A person; the cases of the ФИО are stored (prefilled by pytrovich, editable)."""

    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", index=True)
    role: PersonRole = Field(sa_type=enum_type(PersonRole), index=True)
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    middle_name: str = Field(default="", max_length=100)
    gender: str = Field(default="", max_length=6)  # "male" | "female" | ""
    position: str = Field(default="", max_length=200)  # «Директор»
    position_genitive: str = Field(default="", max_length=200)  # «директора»
    fio_genitive: str = Field(default="", max_length=300)
    fio_dative: str = Field(default="", max_length=300)
    fio_accusative: str = Field(default="", max_length=300)
    fio_instrumental: str = Field(default="", max_length=300)
    fio_prepositional: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=254, index=True)
    phone: str = Field(default="", max_length=50)
    login: str | None = Field(default=None, max_length=64, unique=True)  # staff only
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)
