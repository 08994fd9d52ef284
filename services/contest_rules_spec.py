"""One contest's Положение as a typed, frozen value: dates, criteria, tie-break, awards, jury."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from services.contest_rules_checks import cross_problems, dec
from services.documents import FILE_TYPES
from services.errors import NotFound

KIND_LABELS = {"municipal": "муниципальный", "intermunicipal": "межмуниципальный"}
ELIGIBILITY_LABELS = {
    "district": "образовательные организации (школы) Выселковского района",
    "registered_partners": "сетевые партнёры с действующим договором о сетевом взаимодействии",
}


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("ru_number", "должно быть числом, а указано «{value}»",
                                  {"value": value})
    return value


def _positive(value: Any) -> Any:
    if _number(value) <= 0:
        raise PydanticCustomError("ru_positive", "должно быть больше нуля, а указано {value}",
                                  {"value": value})
    return value


def _always_true(value: Any) -> Any:
    if value is not True:
        raise PydanticCustomError("ru_always", "это правило нельзя отключить: укажите true")
    return value


def _extension(value: Any) -> Any:
    ext = str(value).strip().lower().lstrip(".").replace("jpeg", "jpg")
    if ext not in FILE_TYPES:
        raise PydanticCustomError("ru_extension", "тип файла «{value}» не поддерживается; "
                                  "допустимы: {allowed}",
                                  {"value": value, "allowed": ", ".join(FILE_TYPES)})
    return ext


OptionalNumber = Annotated[float | None, BeforeValidator(lambda v: v if v is None else _number(v))]
Positive = Annotated[float, BeforeValidator(_positive)]
AlwaysTrue = Annotated[bool, BeforeValidator(_always_true)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Count = Annotated[int, Field(ge=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dates(_Frozen):
    announcement: date
    intake_opens: date
    intake_closes: date
    screening_until: date
    review_due: date
    results: date


class Criterion(_Frozen):
    code: Slug
    name: Text
    description: str = ""
    max_score: Positive
    weight: Positive

    @property
    def weighted_max(self) -> Decimal:
        return dec(self.max_score) * dec(self.weight)


class Conflicts(_Frozen):
    same_organisation: AlwaysTrue = True
    same_municipality: bool = False
    declared: AlwaysTrue = True


class AwardRule(_Frozen):
    """Top N of the ranking and/or a minimum total; when both are given, both must hold."""

    top: Count | None = None
    min_total: OptionalNumber = None

    @property
    def given(self) -> bool:
        return self.top is not None or self.min_total is not None


class Reminders(_Frozen):
    expert_before_due_days: tuple[Count, ...] = (3, 1)
    expert_after_due_days: tuple[Count, ...] = (1, 3)
    status_expiry_notice_days: Count = 60


class ApplicationRules(_Frozen):
    number_prefix: Text = "ЗК"
    allowed_extensions: tuple[Annotated[str, BeforeValidator(_extension)], ...] = (
        "pdf", "docx", "doc", "jpg", "png")
    max_file_mb: Count = 10
    max_files: Count = 5
    resubmit_days: Count = 5


class JuryMember(_Frozen):
    name: Text
    position: Text


class Jury(_Frozen):
    chair: JuryMember
    secretary: JuryMember
    members: tuple[JuryMember, ...] = ()


class OrderRules(_Frozen):
    number_prefix: Text = "ОД"


class RulesSpec(_Frozen):
    """One contest's rules; every field is explained in the comments of data/contests/*.yaml."""

    code: Slug
    title: Text
    goal: str = ""  # «Цель Конкурса — …», no final period; a default by kind when empty
    kind: Literal["municipal", "intermunicipal"]
    year: Annotated[int, Field(ge=2000, le=2100)]
    status_awarded: Text
    status_validity_years: Count
    reporting_obligations: tuple[Text, ...] = ()
    eligibility: Literal["district", "registered_partners"]
    dates: Dates
    criteria: tuple[Criterion, ...]
    experts_per_application: Count = 3
    conflicts: Conflicts = Conflicts()
    spread_flag_share: Annotated[float, BeforeValidator(_positive), Field(le=1)] = 0.3
    tie_break: tuple[str, ...]
    winners: AwardRule
    laureates: AwardRule = AwardRule()
    reminders: Reminders = Reminders()
    application: ApplicationRules = ApplicationRules()
    jury: Jury
    order: OrderRules = OrderRules()

    @model_validator(mode="before")
    @classmethod
    def _municipality_default(cls, data: Any) -> Any:
        # The inter-municipal contest never lets an expert judge their own municipality.
        if isinstance(data, dict) and isinstance(data.get("conflicts", {}), dict):
            conflicts = dict(data.get("conflicts") or {})
            conflicts.setdefault("same_municipality", data.get("kind") == "intermunicipal")
            data = {**data, "conflicts": conflicts}
        return data

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> RulesSpec:
        if info.context and info.context.get("cross_checked"):
            return self  # parse_rules has already checked, with YAML lines
        found = cross_problems(self.model_dump())
        if found:
            raise PydanticCustomError("ru_rules", "; ".join(m for _, m in found))
        return self

    @property
    def max_total(self) -> Decimal:
        """The highest possible weighted total: Σ max_score × weight."""
        return sum((c.weighted_max for c in self.criteria), Decimal(0)).quantize(Decimal("0.01"))

    def criterion(self, code: str) -> Criterion:
        for c in self.criteria:
            if c.code == code:
                return c
        raise NotFound(f"В положении «{self.code}» нет критерия «{code}»")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def eligibility_label(self) -> str:
        return ELIGIBILITY_LABELS[self.eligibility]
