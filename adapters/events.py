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


class EventSink(Protocol):
    def emit(self, events: list[BusinessEvent]) -> None: ...


class PrefectEventSink:
    """Emits to the Prefect API the process is configured for (PREFECT_API_URL)."""

    def emit(self, events: list[BusinessEvent]) -> None:
        from prefect.events import emit_event

        for ev in events:
            try:
                emit_event(
                    event=ev.name,
                    resource={"prefect.resource.id": ev.resource_id, **_labels(ev)},
                    payload=ev.payload,
                )
            except Exception as exc:  # the business change is committed; an event is best effort
                log.warning("событие %s не отправлено в Prefect: %s", ev.name, exc)


class MemoryEventSink:
    """Keeps the events; tests read them."""

    def __init__(self) -> None:
        self.events: list[BusinessEvent] = []

    def emit(self, events: list[BusinessEvent]) -> None:
        self.events.extend(events)


def _labels(ev: BusinessEvent) -> dict[str, str]:
    return {k: str(v) for k, v in ev.payload.items() if k in ("state", "from", "number")}


def default_sink() -> EventSink:
    """Prefect when an API is configured, otherwise memory (nothing to send to)."""
    return PrefectEventSink() if os.environ.get("PREFECT_API_URL") else MemoryEventSink()
