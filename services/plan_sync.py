"""The sweep closes plan occurrences from the records of the processes that carry them out.

`sync` (services.sweep.fire_timers, `imc plan sync`) first links contests and webinar cycles
to their occurrence (`auto_link`: only announced contests, never a draft; only when the
record's dates — a contest's announcement and intake, a cycle's sessions — fall in exactly one
open window [start, due] of an item of that process; staff link the ambiguous ones by hand
and an unlink by staff is never undone), then looks at every «запланировано» or «просрочено»
occurrence whose item has a rule:

    agreements      once the window has ended: the agreements registered in it (the last
                    registration day); none in it — those registered on the first day with a
                    registration after it, late
    contest         every linked contest awarded or closed: the award day, the results order
    webinar         every linked cycle closed or all its sessions held: the last session's day,
                    «Проведено N вебинаров, участников M», the cycle's report .xlsx if stored
    monitoring, effectiveness, event_analysis
                    the first справка of the item's kind whose period ends in the window, or a
                    linked one: the day it was made, its .docx. Only a справка made on or after
                    its period's last day (Moscow date) counts: a preview made while the period
                    runs holds partial figures and closes nothing

and closes it through plan_closing.close_with_result with that day, so «в срок» or «с
опозданием» is decided by the record's date, not by the sweep's. Meetings close themselves
(their protocol), consultations have no dates. Each occurrence is closed in its own
transaction with its row locked, so running the sync again, or twice at once, closes nothing
twice. Actor: the scheduler.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import distinct, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from adapters.clock import moscow_date
from adapters.number_words import counted
from adapters.russian import plural
from models import (
    Agreement,
    AuditEntry,
    Contest,
    ContestState,
    Document,
    Registration,
    WebinarCycle,
    WebinarSession,
)
from models.plan import PlanItem, PlanOccurrence
from models.report import PlanLink, Report
from models.webinar import CycleState, SessionState
from services import documents
from services.actors import Actor
from services.plan_closing import close_with_result
from services.plan_links import (
    OPEN,
    REPORT_KINDS,
    Linked,
    add_link,
    matching,
    target,
    unlinked_by_staff,
)
from services.reports import report_kinds
from services.runtime import Runtime, Tx
from services.webinar_report_data import HELD, PRESENT

__all__ = ["auto_link", "sync"]

AUTO = {"contest": ("contest", Contest), "webinar_cycle": ("webinar", WebinarCycle)}
AWARDED = (ContestState.AWARDED, ContestState.CLOSED)
LINKABLE = tuple(s for s in ContestState if s != ContestState.DRAFT)  # announced or later


@dataclass(frozen=True)
class Found:
    """What a record says about an occurrence: when it was done and its result."""

    day: date
    text: str
    document_id: int | None = None
    details: dict = field(default_factory=dict)


def sync(rt: Runtime) -> dict:
    """Link what fits one window, then close what the records show done; idempotent.
    {"linked": [...], "closed": [...]}, each entry a dict for staff and the flow's log."""
    linked = auto_link(rt)
    closed = [done for occ_id in _open_ids(rt) if (done := _close(rt, occ_id)) is not None]
    return {"linked": [asdict(x) for x in linked], "closed": closed}


def auto_link(rt: Runtime) -> list[Linked]:
    try:
        return _auto_link(rt)
    except IntegrityError:  # a concurrent sweep linked the same record this moment
        return _auto_link(rt)


def _auto_link(rt: Runtime) -> list[Linked]:
    made: list[Linked] = []
    with rt.transaction() as tx:
        for kind, (process, model) in AUTO.items():
            rows = tx.session.exec(select(PlanOccurrence, PlanItem)
                                   .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                                   .where(PlanOccurrence.state.in_(OPEN),
                                          PlanItem.process == process)).all()
            if not rows:
                continue
            items = {occ.id: item for occ, item in rows}
            occurrences = [occ for occ, _ in rows]
            taken = set(tx.session.exec(select(PlanLink.object_id).where(
                PlanLink.object_kind == kind)))
            query = select(model.id).where(model.year.in_({o.due.year for o in occurrences}))
            if model is Contest:  # a draft may never be announced: it would block the item
                query = query.where(Contest.state.in_(LINKABLE))
            for object_id in tx.session.exec(query.order_by(model.id)):
                if object_id in taken:
                    continue
                record = target(tx, kind, object_id)
                fits = matching(occurrences, record.dates)
                if len(fits) == 1 and not unlinked_by_staff(tx, fits[0].id, kind, object_id):
                    made.append(add_link(tx, fits[0], items[fits[0].id], record,
                                         Actor.scheduler(), auto=True))
    return made


def _open_ids(rt: Runtime) -> list[int]:
    with rt.session() as s:
        return list(s.exec(select(PlanOccurrence.id)
                           .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                           .where(PlanOccurrence.state.in_(OPEN), PlanItem.process.in_(RULES))
                           .order_by(PlanOccurrence.due, PlanOccurrence.id)))


def _close(rt: Runtime, occ_id: int) -> dict | None:
    with rt.transaction() as tx:
        occ = tx.session.get(PlanOccurrence, occ_id, with_for_update=True,
                             populate_existing=True)
        if occ is None or occ.state not in OPEN:  # closed meanwhile by staff or another sweep
            return None
        item = tx.session.get(PlanItem, occ.item_id)
        found = RULES[item.process](tx, occ, item)
        if found is None:
            return None
        day = found.day  # the record's day decides «в срок», even after an overdue mark
        close_with_result(tx, occ, actor=Actor.scheduler(), text=found.text,
                          document_id=found.document_id, day=day,
                          reason="выполнено по записям процесса",
                          details={"record_day": f"{found.day:%d.%m.%Y}", **found.details})
        return {"occurrence_id": occ.id, "item": item.code, "position": occ.position,
                "due": f"{occ.due:%d.%m.%Y}", "day": f"{min(day, moscow_date(tx.now)):%d.%m.%Y}",
                "state": occ.state.label, "result": found.text}


def _agreements(tx: Tx, occ: PlanOccurrence, item: PlanItem) -> Found | None:
    if moscow_date(tx.now) < occ.due:  # the window is still open: more may come
        return None
    rows = list(tx.session.exec(select(Agreement).where(
        Agreement.registered_on >= occ.start, Agreement.registered_on <= date(occ.due.year, 12, 31),
        col(Agreement.number).is_not(None)).order_by(Agreement.registered_on, Agreement.id)))
    chosen = [a for a in rows if a.registered_on <= occ.due] or [
        a for a in rows if a.registered_on == rows[0].registered_on]
    if not chosen:
        return None
    last, n = chosen[-1], len(chosen)
    doc = documents.find(tx, f"agreement:{last.id}:registered")
    text = (f"{plural(n, 'Зарегистрирован', 'Зарегистрировано', 'Зарегистрировано')} "
            f"{counted(n, 'договор', 'договора', 'договоров')} о сетевом взаимодействии: "
            + ", ".join(a.number for a in chosen))
    return Found(last.registered_on, text, doc.id if doc else None,
                 {"agreements": [a.id for a in chosen]})


def _contest(tx: Tx, occ: PlanOccurrence, item: PlanItem) -> Found | None:
    contests = [c for i in _linked(tx, occ, "contest")
                if (c := tx.session.get(Contest, i)) is not None]
    if not contests or any(c.state not in AWARDED for c in contests):
        return None
    days = {c.id: _award_day(tx, c) for c in contests}
    last = max(contests, key=lambda c: (days[c.id], c.id))
    doc = (documents.find(tx, f"contest:{last.id}:results_order")
           or documents.find(tx, f"contest:{last.id}:protocol"))
    text = "; ".join(
        f"Конкурс «{c.title}»: итоги подведены {days[c.id]:%d.%m.%Y}"
        + (f", приказ № {c.results_order_number}" if c.results_order_number else "")
        for c in contests)
    return Found(days[last.id], text, doc.id if doc else None,
                 {"contests": [c.id for c in contests]})


def _award_day(tx: Tx, contest: Contest) -> date:
    if contest.results_order_date is not None:
        return contest.results_order_date
    at = tx.session.exec(select(AuditEntry.at).where(
        AuditEntry.object_kind == "contest", AuditEntry.object_id == contest.id,
        AuditEntry.action == "award", AuditEntry.to_state == ContestState.AWARDED)
        .order_by(col(AuditEntry.at).desc())).first()
    return moscow_date(at or contest.updated_at)


def _webinar(tx: Tx, occ: PlanOccurrence, item: PlanItem) -> Found | None:
    ids = _linked(tx, occ, "webinar_cycle")
    s = tx.session
    cycles = list(s.exec(select(WebinarCycle).where(WebinarCycle.id.in_(ids))
                         .order_by(WebinarCycle.id)))
    sessions = list(s.exec(select(WebinarSession).where(
        WebinarSession.cycle_id.in_(ids), WebinarSession.state != SessionState.CANCELLED)))
    for cycle in cycles:
        own = [x for x in sessions if x.cycle_id == cycle.id]
        if cycle.state != CycleState.CLOSED and not (own and all(x.state in HELD for x in own)):
            return None
    held = [x for x in sessions if x.state in HELD]
    if not held:
        return None
    people = s.exec(select(func.count(distinct(Registration.person_id))).where(
        Registration.session_id.in_([x.id for x in held]),
        Registration.state.in_(PRESENT))).one()
    doc = s.exec(select(Document).where(
        Document.kind == "webinar_report", Document.object_kind == "webinar_cycle",
        Document.object_id.in_(ids)).order_by(col(Document.created_at).desc(),
                                              col(Document.id).desc())).first()
    n = len(held)
    titles = ", ".join(f"«{c.title}»" for c in cycles)
    text = (f"{plural(n, 'Проведён', 'Проведено', 'Проведено')} "
            f"{counted(n, 'вебинар', 'вебинара', 'вебинаров')} "
            f"({'цикл' if len(cycles) == 1 else 'циклы'} {titles}), участников: "
            f"{counted(people, 'человек', 'человека', 'человек')}")
    return Found(max(moscow_date(x.starts_at) for x in held), text, doc.id if doc else None,
                 {"cycles": ids, "webinars": n, "participants": people})


def _report(tx: Tx, occ: PlanOccurrence, item: PlanItem) -> Found | None:
    kind = REPORT_KINDS[item.process]
    ids = _linked(tx, occ, "report")
    fits = ((Report.kind == kind) & (Report.period_end >= occ.start)
            & (Report.period_end <= occ.due))
    if ids:
        fits = fits | col(Report.id).in_(ids)
    first = next((r for r in tx.session.exec(select(Report).where(fits)
                                             .order_by(Report.created_at, Report.id))
                  if moscow_date(r.created_at) >= r.period_end), None)
    if first is None:  # none yet, or only previews made before their period ended
        return None
    spec = report_kinds.get(first.kind)
    text = (f"Справка «{spec.title if spec else first.kind}» за период "
            f"{first.period_start:%d.%m.%Y}–{first.period_end:%d.%m.%Y}")
    return Found(moscow_date(first.created_at), text,
                 first.docx_document_id or first.xlsx_document_id,
                 {"report": first.id, "version": first.version})


def _linked(tx: Tx, occ: PlanOccurrence, kind: str) -> list[int]:
    return list(tx.session.exec(select(PlanLink.object_id).where(
        PlanLink.occurrence_id == occ.id, PlanLink.object_kind == kind)
        .order_by(PlanLink.object_id)))


RULES = {"agreements": _agreements, "contest": _contest, "webinar": _webinar,
         "monitoring": _report, "effectiveness": _report, "event_analysis": _report}
