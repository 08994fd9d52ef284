"""The sweep: every timer of every process that is due now, and pending automatic work."""

from __future__ import annotations

from services import (
    agreement_timers,
    agreements,
    contest_results,
    contest_review_reminders,
    contest_screening,
    contests,
    plan_reminders,
    plan_sync,
    webinar_closing,
    webinar_reminders,
)
from services.runtime import Runtime


def fire_timers(rt: Runtime) -> dict:
    """Reminders, escalations, expiries, then the automatic steps left pending; idempotent."""
    timers = agreement_timers.sweep(rt)
    advanced = {i: agreements.advance(rt, i) for i in agreements.pending_ids(rt)}
    contest_states = {i: contests.advance(rt, i) for i in contests.active_ids(rt)}
    return {"reminders": timers.reminders, "escalations": timers.escalations,
            "expiring": timers.expiring, "expired": timers.expired, "advanced": advanced,
            "contests": contest_states,
            "returns_expired": contest_screening.expire_returns(rt),
            "experts_reminded": contest_review_reminders.remind_experts(rt),
            "statuses_expiring": contest_results.remind_status_expiry(rt),
            "webinar_reminders": webinar_reminders.remind(rt),
            "webinar_closing": webinar_closing.close_due(rt),
            # Before the reminders: what the records show done is closed, not marked overdue.
            "plan_sync": plan_sync.sync(rt),
            "plan_reminders": plan_reminders.sweep(rt)}


def summary(report: dict, sent: int) -> str:
    """One Russian line for staff (CLI) and the flow's log."""
    reminders = report.get("webinar_reminders") or {"waves": [], "sent": 0}
    closing = report.get("webinar_closing") or {"held": [], "closed": [], "cycles_closed": []}
    plan = report.get("plan_reminders") or {"reminders": [], "overdue": [], "escalations": []}
    plan_done = (report.get("plan_sync") or {"closed": []})["closed"]
    return (f"Напоминаний: {len(report['reminders'])}, эскалаций: {len(report['escalations'])}, "
            f"истекает: {len(report['expiring'])}, истекло: {len(report['expired'])}, "
            f"зарегистрировано: {len(report['advanced'])}, "
            f"напоминаний о вебинарах: {reminders['sent']}, "
            f"вебинаров проведено: {len(closing['held'])}, "
            f"завершено: {len(closing['closed'])}, "
            f"циклов завершено: {len(closing['cycles_closed'])}, "
            f"напоминаний по плану: {len(plan['reminders'])}, "
            f"сроков плана просрочено: {len(plan['overdue'])}, "
            f"эскалаций по плану: {len(plan['escalations'])}, "
            f"пунктов плана выполнено по записям: {len(plan_done)}, писем отправлено: {sent}")
