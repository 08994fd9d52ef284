"""The scheduled sweep: fire due timers of every process, finish pending work, send mail."""

from __future__ import annotations

from prefect import flow, task

from adapters.events import PrefectEventSink
from flows.mail import drain_outbox
from flows.runtime import runtime
from services import event_forwarding, sweep as sweep_service


@task(name="fire-timers")
def fire_timers_task() -> dict:
    return sweep_service.fire_timers(runtime())


@task(name="forward-events")
def forward_events_task() -> int:
    """Events written where no Prefect API was configured reach the event feed now."""
    return event_forwarding.forward_pending(runtime(), PrefectEventSink())


@flow(name="sweep", log_prints=True)
async def sweep() -> dict:
    """Reminders, escalations and expiries that are due now; then the outbox and events."""
    timers = fire_timers_task()
    mail = await drain_outbox()
    forwarded = forward_events_task()
    print(sweep_service.summary(timers, mail["sent"]) + f", событий передано: {forwarded}")
    return {"timers": timers, "advanced": timers["advanced"], "mail": mail,
            "events_forwarded": forwarded}
