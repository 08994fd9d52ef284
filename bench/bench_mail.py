"""Benchmark: queued emails delivered through the outbox, beside plain aiosmtplib.

Both send to the same discarding SMTP server in another process (bench_mail_raw), with
the same concurrency. The baseline sends the very messages the outbox holds, built before
the clock starts, one connection per message; our figure includes everything `drain`
does: claiming rows, building the messages, sending over the connection pool and
recording each outcome in the database.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Iterator
from email.message import EmailMessage

import aiosmtplib
from sqlmodel import select

from bench.bench_mail_raw import _free_port, raw_send, start_sink_process
from bench.setup import dispose, make_partner, make_runtime, staff_actor

CONCURRENCY = 20
TEMPLATE = "agreement_declined"  # an existing template with a text and an HTML part
CHUNK = 500  # drain claims and builds this many at a time (its default)
MEMORY_SAMPLE = CHUNK  # messages drained once more under tracemalloc


def _queue(rt, n: int, prefix: str) -> float:
    """Queue n emails in one transaction; returns the seconds it took."""
    from models import Agreement, Person
    from services.agreement_context import mail_context
    from services.outbox import queue_email

    started = time.perf_counter()
    with rt.transaction() as tx:
        ag = tx.session.exec(select(Agreement)).first()
        staff = tx.session.exec(select(Person).where(Person.login == "ivanova")).one()
        context = mail_context(tx, ag, staff=staff)
        for i in range(n):
            queue_email(tx, key=f"{prefix}:{i}", template=TEMPLATE,
                        to_addr=f"user{i}@school{i % 50}.test", to_name=f"Получатель {i}",
                        context=context, object_kind="bench")
    return time.perf_counter() - started


def _outbox_messages(rt, prefix: str, chunk: int) -> Iterator[list[EmailMessage]]:
    """The queued messages exactly as drain builds them, `chunk` at a time as drain does.

    A built EmailMessage holds ~120 KB of parsed headers: building all n at once would
    make the baseline, not the outbox, set the process's peak memory.
    """
    from models import OutboxEmail
    from services.mail_delivery import _message

    with rt.session() as s:
        ids = list(s.exec(select(OutboxEmail.id).where(OutboxEmail.key.startswith(f"{prefix}:"))
                          .order_by(OutboxEmail.id)))
    for start in range(0, len(ids), chunk):
        with rt.session() as s:
            rows = s.exec(select(OutboxEmail).where(OutboxEmail.id.in_(ids[start:start + chunk]))
                          .order_by(OutboxEmail.id))
            yield [_message(rt, row, {}) for row in rows]


async def _plain_send(messages: list[EmailMessage], port: int, concurrency: int) -> float:
    """Seconds for aiosmtplib.send of each message (a connection each), `concurrency` at once."""
    gate = asyncio.Semaphore(concurrency)

    async def one(msg: EmailMessage) -> None:
        async with gate:
            await aiosmtplib.send(msg, hostname="127.0.0.1", port=port, start_tls=False)

    started = time.perf_counter()
    await asyncio.gather(*(one(m) for m in messages))
    return time.perf_counter() - started


def _drain_all(rt, expected: int) -> float:
    """Seconds for asyncio.run(drain(rt)); fails unless exactly `expected` were sent."""
    from services.mail_delivery import drain

    started = time.perf_counter()
    report = asyncio.run(drain(rt, chunk=CHUNK))
    elapsed = time.perf_counter() - started
    if len(report.sent) != expected or report.retry or report.failed or report.waiting:
        raise RuntimeError(f"drain: sent {len(report.sent)} of {expected}, retry "
                           f"{len(report.retry)}, failed {len(report.failed)}, "
                           f"waiting {report.waiting}")
    return elapsed


def run(n: int = 2000) -> dict:
    """Deliver n queued emails through the outbox and by plain aiosmtplib; rates and ratio."""
    from services import agreements

    port = _free_port()
    sink = start_sink_process(port)
    rt = make_runtime(smtp_port=port, mail_concurrency=CONCURRENCY)
    try:
        # One agreement gives the template its context; its approval request to the
        # director is sent untimed, which also warms up the sending code.
        agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
        _drain_all(rt, expected=1)

        queue_s = _queue(rt, n, "bench")
        drain_s = _drain_all(rt, expected=n)
        plain_s, sizes = 0.0, []
        for messages in _outbox_messages(rt, "bench", CHUNK):  # the same messages again
            plain_s += asyncio.run(_plain_send(messages, port, CONCURRENCY))
            sizes += [len(m.as_bytes()) for m in messages]
        small_s = asyncio.run(raw_send(n, port, CONCURRENCY))

        sample = min(MEMORY_SAMPLE, n)
        _queue(rt, sample, "bench-memory")
        tracemalloc.start()
        _drain_all(rt, expected=sample)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        sink.terminate()
        sink.wait(timeout=10)
        dispose(rt)
    ours, plain = n / drain_s, n / plain_s
    return {
        "n": n,
        "concurrency": CONCURRENCY,
        "kb_per_message": round(sum(sizes) / len(sizes) / 1024, 1),
        "queued_per_s": round(n / queue_s, 1),
        "outbox_per_s": round(ours, 1),
        "outbox_seconds": round(drain_s, 2),
        "plain_per_s": round(plain, 1),
        "plain_seconds": round(plain_s, 2),
        "plain_small_per_s": round(n / small_s, 1),  # bench_mail_raw.raw_send, short messages
        "ratio": round(ours / plain, 2),
        "py_peak_mb": round(peak / 2**20, 1),
        "memory_sample": sample,
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=2))
