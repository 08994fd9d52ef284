"""Business events from the store to Prefect's event feed: at once, or later by a flow."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from adapters.events import BusinessEvent, EventSink
from models import EventRecord
from services.runtime import Runtime


def deliver(rt: Runtime, records: list[EventRecord], sink: EventSink | None = None) -> bool:
    """Hand committed events to the sink; mark them forwarded when it took them."""
    events = [BusinessEvent(r.name, r.resource_id, r.payload, r.event_id) for r in records]
    if not (sink or rt.events).emit(events):
        return False
    with rt.transaction() as tx:
        tx.session.execute(sa.update(EventRecord)
                           .where(EventRecord.id.in_([r.id for r in records]))
                           .values(forwarded_at=tx.now))
    return True


def forward_pending(rt: Runtime, sink: EventSink, *, batch: int = 500) -> int:
    """Events written where no Prefect API was configured (a CLI in a plain shell)."""
    forwarded = 0
    while True:
        with rt.session() as s:
            stmt = (select(EventRecord).where(EventRecord.forwarded_at.is_(None))
                    .order_by(EventRecord.id).limit(batch))
            records = list(s.exec(stmt))
        if not records or not deliver(rt, records, sink):
            return forwarded
        forwarded += len(records)


def pending_count(rt: Runtime) -> int:
    with rt.session() as s:
        stmt = select(sa.func.count()).select_from(EventRecord).where(
            EventRecord.forwarded_at.is_(None))
        return int(s.exec(stmt).one())
