"""The network-interaction agreement (договор о сетевом взаимодействии) and its states."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import UtcDateTime, enum_type, utcnow


class AgreementState(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    SENT_TO_PARTNER = "sent_to_partner"
    SIGNED_BY_PARTNER = "signed_by_partner"
    REGISTERED = "registered"
    EXPIRING = "expiring"
    RENEWED = "renewed"
    EXPIRED = "expired"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return AGREEMENT_STATE_LABELS[self]


AGREEMENT_STATE_LABELS = {
    AgreementState.DRAFT: "проект",
    AgreementState.AWAITING_APPROVAL: "на согласовании у директора",
    AgreementState.SENT_TO_PARTNER: "направлен партнёру",
    AgreementState.SIGNED_BY_PARTNER: "подписан партнёром",
    AgreementState.REGISTERED: "зарегистрирован (действует)",
    AgreementState.EXPIRING: "истекает срок действия",
    AgreementState.RENEWED: "продлён новым договором",
    AgreementState.EXPIRED: "срок действия истёк",
    AgreementState.DECLINED: "партнёр отказался",
    AgreementState.CANCELLED: "отменён",
    AgreementState.TERMINATED: "расторгнут",
}

# Agreements in these states make the partner a member of the network.
ACTIVE_STATES = frozenset({AgreementState.REGISTERED, AgreementState.EXPIRING})


class SignedVia(StrEnum):
    LINK = "link"  # partner confirmed through the personal link
    SCAN = "scan"  # partner uploaded a signed scan
    PAPER = "paper"  # staff recorded the original received on paper


class Agreement(SQLModel, table=True):
    __tablename__ = "agreements"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="organisations.id", index=True)
    state: AgreementState = Field(
        default=AgreementState.DRAFT, sa_type=enum_type(AgreementState), index=True
    )
    subject: str = Field(max_length=2000)
    obligations_centre: str = Field(default="")  # one obligation per line
    obligations_partner: str = Field(default="")
    term_years: int = 3
    starts_on: date | None = None
    ends_on: date | None = None
    number: str | None = Field(default=None, max_length=32, unique=True)  # «СВ-7/2024»
    registered_on: date | None = None
    renewed_from_id: int | None = Field(default=None, foreign_key="agreements.id")
    responsible_id: int | None = Field(default=None, foreign_key="people.id")
    draft_version: int = 0  # bumped when the director returns the draft
    return_comment: str = Field(default="")
    decline_reason: str = Field(default="")
    close_reason: str = Field(default="")  # cancel / terminate
    signed_via: SignedVia | None = Field(default=None, sa_type=enum_type(SignedVia))
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    signed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

    def obligations(self, side: str) -> list[str]:
        text = self.obligations_centre if side == "centre" else self.obligations_partner
        return [line.strip() for line in text.splitlines() if line.strip()]


def in_force_clause(today: date):
    """SQL condition: the agreement binds the parties today.

    A renewed agreement is still in force until its own end date; its successor takes over.
    """
    return Agreement.state.in_(ACTIVE_STATES) | (
        (Agreement.state == AgreementState.RENEWED) & (Agreement.ends_on >= today))
