"""Russian office conventions: dates, initials, signature lines, declension of ФИО."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from adapters.declension import CASES, decline_fio, detect_gender
from adapters.russian import (
    acting,
    date_long,
    date_short,
    initials_name,
    local_date,
    plural,
    signature_line,
)


def test_dates():
    assert date_long(date(2024, 3, 5)) == "5 марта 2024 г."
    assert date_long(date(2024, 12, 31)) == "31 декабря 2024 г."
    assert date_short(date(2024, 3, 5)) == "05.03.2024"


def test_late_utc_evening_is_next_day_in_moscow():
    evening = datetime(2024, 3, 5, 22, 30, tzinfo=UTC)  # 01:30 on 6 March in Moscow
    assert local_date(evening) == date(2024, 3, 6)
    assert date_long(evening) == "6 марта 2024 г."
    assert date_short(evening) == "06.03.2024"


def test_naive_datetime_refused():
    with pytest.raises(ValueError, match="без часового пояса"):
        date_long(datetime(2024, 3, 5, 12, 0))


def test_initials_and_signature():
    assert initials_name("Верзунова", "Ольга", "Александровна") == "О.А. Верзунова"
    assert initials_name("Верзунова", "Ольга", "") == "О. Верзунова"
    assert initials_name("Верзунова", "Ольга", None) == "О. Верзунова"
    assert initials_name("Иванова", "Анна-Мария", "Петровна") == "А.-М.П. Иванова"
    assert signature_line("Директор", "Верзунова", "Ольга", "Александровна") == (
        "Директор — О.А. Верзунова"
    )


def test_acting_and_plural():
    assert acting("female") == "действующей"
    assert acting("male") == "действующего"
    assert [plural(n, "год", "года", "лет") for n in (1, 2, 5, 11, 21, 22, 112)] == [
        "год",
        "года",
        "лет",
        "лет",
        "год",
        "года",
        "лет",
    ]


def test_decline_female():
    cases = decline_fio("Верзунова", "Ольга", "Александровна")
    assert set(cases) == set(CASES)
    assert cases["nominative"] == "Верзунова Ольга Александровна"
    assert cases["genitive"] == "Верзуновой Ольги Александровны"
    assert cases["dative"] == "Верзуновой Ольге Александровне"
    assert cases["accusative"] == "Верзунову Ольгу Александровну"
    assert cases["instrumental"] == "Верзуновой Ольгой Александровной"


def test_decline_male():
    cases = decline_fio("Петров", "Иван", "Сергеевич")
    assert cases["genitive"] == "Петрова Ивана Сергеевича"
    assert cases["dative"] == "Петрову Ивану Сергеевичу"
    assert cases["instrumental"] == "Петровым Иваном Сергеевичем"
    assert cases["prepositional"] == "Петрове Иване Сергеевиче"


def test_decline_without_middle_name_and_with_given_gender():
    assert decline_fio("Кузнецова", "Анна")["genitive"] == "Кузнецовой Анны"
    assert decline_fio("Кузнецова", "Анна", gender="female")["dative"] == "Кузнецовой Анне"
    with pytest.raises(ValueError, match="Неизвестный пол"):
        decline_fio("Кузнецова", "Анна", gender="f")


def test_detect_gender():
    assert detect_gender("Александровна") == "female"
    assert detect_gender("Сергеевич") == "male"
    assert detect_gender("") is None
    assert detect_gender(None) is None
