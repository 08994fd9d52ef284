"""Read-only views of the annual plans for staff: the list, and one plan by sections."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import select

from adapters.clock import moscow_date
from models import Document, Person
from models.plan import OccurrenceState, Plan, PlanItem, PlanOccurrence
from services.plan import plan_by_ref
from services.plan_closing import CLOSED
from services.plan_execution_data import done_days
from services.plan_schedule import KIND_LABELS, ScheduleKind
from services.runtime import Runtime


def list_plans(rt: Runtime) -> list[dict]:
    """Every loaded plan with its counts: items, due dates, done, overdue."""
    with rt.session() as s:
        items = dict(s.exec(select(PlanItem.plan_id, func.count(PlanItem.id))
                            .group_by(PlanItem.plan_id)).all())
        states: dict[int, Counter] = defaultdict(Counter)
        for plan_id, state, n in s.exec(
                select(PlanItem.plan_id, PlanOccurrence.state, func.count(PlanOccurrence.id))
                .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                .group_by(PlanItem.plan_id, PlanOccurrence.state)):
            states[plan_id][state] += n
        return [{"id": p.id, "year": p.year, "title": p.title, "source": p.source_name,
                 "loaded": f"{moscow_date(p.created_at):%d.%m.%Y}",
                 "items": items.get(p.id, 0),
                 "occurrences": sum(states[p.id].values()),
                 "done": sum(states[p.id][x] for x in CLOSED),
                 "overdue": states[p.id][OccurrenceState.OVERDUE]}
                for p in s.exec(select(Plan).order_by(Plan.year))]


def plan_view(rt: Runtime, ref: int) -> dict:
    """The plan (by year or number): sections in order, each item with its schedule, due
    dates and their states, and the responsible person."""
    with rt.transaction() as tx:
        s = tx.session
        plan = plan_by_ref(tx, ref)
        items = list(s.exec(select(PlanItem).where(PlanItem.plan_id == plan.id)
                            .order_by(PlanItem.position)))
        occurrences: dict[int, list[PlanOccurrence]] = defaultdict(list)
        for occ in s.exec(select(PlanOccurrence).where(
                PlanOccurrence.item_id.in_([i.id for i in items]))
                .order_by(PlanOccurrence.item_id, PlanOccurrence.position)):
            occurrences[occ.item_id].append(occ)
        people = {p.id: p for p in s.exec(select(Person).where(
            Person.id.in_({i.responsible_id for i in items if i.responsible_id})))}
        files = dict(s.exec(select(Document.id, Document.filename).where(Document.id.in_(
            {o.result_document_id for x in occurrences.values() for o in x
             if o.result_document_id}))).all())
        days = done_days(tx, [o.id for x in occurrences.values() for o in x if o.closed_at])
        sections: list[dict] = []
        for item in items:
            if not sections or sections[-1]["code"] != item.section_code:
                sections.append({"code": item.section_code, "title": item.section_title,
                                 "items": []})
            person = people.get(item.responsible_id)
            sections[-1]["items"].append({
                "id": item.id, "code": item.code, "number": item.number,
                "activity": item.activity, "schedule": item.schedule_text,
                "kind": KIND_LABELS[ScheduleKind(item.schedule_kind)],
                "on_request": item.on_request, "result": item.result,
                "process": item.process or "",
                "responsible": person.full_name if person else "",
                "responsible_login": person.login or "" if person else "",
                "occurrences": [{"id": o.id, "start": f"{o.start:%d.%m.%Y}",
                                 "due": f"{o.due:%d.%m.%Y}", "state": o.state.label,
                                 **occurrence_outcome(o, files, days.get(o.id))}
                                for o in occurrences[item.id]]})
        return {"id": plan.id, "year": plan.year, "title": plan.title,
                "source": plan.source_name,
                "loaded": f"{moscow_date(plan.created_at):%d.%m.%Y}",
                "sections": sections}


def occurrence_outcome(o: PlanOccurrence, files: dict[int, str],
                       day: date | None = None) -> dict:
    """When an occurrence was done (`day`, as plan_execution_data.done_days gives it, else the
    day it was closed) and with what: text, link, file (or why cancelled)."""
    parts = [o.result_text, o.result_url]
    if o.result_document_id:
        name = files.get(o.result_document_id, "")
        parts.append(f"документ №{o.result_document_id}" + (f" «{name}»" if name else ""))
    day = day or (moscow_date(o.closed_at) if o.closed_at else None)
    return {"closed": f"{day:%d.%m.%Y}" if day else "",
            "result": "; ".join(p for p in parts if p),
            "cancel_reason": o.cancel_reason}


def due_list(rt: Runtime, ref: int | None = None, days: int = 14) -> dict:
    """What is due in the next `days` days and what is overdue (of one plan, or of all),
    by due date: item, due date, responsible, state."""
    with rt.transaction() as tx:
        today = moscow_date(tx.now)
        horizon = today + timedelta(days=max(days, 0))
        stmt = (select(PlanOccurrence, PlanItem, Plan.year, Person)
                .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                .join(Plan, Plan.id == PlanItem.plan_id)
                .outerjoin(Person, Person.id == PlanItem.responsible_id)
                .where(sa.or_(PlanOccurrence.state == OccurrenceState.OVERDUE,
                              sa.and_(PlanOccurrence.state == OccurrenceState.PLANNED,
                                      PlanOccurrence.due <= horizon)))
                .order_by(PlanOccurrence.due, Plan.year, PlanItem.position,
                          PlanOccurrence.position))
        if ref is not None:
            stmt = stmt.where(Plan.id == plan_by_ref(tx, ref).id)
        rows = [{"id": o.id, "year": year, "code": item.code, "activity": item.activity,
                 "position": o.position, "due": f"{o.due:%d.%m.%Y}",
                 "days": (o.due - today).days, "responsible": person.full_name if person
                 else "", "state": o.state.label, "overdue": o.due < today}
                for o, item, year, person in tx.session.exec(stmt)]
        return {"today": f"{today:%d.%m.%Y}", "until": f"{horizon:%d.%m.%Y}", "days": days,
                "rows": rows}
