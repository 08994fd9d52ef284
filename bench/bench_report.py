"""Benchmark: the monitoring справка for a year of a large network (issue 5).

A fresh SQLite store is filled in bulk by bench/report_network.py (insert() of row dicts,
1,000 rows a statement; timed apart, not part of the target): 300 organisations over ten
municipalities of Krasnodar krai (200 schools, 100 partners), each with its head and one or
two deputies; the partners' agreements of 2024; the 2024 plan; two webinar cycles with 50
sessions held in 2024, their invitations (outbox rows, as webinar_invitations queues them),
registrations with the minutes of 20,000 attendance rows and the certificates of 45
sessions; 1,000 applications to four contests (300 organisations can apply at most once to
each) with their results; 220 consultation requests, 200 of them held.

Then, timed: `services.reports.generate(rt, "monitoring", 2024-01-01, 2024-12-31)` in a
cold process (computing, charts, .docx and .xlsx), the same again (same figures: no new
version), once more after one more consultation (a new version, warm), and the June–December
«Эффективность» report. Peak memory is VmHWM of this process. The .docx and .xlsx are read
back: tables, images, and the organisations found in the .xlsx.

Target (issue 5): the monitoring справка for the year in ≤ 20 s. Runs in a process of its
own (`--one`), so its peak memory is its own.
"""

from __future__ import annotations

from bench.setup import prefect_env

prefect_env()  # before anything imports prefect

import importlib  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.report_network import one_more_consultation, seed  # noqa: E402
from bench.setup import dispose, make_runtime, peak_mb, reset_peak  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 20.0
YEAR = (date(2024, 1, 1), date(2024, 12, 31))
HALF = (date(2024, 7, 1), date(2024, 12, 31))  # the December «Эффективность» report
GENERATED = datetime(2025, 1, 15, 7, 0, tzinfo=UTC)
FULL = {"organisations": 300, "sessions": 50, "attendance": 20_000, "applications": 1_000,
        "consultations": 200}
QUICK = {"organisations": 60, "sessions": 10, "attendance": 600, "applications": 100,
         "consultations": 20}

# ---------------------------------------------------------------- the timed part

def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def read_back(rt, report) -> dict:
    """What the справка and its table hold: sizes, tables, images, organisations found."""
    import io

    import docx
    import openpyxl
    from sqlmodel import select

    from models import Document, Organisation, OrgKind
    from services.documents import read_bytes

    with rt.session() as s:
        docx_bytes = read_bytes(rt, s.get(Document, report.docx_document_id))
        xlsx_bytes = read_bytes(rt, s.get(Document, report.xlsx_document_id))
        orgs = s.exec(select(Organisation.short_name, Organisation.full_name).where(
            Organisation.kind != OrgKind.CENTRE)).all()
    doc = docx.Document(io.BytesIO(docx_bytes))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes), read_only=True)
    sheets, cells = {}, set()
    for sheet in book.worksheets:
        rows = 0
        for row in sheet.iter_rows(values_only=True):
            rows += 1
            cells.update(v.strip() for v in row if isinstance(v, str))
        sheets[sheet.title] = rows
    return {"docx_kb": round(len(docx_bytes) / 1024, 1),
            "docx_tables": len(doc.tables),
            "docx_table_rows": sum(len(t.rows) for t in doc.tables),
            "docx_images": sum("image" in rel.reltype for rel in doc.part.rels.values()),
            "docx_paragraphs": sum(1 for p in doc.paragraphs if p.text.strip()),
            "xlsx_kb": round(len(xlsx_bytes) / 1024, 1), "xlsx_rows": sheets,
            "xlsx_organisations": sum(1 for short, full in orgs
                                      if short in cells or full in cells),
            "organisations": len(orgs)}


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - started, 2)


def _mismatches(figures: dict, counts: dict) -> list[str]:
    """The headline figures that differ from what was seeded (none, when the report is right)."""
    expected = {"agreements_signed": counts["agreements_registered"],
                "sessions": counts["sessions"], "sessions_held": counts["sessions"],
                "invitations": counts["invitations"],
                "registrations": counts["registrations"] - counts["cancelled"],
                "attendances": counts["attendances"], "applications": counts["applications"],
                "winners": counts["winner"], "laureates": counts["laureate"],
                "contest_participants": counts["participant"],
                "consultations": counts["consultations_held"]}
    return [f"{key}: {figures.get(key)} ≠ {value}" for key, value in expected.items()
            if figures.get(key) != value]


def _checked(out: dict, counts: dict) -> dict:
    """Refuse to report a time for a справка without its tables, chart or organisations."""
    first = out["first"]
    if not (first["docx_tables"] and first["docx_images"]
            and first["xlsx_organisations"] == counts["organisations"]):
        raise RuntimeError(f"справка неполна: {first}")
    return out


def run_one(sizes: dict, profile: Path | None = None) -> dict:
    from services.actors import Actor

    # The import is what a cold `imc report` pays first (matplotlib, docxtpl, openpyxl).
    generate, import_s = _timed(lambda: importlib.import_module("services.reports").generate)
    rt = make_runtime()
    try:
        seeded = seed(rt, sizes)
        net = seeded.pop("net")
        rt.clock.set(GENERATED)
        system = Actor.system()

        def monitoring():
            return generate(rt, "monitoring", *YEAR, actor=system)

        memory = {"seed_peak_mb": peak_mb(), "after_seed_rss_mb": _rss_mb(),
                  "reset": reset_peak()}
        if profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            first, first_s = _timed(lambda: profiler.runcall(monitoring))
            profiler.dump_stats(profile)
        else:
            first, first_s = _timed(monitoring)
        memory["first_peak_mb"] = peak_mb()
        second, second_s = _timed(monitoring)
        one_more_consultation(rt, net)
        third, third_s = _timed(monitoring)
        memory["peak_mb"] = peak_mb()
        times = {"import": import_s, "first": first_s, "same": second_s, "changed": third_s}
        effect, times["effectiveness"] = _timed(
            lambda: generate(rt, "effectiveness", *HALF, actor=system))
        memory["end_peak_mb"] = peak_mb()
        out = _checked({"first": read_back(rt, first), "effectiveness": read_back(rt, effect),
                        "versions": [first.version, second.version, third.version],
                        "same_report": second.id == first.id, "figures": first.figures,
                        "mismatches": _mismatches(first.figures, seeded["counts"])},
                       seeded["counts"])
        rt.docx.close()
    finally:
        dispose(rt)
    return {"sizes": sizes, "seed": seeded, "seconds": times, "memory": memory,
            "target_s": TARGET_S, **out}


def run(quick: bool = False) -> dict:
    """In a process of its own: a cold start, as `imc report monitoring` has."""
    args = [sys.executable, "-m", "bench.bench_report", "--one"] + (["--quick"] if quick else [])
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench_report --one:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rows(result: dict) -> list[dict]:
    """The target of the issue, for the main table of `make bench`."""
    took, c = result["seconds"]["first"], result["seed"]["counts"]
    return [{"stage": f"monitoring справка, {c['organisations']} orgs, "
                      f"{c['attendance_rows']} attendance rows, {c['applications']} applications",
             "ours": f"{took:.1f} s (+{result['seconds']['import']:.1f} s imports), "
                     f"peak {result['memory']['first_peak_mb']:.0f} MB",
             "baseline": f"{TARGET_S:.0f} s target", "ratio": round(took / TARGET_S, 2),
             "target": "≤ 1×", "met": took <= TARGET_S}]


def print_table(console, result: dict) -> None:
    from rich.table import Table

    c, t, m = result["seed"]["counts"], result["seconds"], result["memory"]
    table = Table(title=f"monitoring справка 2024: {c['organisations']} organisations, "
                        f"{c['sessions']} sessions, {c['attendance_rows']} attendance rows, "
                        f"{c['applications']} applications (seconds)")
    for column in ("stage", "seconds", "what"):
        table.add_column(column, justify="right" if column == "seconds" else "left")
    table.add_row("seeding in bulk (not in the target)", f"{result['seed']['total_s']:.2f}",
                  ", ".join(f"{k} {v}" for k, v in result["seed"]["seconds"].items()))
    table.add_row("importing services.reports (cold process)", f"{t['import']:.2f}",
                  "matplotlib, docxtpl, openpyxl: paid once by a cold `imc report`")
    first = result["first"]
    table.add_row("[b]monitoring, first run (cold process)[/]", f"[b]{t['first']:.2f}[/]",
                  f".docx {first['docx_kb']} KB: {first['docx_tables']} tables "
                  f"({first['docx_table_rows']} rows), {first['docx_images']} images; .xlsx "
                  f"{first['xlsx_kb']} KB, {first['xlsx_organisations']}/"
                  f"{first['organisations']} organisations; target ≤ {TARGET_S:.0f} s")
    table.add_row("monitoring again, same figures", f"{t['same']:.2f}",
                  f"versions {result['versions']}, same report: {result['same_report']}")
    table.add_row("monitoring after one more consultation", f"{t['changed']:.2f}",
                  "a new version, warm")
    e = result["effectiveness"]
    table.add_row("effectiveness, July–December", f"{t['effectiveness']:.2f}",
                  f".docx {e['docx_kb']} KB, {e['docx_tables']} tables, {e['docx_images']} "
                  f"images; .xlsx {e['xlsx_kb']} KB")
    console.print(table)
    if result["mismatches"]:
        console.print(f"[red]report figures differ from the seeded data: "
                      f"{'; '.join(result['mismatches'])}[/]")
    console.print(f"report: peak RSS (VmHWM) {m['first_peak_mb']} MB during the first run, from "
                  f"{m['after_seed_rss_mb']} MB after seeding; {m['end_peak_mb']} MB at the end; "
                  f"xlsx rows per sheet {first['xlsx_rows']}")


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.bench_report")
    parser.add_argument("--one", action="store_true", help="in this process (JSON, last line)")
    parser.add_argument("--quick", action="store_true", help="a smaller network (smoke test)")
    parser.add_argument("--profile", type=Path, help="cProfile the first run into this file")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.one or args.profile:
        print(json.dumps(run_one(sizes, args.profile), ensure_ascii=False))
        return
    from rich.console import Console

    result = run(args.quick)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print_table(Console(width=140), result)


if __name__ == "__main__":
    main()
