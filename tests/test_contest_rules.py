"""Contest rules as versioned data: the shipped files load, versions, refusals with lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from models import AuditEntry, ContestRules, Outcome
from services.actors import Actor
from services.contest_rules import (
    all_rules,
    latest_rules,
    load_rules,
    parse_rules,
    rules_version,
    spec_of,
)
from services.errors import ImportRefused
from services.org import staff_by_login

ROOT = Path(__file__).resolve().parent.parent
INNOVATIVE = ROOT / "data/contests/innovative-search-2024.yaml"
LEADER = ROOT / "data/contests/network-leader-2024.yaml"


@pytest.fixture
def staff(rt) -> Actor:
    with rt.transaction() as tx:
        return Actor.person(staff_by_login(tx, "ivanova"))


def _rows(rt) -> list[ContestRules]:
    with rt.session() as s:
        return list(s.exec(select(ContestRules)))


def _refusals(rt) -> list[AuditEntry]:
    with rt.session() as s:
        stmt = select(AuditEntry).where(AuditEntry.object_kind == "contest_rules",
                                        AuditEntry.outcome == Outcome.REFUSED)
        return list(s.exec(stmt))


def test_both_shipped_files_load(rt, staff):
    for path, code in ((INNOVATIVE, "innovative-search"), (LEADER, "network-leader")):
        rules_id, version, created = load_rules(rt, path, actor=staff)
        assert (version, created) == (1, True)
        row = latest_rules(rt, code)
        assert row.id == rules_id and row.loaded_by.startswith("Иванова")
        assert row.source == path.read_text(encoding="utf-8")
    innovative = spec_of(latest_rules(rt, "innovative-search"))
    assert innovative.title == "Муниципальный образовательный конкурс «Инновационный поиск 2024»"
    assert innovative.status_awarded == "Муниципальная инновационная площадка"
    assert innovative.eligibility == "district" and innovative.experts_per_application == 3
    assert [c.name for c in innovative.criteria] == [
        "Актуальность", "Новизна", "Практическая значимость",
        "Реалистичность и ресурсное обеспечение", "Тиражируемость"]
    assert innovative.max_total == 60
    assert innovative.criterion("novelty").weight == 1.5
    assert innovative.tie_break[-1] == "commission_vote"
    leader = spec_of(latest_rules(rt, "network-leader"))
    assert leader.status_awarded == "Лидер межмуниципального взаимодействия"
    assert leader.eligibility == "registered_partners" and leader.conflicts.same_municipality
    assert leader.dates.announcement.month == 10
    with rt.session() as s:
        loads = s.exec(select(AuditEntry).where(AuditEntry.object_kind == "contest_rules",
                                                AuditEntry.action == "load")).all()
    assert len(loads) == 2 and all(e.details["created"] for e in loads)


def test_the_same_file_again_makes_no_new_version(rt, staff):
    first = load_rules(rt, INNOVATIVE, actor=staff)
    again = load_rules(rt, INNOVATIVE, actor=staff)
    assert again == (first[0], 1, False)
    assert len(_rows(rt)) == 1


def test_a_changed_file_makes_version_2_and_version_1_stays_readable(rt, staff, tmp_path):
    load_rules(rt, INNOVATIVE, actor=staff)
    changed = tmp_path / "innovative.yaml"
    changed.write_text(INNOVATIVE.read_text(encoding="utf-8").replace(
        "status_validity_years: 3", "status_validity_years: 4"), encoding="utf-8")
    rules_id, version, created = load_rules(rt, changed, actor=staff)
    assert (version, created) == (2, True)
    assert spec_of(latest_rules(rt, "innovative-search")).status_validity_years == 4
    assert spec_of(rules_version(rt, "innovative-search", 1)).status_validity_years == 3
    assert [r.version for r in all_rules(rt)] == [1, 2]
    # Text given directly (not a path) is the same thing; unchanged → no version 3.
    assert load_rules(rt, changed.read_text(encoding="utf-8"), actor=staff) == (rules_id, 2, False)


def _broken(old: str, new: str, text: str | None = None) -> str:
    text = text or INNOVATIVE.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def _line_of(text: str, fragment: str) -> int:
    return text[:text.index(fragment)].count("\n") + 1


NO_MAX = ("    max_score: 10\n    weight: 1.5\n  - code: practical_value",
          "    weight: 1.5\n  - code: practical_value")
BAD_FILES = {
    "criterion without a maximum": (*NO_MAX, "«Новизна» (novelty): не указан максимальный балл"),
    "zero weight": ("    weight: 1\n  - code: scalability", "    weight: 0\n  - code: scalability",
                    "вес (weight): должно быть больше нуля, а указано 0"),
    "negative weight": ("weight: 1.5\n  - code: feasibility", "weight: -2\n  - code: feasibility",
                        "вес (weight): должно быть больше нуля, а указано -2"),
    "non-numeric weight": ("    weight: 1\n  - code: novelty",
                           "    weight: высокий\n  - code: novelty",
                           "вес (weight): должно быть числом, а указано «высокий»"),
    "unknown tie-break criterion": ("  - scalability\n  - commission_vote",
                                    "  - scalability\n  - originality\n  - commission_vote",
                                    "неизвестный критерий «originality»"),
    "dates out of order": ("review_due: 2024-04-10", "review_due: 2024-04-20",
                           "«подведение итогов» (15.04.2024) раньше, чем «экспертиза до» "
                           "(20.04.2024)"),
    "no winners rule": ("winners:\n  top: 1\n", "winners:\n  top: null\n",
                        "не задано правило определения победителей"),
    "unknown eligibility": ("eligibility: district", "eligibility: all",
                            "неизвестное правило допуска «all»"),
    "duplicate criterion code": ("  - code: scalability", "  - code: relevance",
                                 "код критерия «relevance» повторяется"),
    "broken YAML": ("title: Муниципальный", "title: [Муниципальный", "ошибка синтаксиса YAML"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_and_nothing_is_stored(rt, staff, case):
    old, new, message = BAD_FILES[case]
    text = _broken(old, new)
    with pytest.raises(ImportRefused) as refused:
        load_rules(rt, text, actor=staff)
    assert any(message in p.message for p in refused.value.problems), refused.value.message
    assert refused.value.message.startswith("Файл положения не загружен, ничего не изменено")
    assert _rows(rt) == []
    [entry] = _refusals(rt)
    assert entry.action == "load" and message in "\n".join(entry.details["problems"])


def test_every_problem_is_listed_with_its_line(rt, staff):
    text = _broken(*NO_MAX)
    for case in ("zero weight", "unknown tie-break criterion", "dates out of order",
                 "unknown eligibility"):
        text = _broken(*BAD_FILES[case][:2], text=text)
    with pytest.raises(ImportRefused) as refused:
        load_rules(rt, text, actor=staff)
    lines = {p.message.split(": ", 1)[0]: p.line for p in refused.value.problems}
    assert len(refused.value.problems) == 5, refused.value.message
    assert lines["критерий № 2 «Новизна» (novelty)"] == _line_of(text, "  - code: novelty")
    assert refused.value.problems[0].line == _line_of(text, "eligibility: all")
    by_text = {p.message: p.line for p in refused.value.problems}
    weight = next(m for m in by_text if "больше нуля" in m)
    assert by_text[weight] == _line_of(text, "weight: 0")
    assert "строка" in refused.value.message  # people see the lines
    assert _rows(rt) == []


def test_broken_yaml_names_its_line():
    text = _broken("  max_file_mb: 10", "  max_file_mb: 10\n\tmax_files: 5")
    with pytest.raises(ImportRefused) as refused:
        parse_rules(text, "x.yaml")
    [problem] = refused.value.problems
    assert problem.line == _line_of(text, "\tmax_files")
    assert "табуляция" in problem.message


def test_a_changed_file_with_problems_keeps_the_old_version(rt, staff):
    load_rules(rt, INNOVATIVE, actor=staff)
    with pytest.raises(ImportRefused):
        load_rules(rt, _broken("    weight: 1.5\n  - code: practical_value",
                               "    weight: 0\n  - code: practical_value"), actor=staff)
    assert [r.version for r in _rows(rt)] == [1]
    [entry] = _refusals(rt)
    assert entry.object_id == latest_rules(rt, "innovative-search").id


def test_rules_refuse_what_makes_no_sense_in_code_too():
    text = _broken("same_municipality: true", "same_municipality: false",
                   LEADER.read_text(encoding="utf-8"))
    with pytest.raises(ImportRefused) as refused:
        parse_rules(text, "leader.yaml")
    assert "своего муниципалитета" in refused.value.message
    with pytest.raises(ImportRefused) as refused:
        parse_rules(_broken("  same_organisation: true", "  same_organisation: false"), "x")
    assert "нельзя отключить" in refused.value.message
