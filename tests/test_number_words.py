"""Figures in words for справки: the numeral agrees with the noun's gender, the noun with n."""

import pytest

from adapters.number_words import counted, in_words, percent, them


@pytest.mark.parametrize(("n", "gender", "expected"), [
    (21, "f", "21 (двадцать одна) организация"),
    (2, "f", "2 (две) организации"),
    (5, "f", "5 (пять) организаций"),
    (12, "f", "12 (двенадцать) организаций"),
    (1, "m", "1 (один) вебинар"),
])
def test_counted(n, gender, expected):
    forms = ("организация", "организации", "организаций") if gender == "f" else (
        "вебинар", "вебинара", "вебинаров")
    assert counted(n, *forms, gender=gender) == expected


def test_in_words_and_percent():
    assert in_words(0) == "ноль"
    assert in_words(2, "n") == "два"
    assert percent(0.725) == "72,5\u00a0%"
    assert percent(1.0) == "100\u00a0%"
    assert percent(1 / 3) == "33,3\u00a0%"


@pytest.mark.parametrize(("n", "gender", "expected"), [
    (1, "m", "его"), (1, "f", "её"), (2, "f", "их"), (5, "m", "их"), (11, "m", "их"),
    (21, "m", "их"),  # «выдан 21 сертификат, их получили…»
])
def test_them(n, gender, expected):
    assert them(n, gender) == expected
