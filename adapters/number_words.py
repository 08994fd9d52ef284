"""Figures in words for справки: «15 (пятнадцать) организаций», «две трети» is not attempted.

Russian office texts give a count in figures with the words in brackets where it matters;
num2words knows the grammar of the numerals (gender of «один/одна», «два/две»), adapters.
russian.plural picks the noun's form.
"""

from __future__ import annotations

from typing import Literal

from num2words import num2words

from adapters.russian import plural

Gender = Literal["m", "f", "n"]


def in_words(n: int, gender: Gender = "m") -> str:
    """«двадцать одна» for (21, "f"); «ноль» for 0."""
    return num2words(int(n), lang="ru", gender=gender)


def counted(n: int, one: str, few: str, many: str, gender: Gender = "m") -> str:
    """«21 (двадцать одна) организация», «5 (пять) вебинаров»."""
    return f"{n} ({in_words(n, gender)}) {plural(n, one, few, many)}"


def percent(share: float) -> str:
    """A share 0.0–1.0 as «72,5 %» (one decimal, comma, a non-breaking space)."""
    value = round(share * 100, 1)
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text}\u00a0%"


def with_words(n: int, gender: Gender = "m") -> str:
    """«12 (двенадцать)»: a count in figures with its words in brackets, no noun."""
    return f"{n} ({in_words(n, gender)})"


def decimal(value: float | None) -> str:
    """A score or an average as «4,25» (at most two decimals, no trailing zeros); «—» if none."""
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def them(n: int, gender: Gender = "m") -> str:
    """The pronoun standing for n things (accusative): «его»/«её» for exactly one, «их»
    otherwise — «выдан 21 сертификат, их получили…»: many things, though the noun is
    singular after 21."""
    if n == 1:
        return "её" if gender == "f" else "его"
    return "их"
