"""The jury's arithmetic on hand-computed cases, and ranks that always follow the totals."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from models import ApplicationState
from services.contest_ranking import RULE_NONE, RULE_VOTE, rank_applications
from services.contest_rules import RulesSpec
from services.errors import DomainError

ROOT = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((ROOT / "data/contests/innovative-search-2024.yaml").read_text("utf-8"))
# Three criteria, max 10 each, weights 1, 2 and 0.5: the highest total is 10 + 20 + 5 = 35.
CRITERIA = [
    {"code": "a", "name": "Актуальность", "max_score": 10, "weight": 1},
    {"code": "b", "name": "Новизна", "max_score": 10, "weight": 2},
    {"code": "c", "name": "Тиражируемость", "max_score": 10, "weight": 0.5},
]
W, L, P = ApplicationState.WINNER, ApplicationState.LAUREATE, ApplicationState.PARTICIPANT


def spec(**over) -> RulesSpec:
    data = {**BASE, "criteria": CRITERIA, "tie_break": ["b", "a", "c", "commission_vote"],
            "spread_flag_share": 0.3, "winners": {"top": 1}, "laureates": {"top": 2}, **over}
    return RulesSpec.model_validate(data)


def s(a, b, c) -> dict:
    return {"a": a, "b": b, "c": c}


def test_weighted_averages_totals_and_expert_totals():
    ranking = rank_applications(spec(), {1: [s(7, 8, 6), s(8, 6, 9), s(6, 9, 5)]})
    row = ranking.row(1)
    # a: 21/3 = 7.00; b: 23/3 = 7.67; c: 20/3 = 6.67 (half up, 2 decimals)
    assert row.averages == {"a": D("7.00"), "b": D("7.67"), "c": D("6.67")}
    # 1 × 7.00 + 2 × 7.67 + 0.5 × 6.67 = 7 + 15.34 + 3.335 = 25.675 → 25.68
    assert row.total == D("25.68")
    # 7 + 16 + 3 = 26; 8 + 12 + 4.5 = 24.5; 6 + 18 + 2.5 = 26.5
    assert row.expert_totals == (D("26.00"), D("24.50"), D("26.50"))
    assert row.spread == D("2.00") and not row.flagged
    assert row.rank == 1 and row.outcome == W and row.tie_rule is None


def test_spread_above_the_share_of_the_maximum_is_flagged():
    # 0.3 × 35 = 10.5: a spread of exactly 10.5 passes, 26 is flagged.
    ranking = rank_applications(spec(), {
        1: [s(10, 10, 10), s(10, 5, 9)],  # 35 and 10 + 10 + 4.5 = 24.5: spread 10.5
        2: [s(10, 10, 10), s(2, 3, 2)],  # 35 and 2 + 6 + 1 = 9: spread 26
    })
    assert ranking.row(1).spread == D("10.50") and not ranking.row(1).flagged
    assert ranking.row(2).spread == D("26.00") and ranking.row(2).flagged


def test_a_tie_broken_by_the_first_tie_break_criterion():
    ranking = rank_applications(spec(), {
        1: [s(8, 7, 4)],  # 8 + 14 + 2 = 24
        2: [s(6, 8, 4)],  # 6 + 16 + 2 = 24, but «Новизна» 8 > 7
    })
    assert [r.application_id for r in ranking.rows] == [2, 1]
    assert [r.rank for r in ranking.rows] == [1, 2]
    assert ranking.row(1).tie_rule == ranking.row(2).tie_rule == "по критерию «Новизна»"
    [tie] = ranking.ties
    assert (tie.higher, tie.lower, tie.total, tie.resolved) == (2, 1, D("24.00"), True)
    assert ranking.row(2).tied_with == (1,)


def test_a_tie_broken_by_the_second_tie_break_criterion():
    ranking = rank_applications(spec(), {
        1: [s(6, 7, 8)],  # 6 + 14 + 4 = 24
        2: [s(8, 7, 4)],  # 8 + 14 + 2 = 24; «Новизна» equal, «Актуальность» 8 > 6
    })
    assert [r.application_id for r in ranking.rows] == [2, 1]
    assert ranking.row(1).tie_rule == "по критерию «Актуальность»"


def test_a_tie_broken_only_by_the_commission_vote():
    scores = {1: [s(6, 7, 8)], 2: [s(6, 7, 8)], 3: [s(1, 1, 1)]}
    ranking = rank_applications(spec(), scores, votes={2: 3, 1: 2})
    assert [(r.application_id, r.rank) for r in ranking.rows] == [(2, 1), (1, 2), (3, 3)]
    assert ranking.row(1).tie_rule == RULE_VOTE == "по голосованию комиссии"
    assert [r.outcome for r in ranking.rows] == [W, L, L]
    assert ranking.unresolved == [] and ranking.notes == ()


def test_an_unbreakable_tie_shares_a_rank_and_both_win():
    scores = {1: [s(6, 7, 8)], 2: [s(6, 7, 8)], 3: [s(9, 9, 9)], 4: [s(1, 1, 1)],
              5: [s(1, 1, 0)], 6: [s(0, 0, 0)]}
    ranking = rank_applications(spec(winners={"top": 2}), scores, votes={1: 1, 2: 1})
    assert [(r.application_id, r.rank) for r in ranking.rows] == [
        (3, 1), (1, 2), (2, 2), (4, 4), (5, 5), (6, 6)]
    assert ranking.row(1).tie_rule == RULE_NONE == "не разрешено: равные места"
    assert ranking.unresolved == [(1, 2)]
    # Top 2 but the 2nd place is shared: neither is dropped, and the result says so.
    assert [r.outcome for r in ranking.rows] == [W, W, W, L, L, P]
    assert "равные места на границе" in ranking.row(2).outcome_note
    assert ranking.row(3).outcome_note == ""
    assert ranking.notes == ("неразрешённое равенство баллов на границе: 2 заявки делят 2-е "
                             "место, поэтому победителями признаны 3 заявки вместо 2",)


def test_winners_by_top_n_then_laureates():
    totals = {1: s(10, 10, 10), 2: s(9, 9, 9), 3: s(8, 8, 8), 4: s(7, 7, 7), 5: s(6, 6, 6)}
    ranking = rank_applications(spec(), {k: [v] for k, v in totals.items()})
    # 35, 31.5, 28, 24.5, 21
    assert [r.total for r in ranking.rows] == [D("35.00"), D("31.50"), D("28.00"), D("24.50"),
                                               D("21.00")]
    assert [r.outcome for r in ranking.rows] == [W, L, L, P, P]


def test_winners_by_min_total_and_laureates_by_min_total():
    scores = {1: [s(10, 10, 10)], 2: [s(9, 9, 9)], 3: [s(8, 8, 8)], 4: [s(7, 7, 7)]}
    ranking = rank_applications(spec(winners={"min_total": 30},
                                     laureates={"min_total": 25}), scores)
    assert [r.outcome for r in ranking.rows] == [W, W, L, P]  # 35, 31.5 | 28 | 24.5


def test_top_n_and_min_total_together_both_must_hold():
    scores = {1: [s(10, 10, 10)], 2: [s(8, 8, 8)], 3: [s(7, 7, 7)]}
    ranking = rank_applications(spec(winners={"top": 2, "min_total": 30}), scores)
    assert [r.outcome for r in ranking.rows] == [W, L, L]
    nobody = rank_applications(spec(winners={"top": 1, "min_total": 34}), {1: [s(9, 9, 9)]})
    assert nobody.row(1).outcome == L
    assert nobody.notes == ("ни одна заявка не набрала минимальной суммы баллов для победы (34)",)


def test_bad_scores_are_refused_in_russian():
    with pytest.raises(DomainError, match="нет оценки по критерию «Новизна»"):
        rank_applications(spec(), {1: [{"a": 1, "c": 1}]})
    with pytest.raises(DomainError, match="вне диапазона от 0 до 10"):
        rank_applications(spec(), {1: [s(11, 1, 1)]})
    with pytest.raises(DomainError, match="нет ни одной оценки"):
        rank_applications(spec(), {1: []})


SHEET = st.fixed_dictionaries({c: st.integers(0, 10) for c in "abc"})


@settings(max_examples=200, deadline=None)
@given(scores=st.dictionaries(st.integers(1, 40), st.lists(SHEET, min_size=1, max_size=4),
                              min_size=1, max_size=12),
       votes=st.dictionaries(st.integers(1, 40), st.integers(0, 5), max_size=6),
       top=st.integers(1, 4))
def test_ranks_follow_totals(scores, votes, top):
    ranking = rank_applications(spec(winners={"top": top}), scores, votes)
    rows = ranking.rows
    assert sorted(r.application_id for r in rows) == sorted(scores)
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)
    for x in rows:
        assert 1 <= x.rank <= len(rows)
        for y in rows:
            if x.total > y.total:
                assert x.rank < y.rank  # a higher total never ranks below a lower one
            if x.rank == y.rank:
                assert x.total == y.total and x.averages == y.averages
    winners = [r for r in rows if r.outcome == W]
    assert len(winners) >= min(top, len(rows))  # ties at the boundary never drop anyone
    assert all(w.rank <= r.rank for w in winners for r in rows if r.outcome != W)
