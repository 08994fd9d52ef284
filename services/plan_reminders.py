"""Reminders before a plan item's due date and escalation of overdue ones, fired by the sweep.

For each «запланировано» occurrence and each offset of `settings.plan_reminder_offsets_days`
(7 and 1 days by default): on the Moscow days from due − offset to due, one letter to the
item's responsible person — to the director when nobody is responsible, saying so and how to
assign someone. A late sweep sends only the nearest wave (the smallest offset whose day has
come), never an earlier one it missed; each wave goes once (outbox key
`plan:occ:{id}:remind:{offset}`), through the audited `remind` transition.

From the day after the due date the occurrence becomes «просрочено» (`mark_overdue`) and is
escalated once (`escalate`): a letter to the director and a notice to the responsible person.
Closed and cancelled occurrences are never touched. Each pass selects its occurrences by a
due-date range and works through them in batches, one transaction per batch, the rows locked
(PostgreSQL) so two sweeps never both send.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import select

from adapters.clock import moscow_date
from adapters.russian import plural
from models import OutboxEmail, Person
from models.plan import OccurrenceState as O, Plan, PlanItem, PlanOccurrence
from models.plan_machine import occurrence_machine as M
from services.actors import Actor
from services.org import director
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import transition

BATCH = 200  # occurrences per transaction
KIND = "plan_occurrence"


def sweep(rt: Runtime) -> dict:
    """Send the reminders due today, mark and escalate the overdue occurrences; the ids of
    each: {"reminders", "overdue", "escalations"}. Idempotent: a second sweep sends nothing."""
    today = moscow_date(rt.clock.now())
    offsets = rt.settings.plan_reminder_offsets_days
    with rt.session() as s:
        ahead = list(s.exec(select(PlanOccurrence.id).where(
            PlanOccurrence.state == O.PLANNED, PlanOccurrence.due >= today,
            PlanOccurrence.due <= today + timedelta(days=max(offsets)))
            .order_by(PlanOccurrence.due, PlanOccurrence.id))) if offsets else []
        late = list(s.exec(select(PlanOccurrence.id).where(sa.or_(
            sa.and_(PlanOccurrence.state == O.PLANNED, PlanOccurrence.due < today),
            sa.and_(PlanOccurrence.state == O.OVERDUE, PlanOccurrence.escalated_at.is_(None))))
            .order_by(PlanOccurrence.due, PlanOccurrence.id)))
    report: dict[str, list[int]] = {"reminders": [], "overdue": [], "escalations": []}
    for start in range(0, len(ahead), BATCH):
        with rt.transaction() as tx:
            for row in _locked(tx, ahead[start:start + BATCH]):
                if _remind(tx, row):
                    report["reminders"].append(row.occ.id)
    for start in range(0, len(late), BATCH):
        with rt.transaction() as tx:
            for row in _locked(tx, late[start:start + BATCH]):
                _overdue(tx, row, report)
    return report


def wave_due(due: date, today: date, offsets: list[int]) -> int | None:
    """The nearest wave whose day has come (the smallest offset ≥ the days left), if any."""
    left = (due - today).days
    waves = [d for d in offsets if 0 <= left <= d]
    return min(waves) if waves else None


def reminder_key(occurrence_id: int, offset: int) -> str:
    return f"plan:occ:{occurrence_id}:remind:{offset}"


class _Row:
    """One occurrence with what its letters name: item, plan, people, sibling count."""

    def __init__(self, occ: PlanOccurrence, item: PlanItem, plan: Plan,
                 responsible: Person | None, count: int) -> None:
        self.occ, self.item, self.plan = occ, item, plan
        self.responsible, self.count = responsible, count


def _locked(tx: Tx, ids: list[int]) -> list[_Row]:
    s = tx.session
    found = s.exec(select(PlanOccurrence, PlanItem, Plan)
                   .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                   .join(Plan, Plan.id == PlanItem.plan_id)
                   .where(PlanOccurrence.id.in_(ids))
                   .order_by(PlanOccurrence.due, PlanOccurrence.id)
                   .with_for_update(of=PlanOccurrence)).all()
    item_ids = {item.id for _, item, _ in found}
    counts = dict(s.exec(select(PlanOccurrence.item_id, sa.func.count(PlanOccurrence.id))
                         .where(PlanOccurrence.item_id.in_(item_ids))
                         .group_by(PlanOccurrence.item_id)).all())
    people = {p.id: p for p in s.exec(select(Person).where(Person.id.in_(
        {item.responsible_id for _, item, _ in found if item.responsible_id})))}
    return [_Row(occ, item, plan, people.get(item.responsible_id), counts[item.id])
            for occ, item, plan in found]


def _remind(tx: Tx, row: _Row) -> bool:
    occ, today = row.occ, moscow_date(tx.now)
    offset = wave_due(occ.due, today, tx.rt.settings.plan_reminder_offsets_days)
    if occ.state != O.PLANNED or offset is None:
        return False
    key = reminder_key(occ.id, offset)
    if tx.session.exec(select(OutboxEmail.id).where(OutboxEmail.key == key)).first():
        return False
    to = row.responsible or _director(tx)
    with transition(tx, M, occ, "remind", actor=Actor.scheduler()) as step:
        left = (occ.due - today).days
        queue_to_person(tx, to, key=key, template="plan_reminder", step=step,
                        context=_context(tx, row, to, days_left=left, offset=offset),
                        object_kind=KIND, object_id=occ.id)
        occ.last_reminded_at = tx.now
        step.details.update(offset_days=offset, days_left=left, due=f"{occ.due:%d.%m.%Y}",
                            to=to.full_name, unassigned=row.responsible is None)
    return True


def _overdue(tx: Tx, row: _Row, report: dict) -> None:
    occ, today = row.occ, moscow_date(tx.now)
    if occ.state == O.PLANNED and occ.due < today:
        with transition(tx, M, occ, "mark_overdue", actor=Actor.scheduler(), day=today) as step:
            step.details.update(due=f"{occ.due:%d.%m.%Y}", day=f"{today:%d.%m.%Y}")
        report["overdue"].append(occ.id)
    if occ.state != O.OVERDUE or occ.escalated_at is not None:
        return
    head, late = _director(tx), (today - occ.due).days
    with transition(tx, M, occ, "escalate", actor=Actor.scheduler()) as step:
        queue_to_person(tx, head, key=f"plan:occ:{occ.id}:escalation:to:{head.id}",
                        template="plan_escalation", step=step, object_kind=KIND,
                        object_id=occ.id, context=_context(tx, row, head, days_late=late))
        person = row.responsible
        if person is not None and person.id != head.id:
            queue_to_person(tx, person, key=f"plan:occ:{occ.id}:overdue:to:{person.id}",
                            template="plan_overdue", step=step, object_kind=KIND,
                            object_id=occ.id, context=_context(tx, row, person, days_late=late))
        occ.escalated_at = tx.now
        step.details.update(due=f"{occ.due:%d.%m.%Y}", days_late=late,
                            responsible=person.full_name if person else "")
    report["escalations"].append(occ.id)


def _director(tx: Tx) -> Person:
    head = tx.cache.get("plan_director")
    if head is None:
        head = tx.cache["plan_director"] = director(tx)
    return head


def _context(tx: Tx, row: _Row, person: Person, *, days_left: int | None = None,
             offset: int | None = None, days_late: int | None = None) -> dict:
    item, occ = row.item, row.occ
    which = f" --occurrence {occ.position}" if row.count > 1 else ""
    ref = f"{row.plan.year} {item.code}"
    return {
        "person": person, "responsible": row.responsible, "plan": row.plan,
        "item": item, "title": item_title(item.activity), "occurrence": occ,
        "count": row.count, "days_left": days_left, "offset": offset,
        "when": _when(days_left) if days_left is not None else "",
        "days_late": days_late,
        "late_text": f"{days_late} {plural(days_late, 'день', 'дня', 'дней')}"
        if days_late is not None else "",
        "close_command": f"imc plan close {ref}{which}",
        "assign_command": f"imc plan assign {ref} ЛОГИН",
        "cancel_command": f"imc plan cancel {ref}{which} --reason \"…\"",
    }


def _when(days_left: int) -> str:
    if days_left == 0:
        return "сегодня"
    if days_left == 1:
        return "завтра"
    return f"через {days_left} {plural(days_left, 'день', 'дня', 'дней')}"


def item_title(activity: str, limit: int = 80) -> str:
    """The first line of an item's activity, shortened for a subject line."""
    line = activity.strip().splitlines()[0].rstrip(":. ") if activity.strip() else ""
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"
