"""The «Сроки» of the plan: every phrase of the seed read for 2024, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from config.settings import PROJECT_ROOT
from services.plan_schedule import Occurrence, ScheduleError, ScheduleKind, parse_schedule
from services.plan_spec import parse_plan_file

K = ScheduleKind


def month(m: int, year: int = 2024) -> Occurrence:
    """The whole month: its first day to its last (the due date)."""
    last = {2: 29 if year % 4 == 0 else 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(m, 31)
    return Occurrence(date(year, m, 1), date(year, m, last))


# Every «Сроки» cell of the seed's 2024 plan, written as the seed writes it (line breaks
# included), with its kind, its occurrences and whether it is also held on request.
SEED = [
    ("В соответствии с планом проведения\nмероприятий", K.PER_OTHER_PLAN, [], False),
    ("Июнь, декабрь 2024", K.DATES, [month(6), month(12)], False),
    ("Апрель-август 2024", K.PERIOD, [(date(2024, 4, 1), date(2024, 8, 31))], False),
    ("Сентябрь, ноябрь, январь, март, апрель", K.DATES,
     [month(1), month(3), month(4), month(9), month(11)], False),
    ("В течение года", K.WHOLE_YEAR, [(date(2024, 1, 1), date(2024, 12, 31))], False),
    ("Ежегодно в период - октябрь, ноябрь\nи по мере запроса ", K.PERIOD,
     [(date(2024, 10, 1), date(2024, 11, 30))], True),
    ("По мере запроса", K.ON_REQUEST, [], True),
    ("Март\n 2024г.,\n\nОктябрь 2024г.\n", K.DATES, [month(3), month(10)], False),
]


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("text", "kind", "occurrences", "on_request"), SEED,
                         ids=["per-other-plan", "june-december", "april-august",
                              "creative-group-months", "whole-year", "october-november-on-request",
                              "on-request", "march-october"])
def test_every_schedule_phrase_of_the_seed_gives_its_dates_in_2024(text, kind, occurrences,
                                                                    on_request):
    for written in (text, _one_line(text), _one_line(text).upper()):
        schedule = parse_schedule(written, 2024)
        assert schedule.kind == kind
        assert schedule.occurrences == tuple(occurrences)
        assert schedule.on_request is on_request
        assert schedule.text == written
        assert schedule.due_dates == tuple(due for _start, due in occurrences)


def test_the_table_covers_every_schedule_of_the_shipped_plan():
    plan = parse_plan_file((PROJECT_ROOT / "data/plan/plan-2024.yaml").read_text("utf-8"))
    shipped = {_one_line(item.schedule.text) for _, item in plan.items()}
    assert shipped == {_one_line(row[0]) for row in SEED}


@pytest.mark.parametrize(("text", "year", "kind", "occurrences", "on_request"), [
    # Months without a year are months of the plan year, whatever the year.
    ("Сентябрь, ноябрь, январь, март, апрель", 2025, K.DATES,
     [month(1, 2025), month(3, 2025), month(4, 2025), month(9, 2025), month(11, 2025)], False),
    ("В течение года", 2025, K.WHOLE_YEAR, [(date(2025, 1, 1), date(2025, 12, 31))], False),
    ("Февраль", 2024, K.DATES, [(date(2024, 2, 1), date(2024, 2, 29))], False),
    ("Февраль", 2025, K.DATES, [(date(2025, 2, 1), date(2025, 2, 28))], False),
    ("Ежегодно в период - октябрь, ноябрь", 2024, K.PERIOD,
     [(date(2024, 10, 1), date(2024, 11, 30))], False),
    ("в период октябрь – ноябрь 2024 г.", 2024, K.PERIOD,
     [(date(2024, 10, 1), date(2024, 11, 30))], False),
    ("Июнь и декабрь 2024 года", 2024, K.DATES, [month(6), month(12)], False),
    ("Март 2024г., октябрь", 2024, K.DATES, [month(3), month(10)], False),
    ("В течение года и по мере запроса", 2024, K.WHOLE_YEAR,
     [(date(2024, 1, 1), date(2024, 12, 31))], True),
    ("В соответствии с планом работы РМО", 2024, K.PER_OTHER_PLAN, [], False),
])
def test_variants_of_the_same_phrases(text, year, kind, occurrences, on_request):
    schedule = parse_schedule(text, year)
    assert (schedule.kind, schedule.occurrences, schedule.on_request) == (
        kind, tuple(occurrences), on_request)


UNREADABLE = ("не распознан: понятны месяцы («Июнь, декабрь 2024»), период («Апрель-август "
              "2024»), «Ежегодно в период - октябрь, ноябрь», «В течение года», «По мере "
              "запроса», «В соответствии с планом проведения мероприятий»")


@pytest.mark.parametrize(("text", "message"), [
    ("Когда-нибудь", f"срок «Когда-нибудь» {UNREADABLE}"),
    ("15 марта 2024", f"срок «15 марта 2024» {UNREADABLE}"),
    ("Апрель-май-июнь", f"срок «Апрель-май-июнь» {UNREADABLE}"),
    ("Июнь,, декабрь", f"срок «Июнь,, декабрь» {UNREADABLE}"),
    ("2024", f"срок «2024» {UNREADABLE}"),
    ("Сентябрь 2023", "срок «Сентябрь 2023» выходит за год плана: указан 2023 год, а план — "
                      "на 2024 год"),
    ("Декабрь 2024 - январь 2025", "срок «Декабрь 2024 - январь 2025» выходит за год плана: "
                                   "указан 2025 год, а план — на 2024 год"),
    ("Июнь, декабрь\n2023", "срок «Июнь, декабрь 2023» выходит за год плана: указан 2023 год, "
                            "а план — на 2024 год"),
    ("Сентяборь, ноябрь", "в сроке «Сентяборь, ноябрь» «сентяборь» — не название месяца "
                          "(может быть, «сентябрь»?)"),
    ("Апрель-авгутс 2024", "в сроке «Апрель-авгутс 2024» «авгутс» — не название месяца "
                           "(может быть, «август»?)"),
    ("Август-апрель 2024", "в сроке «Август-апрель 2024» начало периода (август) не раньше "
                           "его конца (апрель)"),
    ("Ежегодно в период - октябрь, декабрь",
     "в сроке «Ежегодно в период - октябрь, декабрь» период указан месяцами не подряд: "
     "перечислите месяцы периода по порядку или уберите «в период», если это отдельные месяцы"),
    ("Июнь, июнь 2024", "в сроке «Июнь, июнь 2024» месяц «июнь» указан дважды"),
    ("Ежегодно", "в сроке «Ежегодно» не указаны месяцы"),
    ("", "срок не указан"),
    ("  \n", "срок не указан"),
])
def test_what_cannot_be_read_is_refused_with_the_text(text, message):
    with pytest.raises(ScheduleError) as err:
        parse_schedule(text, 2024)
    assert err.value.message == message
    assert err.value.text == text
