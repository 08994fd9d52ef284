"""Plan occurrences linked to the process records that carry them out (DOMAIN.md, process 4).

A link (models.report.PlanLink) says «this contest / webinar cycle / meeting / справка is how
this due date of the plan is done»; services.plan_sync closes the occurrence from the linked
record. Staff link and unlink by hand (`imc plan link|unlink`); the sweep links a contest or a
cycle itself when its dates fall in exactly one open window (plan_sync.auto_link). A kind fits
only the items of its process; closed or cancelled occurrences keep their links; linking twice
changes nothing; every link, unlink and refusal is audited on the occurrence (or the item).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from adapters.clock import moscow_date
from models import AuditEntry, Contest, ContestRules, Outcome, WebinarCycle, WebinarSession
from models.plan import OccurrenceState, Plan, PlanItem, PlanOccurrence
from models.plan_meeting import PlanMeeting
from models.report import PlanLink, Report
from models.webinar import SessionState
from services.actors import Actor
from services.audit import record_event
from services.contest_rules import spec_of
from services.errors import DomainError, NotFound
from services.plan import plan_by_ref
from services.plan_spec import PROCESSES
from services.runtime import Runtime, Tx

__all__ = ["KINDS", "OPEN", "REPORT_KINDS", "Linked", "Target", "add_link", "link", "matching",
           "target", "unlink"]

OPEN = (OccurrenceState.PLANNED, OccurrenceState.OVERDUE)
OCC = "plan_occurrence"
# object_kind: (noun, «… не найден», the item processes it carries out)
KINDS = {
    "contest": ("конкурс", "Конкурс №{id} не найден", {"contest"}),
    "webinar_cycle": ("цикл вебинаров", "Цикл вебинаров №{id} не найден", {"webinar"}),
    "plan_meeting": ("заседание творческой группы",
                     "Заседание творческой группы №{id} не найдено", {"meetings"}),
    "report": ("справка", "Справка (отчёт) №{id} не найдена",
               {"monitoring", "effectiveness", "event_analysis"}),
}
REPORT_KINDS = {"monitoring": "monitoring", "effectiveness": "effectiveness",
                "event_analysis": "events"}  # item process → models.report.Report.kind


def _title(kind: str) -> str:
    """The report's own title («Эффективность сетевого взаимодействия»)."""
    from services.reports import report_kinds

    return report_kinds[kind].title if kind in report_kinds else kind


@dataclass(frozen=True)
class Target:
    """A record an occurrence may be linked to: what staff read, and its dates."""

    kind: str
    id: int
    label: str  # «конкурс №3 «Инновационный поиск 2024»»
    dates: tuple[date, ...]  # an occurrence whose window holds one of them fits the record


@dataclass(frozen=True)
class Linked:
    occurrence_id: int
    item: str
    position: int
    due: str
    record: str
    made: bool  # False: it was already so (link) or there was no link (unlink)


def target(tx: Tx, kind: str, object_id: int) -> Target | None:
    """The record `kind` №`object_id`, or None when there is none."""
    s = tx.session
    if kind == "contest" and (c := s.get(Contest, object_id)) is not None:
        d = spec_of(s.get(ContestRules, c.rules_id)).dates
        days = {d.announcement, d.intake_opens, d.intake_closes, c.order_date} - {None}
        return Target(kind, c.id, f"конкурс №{c.id} «{c.title}»", tuple(sorted(days)))
    if kind == "webinar_cycle" and (y := s.get(WebinarCycle, object_id)) is not None:
        days = {moscow_date(at) for at in s.exec(select(WebinarSession.starts_at).where(
            WebinarSession.cycle_id == y.id, WebinarSession.state != SessionState.CANCELLED))}
        return Target(kind, y.id, f"цикл вебинаров №{y.id} «{y.title}»", tuple(sorted(days)))
    if kind == "plan_meeting" and (m := s.get(PlanMeeting, object_id)) is not None:
        day = moscow_date(m.starts_at)
        return Target(kind, m.id, f"заседание творческой группы №{m.id} ({day:%d.%m.%Y})",
                      (day,))
    if kind == "report" and (r := s.get(Report, object_id)) is not None:
        what = _title(r.kind)
        return Target(kind, r.id, f"справка №{r.id} «{what}» за {r.period_start:%d.%m.%Y}–"
                                  f"{r.period_end:%d.%m.%Y} (версия {r.version})",
                      (r.period_end,))
    return None


def matching(occurrences: list[PlanOccurrence], dates) -> list[PlanOccurrence]:
    """The occurrences whose window [start, due] holds at least one of `dates`."""
    return [o for o in occurrences if any(o.start <= d <= o.due for d in dates)]


def link(rt: Runtime, plan_ref: int, item_code: str, object_kind: str, object_id: int, *,
         occurrence: int | None = None, actor: Actor) -> Linked:
    """Link an occurrence of the item (its number `occurrence`, else the only one or the one
    the record's dates fall in) to the record; linking what is linked changes nothing."""
    try:
        return _link(rt, plan_ref, item_code, object_kind, object_id, occurrence, actor)
    except IntegrityError:  # the same link made at this moment by another command
        return _link(rt, plan_ref, item_code, object_kind, object_id, occurrence, actor)


def unlink(rt: Runtime, plan_ref: int, item_code: str, object_kind: str, object_id: int, *,
           occurrence: int | None = None, actor: Actor) -> Linked | None:
    """Remove the item's link to the record (None when there was none); the sweep does not
    link that record to that occurrence again by itself."""
    with rt.transaction() as tx:
        item = _item(tx, plan_ref, item_code)
        tgt = _target(tx, item, object_kind, object_id, "unlink", actor)
        stmt = (select(PlanLink, PlanOccurrence)
                .join(PlanOccurrence, PlanOccurrence.id == PlanLink.occurrence_id)
                .where(PlanOccurrence.item_id == item.id, PlanLink.object_kind == object_kind,
                       PlanLink.object_id == object_id))
        if occurrence is not None:
            stmt = stmt.where(PlanOccurrence.position == occurrence)
        found = tx.session.exec(stmt.order_by(PlanOccurrence.position)).first()
        if found is None:
            return None
        row, occ = found
        _refuse_if_closed(occ, item, tgt, "unlink", actor)
        tx.session.delete(row)
        record_event(tx, object_kind=OCC, object_id=occ.id, action="unlink", actor=actor,
                     state=str(occ.state), details=_details(item, tgt))
        return _linked(item, occ, tgt, made=True)


def add_link(tx: Tx, occ: PlanOccurrence, item: PlanItem, tgt: Target, actor: Actor, *,
             auto: bool = False) -> Linked:
    """Store the link and its audit entry (the caller checked that it may be made)."""
    tx.session.add(PlanLink(occurrence_id=occ.id, object_kind=tgt.kind, object_id=tgt.id,
                            created_by=actor.person_id, created_at=tx.now))
    tx.session.flush()
    record_event(tx, object_kind=OCC, object_id=occ.id, action="link", actor=actor,
                 state=str(occ.state), details={**_details(item, tgt), "auto": auto})
    return _linked(item, occ, tgt, made=True)


def unlinked_by_staff(tx: Tx, occurrence_id: int, kind: str, object_id: int) -> bool:
    """Staff removed this link once: the sweep leaves the pair alone."""
    entries = tx.session.exec(select(AuditEntry.details).where(
        AuditEntry.object_kind == OCC, AuditEntry.object_id == occurrence_id,
        AuditEntry.action == "unlink", AuditEntry.outcome == Outcome.DONE))
    return any(d.get("object_kind") == kind and d.get("object_id") == object_id for d in entries)


def _link(rt, plan_ref, item_code, object_kind, object_id, position, actor) -> Linked:
    with rt.transaction() as tx:
        item = _item(tx, plan_ref, item_code)
        tgt = _target(tx, item, object_kind, object_id, "link", actor)
        occ = _occurrence(tx, item, position, tgt, actor)
        _refuse_if_closed(occ, item, tgt, "link", actor)
        s = tx.session
        links = list(s.exec(select(PlanLink).where(PlanLink.object_kind == object_kind,
                                                   PlanLink.object_id == object_id)))
        if any(x.occurrence_id == occ.id for x in links):
            return _linked(item, occ, tgt, made=False)
        if links:
            other = s.get(PlanOccurrence, links[0].occurrence_id)
            other_item = s.get(PlanItem, other.item_id)
            year = s.get(Plan, other_item.plan_id).year
            raise _refusal(item, "link", actor, tgt.kind, tgt.id,
                           f"{_upper(tgt.label)} уже относится к пункту {other_item.code} (срок "
                           f"до {other.due:%d.%m.%Y}): сначала снимите ту связь — imc plan "
                           f"unlink {year} {other_item.code} {tgt.kind} {tgt.id}")
        return add_link(tx, occ, item, tgt, actor)


def _item(tx: Tx, plan_ref: int, code: str) -> PlanItem:
    plan = plan_by_ref(tx, plan_ref)
    item = tx.session.exec(select(PlanItem).where(PlanItem.plan_id == plan.id,
                                                  PlanItem.code == code.strip())).first()
    if item is None:
        raise NotFound(f"В плане работы на {plan.year} год нет пункта «{code}»: см. "
                       f"imc plan show {plan.year}")
    return item


def _target(tx: Tx, item: PlanItem, kind: str, object_id: int, action: str,
            actor: Actor) -> Target:
    """The record, refused (audited on the item) when unknown, missing or not fitting."""
    if kind not in KINDS:
        known = ", ".join(f"{k} ({v[0]})" for k, v in KINDS.items())
        raise _refusal(item, action, actor, kind, object_id,
                       f"Неизвестный вид записи «{kind}»: допустимы {known}")
    noun, missing, processes = KINDS[kind]
    tgt = target(tx, kind, object_id)
    if tgt is None:
        raise _refusal(item, action, actor, kind, object_id, missing.format(id=object_id))
    if item.process not in processes:
        carried = (f"выполняется процессом «{PROCESSES[item.process]}»" if item.process
                   else "не связан ни с каким процессом")
        raise _refusal(item, action, actor, kind, object_id,
                       f"Пункт {item.code} {carried}: {noun} к нему не относится")
    wanted = REPORT_KINDS.get(item.process)
    if kind == "report" and tx.session.get(Report, object_id).kind != wanted:
        raise _refusal(item, action, actor, kind, object_id,
                       f"Пункт {item.code} закрывается справкой «{_title(wanted)}», а "
                       f"{tgt.label} — другая")
    return tgt


def _occurrence(tx: Tx, item: PlanItem, position: int | None, tgt: Target,
                actor: Actor) -> PlanOccurrence:
    occs = list(tx.session.exec(select(PlanOccurrence).where(
        PlanOccurrence.item_id == item.id).order_by(PlanOccurrence.position)))
    listed = "; ".join(f"{o.position} — до {o.due:%d.%m.%Y} ({o.state.label})" for o in occs)
    if not occs:
        why = (f"У пункта {item.code} нет сроков в плане («{item.schedule_text}»): связывать "
               "не с чем")
    elif position is not None:
        found = [o for o in occs if o.position == position]
        if found:
            return found[0]
        why = f"У пункта {item.code} нет срока №{position}; сроки: {listed}"
    elif len(occs) == 1:
        return occs[0]
    else:
        fits = matching([o for o in occs if o.state in OPEN], tgt.dates)
        if len(fits) == 1:
            return fits[0]
        why = f"У пункта {item.code} несколько сроков: {listed} — укажите срок: --occurrence N"
    raise _refusal(item, "link", actor, tgt.kind, tgt.id, why)


def _refuse_if_closed(occ: PlanOccurrence, item: PlanItem, tgt: Target, action: str,
                      actor: Actor) -> None:
    if occ.state in OPEN:
        return
    raise DomainError(
        f"Срок пункта {item.code} до {occ.due:%d.%m.%Y} — «{occ.state.label}»: связи "
        "закрытого или отменённого срока не меняются",
        audit={"object_kind": OCC, "object_id": occ.id, "action": action, "actor": actor,
               "from_state": str(occ.state), "details": _details(item, tgt)})


def _refusal(item: PlanItem, action: str, actor: Actor, kind: str, object_id: int,
             message: str) -> DomainError:
    return DomainError(message, audit={
        "object_kind": "plan_item", "object_id": item.id, "action": action, "actor": actor,
        "details": {"item": item.code, "object_kind": kind, "object_id": object_id}})


def _details(item: PlanItem, tgt: Target) -> dict:
    return {"item": item.code, "object_kind": tgt.kind, "object_id": tgt.id,
            "record": tgt.label}


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _linked(item: PlanItem, occ: PlanOccurrence, tgt: Target, *, made: bool) -> Linked:
    return Linked(occ.id, item.code, occ.position, f"{occ.due:%d.%m.%Y}", tgt.label, made)
