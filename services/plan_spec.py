"""The annual plan file (data/plan/plan-2024.yaml) as a typed, frozen value, checked whole.

    title, year                  the plan; every schedule is read for `year`
    sections: [{code, title, items}]
                                 code — one of SECTIONS (the seed's five kinds of activity)
    items: [{code, number, activity, schedule, result, process}]
                                 code — stable id («diag-1»), unique in the file; number —
                                 the seed's «№» (absent where the seed leaves it blank);
                                 schedule — the seed's «Сроки» (services.plan_schedule);
                                 process — what carries the item out (PROCESSES), optional

`parse_plan_file` refuses the file with every problem and its line (ImportRefused): an
unknown section, an unreadable schedule, an item without an expected result, the same item
twice (its code anywhere in the file, its wording within a section). Nothing is stored here.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from services.errors import Problem
from services.plan_schedule import Schedule, ScheduleError, parse_schedule
from services.plan_spec_checks import FIELDS, SECTIONS, duplicates, empty, place
from services.yaml_files import (
    LinePath,
    line_of,
    load_mapping,
    pydantic_problem,
    refuse_if_any,
    show,
)

__all__ = ["PROCESSES", "SECTIONS", "ItemSpec", "PlanSpec", "SectionSpec", "parse_plan_file"]

WHAT = "план работы"

PROCESSES = {
    "agreements": "договоры о сетевом взаимодействии",
    "contest": "конкурсы",
    "webinar": "циклы вебинаров",
    "consultations": "консультации",
    "meetings": "заседания творческой группы",
    "monitoring": "мониторинг активности участников сетевого взаимодействия",
    "effectiveness": "мониторинг «Эффективность сетевого взаимодействия»",
    "event_analysis": "анализ методических, конкурсных и организационных мероприятий",
}
SPECIAL = {
    ("result", "string_too_short"): "не указан ожидаемый результат",
    ("activity", "string_too_short"): "не указано, в чём состоит деятельность",
    ("process", "literal_error"): "неизвестный процесс «{input}»: укажите "
        + ", ".join(f"{code} ({name})" for code, name in PROCESSES.items())
        + " или не указывайте поле",
}
_UNCHECKED = "ru_unchecked"  # a schedule not read because the plan's year is unusable


def _section_code(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else value
    if text in SECTIONS:
        return text
    hint = ""
    if isinstance(text, str):
        by_title = {t.casefold(): c for c, t in SECTIONS.items()}
        close = get_close_matches(text.casefold(), [*SECTIONS, *by_title], n=1, cutoff=0.6)
        if close:
            code = by_title.get(close[0], close[0])
            hint = f" (может быть, {code} — «{SECTIONS[code]}»?)"
    known = ", ".join(f"{code} ({title.lower()})" for code, title in SECTIONS.items())
    raise PydanticCustomError("ru_section", "неизвестный раздел «{value}»{hint}: допустимы "
                              "{known}", {"value": show(value), "hint": hint, "known": known})


def _schedule(value: Any, info: ValidationInfo) -> Schedule:
    if not isinstance(value, str):
        raise PydanticCustomError("ru_schedule", "сроки записываются текстом, как в плане "
                                  "(например, «Июнь, декабрь 2024»), а указано «{value}»",
                                  {"value": show(value)})
    year = (info.context or {}).get("year")
    if year is None:
        raise PydanticCustomError(_UNCHECKED, "срок не проверен: год плана не указан")
    try:
        return parse_schedule(value, year)
    except ScheduleError as err:
        raise PydanticCustomError("ru_schedule", "{message}", {"message": err.message}) from None


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
SectionCode = Annotated[str, BeforeValidator(_section_code)]
ScheduleField = Annotated[Schedule, PlainValidator(_schedule)]
Process = Literal[tuple(PROCESSES)]  # one of the codes above


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ItemSpec(_Frozen):
    code: Code
    number: Annotated[int, Field(ge=1)] | None = None
    activity: Text
    schedule: ScheduleField
    result: Text
    process: Process | None = None


class SectionSpec(_Frozen):
    code: SectionCode
    title: Text
    items: tuple[ItemSpec, ...]  # not empty: checked on the file (plan_spec_checks.empty)


class PlanSpec(_Frozen):
    title: Text
    year: Annotated[int, Field(ge=2000, le=2100)]
    sections: tuple[SectionSpec, ...]

    def items(self) -> list[tuple[SectionSpec, ItemSpec]]:
        """Every item with its section, in the plan's order."""
        return [(section, item) for section in self.sections for item in section.items]

    def item(self, code: str) -> ItemSpec:
        return next(item for _, item in self.items() if item.code == code)


def parse_plan_file(text: str, source_name: str = "план", *, year: int | None = None) -> PlanSpec:
    """YAML text → PlanSpec; every problem at once in one ImportRefused.

    `year`, when given (`imc plan load FILE --year 2024`), must be the file's year.
    """
    doc = load_mapping(text, source_name, what=WHAT)
    problems = list(doc.problems)
    file_year = _year_of(doc.data)
    spec: PlanSpec | None = None
    try:
        spec = PlanSpec.model_validate(doc.data, context={"year": file_year})
    except ValidationError as err:
        problems += [_problem_of(e, doc.data, doc.lines) for e in err.errors()
                     if e["type"] != _UNCHECKED]
    if year is not None and file_year is not None and file_year != year:
        problems.append(Problem(line_of(doc.lines, ("year",)),
                                f"год плана (year): в файле план на {file_year} год, а "
                                f"загружается как план на {year} год — исправьте год в файле "
                                "или в команде"))
    problems += empty(doc.data, doc.lines) + duplicates(doc.data, doc.lines)
    refuse_if_any(problems, what=WHAT)
    return spec


def _year_of(data: dict) -> int | None:
    year = data.get("year")
    ok = isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100
    return year if ok else None


def _problem_of(error: dict, data: dict, lines: dict[LinePath, int]) -> Problem:
    return pydantic_problem(error, data, lines, special=SPECIAL, place=place,
                            field_name=lambda last, _loc: FIELDS.get(last, last))
