"""Benchmark: one agreement's `advance` as a Prefect flow run, beside the direct calls.

Each measured run registers a fresh agreement that the partner has signed: the number,
the rendered agreement.docx and two emails (sent to a discarding SMTP server in another
process). The flow `advance_agreements([id])` does exactly that work in two tasks, so the
baseline is the same two service calls made directly: `advance(rt, id)` and
`drain(rt)`. The difference is Prefect's per-run overhead. Flows run against a local
test server (prefect_test_harness) with its own PREFECT_HOME.
"""

from __future__ import annotations

from bench.setup import prefect_env

prefect_env()  # before anything imports prefect

import asyncio  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from bench.bench_mail_raw import _free_port, start_sink_process  # noqa: E402
from bench.setup import dispose, make_partner, make_runtime, staff_actor  # noqa: E402


def _signed_agreements(rt, count: int) -> list[int]:
    """`count` agreements signed by the partner and not yet registered."""
    from models import Agreement, SignedVia
    from models.agreement_machine import agreement_machine
    from services import agreements
    from services.mail_delivery import drain
    from services.transitions import transition

    staff, director = staff_actor(rt), staff_actor(rt, "verzunova")
    ids = []
    for n in range(count):
        ag_id = agreements.start(rt, partner_id=make_partner(rt, n + 1), actor=staff)
        agreements.approve(rt, ag_id, actor=director)
        # agreements.record_signed without its trailing advance: registration is what we time.
        with rt.transaction() as tx:
            ag = tx.session.get(Agreement, ag_id)
            with transition(tx, agreement_machine, ag, "record_signed", actor=staff):
                ag.signed_via, ag.signed_at = SignedVia.PAPER, tx.now
        ids.append(ag_id)
    asyncio.run(drain(rt))  # the approval and invitation mail, untimed
    return ids


def _direct(rt, ag_id: int) -> tuple[float, float]:
    """Seconds for advance alone and for advance plus drain, called directly."""
    from services import agreements
    from services.mail_delivery import drain

    started = time.perf_counter()
    state = agreements.advance(rt, ag_id)
    advanced = time.perf_counter() - started
    report = asyncio.run(drain(rt))
    total = time.perf_counter() - started
    if state != "registered" or len(report.sent) != 2:
        raise RuntimeError(f"direct advance: {state}, sent {len(report.sent)}")
    return advanced, total


def _flow(ag_id: int) -> float:
    from flows.agreements import advance_agreements

    started = time.perf_counter()
    states = asyncio.run(advance_agreements([ag_id]))
    elapsed = time.perf_counter() - started
    if states != {ag_id: "registered"}:
        raise RuntimeError(f"flow advance: {states}")
    return elapsed


def run(repeats: int = 5) -> dict:
    """Median wall time of `advance` as a flow run and directly, over `repeats` agreements."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.runtime import use_runtime

    port = _free_port()
    sink = start_sink_process(port)
    rt = make_runtime(smtp_port=port)
    try:
        ids = _signed_agreements(rt, 2 * (repeats + 1))
        direct_ids, flow_ids = ids[: repeats + 1], ids[repeats + 1:]
        direct = [_direct(rt, i) for i in direct_ids]  # the first one warms up
        started = time.perf_counter()
        with prefect_test_harness(server_startup_timeout=120), use_runtime(rt):
            harness_s = time.perf_counter() - started
            flows = [_flow(i) for i in flow_ids]  # the first one warms up the client
    finally:
        sink.terminate()
        sink.wait(timeout=10)
        dispose(rt)
    advance_s = statistics.median(a for a, _ in direct[1:])
    direct_s = statistics.median(t for _, t in direct[1:])
    flow_s = statistics.median(flows[1:])
    return {
        "repeats": repeats,
        "direct_advance_ms": round(advance_s * 1000, 1),
        "direct_ms": round(direct_s * 1000, 1),  # advance + drain: the flow's work
        "flow_ms": round(flow_s * 1000, 1),
        "overhead_ms": round((flow_s - direct_s) * 1000, 1),
        "ratio": round(flow_s / direct_s, 1),
        "first_flow_ms": round(flows[0] * 1000, 1),
        "flow_runs_ms": [round(f * 1000, 1) for f in flows[1:]],
        "direct_runs_ms": [round(t * 1000, 1) for _, t in direct[1:]],
        "harness_start_s": round(harness_s, 1),
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5), indent=2))
