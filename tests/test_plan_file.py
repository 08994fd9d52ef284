"""The annual plan file: the shipped 2024 plan is the seed's, whole; bad files are refused with
each problem, its line and the item named, and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.settings import PROJECT_ROOT
from services.errors import ImportRefused
from services.plan_schedule import ScheduleKind
from services.plan_spec import parse_plan_file

SHIPPED = PROJECT_ROOT / "data" / "plan" / "plan-2024.yaml"
SEED = Path("/work/shared/seed/000_144ccc585b840cec.txt")


def shipped():
    return parse_plan_file(SHIPPED.read_text("utf-8"), SHIPPED.name, year=2024)


def test_the_shipped_plan_has_the_seeds_five_sections_and_fifteen_items():
    plan = shipped()
    assert (plan.year, plan.title) == (2024, "План работы краевой инновационной площадки на "
                                             "2024 год")
    # Counted by hand in the seed's table: 3 + 4 + 3 + 2 + 3 items, two of them unnumbered.
    assert [(s.code, s.title, len(s.items)) for s in plan.sections] == [
        ("diagnostic", "Диагностическая деятельность", 3),
        ("theoretical", "Теоретическая деятельность", 4),
        ("practical", "Практическая деятельность", 3),
        ("methodical", "Методическая деятельность", 2),
        ("dissemination", "Трансляционная деятельность", 3),
    ]
    assert len(plan.items()) == 15
    assert [(i.code, i.number) for _, i in plan.items()] == [
        ("diag-1", 1), ("diag-2", 2), ("diag-3", 3),
        ("theor-1", 1), ("theor-2", 2), ("theor-3", 3), ("theor-4", None),
        ("pract-1", 1), ("pract-2", 2), ("pract-3", None),
        ("meth-1", 1), ("meth-2", 2),
        ("dissem-1", 1), ("dissem-2", 2), ("dissem-3", 3),
    ]


def test_items_link_to_the_processes_that_carry_them_out():
    links = {i.code: i.process for _, i in shipped().items() if i.process}
    assert links == {"diag-1": "monitoring", "diag-2": "effectiveness",
                     "diag-3": "event_analysis",
                     "theor-1": "agreements", "theor-2": "meetings", "pract-1": "webinar",
                     "pract-2": "consultations", "pract-3": "contest"}


def test_the_shipped_items_keep_the_seeds_wording_and_their_dates():
    plan = shipped()
    theor4 = plan.item("theor-4")
    assert theor4.activity.splitlines() == [
        "Разработка нормативного обеспечения мероприятий:",
        "-разработка сетевых методических мероприятий (вебинаров);",
        "- межмуниципального конкурса на статус Лидера межмуниципального взаимодействия,",
        "- муниципального образовательного конкурса «Инновационный поиск 2023» с присвоением "
        "победителю статуса Муниципальной инновационной площадки",
    ]
    assert plan.item("theor-3").activity == ("Разработка методических материалов для "
                                             "публикации их сайте ГБОУ ИРО Краснодарского края")
    meetings = plan.item("theor-2").schedule
    assert meetings.due_dates == (date(2024, 1, 31), date(2024, 3, 31), date(2024, 4, 30),
                                  date(2024, 9, 30), date(2024, 11, 30))
    assert plan.item("theor-1").schedule.occurrences == ((date(2024, 4, 1),
                                                          date(2024, 8, 31)),)
    webinars = plan.item("pract-1").schedule
    assert (webinars.kind, webinars.due_dates, webinars.on_request) == (
        ScheduleKind.PERIOD, (date(2024, 11, 30),), True)
    assert plan.item("pract-2").schedule.kind == ScheduleKind.ON_REQUEST
    assert plan.item("diag-1").schedule.kind == ScheduleKind.PER_OTHER_PLAN
    assert plan.item("dissem-3").schedule.due_dates == (date(2024, 12, 31),)


@pytest.mark.skipif(not SEED.is_file(), reason="the seed is not next to the project")
def test_every_text_of_the_shipped_plan_is_in_the_seed_word_for_word():
    def words(text: str) -> str:
        return " ".join(text.replace("[bookmark: _GoBack]", "").split())

    seed = words(SEED.read_text("utf-8"))
    plan = shipped()
    texts = [plan.title] + [s.title for s in plan.sections]
    texts += [t for _, i in plan.items() for t in (i.activity, i.schedule.text, i.result)]
    assert [t for t in texts if words(t) not in seed] == []


BASE = """\
title: "План на 2024 год"
year: 2024
sections:
  - code: diagnostic
    title: "Диагностическая деятельность"
    items:
      - code: diag-1
        activity: "Проведение мониторинга"
        schedule: "Июнь, декабрь 2024"
        result: "Аналитическая справка"
        process: monitoring
      - code: diag-2
        activity: "Анализ мероприятий"
        schedule: "В течение года"
        result: "Справка"
  - code: practical
    title: "Практическая деятельность"
    items:
      - code: pract-1
        activity: "Проведение мониторинга"
        schedule: "По мере запроса"
        result: "Методические материалы"
"""
DIAG2 = "раздел «Диагностическая деятельность», пункт diag-2 «Анализ мероприятий»"
KNOWN = ("допустимы diagnostic (диагностическая деятельность), theoretical (теоретическая "
         "деятельность), practical (практическая деятельность), methodical (методическая "
         "деятельность), dissemination (трансляционная деятельность)")


def edited(*replacements: tuple[str, str]) -> str:
    text = BASE
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def refused(text: str, **kwargs) -> list[str]:
    with pytest.raises(ImportRefused) as err:
        parse_plan_file(text, "план.yaml", **kwargs)
    assert err.value.message.startswith("План работы не загружен, ничего не изменено.")
    return [str(p) for p in err.value.problems]


def test_the_base_file_is_accepted_and_the_same_wording_may_recur_in_another_section():
    plan = parse_plan_file(BASE, "план.yaml", year=2024)
    assert [i.code for _, i in plan.items()] == ["diag-1", "diag-2", "pract-1"]


@pytest.mark.parametrize(("replacements", "problem"), [
    ([("code: practical", "code: practicum")],
     "строка 16: раздел «Практическая деятельность», код (code): неизвестный раздел "
     f"«practicum» (может быть, practical — «Практическая деятельность»?): {KNOWN}"),
    ([("code: practical", "code: Практическая деятельность")],
     "строка 16: раздел «Практическая деятельность», код (code): неизвестный раздел "
     f"«Практическая деятельность» (может быть, practical — «Практическая деятельность»?): "
     f"{KNOWN}"),
    ([('"В течение года"', '"Когда-нибудь"')],
     f"строка 14: {DIAG2}, сроки (schedule): срок «Когда-нибудь» не распознан: понятны месяцы "
     "(«Июнь, декабрь 2024»), период («Апрель-август 2024»), «Ежегодно в период - октябрь, "
     "ноябрь», «В течение года», «По мере запроса», «В соответствии с планом проведения "
     "мероприятий»"),
    ([('"Июнь, декабрь 2024"', '"Июнь, декабрь 2023"')],
     "строка 9: раздел «Диагностическая деятельность», пункт diag-1 «Проведение мониторинга», "
     "сроки (schedule): срок «Июнь, декабрь 2023» выходит за год плана: указан 2023 год, а "
     "план — на 2024 год"),
    ([('schedule: "В течение года"', "schedule: 2024-12-31")],
     f"строка 14: {DIAG2}, сроки (schedule): сроки записываются текстом, как в плане "
     "(например, «Июнь, декабрь 2024»), а указано «2024-12-31»"),
    ([('schedule: "В течение года"', "schedule: 2024-11-31")],
     "строка 14: такой даты нет: 2024-11-31"),
    ([('        result: "Справка"\n', "")],
     f"строка 12: {DIAG2}: не указано обязательное поле «ожидаемый результат» (result)"),
    ([('result: "Справка"', 'result: "  "')],
     f"строка 15: {DIAG2}, ожидаемый результат (result): не указан ожидаемый результат"),
    ([("code: pract-1", "code: diag-1")],
     "строка 19: раздел «Практическая деятельность», пункт diag-1 «Проведение мониторинга»: "
     "код «diag-1» уже занят пунктом в строке 7 — коды пунктов не должны повторяться"),
    ([('"Анализ мероприятий"', '"  проведение   Мониторинга "')],
     "строка 13: раздел «Диагностическая деятельность», пункт diag-2 «проведение "
     "Мониторинга»: такой же пункт уже есть в этом разделе (строка 7) — уберите повтор"),
    ([("code: practical", "code: diagnostic")],
     "строка 16: раздел «Практическая деятельность»: раздел уже есть в строке 4 — перенесите "
     "пункты в один раздел"),
    ([("process: monitoring", "process: reports")],
     "строка 11: раздел «Диагностическая деятельность», пункт diag-1 «Проведение "
     "мониторинга», процесс (process): неизвестный процесс «reports»: укажите agreements "
     "(договоры о сетевом взаимодействии), contest (конкурсы), webinar (циклы вебинаров), "
     "consultations (консультации), meetings (заседания творческой группы), monitoring "
     "(мониторинг активности участников сетевого взаимодействия), effectiveness (мониторинг "
     "«Эффективность сетевого взаимодействия»), event_analysis (анализ методических, "
     "конкурсных и организационных мероприятий) или не указывайте поле"),
    ([("code: diag-2", "code: Diag 2")],
     "строка 12: раздел «Диагностическая деятельность», пункт Diag 2 «Анализ мероприятий», "
     "код (code): допустимы строчные латинские буквы, цифры, дефис и подчёркивание, а "
     "указано «Diag 2»"),
    ([('    items:\n      - code: pract-1\n        activity: "Проведение мониторинга"\n'
       '        schedule: "По мере запроса"\n        result: "Методические материалы"\n',
       "    items: []\n")],
     "строка 18: раздел «Практическая деятельность», пункты (items): в разделе нет ни одного "
     "пункта"),
    ([("year: 2024\n", "")],
     "не указано обязательное поле «год плана» (year)"),
    ([("year: 2024", "year: 1999")],
     "строка 2: год плана (year): должно быть не меньше 2000, а указано 1999"),
    ([('        process: monitoring\n', '        process: monitoring\n        owner: "Иванова"\n')],
     "строка 12: раздел «Диагностическая деятельность», пункт diag-1 «Проведение "
     "мониторинга», «owner»: неизвестное поле: проверьте написание (допустимые поля — в "
     "образце)"),
    ([('    title: "Диагностическая деятельность"\n', "    title: Диагностическая: ошибка\n")],
     "строка 5: ошибка синтаксиса YAML: двоеточие в неожиданном месте: значение, содержащее "
     "«: », заключите в кавычки"),
], ids=["unknown-section", "section-by-its-title", "unreadable-schedule", "schedule-2023",
        "schedule-not-text", "impossible-date", "no-result", "blank-result", "duplicate-code",
        "duplicate-wording", "duplicate-section", "unknown-process", "bad-code", "no-items",
        "no-year", "year-out-of-range", "unknown-field", "yaml-syntax"])
def test_each_bad_input_is_refused_with_its_line_and_nothing_else(replacements, problem):
    assert refused(edited(*replacements)) == [problem]


def test_a_file_for_another_year_is_refused_when_loaded_as_2025():
    assert refused(BASE, year=2025) == [
        "строка 2: год плана (year): в файле план на 2024 год, а загружается как план на 2025 "
        "год — исправьте год в файле или в команде"]


def test_every_problem_of_a_file_is_listed_at_once_in_line_order():
    problems = refused(edited(("process: monitoring", "process: reports"),
                              ('"В течение года"', '"Сентяборь"'),
                              ('        result: "Справка"\n', ""),
                              ("code: practical", "code: practicum"),
                              ("code: pract-1", "code: diag-1")))
    assert [p.split(":")[0] for p in problems] == [
        "строка 11", "строка 12", "строка 14", "строка 15", "строка 18"]
    assert "неизвестный процесс «reports»" in problems[0]
    assert "«ожидаемый результат» (result)" in problems[1]
    assert "«сентяборь» — не название месяца (может быть, «сентябрь»?)" in problems[2]
    assert "неизвестный раздел «practicum»" in problems[3]
    assert "код «diag-1» уже занят пунктом в строке 7" in problems[4]
