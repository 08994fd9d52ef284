"""Expert assignment: hand cases, properties against an exhaustive search, one large instance."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from services.contest_assignment import (
    AssignmentImpossible,
    Candidate,
    Expert,
    assign,
    loads,
    replace,
)
from services.errors import DomainError

VYSELKI, BEREZANSKAYA, NOVOBEYSUGSKAYA = "Выселковский", "Березанская", "Новобейсугская"


def cand(app_id: int, org: int, place: str = VYSELKI) -> Candidate:
    return Candidate(app_id, f"ИП-{app_id}/2024", org, place)


def expert(expert_id: int, org: int | None, place: str = VYSELKI,
           conflicts: tuple[int, ...] = ()) -> Expert:
    return Expert(expert_id, f"Эксперт {expert_id}", org, place, frozenset(conflicts))


def eligible(c: Candidate, x: Expert, forbid: bool) -> bool:
    """The rule written out again, independently of the module."""
    return (x.organisation_id != c.organisation_id
            and not (forbid and x.municipality.strip().lower() == c.municipality.strip().lower())
            and c.organisation_id not in x.conflicts)


def spread(assignment, experts) -> int:
    counts = loads(assignment, expert_ids=[x.expert_id for x in experts])
    return max(counts.values()) - min(counts.values())


def check_constraints(result, cands, experts, k, forbid, existing=None) -> None:
    existing = existing or {}
    by_id = {x.expert_id: x for x in experts}
    for c in cands:
        ids = result[c.application_id]
        kept = set(existing.get(c.application_id, ()))
        assert len(ids) == len(set(ids)) == max(k, len(kept))
        assert kept <= set(ids)
        for expert_id in set(ids) - kept:
            assert eligible(c, by_id[expert_id], forbid)


# --- hand cases ---------------------------------------------------------------------------

def test_simple_case_is_balanced():
    cands = [cand(i, org=100 + i) for i in range(1, 5)]
    experts = [expert(i, org=None) for i in range(1, 5)]
    result = assign(cands, experts, per_application=3, forbid_same_municipality=False)
    check_constraints(result, cands, experts, 3, False)
    assert loads(result) == {1: 3, 2: 3, 3: 3, 4: 3}


def test_expert_from_the_applicants_organisation_is_never_chosen():
    cands = [cand(1, org=10), cand(2, org=20)]
    experts = [expert(1, org=10), expert(2, org=20), expert(3, org=None), expert(4, org=30)]
    result = assign(cands, experts, per_application=3, forbid_same_municipality=False)
    assert result == {1: (2, 3, 4), 2: (1, 3, 4)}


def test_same_municipality_is_excluded_only_when_forbidden():
    cands = [cand(1, org=10, place=VYSELKI)]
    experts = [expert(1, org=None, place=VYSELKI), expert(2, org=None, place=BEREZANSKAYA),
               expert(3, org=None, place=" выселковский ")]
    allowed = assign(cands, experts, per_application=2, forbid_same_municipality=False)
    assert len(allowed[1]) == 2
    assert assign(cands, experts, per_application=3, forbid_same_municipality=False) == {
        1: (1, 2, 3)}
    forbidden = assign(cands, experts, per_application=1, forbid_same_municipality=True)
    assert forbidden == {1: (2,)}


def test_declared_conflict_is_excluded():
    cands = [cand(1, org=10), cand(2, org=20)]
    experts = [expert(1, org=None, conflicts=(10,)), expert(2, org=None), expert(3, org=None)]
    result = assign(cands, experts, per_application=2, forbid_same_municipality=False)
    assert result[1] == (2, 3)
    assert 1 in result[2]


def test_infeasible_names_the_application_and_why():
    cands = [cand(3, org=10, place=VYSELKI), cand(4, org=20, place=BEREZANSKAYA)]
    experts = [expert(1, org=10, place=BEREZANSKAYA), expert(2, org=None, place=VYSELKI),
               expert(3, org=None, place=VYSELKI), expert(4, org=30, place=NOVOBEYSUGSKAYA,
                                                         conflicts=(10,)),
               expert(5, org=None, place=NOVOBEYSUGSKAYA)]
    with pytest.raises(AssignmentImpossible) as caught:
        assign(cands, experts, per_application=3, forbid_same_municipality=True)
    assert isinstance(caught.value, DomainError)
    assert caught.value.applications == (3,)
    assert caught.value.message == (
        "Для заявки ИП-3/2024 не хватает экспертов: нужно 3, подходят 1 (исключены: "
        "эксперт из той же организации — 1, из того же муниципалитета — 2, "
        "заявлен конфликт интересов — 1)")


def test_several_infeasible_applications_are_all_named():
    cands = [cand(i, org=10) for i in range(1, 14)]
    with pytest.raises(AssignmentImpossible) as caught:
        assign(cands, [expert(1, org=None)], per_application=2, forbid_same_municipality=False)
    assert caught.value.applications == tuple(range(1, 14))
    text = caught.value.message
    assert text.startswith("Экспертов назначить нельзя, ничего не изменено:")
    assert "ИП-1/2024" in text and "ИП-10/2024" in text and "ИП-11/2024" not in text
    assert text.endswith("и ещё 3 заявки")


def test_replace_keeps_every_other_pair_and_balance():
    cands = [cand(i, org=100 + i) for i in range(1, 7)]
    experts = [expert(i, org=None) for i in range(1, 6)]
    result = assign(cands, experts, per_application=2, forbid_same_municipality=False)
    counts = loads(result)
    heavy = max(counts, key=lambda e: (counts[e], e))
    app = next(a for a, ids in result.items() if heavy in ids)
    swapped = replace(result, app, heavy, cands, experts, forbid_same_municipality=False)
    assert {a: ids for a, ids in swapped.items() if a != app} == {
        a: ids for a, ids in result.items() if a != app}
    assert heavy not in swapped[app]
    assert set(result[app]) - {heavy} < set(swapped[app])
    assert spread(swapped, experts) <= 1


def test_replace_takes_the_least_loaded_eligible_expert():
    cands = [cand(1, org=10), cand(2, org=20)]
    experts = [expert(1, org=None), expert(2, org=None), expert(3, org=10), expert(4, org=None)]
    current = {1: (1, 2), 2: (3, 4)}
    # Expert 3 has the smallest load but works at the applicant's organisation.
    assert replace(current, 1, 2, cands, experts, forbid_same_municipality=False) == {
        1: (1, 4), 2: (3, 4)}


def test_replace_without_anyone_fitting_names_the_application():
    cands = [cand(1, org=10)]
    experts = [expert(1, org=None), expert(2, org=None), expert(3, org=10)]
    with pytest.raises(AssignmentImpossible) as caught:
        replace({1: (1, 2)}, 1, 2, cands, experts, forbid_same_municipality=False)
    assert caught.value.message == (
        "Для заявки ИП-1/2024 некем заменить эксперта Эксперт 2 (исключены: "
        "эксперт из той же организации — 1, уже назначен на эту заявку — 2)")
    with pytest.raises(AssignmentImpossible, match="не назначен на заявку ИП-1/2024"):
        replace({1: (1, 2)}, 1, 3, cands, experts, forbid_same_municipality=False)


def test_existing_pairs_are_kept_and_count_toward_loads():
    first = [cand(i, org=100 + i) for i in range(1, 4)]
    experts = [expert(i, org=None) for i in range(1, 5)]
    before = assign(first, experts, per_application=2, forbid_same_municipality=False)
    late = [*first, cand(4, org=104), cand(5, org=105)]
    after = assign(late, experts, per_application=2, forbid_same_municipality=False,
                   existing=before)
    assert {a: after[a] for a in before} == before
    check_constraints(after, late, experts, 2, False, before)
    assert spread(after, experts) <= 1


def test_existing_application_short_of_experts_is_topped_up():
    cands = [cand(1, org=10)]
    experts = [expert(i, org=None) for i in range(1, 5)]
    result = assign(cands, experts, per_application=3, forbid_same_municipality=False,
                    existing={1: (4,), 9: (1, 2)})
    assert result[9] == (1, 2)
    # Experts 1 and 2 already carry application 9: expert 3 and the first of them join 4.
    assert result[1] == (1, 3, 4)
    assert spread(result, experts) <= 1


def test_result_does_not_depend_on_the_order_of_the_input():
    rnd = random.Random(7)
    cands, experts = large_instance(rnd, n=60, m=9)
    one = assign(cands, experts, per_application=3, forbid_same_municipality=True)
    rnd.shuffle(cands)
    rnd.shuffle(experts)
    assert assign(cands, experts, per_application=3, forbid_same_municipality=True) == one


# --- properties against an exhaustive search ------------------------------------------------

PLACES = [VYSELKI, BEREZANSKAYA, NOVOBEYSUGSKAYA]


@st.composite
def instances(draw):
    orgs = draw(st.lists(st.sampled_from(PLACES), min_size=1, max_size=4))
    org_ids = st.integers(0, len(orgs) - 1)
    experts = []
    for expert_id in range(draw(st.integers(0, 5))):
        org = draw(st.none() | org_ids)
        place = orgs[org] if org is not None else draw(st.sampled_from(PLACES))
        conflicts = draw(st.frozensets(org_ids, max_size=2))
        experts.append(Expert(expert_id, f"Эксперт {expert_id}", org, place, conflicts))
    cands = [cand(app_id, org, orgs[org])
             for app_id, org in enumerate(draw(st.lists(org_ids, min_size=1, max_size=5)))]
    k = draw(st.integers(1, 3))
    forbid = draw(st.booleans())
    existing = {}
    if draw(st.booleans()):
        for c in cands:
            fit = [x.expert_id for x in experts if eligible(c, x, forbid)]
            kept = draw(st.lists(st.sampled_from(fit), unique=True, max_size=k)) if fit else []
            if kept:
                existing[c.application_id] = tuple(kept)
        if experts and draw(st.booleans()):  # an application of the contest no longer listed
            existing[99] = (experts[0].expert_id,)
    return cands, experts, k, forbid, existing


def best_balance(cands, experts, k, forbid, existing):
    """The least (maximum load, spread) over every assignment, or None when there is none."""
    index = {x.expert_id: i for i, x in enumerate(experts)}
    start = [0] * len(experts)
    for ids in existing.values():
        for e in ids:
            start[index[e]] += 1
    states = {tuple(start)}
    for c in cands:
        kept = set(existing.get(c.application_id, ()))
        fit = [index[x.expert_id] for x in experts
               if x.expert_id not in kept and eligible(c, x, forbid)]
        need = k - len(kept)
        if need > len(fit):
            return None
        states = {tuple(n + (i in combo) for i, n in enumerate(s))
                  for s in states for combo in combinations(fit, max(need, 0))}
    if not experts:
        return (0, 0)
    return min((max(s), max(s) - min(s)) for s in states)


def really_short(cands, experts, k, forbid, existing) -> set[int]:
    return {c.application_id for c in cands
            if len(set(existing.get(c.application_id, ()))) + sum(
                1 for x in experts if x.expert_id not in existing.get(c.application_id, ())
                and eligible(c, x, forbid)) < k}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_assignment_respects_constraints_and_is_as_balanced_as_possible(instance):
    cands, experts, k, forbid, existing = instance
    best = best_balance(cands, experts, k, forbid, existing)
    try:
        result = assign(cands, experts, per_application=k, forbid_same_municipality=forbid,
                        existing=existing)
    except AssignmentImpossible as refused:
        assert best is None
        assert set(refused.applications) == really_short(cands, experts, k, forbid, existing)
        for app_id in refused.applications:
            assert f"ИП-{app_id}/2024" in refused.message
        return
    assert best is not None
    check_constraints(result, cands, experts, k, forbid, existing)
    listed = {c.application_id for c in cands}
    assert all(result[a] == ids for a, ids in existing.items() if a not in listed)
    if experts:
        counts = loads(result, expert_ids=[x.expert_id for x in experts])
        got = (max(counts.values()), max(counts.values()) - min(counts.values()))
        assert got == best
        if best[1] <= 1:
            assert spread(result, experts) <= 1


@settings(max_examples=100, deadline=None)
@given(instances(), st.data())
def test_replace_changes_one_pair_only(instance, data):
    cands, experts, k, forbid, _ = instance
    try:
        result = assign(cands, experts, per_application=k, forbid_same_municipality=forbid)
    except AssignmentImpossible:
        return
    app = data.draw(st.sampled_from(sorted(result)))
    out = data.draw(st.sampled_from(result[app]))
    c = next(c for c in cands if c.application_id == app)
    fit = [x for x in experts if x.expert_id not in result[app] and eligible(c, x, forbid)]
    try:
        swapped = replace(result, app, out, cands, experts, forbid_same_municipality=forbid)
    except AssignmentImpossible as refused:
        assert not fit and c.number in refused.message
        return
    assert {a: v for a, v in swapped.items() if a != app} == {
        a: v for a, v in result.items() if a != app}
    (new,) = set(swapped[app]) - set(result[app])
    assert set(result[app]) - set(swapped[app]) == {out}
    counts = loads(result)
    assert counts.get(new, 0) == min(counts.get(x.expert_id, 0) for x in fit)


# --- one large instance (correctness only; the time is in the benchmark) ----------------------

def large_instance(rnd: random.Random, *, n: int, m: int):
    places = [f"Поселение {i}" for i in range(10)]
    org_place = {org: rnd.choice(places) for org in range(80)}
    cands = [cand(i, org, org_place[org]) for i in range(n) for org in [rnd.randrange(80)]]
    experts = []
    for expert_id in range(m):
        org = rnd.choice([None, *range(80)])
        place = org_place[org] if org is not None else rnd.choice(places)
        experts.append(Expert(expert_id, f"Эксперт {expert_id}", org, place,
                              frozenset(rnd.sample(range(80), rnd.randrange(5)))))
    return cands, experts


def test_a_thousand_applications_with_45_experts():
    cands, experts = large_instance(random.Random(2024), n=1000, m=45)
    result = assign(cands, experts, per_application=3, forbid_same_municipality=True)
    check_constraints(result, cands, experts, 3, True)
    assert sorted(result) == list(range(1000))
    assert spread(result, experts) <= 1
