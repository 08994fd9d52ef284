"""Reminders before a plan item's due date and escalation of overdue ones, fired by the sweep.

For each «запланировано» occurrence and each offset of `settings.plan_reminder_offsets_days`
(7 and 1 days by default): on the Moscow days from due − offset to due, one letter to the
item's responsible person — to the director when nobody is responsible, saying so and how to
assign someone. A late sweep sends only the nearest wave (the smallest offset whose day has
come), never an earlier one it missed; each wave goes once (outbox key
`plan:occ:{id}:remind:{offset}`), through the audited `remind` transition.

From the day after the due date the occurrence becomes «просрочено» (`mark_overdue`) and is
escalated once (`escalate`). Escalation is a digest: one sweep run sends ONE letter to the
director listing every occurrence escalated in the run, and ONE notice to each responsible
person listing their own; a digest of one item reads like a single letter. Closed and
cancelled occurrences are never touched.

Transactions, and why a crash loses and duplicates nothing:
1. The ids to mark are collected first (read only): «запланировано» past due, and
   «просрочено» not yet escalated (left so by an earlier run that stopped after step 2).
2. `mark_overdue` in batches of BATCH, one transaction each. The mark alone sends nothing,
   so a crash between batches leaves occurrences «просрочено» without `escalated_at`: the
   next run collects them again in step 1.
3. ONE transaction escalates them all: each occurrence's `escalate` (audited, the digest's
   letters in its email_ids, `escalated_at` set) and the digests queued together, so an
   occurrence is escalated if and only if a letter naming it is queued. A crash here rolls
   both back; the rows are locked (PostgreSQL) and re-checked, so a concurrent sweep finds
   them escalated and sends nothing. Outbox keys come from the digest's sorted occurrence
   ids (`plan:escalation:{sha256[:16]}:to:{person}`, `plan:overdue:…`): a retried step
   queues the same letter once. A digest's outbox row points at its earliest occurrence;
   every occurrence's `escalate` audit entry lists the digest letters that name it.
"""

from __future__ import annotations

import hashlib
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
                if _mark_overdue(tx, row):
                    report["overdue"].append(row.occ.id)
    if late:
        with rt.transaction() as tx:
            report["escalations"] = _escalate(tx, _locked(tx, late))
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


def _mark_overdue(tx: Tx, row: _Row) -> bool:
    occ, today = row.occ, moscow_date(tx.now)
    if occ.state != O.PLANNED or occ.due >= today:
        return False
    with transition(tx, M, occ, "mark_overdue", actor=Actor.scheduler(), day=today) as step:
        step.details.update(due=f"{occ.due:%d.%m.%Y}", day=f"{today:%d.%m.%Y}")
    return True


def _escalate(tx: Tx, rows: list[_Row]) -> list[int]:
    """Escalate the locked rows still «просрочено» and not escalated, with their digests."""
    rows = [r for r in rows if r.occ.state == O.OVERDUE and r.occ.escalated_at is None]
    if not rows:
        return []
    head, today = _director(tx), moscow_date(tx.now)
    letters = {head.id: _digest(tx, head, rows, "plan_escalation", "escalation")}
    theirs: dict[int, list[_Row]] = {}
    for row in rows:
        if row.responsible is not None and row.responsible.id != head.id:
            theirs.setdefault(row.responsible.id, []).append(row)
    for own in theirs.values():
        person = own[0].responsible
        letters[person.id] = _digest(tx, person, own, "plan_overdue", "overdue")
    for row in rows:
        occ, person = row.occ, row.responsible
        with transition(tx, M, occ, "escalate", actor=Actor.scheduler()) as step:
            step.email_ids.append(letters[head.id].id)
            if person is not None and person.id != head.id:
                step.email_ids.append(letters[person.id].id)
            occ.escalated_at = tx.now
            step.details.update(due=f"{occ.due:%d.%m.%Y}", days_late=(today - occ.due).days,
                                responsible=person.full_name if person else "",
                                digest_items=len(rows))
    return [r.occ.id for r in rows]


def digest_key(kind: str, occurrence_ids: list[int], person_id: int) -> str:
    """The outbox key of a digest: the same occurrences to the same person give one letter."""
    ids = ",".join(str(i) for i in sorted(occurrence_ids))
    return f"plan:{kind}:{hashlib.sha256(ids.encode()).hexdigest()[:16]}:to:{person_id}"


def _digest(tx: Tx, person: Person, rows: list[_Row], template: str, kind: str):
    today, n = moscow_date(tx.now), len(rows)
    entries = [_context(tx, r, person, days_late=(today - r.occ.due).days) for r in rows]
    plans = sorted({r.plan.year for r in rows})
    of_plans = (f"плана работы на {plans[0]} год" if len(plans) == 1 else
                f"планов работы на {', '.join(map(str, plans[:-1]))} и {plans[-1]} годы")
    context = {**entries[0], "items": entries, "n": n, "of_plans": of_plans,
               "overdue_text": f"{plural(n, 'просрочен', 'просрочены', 'просрочено')} {n} "
                               f"{plural(n, 'срок', 'срока', 'сроков')}",
               "unassigned": any(r.responsible is None for r in rows),
               "notified": any(r.responsible is not None and r.responsible.id != person.id
                               for r in rows)}
    key = digest_key(kind, [r.occ.id for r in rows], person.id)
    return queue_to_person(tx, person, key=key, template=template, context=context,
                           object_kind=KIND, object_id=rows[0].occ.id)


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
