"""A webinar cycle's plan as a typed, frozen value (the YAML file of `imc webinar plan`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from adapters.clock import MOSCOW
from models.webinar import Segment

START_FORMAT = "%Y-%m-%d %H:%M"


def parse_start(value: Any) -> datetime:
    """«2024-10-15 15:00» (Europe/Moscow) → an aware datetime; a Russian error otherwise."""
    if isinstance(value, datetime):  # YAML reads «2024-10-15 15:00:00» itself, without a zone
        moment = value
    else:
        try:
            moment = datetime.strptime(str(value).strip(), START_FORMAT)
        except ValueError:
            raise PydanticCustomError(
                "ru_start", "дата и время должны быть в виде ГГГГ-ММ-ДД ЧЧ:ММ (московское "
                "время), а указано «{value}»", {"value": value}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=MOSCOW)
    return moment


def _positive_int(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("ru_int", "должно быть целым числом, а указано «{value}»",
                                  {"value": value})
    if value <= 0:
        raise PydanticCustomError("ru_positive", "должно быть больше нуля, а указано {value}",
                                  {"value": value})
    return value


def _url(value: Any) -> Any:
    text = str(value).strip() if value is not None else ""
    if not text.startswith(("https://", "http://")) or " " in text:
        raise PydanticCustomError("ru_url", "ссылка должна начинаться с https:// или http://, "
                                  "а указано «{value}»", {"value": value})
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PositiveInt = Annotated[int, BeforeValidator(_positive_int)]
Start = Annotated[datetime, BeforeValidator(parse_start)]
Url = Annotated[str, BeforeValidator(_url)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CertificateSpec(_Frozen):
    rule: Literal["per_session", "min_sessions"] = "per_session"
    min_sessions: PositiveInt | None = None


class SessionSpec(_Frozen):
    """One webinar: `segment` None in the file is filled by the passport's order."""

    topic: Text
    speaker: Text
    segment: Segment | None = None
    start: Start
    duration: PositiveInt  # minutes
    link: Url
    capacity: PositiveInt

    @property
    def starts_at(self) -> datetime:
        return self.start

    @property
    def start_local(self) -> datetime:
        return self.start.astimezone(MOSCOW)


class PlanSpec(_Frozen):
    title: Text
    goal: str = ""
    year: Annotated[int, Field(ge=2000, le=2100)]
    certificate: CertificateSpec = CertificateSpec()
    partners_in_parallel: bool = True
    min_minutes: PositiveInt = 30  # the attendance rule: minutes present in the export
    sessions: tuple[SessionSpec, ...] = Field(min_length=1)

    def ordered(self) -> list[SessionSpec]:
        """The sessions by start time (the order of positions 1, 2, 3…)."""
        return sorted(self.sessions, key=lambda s: s.start)
