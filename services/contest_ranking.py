"""The jury's arithmetic, pure: averages, weighted totals, spread flags, ranks, ties, outcomes.

Every figure is a Decimal rounded half-up to 2 decimals at the point the сводная ведомость
shows it: a criterion's average, then the total Σ weight × average, and each expert's
total Σ weight × score. Hand-computed tables therefore match to the kopeck.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from adapters.russian import plural
from models.contest import ApplicationState
from services.contest_rules_checks import COMMISSION_VOTE, dec, plain
from services.errors import DomainError

if TYPE_CHECKING:
    from services.contest_rules_spec import AwardRule, RulesSpec

WINNER, LAUREATE, PARTICIPANT = (ApplicationState.WINNER, ApplicationState.LAUREATE,
                                 ApplicationState.PARTICIPANT)
CENT = Decimal("0.01")

RULE_CRITERION = "по критерию «{name}»"
RULE_VOTE = "по голосованию комиссии"
RULE_NONE = "не разрешено: равные места"
MSG_NO_SCORES = "Заявка №{app}: нет ни одной оценки эксперта — подвести итоги нельзя"
MSG_MISSING = "Заявка №{app}, эксперт № {n}: нет оценки по критерию «{name}»"
MSG_UNKNOWN = "Заявка №{app}, эксперт № {n}: неизвестный критерий «{code}»"
MSG_RANGE = ("Заявка №{app}, эксперт № {n}: оценка {score} по критерию «{name}» вне "
             "диапазона от 0 до {max}")
NOTE_BOUNDARY = ("неразрешённое равенство баллов на границе: {edge_count} {edge_noun} делят "
                 "{edge}-е место, поэтому {what} признаны {count} {noun} вместо {top}")
NOTE_ROW = ("равные места на границе: признана {what} вместе с заявками, набравшими "
            "столько же баллов")
NOTE_NO_WINNER = "ни одна заявка не набрала минимальной суммы баллов для победы ({min})"
WHO = {WINNER: ("победителями", "победителем"), LAUREATE: ("лауреатами", "лауреатом")}


def cents(value: Decimal) -> Decimal:
    """Round half-up to 2 decimals, as printed in the protocol."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RankedApplication:
    application_id: int
    averages: dict[str, Decimal]  # criterion code → average of the experts' scores
    total: Decimal  # Σ weight × average
    expert_totals: tuple[Decimal, ...]  # Σ weight × score, per expert, in input order
    spread: Decimal  # max − min of the expert totals
    flagged: bool  # spread above spread_flag_share × max_total
    rank: int = 0  # 1 = best; equal ranks only for an unresolved tie
    tied_with: tuple[int, ...] = ()  # other applications with the same total
    tie_rule: str | None = None  # how its place among them was decided
    outcome: ApplicationState = PARTICIPANT
    outcome_note: str = ""


@dataclass(frozen=True)
class TieDecision:
    """Two neighbours in the ranking with the same total, and what put one above the other."""

    higher: int
    lower: int
    total: Decimal
    rule: str
    resolved: bool


@dataclass(frozen=True)
class Ranking:
    rows: tuple[RankedApplication, ...]  # best first
    ties: tuple[TieDecision, ...]
    notes: tuple[str, ...]

    def row(self, application_id: int) -> RankedApplication:
        return next(r for r in self.rows if r.application_id == application_id)

    @property
    def unresolved(self) -> list[tuple[int, ...]]:
        """Groups that share a rank (the commission may still vote on them)."""
        groups: dict[int, list[int]] = {}
        for r in self.rows:
            groups.setdefault(r.rank, []).append(r.application_id)
        return [tuple(ids) for ids in groups.values() if len(ids) > 1]


def rank_applications(spec: RulesSpec, scores: Mapping[int, Sequence[Mapping[str, object]]],
                      votes: Mapping[int, int] | None = None) -> Ranking:
    """Rank applications from their experts' scores by the rules; votes break final ties."""
    votes = votes or {}
    rows = [_score(spec, app_id, sheets) for app_id, sheets in scores.items()]
    order = [c for c in spec.tie_break if c != COMMISSION_VOTE]

    def key(r: RankedApplication) -> tuple:
        return (r.total, *(r.averages[c] for c in order), votes.get(r.application_id, 0))

    rows.sort(key=lambda r: (_neg(key(r)), r.application_id))
    by_total: dict[Decimal, list[int]] = {}
    for r in rows:
        by_total.setdefault(r.total, []).append(r.application_id)
    ties, ranked = [], []
    for i, r in enumerate(rows):
        above = rows[i - 1] if i else None
        same = above is not None and key(above) == key(r)
        rank = ranked[-1].rank if same else i + 1
        group = tuple(a for a in by_total[r.total] if a != r.application_id)
        ranked.append(replace(r, rank=rank, tied_with=group))
        if above is not None and above.total == r.total:
            rule = _deciding_rule(spec, order, key(above), key(r))
            ties.append(TieDecision(above.application_id, r.application_id, r.total, rule,
                                    rule != RULE_NONE))
    ranked = [replace(r, tie_rule=_tie_rule(r, ties)) for r in ranked]
    ranked, notes = _outcomes(spec, ranked)
    return Ranking(tuple(ranked), tuple(ties), tuple(notes))


def _score(spec: RulesSpec, app_id: int, sheets: Sequence[Mapping[str, object]]
           ) -> RankedApplication:
    if not sheets:
        raise DomainError(MSG_NO_SCORES.format(app=app_id))
    known = {c.code for c in spec.criteria}
    for n, sheet in enumerate(sheets, start=1):
        for code in sheet:
            if code not in known:
                raise DomainError(MSG_UNKNOWN.format(app=app_id, n=n, code=code))
        for c in spec.criteria:
            if sheet.get(c.code) is None:
                raise DomainError(MSG_MISSING.format(app=app_id, n=n, name=c.name))
            if not 0 <= dec(sheet[c.code]) <= dec(c.max_score):
                raise DomainError(MSG_RANGE.format(app=app_id, n=n, score=sheet[c.code],
                                                   name=c.name, max=plain(c.max_score)))
    averages = {c.code: cents(sum(dec(s[c.code]) for s in sheets) / len(sheets))
                for c in spec.criteria}
    total = cents(sum((dec(c.weight) * averages[c.code] for c in spec.criteria), Decimal(0)))
    experts = tuple(cents(sum((dec(c.weight) * dec(s[c.code]) for c in spec.criteria),
                              Decimal(0))) for s in sheets)
    spread = max(experts) - min(experts)
    flagged = spread > dec(spec.spread_flag_share) * spec.max_total
    return RankedApplication(app_id, averages, total, experts, spread, flagged)


def _deciding_rule(spec: RulesSpec, order: list[str], higher: tuple, lower: tuple) -> str:
    for i, code in enumerate(order, start=1):
        if higher[i] != lower[i]:
            return RULE_CRITERION.format(name=spec.criterion(code).name)
    return RULE_VOTE if higher[-1] != lower[-1] else RULE_NONE


def _tie_rule(r: RankedApplication, ties: list[TieDecision]) -> str | None:
    """The decision against the neighbour above; for the top of a group, the one below."""
    above = next((t.rule for t in ties if t.lower == r.application_id), None)
    return above or next((t.rule for t in ties if t.higher == r.application_id), None)


def _outcomes(spec: RulesSpec, rows: list[RankedApplication]
              ) -> tuple[list[RankedApplication], list[str]]:
    notes: list[str] = []
    winners = _select(rows, spec.winners, WINNER, notes)
    if spec.winners.min_total is not None and not winners:
        notes.append(NOTE_NO_WINNER.format(min=plain(spec.winners.min_total)))
    rest = [r for r in rows if r.application_id not in winners]
    laureates = _select(rest, spec.laureates, LAUREATE, notes) if spec.laureates.given else {}
    out = []
    for r in rows:
        chosen = winners.get(r.application_id) or laureates.get(r.application_id)
        outcome, note = chosen if chosen else (PARTICIPANT, "")
        out.append(replace(r, outcome=outcome, outcome_note=note))
    return out, notes


def _select(pool: list[RankedApplication], rule: AwardRule, outcome: ApplicationState,
            notes: list[str]) -> dict[int, tuple[ApplicationState, str]]:
    """Top N of the pool (all who share the N-th place) that reach min_total."""
    if rule.min_total is not None:
        pool = [r for r in pool if r.total >= dec(rule.min_total)]
    chosen = pool
    if rule.top is not None:
        chosen = [r for r in pool if sum(o.rank < r.rank for o in pool) < rule.top]
    result = {r.application_id: (outcome, "") for r in chosen}
    if rule.top is not None and len(chosen) > rule.top:
        many, one = WHO[outcome]
        edge = max(r.rank for r in chosen)
        edge_count = sum(r.rank == edge for r in chosen)
        notes.append(NOTE_BOUNDARY.format(
            edge_count=edge_count, edge_noun=plural(edge_count, "заявка", "заявки", "заявок"),
            edge=edge, what=many, count=len(chosen), top=rule.top,
            noun=plural(len(chosen), "заявка", "заявки", "заявок")))
        for r in chosen:
            if r.rank == edge:
                result[r.application_id] = (outcome, NOTE_ROW.format(what=one))
    return result


def _neg(key: tuple) -> tuple:
    return tuple(-v for v in key)

