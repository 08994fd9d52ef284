"""Cases of a person's ФИО via pytrovich; organisation names are never declined."""

from __future__ import annotations

from functools import cache

from pytrovich import Case, Gender, NamePart, PetrovichDeclinationMaker, PetrovichGenderDetector

CASES = ("nominative", "genitive", "dative", "accusative", "instrumental", "prepositional")

_GENDERS = {"male": Gender.MALE, "female": Gender.FEMALE}
_CASE_ENUMS = {name: Case[name.upper()] for name in CASES}


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


def _label(gender: Gender) -> str | None:
    return {Gender.MALE: "male", Gender.FEMALE: "female"}.get(gender)


def detect_gender(middle: str | None) -> str | None:
    """Gender from a patronymic: "male", "female", or None when it does not tell."""
    if not middle or not middle.strip():
        return None
    return _label(_detector().detect(middlename=middle.strip()))


def guess_gender(last: str, first: str, middle: str) -> str | None:
    # The patronymic is decisive; without one, first and last names still usually tell.
    gender = detect_gender(middle)
    if gender is None and (first or last):
        gender = _label(_detector().detect(firstname=first or None, lastname=last or None))
    return gender


def decline_fio(
    last: str, first: str, middle: str | None = "", gender: str | None = None
) -> dict[str, str]:
    """The full «Фамилия Имя Отчество» in each of the six cases, keyed by English case name."""
    if gender is not None and gender not in _GENDERS:
        raise ValueError(f"Неизвестный пол «{gender}»: ожидается male, female или None")
    parts = [
        (NamePart.LASTNAME, last.strip()),
        (NamePart.FIRSTNAME, first.strip()),
        (NamePart.MIDDLENAME, (middle or "").strip()),
    ]
    known = gender is not None
    label = gender if known else guess_gender(parts[0][1], parts[1][1], parts[2][1])
    petrovich_gender = _GENDERS.get(label or "", Gender.ANDROGYNOUS)
    maker = _maker()
    return {
        case: " ".join(
            maker.make(part, petrovich_gender, _CASE_ENUMS[case], value, known_gender=known)
            for part, value in parts
            if value
        )
        for case in CASES
    }
