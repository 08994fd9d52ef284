"""Expert assignment for contests: K eligible experts per application, loads balanced.

Pure: no database, no I/O. Experts have no load cap, so an instance is feasible exactly
when every application has at least K eligible experts; the work is in the balance.
Start greedily (fewest options first, least-loaded experts), then shift one unit at a time
along an alternating path from a loaded expert to one at least two below it. When no such
path remains the load vector is the decreasingly-minimal one of this bipartite b-matching:
it has the least maximum load and the greatest minimum load at the same time, so loads
differ by at most one whenever any assignment achieves that.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from adapters.russian import plural
from services.errors import DomainError

__all__ = ["AssignmentImpossible", "Candidate", "Expert", "assign", "exclusion", "loads",
           "replace"]

# Exclusion reasons, in the order they are checked: an expert counts under the first one.
SAME_ORGANISATION = "эксперт из той же организации"
SAME_MUNICIPALITY = "из того же муниципалитета"
CONFLICT = "заявлен конфликт интересов"
ALREADY_ON = "уже назначен на эту заявку"
SHORTAGE = "Для заявки {number} не хватает экспертов: нужно {need}, подходят {fit}"
SEVERAL = "Экспертов назначить нельзя, ничего не изменено:"
MORE = "и ещё {n} {noun}"
NOT_ON = "Эксперт {name} не назначен на заявку {number}: заменять некого"
NO_SUCH_APPLICATION = "Заявка № {id} не найдена среди заявок конкурса"
NO_REPLACEMENT = "Для заявки {number} некем заменить эксперта {name}"
LISTED_AT_MOST = 10  # a person reads the message; the rest are in `applications`


@dataclass(frozen=True)
class Candidate:
    application_id: int
    number: str  # registration number, e.g. «ИП-3/2024», for messages
    organisation_id: int
    municipality: str


@dataclass(frozen=True)
class Expert:
    expert_id: int
    name: str
    organisation_id: int | None
    municipality: str
    conflicts: frozenset[int] = frozenset()  # organisation ids the expert declared


class AssignmentImpossible(DomainError):
    """The constraints cannot be met; `applications` holds the ids that cannot be served."""

    def __init__(self, message: str, *, applications: tuple[int, ...] = ()) -> None:
        super().__init__(message, obj=applications)
        self.applications = applications


def exclusion(candidate: Candidate, expert: Expert, forbid_same_municipality: bool) -> str | None:
    """Why the expert may not review the application, or None when they may."""
    if expert.organisation_id is not None and expert.organisation_id == candidate.organisation_id:
        return SAME_ORGANISATION
    if forbid_same_municipality and _place(expert.municipality) == _place(candidate.municipality):
        return SAME_MUNICIPALITY
    if candidate.organisation_id in expert.conflicts:
        return CONFLICT
    return None


def loads(assignment: Mapping[int, Collection[int]], *,
          expert_ids: Iterable[int] = ()) -> dict[int, int]:
    """Applications per expert; `expert_ids` are listed even with no application."""
    counts = dict.fromkeys(expert_ids, 0)
    for experts in assignment.values():
        for expert_id in experts:
            counts[expert_id] = counts.get(expert_id, 0) + 1
    return counts


def assign(candidates: Iterable[Candidate], experts: Iterable[Expert], *, per_application: int,
           forbid_same_municipality: bool,
           existing: Mapping[int, Collection[int]] | None = None) -> dict[int, tuple[int, ...]]:
    """K distinct eligible experts per application, loads balanced; `existing` pairs stay."""
    if per_application < 1:
        raise ValueError("Число экспертов на заявку должно быть не меньше одного")
    cands = _unique(candidates, "application_id")
    pool = _unique(experts, "expert_id")
    kept = {app: frozenset(ids) for app, ids in (existing or {}).items()}
    index = {x.expert_id: i for i, x in enumerate(pool)}
    balance = _Balance(len(pool))
    for ids in kept.values():
        for expert_id in ids:
            if expert_id in index:
                balance.load[index[expert_id]] += 1
    short = []
    for cand in cands:
        on = kept.get(cand.application_id, frozenset())
        fit = [i for i, x in enumerate(pool)
               if x.expert_id not in on and exclusion(cand, x, forbid_same_municipality) is None]
        missing = per_application - len(on)
        if missing > len(fit):
            short.append(_shortage(cand, on, pool, per_application, forbid_same_municipality))
        elif missing > 0:
            balance.add(cand.application_id, fit, missing)
    if short:
        raise AssignmentImpossible(_combine(short), applications=tuple(a for a, _ in short))
    balance.settle()
    result = {app: tuple(sorted(ids)) for app, ids in kept.items()}
    for app, chosen in balance.chosen.items():
        result[app] = tuple(sorted(kept.get(app, frozenset()) | {pool[i].expert_id
                                                                  for i in chosen}))
    return result


def replace(assignment: Mapping[int, Collection[int]], application_id: int, expert_out: int,
            candidates: Iterable[Candidate], experts: Iterable[Expert], *,
            forbid_same_municipality: bool) -> dict[int, tuple[int, ...]]:
    """Swap one expert on one application for the least-loaded eligible one; the rest stay."""
    cand = next((c for c in candidates if c.application_id == application_id), None)
    if cand is None:
        raise AssignmentImpossible(NO_SUCH_APPLICATION.format(id=application_id),
                                   applications=(application_id,))
    pool = _unique(experts, "expert_id")
    names = {x.expert_id: x.name for x in pool}
    name = names.get(expert_out, f"№ {expert_out}")
    current = frozenset(assignment.get(application_id, ()))
    if expert_out not in current:
        raise AssignmentImpossible(NOT_ON.format(name=name, number=cand.number),
                                   applications=(application_id,))
    fit = [x for x in pool if x.expert_id not in current
           and exclusion(cand, x, forbid_same_municipality) is None]
    if not fit:
        why = _reasons(cand, current, pool, forbid_same_municipality)
        raise AssignmentImpossible(NO_REPLACEMENT.format(number=cand.number, name=name) + why,
                                   applications=(application_id,))
    counts = loads(assignment)
    chosen = min(fit, key=lambda x: (counts.get(x.expert_id, 0), x.expert_id))
    result = {app: tuple(ids) for app, ids in assignment.items()}
    result[application_id] = tuple(sorted(current - {expert_out} | {chosen.expert_id}))
    return result


class _Balance:
    """The movable pairs, the loads and, per ordered pair of experts, the applications
    that could move from the first to the second (the edges of the alternating paths)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.load = [0] * size
        self.fit: dict[int, list[int]] = {}
        self.need: dict[int, int] = {}
        self.chosen: dict[int, set[int]] = {}
        self.via = [[set() for _ in range(size)] for _ in range(size)]

    def add(self, app: int, fit: list[int], need: int) -> None:
        self.fit[app], self.need[app] = fit, need

    def settle(self) -> None:
        # Scarce applications choose first so the greedy start is already close.
        for app in sorted(self.fit, key=lambda a: (len(self.fit[a]), a)):
            picked = sorted(self.fit[app], key=lambda i: (self.load[i], i))[:self.need[app]]
            self.chosen[app] = set(picked)
            for i in picked:
                self.load[i] += 1
            self._link(app, set.add)
        while path := self._improving_path():
            for giver, taker in pairwise(path):
                self._move(min(self.via[giver][taker]), giver, taker)

    def _link(self, app: int, op) -> None:
        """Add (or discard) the application on every edge it offers: chosen → free."""
        chosen = self.chosen[app]
        free = [f for f in self.fit[app] if f not in chosen]
        for e in chosen:
            row = self.via[e]
            for f in free:
                op(row[f], app)

    def _move(self, app: int, giver: int, taker: int) -> None:
        self._link(app, set.discard)
        self.chosen[app].remove(giver)
        self.chosen[app].add(taker)
        self.load[giver] -= 1
        self.load[taker] += 1
        self._link(app, set.add)

    def _improving_path(self) -> list[int] | None:
        """A path from an expert to one at least two below it, or None when balanced."""
        load, via, size = self.load, self.via, self.size
        if not size:
            return None
        root, parent = [-1] * size, [-1] * size
        # A node first reached from a heavier root keeps that root: whatever a lighter root
        # reaches through it, the heavier one reaches too, so one pass covers every pair.
        for u in sorted(range(size), key=lambda i: (-load[i], i)):
            if root[u] >= 0:
                continue
            root[u], queue = u, [u]
            for x in queue:
                row = via[x]
                for y in range(size):
                    if root[y] < 0 and row[y]:
                        root[y], parent[y] = u, x
                        queue.append(y)
        end = max(range(size), key=lambda v: (load[root[v]] - load[v], -v))
        if load[root[end]] - load[end] < 2:
            return None
        path = [end]
        while path[-1] != root[end]:
            path.append(parent[path[-1]])
        return path[::-1]


def _place(municipality: str) -> str:
    # Typed by hand in several places: «Выселковский район» and «выселковский район ».
    return " ".join(municipality.split()).casefold()


def _unique(items: Iterable, key: str) -> list:
    # Sorted by id, so the result never depends on the order the caller passed.
    ordered = sorted(items, key=lambda item: getattr(item, key))
    ids = [getattr(item, key) for item in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError(f"Повторяющийся идентификатор в списке ({key})")
    return ordered


def _reasons(cand: Candidate, on: Collection[int], pool: Sequence[Expert],
             forbid_same_municipality: bool) -> str:
    counts: dict[str, int] = {}
    for x in pool:
        why = ALREADY_ON if x.expert_id in on else exclusion(cand, x, forbid_same_municipality)
        if why is not None:
            counts[why] = counts.get(why, 0) + 1
    order = (SAME_ORGANISATION, SAME_MUNICIPALITY, CONFLICT, ALREADY_ON)
    parts = [f"{why} — {counts[why]}" for why in order if counts.get(why)]
    return f" (исключены: {', '.join(parts)})" if parts else ""


def _shortage(cand: Candidate, on: frozenset[int], pool: Sequence[Expert], need: int,
              forbid_same_municipality: bool) -> tuple[int, str]:
    fit = len(on) + sum(1 for x in pool if x.expert_id not in on
                        and exclusion(cand, x, forbid_same_municipality) is None)
    # Experts already on it are kept, not excluded: leave them out of the reasons.
    others = [x for x in pool if x.expert_id not in on]
    line = SHORTAGE.format(number=cand.number, need=need, fit=fit)
    return cand.application_id, line + _reasons(cand, (), others, forbid_same_municipality)


def _combine(short: list[tuple[int, str]]) -> str:
    if len(short) == 1:
        return short[0][1]
    lines = [f"  • {line}" for _, line in short[:LISTED_AT_MOST]]
    rest = len(short) - LISTED_AT_MOST
    if rest > 0:
        lines.append("  • " + MORE.format(n=rest, noun=plural(rest, "заявка", "заявки", "заявок")))
    return "\n".join([SEVERAL, *lines])
