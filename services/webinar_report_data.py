"""The plain data of a webinar cycle's report (services.webinar_report computes it).

Counts only: what each figure means is told in services/webinar_report.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from models import RegistrationState as R, SessionState as S

HELD = (S.HELD, S.MATERIALS_SENT, S.CERTIFICATES_ISSUED, S.CLOSED)
TAKEN = (R.REGISTERED, R.ATTENDED, R.NO_SHOW, R.CERTIFICATE_ISSUED)
PRESENT = (R.ATTENDED, R.CERTIFICATE_ISSUED)
MARKED = (*PRESENT, R.NO_SHOW)
NO_ORG = "Без организации"
NO_MUNICIPALITY = "Муниципалитет не указан"


@dataclass
class Figures:
    invited: int = 0  # invitations: person × session
    registered: int = 0
    waiting: int = 0
    cancelled: int = 0
    attended: int = 0
    no_show: int = 0
    unmarked: int = 0
    certificates: int = 0
    held_registered: int = 0  # registrations of sessions that took place: the rate's base

    @property
    def rate(self) -> float | None:
        return percent(self.attended, self.held_registered)

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def count(self, state: R, n: int, held: bool) -> None:
        if state in TAKEN:
            self.registered += n
            self.held_registered += n if held else 0
        if state in PRESENT:
            self.attended += n
        elif state == R.NO_SHOW:
            self.no_show += n
        elif state == R.REGISTERED and held:
            self.unmarked += n
        elif state == R.WAITING:
            self.waiting += n
        elif state == R.CANCELLED:
            self.cancelled += n


@dataclass
class FeedbackFigures:
    count: int = 0
    rating_sum: int = 0
    usefulness_count: int = 0
    usefulness_sum: int = 0

    @property
    def rating(self) -> float | None:
        return average(self.rating_sum, self.count)

    @property
    def usefulness(self) -> float | None:
        return average(self.usefulness_sum, self.usefulness_count)

    def add(self, other: FeedbackFigures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class SessionRow:
    id: int
    position: int
    topic: str
    speaker: str
    segment: str  # the audience, in Russian
    starts_at: datetime  # aware UTC
    start: str  # «15.10.2024 15:00», Moscow time
    state: str  # in Russian
    held: bool  # took place: held or later, or attendance marked
    figures: Figures = field(default_factory=Figures)
    feedback: FeedbackFigures = field(default_factory=FeedbackFigures)
    unknown: int = 0


@dataclass
class GroupRow:
    """An organisation's or a municipality's line."""

    name: str
    municipality: str = ""  # organisations only
    figures: Figures = field(default_factory=Figures)
    invited_people: int = 0
    participants: int = 0  # distinct people with at least one attendance


@dataclass
class Comment:
    position: int  # of the session
    rating: int
    usefulness: int | None
    text: str


@dataclass
class CycleReport:
    cycle_id: int
    title: str
    year: int
    state: str
    certificate_rule: str
    as_of: datetime  # when the figures were read (not part of the fingerprint)
    sessions: list[SessionRow]
    total: Figures
    feedback: FeedbackFigures
    unknown: int
    invited_people: int
    registered_people: int
    participants: int
    organisations: list[GroupRow]
    municipalities: list[GroupRow]
    comments: list[Comment]

    @property
    def held(self) -> int:
        return sum(1 for s in self.sessions if s.held)

    def fingerprint(self) -> str:
        """sha256 of the figures: equal exactly when nothing reported has changed."""
        data = asdict(self)
        data.pop("as_of")
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def average(total: int, n: int) -> float | None:
    if not n:
        return None
    return float((Decimal(total) / Decimal(n)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def natural(text: str) -> list:
    """«№ 2» before «№ 10»."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text.casefold())]


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def average_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")
