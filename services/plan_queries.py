"""Read-only views of the annual plans for staff: the list, and one plan by sections."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func
from sqlmodel import select

from adapters.clock import moscow_date
from models import Person
from models.plan import OccurrenceState, Plan, PlanItem, PlanOccurrence
from services.plan import plan_by_ref
from services.plan_schedule import KIND_LABELS, ScheduleKind
from services.runtime import Runtime

DONE = (OccurrenceState.DONE, OccurrenceState.DONE_LATE)


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
                 "done": sum(states[p.id][x] for x in DONE),
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
                                 "due": f"{o.due:%d.%m.%Y}", "state": o.state.label}
                                for o in occurrences[item.id]]})
        return {"id": plan.id, "year": plan.year, "title": plan.title,
                "source": plan.source_name,
                "loaded": f"{moscow_date(plan.created_at):%d.%m.%Y}",
                "sections": sections}
