"""Expert review's timers and its late list: reminders before and after the review due date
(each offset once, only the latest due one), and who still owes scores."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from adapters.clock import moscow_date
from models import Application, Assignment, Contest, ContestState as C, Person, Review
from services import contests, outbox
from services.contest_review import assignment_items
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx


def remind_experts(rt: Runtime) -> list[int]:
    """Before and after the review due date, each offset once; only the latest due one."""
    reminded = []
    with rt.session() as s:
        ids = list(s.exec(select(Contest.id).where(Contest.state == C.REVIEWING)))
    for contest_id in ids:
        with rt.transaction() as tx:
            contest, spec = contests.get(tx, contest_id)
            today, due = moscow_date(tx.now), spec.dates.review_due
            before = [d for d in spec.reminders.expert_before_due_days if due - timedelta(d)
                      <= today <= due]
            after = [d for d in spec.reminders.expert_after_due_days
                     if today >= due + timedelta(d)]
            offset = (f"after:{max(after)}" if after else f"before:{min(before)}" if before
                      else None)
            if offset is None:
                continue
            for expert_id, pending in late_by_expert(tx, contest.id).items():
                key = f"contest:{contest.id}:expert_reminder:{expert_id}:{offset}"
                if outbox.queued(tx, key):
                    continue
                expert = tx.session.get(Person, expert_id)
                queue_to_person(
                    tx, expert, key=key, template="contest_expert_reminder",
                    context={"contest": contest, "spec": spec, "expert": expert,
                             "overdue": bool(after), "items": assignment_items(tx, pending)},
                    object_kind="contest", object_id=contest.id)
                reminded.append(expert_id)
    return reminded


def late_report(rt: Runtime, contest_id: int):
    """(review due date, [(expert, email, "ИП-1/2024, …")]) of experts still owing scores."""
    with rt.transaction() as tx:
        _, spec = contests.get(tx, contest_id)
        rows = []
        for expert_id, items in late_by_expert(tx, contest_id).items():
            person = tx.session.get(Person, expert_id)
            numbers = [tx.session.get(Application, a.application_id).number for a in items]
            rows.append((person.full_name, person.email, ", ".join(numbers)))
        return spec.dates.review_due, rows


def late_by_expert(tx: Tx, contest_id: int) -> dict[int, list[Assignment]]:
    """Active assignments without a review, by expert."""
    stmt = (select(Assignment).outerjoin(Review, Review.assignment_id == Assignment.id)
            .where(Assignment.contest_id == contest_id, Assignment.active, Review.id.is_(None))
            .order_by(Assignment.id))
    pending: dict[int, list[Assignment]] = {}
    for a in tx.session.exec(stmt):  # one query, not one per assignment (the sweep runs it)
        pending.setdefault(a.expert_id, []).append(a)
    return pending
