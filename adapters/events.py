"""Business events out to Prefect's event feed (or kept in memory for tests)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BusinessEvent:
    name: str  # imc.<process>.<transition>
    resource_id: str  # imc.<process>.<id>
    payload: dict = field(default_factory=dict)
    event_id: str = ""  # a UUID, so a re-sent event is recognisably the same


class EventSink(Protocol):
    def emit(self, events: list[BusinessEvent]) -> bool:
        """Hand the events over; True when the receiver has taken them all."""


class PrefectEventSink:
    """Emits to the Prefect API the process is configured for (PREFECT_API_URL)."""

    def emit(self, events: list[BusinessEvent]) -> bool:
        from uuid import UUID

        from prefect.events import emit_event

        taken = True
        for ev in events:
            try:
                sent = emit_event(
                    event=ev.name,
                    resource={"prefect.resource.id": ev.resource_id, **_labels(ev)},
                    payload=ev.payload,
                    id=UUID(ev.event_id) if ev.event_id else None,
                )
            except Exception as exc:  # kept in the store; the next forward tries again
                log.warning("событие %s не отправлено в Prefect: %s", ev.name, exc)
                sent = None
            taken = taken and sent is not None
        return taken


class PendingEventSink:
    """No Prefect API here (a CLI in a plain shell): events wait in the store for a flow."""

    def emit(self, events: list[BusinessEvent]) -> bool:
        return False


class MemoryEventSink:
    """Keeps the events; tests read them."""

    def __init__(self) -> None:
        self.events: list[BusinessEvent] = []

    def emit(self, events: list[BusinessEvent]) -> bool:
        self.events.extend(events)
        return True


def _labels(ev: BusinessEvent) -> dict[str, str]:
    return {k: str(v) for k, v in ev.payload.items() if k in ("state", "from", "number")}


def default_sink() -> EventSink:
    """Prefect when an API is configured; otherwise events wait in the store for a flow."""
    return PrefectEventSink() if os.environ.get("PREFECT_API_URL") else PendingEventSink()
