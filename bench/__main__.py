"""`make bench`: mail, documents and orchestration, each beside its raw baseline, a whole
contest (intake to award) at two sizes, directly and as Prefect flows, and a webinar cycle
with 10,000 registrants (invitations to certificates).
The monitoring справка for a year of 300 organisations (issue 5), in its own process.

Prints Rich tables and the peak memory, and writes the figures to
bench/results/latest.json. `--quick` runs smaller sizes (a smoke test, not figures).
"""

from __future__ import annotations

from bench.setup import prefect_env

prefect_env()  # before anything imports prefect

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
FULL = {"mail": 2000, "documents": 500, "repeats": 5, "contest": [100, 1000],
        "webinar": 10_000}
QUICK = {"mail": 300, "documents": 100, "repeats": 3, "contest": [50, 200], "webinar": 500}
BATCH_REPEATS = 7
BATCH_TARGET = 1.0  # batch on all cores must beat one core: the second core adds throughput


def _rss_mb() -> dict:
    """Peak resident memory so far: this process, and the largest child process."""
    return {
        "self_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def _batch_medians(n: int, times: int = BATCH_REPEATS) -> dict:
    """Batch against one core, alternately `times` times: one batch takes well under a
    second, so a single pair mostly measures what else the machine was doing."""
    from adapters.docx_render import DocxRenderer
    from bench.bench_documents import NAME, TEMPLATES, make_context

    contexts = [make_context(i) for i in range(n)]
    renderer = DocxRenderer(TEMPLATES)
    renderer.render(NAME, contexts[0])
    one, batch = [], []
    for _ in range(times):
        started = time.perf_counter()
        for context in contexts:
            renderer.render(NAME, context)
        one.append(n / (time.perf_counter() - started))
        started = time.perf_counter()
        renderer.render_batch(NAME, contexts, workers=os.cpu_count())
        batch.append(n / (time.perf_counter() - started))
    renderer.close()  # reap the workers so their CPU time and memory are counted
    return {"times": times, "one_core_per_s": round(statistics.median(one), 1),
            "batch_per_s": round(statistics.median(batch), 1),
            "batch_runs_per_s": [round(b, 1) for b in batch],
            "one_core_runs_per_s": [round(o, 1) for o in one]}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _rows(mail: dict, docs: dict, orch: dict) -> list[dict]:
    modes = docs["modes"]
    one_core = round(modes["fast"]["docs_per_s"] / modes["plain"]["docs_per_s"], 2)
    medians = docs["batch_medians"]
    batch = round(medians["batch_per_s"] / medians["one_core_per_s"], 2)
    return [
        {"stage": f"mail, {mail['n']} via outbox",
         "ours": f"{mail['outbox_per_s']:.0f} msg/s",
         "baseline": f"{mail['plain_per_s']:.0f} msg/s aiosmtplib",
         "ratio": mail["ratio"], "target": "≥ 0.5×", "met": mail["ratio"] >= 0.5},
        {"stage": f"documents, {docs['n']}, 1 core",
         "ours": f"{modes['fast']['docs_per_s']:.0f} doc/s",
         "baseline": f"{modes['plain']['docs_per_s']:.0f} doc/s plain docxtpl",
         "ratio": one_core, "target": "≥ 3×", "met": one_core >= 3},
        {"stage": f"documents, {docs['n']}, batch (median of {medians['times']})",
         "ours": f"{medians['batch_per_s']:.0f} doc/s, {docs['workers']} procs",
         "baseline": f"{medians['one_core_per_s']:.0f} doc/s, 1 core",
         "ratio": batch, "target": f"> {BATCH_TARGET}×, 2+ procs",
         "met": docs["workers"] >= 2 and batch > BATCH_TARGET},
        {"stage": f"advance, median of {orch['repeats']}",
         "ours": f"{orch['flow_ms']:.0f} ms as flow",
         "baseline": f"{orch['direct_ms']:.0f} ms direct",
         "ratio": orch["ratio"], "target": "report", "met": None},
    ]


def _contest_rows(contest: dict) -> list[dict]:
    """The contest's totals against its targets, for the main table."""
    from bench.bench_contest import FLOW_TARGET, TARGET_S

    sizes = contest["sizes"]
    large = contest["results"][str(max(sizes))]
    direct, flows = large["direct"], large["flows"]
    rows = [{"stage": f"contest, {large['n']} applications, total",
             "ours": f"{direct['total_s']:.1f} s direct",
             "baseline": f"{TARGET_S:.0f} s target (for 1,000)",
             "ratio": round(direct["total_s"] / TARGET_S, 2), "target": "≤ 1×",
             "met": direct["total_s"] <= TARGET_S * large["n"] / 1000},
            {"stage": f"contest, {large['n']}, as flows",
             "ours": f"{flows['total_s']:.1f} s, {flows['flow_runs']} flow runs",
             "baseline": f"{direct['total_s']:.1f} s direct",
             "ratio": large["flow_ratio"], "target": f"≤ {FLOW_TARGET}×",
             "met": large["flow_ratio"] <= FLOW_TARGET}]
    for mode, growth in contest["growth_per_linear"].items():
        rows.append({"stage": f"contest, growth {min(sizes)} → {max(sizes)}, {mode}",
                     "ours": f"×{growth * max(sizes) / min(sizes):.1f} time",
                     "baseline": f"×{max(sizes) / min(sizes):.0f} applications",
                     "ratio": growth, "target": "≤ 1× (linear)", "met": growth <= 1.0})
    return rows


def _print_contest(console: Console, contest: dict) -> None:
    from bench.bench_contest import FLOW_OF, LABELS, STAGES

    table = Table(title="contest, intake to award: seconds per stage (work + its mail)")
    for column in ("stage", "applications", "direct", "of it mail", "as flows", "flows/direct",
                   "ms per application"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in STAGES:
        for size in contest["sizes"]:
            r = contest["results"][str(size)]
            direct, flows = r["direct"], r["flows"]
            d, f = direct["stage_s"][stage], flows["stage_s"][stage]
            if stage == "approve":
                flow_cell, ratio = "in tally ↑", "—"
            elif stage == "deliberation":
                flow_cell = f"{f:.2f} (tally)"
                ratio = f"{r['stage_ratio']['deliberation+approve']}× (+approve)"
            else:
                flow_cell = f"{f:.2f}" + ("" if stage in FLOW_OF else " (mail flow)")
                ratio = f"{r['stage_ratio'][stage]}×"
            table.add_row(LABELS[stage], str(size), f"{d:.2f}", f"{direct['mail_s'][stage]:.2f}",
                          flow_cell, ratio, f"{d / size * 1000:.1f}")
    for size in contest["sizes"]:
        r = contest["results"][str(size)]
        table.add_row("[b]total[/]", str(size), f"[b]{r['direct']['total_s']:.1f}[/]",
                      f"{r['direct']['mail_total_s']:.1f}", f"[b]{r['flows']['total_s']:.1f}[/]",
                      f"{r['flow_ratio']}×", f"{r['direct']['total_s'] / size * 1000:.1f}")
    console.print(table)
    lines = []
    for size in contest["sizes"]:
        r = contest["results"][str(size)]
        d, m = r["direct"], r["memory"]
        lines.append(f"contest {size}: {d['documents']} documents + {d['uploads']} uploads, "
                     f"{d['emails']} emails, {d['experts']} experts; peak RSS (VmHWM) "
                     f"{m['direct_mb']} MB direct (from {m['before_mb']} MB), "
                     f"{m['flows_mb']} MB as flows (from {m['before_flows_mb']} MB, Prefect "
                     f"server in-process); render worker ≤ {m['direct_workers_mb']} MB; "
                     f"Prefect test server started in {r['harness_start_s']} s")
    console.print("\n".join(lines))


def _print(console: Console, report: dict) -> None:
    table = Table(title=f"imc-flows benchmarks ({report['machine']['cpus']} cores"
                        f"{', quick' if report['quick'] else ''})")
    for column in ("stage", "our figure", "baseline", "ratio", "target", "met?"):
        table.add_column(column, justify="right" if column == "ratio" else "left")
    for row in report["rows"]:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "—"}[row["met"]]
        table.add_row(row["stage"], row["ours"], row["baseline"], f"{row['ratio']}×",
                      row["target"], met)
    console.print(table)

    mail, docs, orch = report["mail"], report["documents"], report["orchestration"]
    memory = Table(title="peak memory")
    for column in ("after stage", "max RSS, this process", "max RSS, largest child",
                   "Python peak (tracemalloc)"):
        memory.add_column(column)
    modes = docs["modes"]
    memory.add_row("documents", f"{report['memory']['documents']['self_mb']} MB",
                   f"{report['memory']['documents']['children_mb']} MB",
                   f"plain {modes['plain']['py_peak_mb']} / fast {modes['fast']['py_peak_mb']}"
                   f" / batch {modes['batch']['py_peak_mb']} MB (first 100 docs)")
    memory.add_row("mail", f"{report['memory']['mail']['self_mb']} MB",
                   f"{report['memory']['mail']['children_mb']} MB",
                   f"{mail['py_peak_mb']} MB (drain of {mail['memory_sample']})")
    memory.add_row("orchestration", f"{report['memory']['orchestration']['self_mb']} MB",
                   f"{report['memory']['orchestration']['children_mb']} MB", "—")
    console.print(memory)
    if "contest" in report:
        _print_contest(console, report["contest"])
    if "webinar" in report:
        from bench.bench_webinar import print_table

        print_table(console, report["webinar"])
    if "report" in report:
        from bench.bench_report import print_table as print_report

        print_report(console, report["report"])
    console.print(
        f"mail: {mail['kb_per_message']} KB messages, {mail['concurrency']} at once; "
        f"short plain messages (bench_mail_raw.raw_send): {mail['plain_small_per_s']:.0f} msg/s; "
        f"queueing: {mail['queued_per_s']:.0f} msg/s\n"
        f"documents: same text in all modes: {'yes' if docs['same_text'] else 'NO'}; "
        f"CPU time in batch workers: {docs['worker_cpu_s']} s; single pass: batch "
        f"{docs['modes']['batch']['docs_per_s']:.0f} doc/s; batch runs "
        f"{docs['batch_medians']['batch_runs_per_s']} doc/s\n"
        f"orchestration: advance alone {orch['direct_advance_ms']} ms; flow runs "
        f"{orch['flow_runs_ms']} ms, direct {orch['direct_runs_ms']} ms; first flow run "
        f"{orch['first_flow_ms']} ms; test server start {orch['harness_start_s']} s\n"
        f"load average at start {report['machine']['load_avg_at_start']}, at end "
        f"{report['load_avg_at_end']}; total {report['seconds']} s\n"
        f"written to {RESULTS}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    console = Console(width=max(Console().width, 112))
    report: dict = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "quick": args.quick, "sizes": sizes, "machine": _machine(), "memory": {}}
    started = time.perf_counter()

    # Documents first: render_batch forks its workers, better before Prefect starts threads.
    from bench import bench_documents, bench_mail, bench_orchestration

    before = _children_cpu()
    with console.status("documents…"):
        report["documents"] = bench_documents.run(sizes["documents"])
    # Only render_batch's workers are child processes in this stage.
    report["documents"]["worker_cpu_s"] = round(_children_cpu() - before, 2)
    with console.status("documents, batch against one core…"):
        report["documents"]["batch_medians"] = _batch_medians(sizes["documents"])
    report["memory"]["documents"] = _rss_mb()
    with console.status("mail…"):
        report["mail"] = bench_mail.run(sizes["mail"])
    report["memory"]["mail"] = _rss_mb()
    with console.status("orchestration (starting a Prefect test server)…"):
        report["orchestration"] = bench_orchestration.run(sizes["repeats"])
    report["memory"]["orchestration"] = _rss_mb()
    from bench import bench_contest

    with console.status(f"contest, {' and '.join(map(str, sizes['contest']))} applications "
                        "(a process per size)…"):
        report["contest"] = bench_contest.run(tuple(sizes["contest"]))
    from bench import bench_webinar

    with console.status(f"webinar cycle, {sizes['webinar']} registrants (its own process)…"):
        report["webinar"] = bench_webinar.run(sizes["webinar"])
    from bench import bench_report

    with console.status("monitoring справка for a year of the network (its own process)…"):
        report["report"] = bench_report.run(quick=args.quick)

    report["seconds"] = round(time.perf_counter() - started, 1)
    report["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["rows"] = (_rows(report["mail"], report["documents"], report["orchestration"])
                      + _contest_rows(report["contest"]) + bench_webinar.rows(report["webinar"]))
    report["rows"] += bench_report.rows(report["report"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print(console, report)


if __name__ == "__main__":
    main()
