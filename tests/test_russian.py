"""Russian office conventions: dates, initials, signature lines, declension of ФИО."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.declension import CASES, decline_fio, detect_gender
from adapters.russian import (
    acting,
    date_long,
    date_short,
    initials_name,
    local_date,
    plural,
    points,
    points_genitive,
    short_title,
    signature_line,
    years,
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


def test_years():
    assert [years(n) for n in (1, 2, 3, 4, 5, 11, 14, 21, 22, 25)] == [
        "1 год", "2 года", "3 года", "4 года", "5 лет", "11 лет", "14 лет", "21 год", "22 года",
        "25 лет",
    ]


def test_points():
    # «60 баллов», «51,5 балла»: a fraction takes «балла»; Decimal("60.00") prints «60».
    assert [points(v) for v in (1, 2, 5, 11, 21, 24, Decimal("60.00"), 51.5,
                                Decimal("0.5"))] == [
        "1 балл", "2 балла", "5 баллов", "11 баллов", "21 балл", "24 балла", "60 баллов",
        "51,5 балла", "0,5 балла",
    ]
    # After «не менее»: the genitive, «не менее 21 балла», «не менее 22 баллов».
    assert [points_genitive(v) for v in (1, 2, 5, 11, 21, 22, Decimal("40.00"), 42.5)] == [
        "1 балла", "2 баллов", "5 баллов", "11 баллов", "21 балла", "22 баллов", "40 баллов",
        "42,5 балла",
    ]


def test_short_title():
    assert short_title("Муниципальный образовательный конкурс «Инновационный поиск 2024»") == (
        "Инновационный поиск 2024"
    )
    assert short_title("Межмуниципальный конкурс «Лидер межмуниципального взаимодействия 2024»"
                       ) == "Лидер межмуниципального взаимодействия 2024"
    assert short_title("«Педагог года»") == "Педагог года"
    assert short_title("Педагог года") == "Педагог года"


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


@pytest.mark.parametrize("last, first, middle, gender", [
    ("Иванова", "Наталья", "Анатольевна", "female"),  # the patronymic decides
    ("Смирнова", "Анна", "", "female"),  # without one, the name and the surname tell
    ("Петров", "Никита", "", "male"),
    ("Шевченко", "Валентина", "", "female"),
    ("Черных", "Саша", "", ""),  # neither tells: left unknown, greeted neutrally
])
def test_a_new_person_s_gender_is_guessed_from_the_whole_name(last, first, middle, gender):
    from models import Person, PersonRole
    from services.org import fill_cases

    person = fill_cases(Person(role=PersonRole.CONTACT, last_name=last, first_name=first,
                               middle_name=middle))
    assert person.gender == gender
    kept = fill_cases(Person(role=PersonRole.CONTACT, last_name="Черных", first_name="Саша",
                             gender="female"))
    assert kept.gender == "female" and kept.fio_dative == "Черных Саше"
