"""The scheduled sweep: fire due timers of every process, finish pending work, send mail."""

from __future__ import annotations

from prefect import flow, task

from flows.agreements import advance_task
from flows.mail import drain_outbox
from flows.runtime import runtime
from services import agreement_timers


@task(name="agreement-timers")
def agreement_timers_task() -> dict:
    report = agreement_timers.sweep(runtime())
    return {"reminders": report.reminders, "escalations": report.escalations,
            "expiring": report.expiring, "expired": report.expired}


@flow(name="sweep", log_prints=True)
async def sweep() -> dict:
    """Reminders, escalations and expiries that are due now; then the outbox."""
    timers = agreement_timers_task()
    advanced = advance_task(None)
    mail = await drain_outbox()
    print(f"Напоминаний: {len(timers['reminders'])}, эскалаций: {len(timers['escalations'])}, "
          f"истекает: {len(timers['expiring'])}, истекло: {len(timers['expired'])}, "
          f"зарегистрировано: {len(advanced)}, писем отправлено: {mail['sent']}")
    return {"timers": timers, "advanced": advanced, "mail": mail}
