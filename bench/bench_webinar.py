"""Benchmark: a webinar cycle with 10,000 registrants, from invitations to certificates.

N district schools (N heads) are invited to one webinar of a cycle (capacity N), every head
registers through the personal link (a confirmation with the .ics each), the sweep fires
the two reminder waves (24 h and 1 h before), the platform's attendance export (CSV) marks
half of them present, and the certificates for those attendees are rendered (.docx) and
mailed. Mail goes to a discarding SMTP server in another process (bench_mail_raw); each
stage's time includes the delivery of the mail it queued. Peak memory (VmHWM) is read after
each stage. Runs in a process of its own (`--one N`), so its peak memory is its own.

Targets (issue 4): one reminder wave for 10,000 in ≤ 60 s; 5,000 certificates rendered and
mailed in ≤ 60 s.
"""

from __future__ import annotations

from bench.setup import prefect_env

prefect_env()  # before anything imports prefect

import asyncio  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.bench_mail_raw import _free_port, start_sink_process  # noqa: E402
from bench.setup import dispose, link_tokens, make_runtime, peak_mb, staff_actor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2024, 10, 15, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
ANNOUNCED = datetime(2024, 10, 1, 7, 0, tzinfo=UTC)
STAFF = "ivanova"
CONCURRENCY = 20
TARGETS_S = {"reminders_24h": 60.0, "reminders_1h": 60.0, "certificates": 60.0}
STAGES = ("announce", "register", "reminders_24h", "reminders_1h", "attendance",
          "certificates")
LABELS = {"announce": "announce: invitations",
          "register": "registration via links: confirmations with .ics",
          "reminders_24h": "reminder wave, 24 h before (sweep)",
          "reminders_1h": "reminder wave, 1 h before (sweep)",
          "attendance": "attendance import (CSV), attendees marked",
          "certificates": "certificates: .docx rendered and mailed"}


def _plan(capacity: int) -> str:
    return (
        'title: "Осенний цикл сетевых методических вебинаров"\ngoal: "Нагрузочный тест"\n'
        "year: 2024\nmin_minutes: 30\npartners_in_parallel: false\n"
        "certificate:\n  rule: per_session\nsessions:\n"
        '  - topic: "Функциональная грамотность: сетевые практики"\n'
        '    speaker: "Иванова Н. А., методист МКУ ИМЦ"\n    segment: heads\n'
        '    start: "2024-10-15 15:00"\n    duration: 90\n'
        '    link: "https://meet.example.org/imc-bench"\n'
        f"    capacity: {capacity}\n")


def _schools(rt, n: int) -> None:
    """n schools with their heads, inserted in bulk (the cases of the ФИО given, not
    computed: pytrovich is not what is measured here)."""
    import sqlalchemy as sa

    from models import Organisation, OrgKind, Person, PersonRole

    now = rt.clock.now()
    with rt.transaction() as tx:
        conn = tx.session.connection()
        conn.execute(sa.insert(Organisation), [dict(
            kind=OrgKind.SCHOOL, full_name="Муниципальное бюджетное общеобразовательное "
            f"учреждение средняя общеобразовательная школа № {i}", short_name=f"МБОУ СОШ № {i}",
            municipality=("Выселковский район", "Тихорецкий район", "Кореновский район")[i % 3],
            legal_address=f"353100, Краснодарский край, ст. Выселки, ул. Школьная, {i}",
            inn=None, phone="8 (86157) 7-00-00", email=f"sosh{i}@vyselki.example.org",
            created_at=now) for i in range(1, n + 1)])
        ids = list(conn.execute(sa.select(Organisation.id).where(
            Organisation.kind == OrgKind.SCHOOL).order_by(Organisation.id)).scalars())
        conn.execute(sa.insert(Person), [dict(
            organisation_id=org, role=PersonRole.HEAD, position="Директор",
            position_genitive="директора", last_name="Кузнецова", first_name="Мария",
            middle_name="Ивановна", gender="female", fio_genitive="Кузнецовой Марии Ивановны",
            fio_dative="Кузнецовой Марии Ивановне", fio_accusative="Кузнецову Марию Ивановну",
            fio_instrumental="Кузнецовой Марией Ивановной",
            fio_prepositional="Кузнецовой Марии Ивановне",
            email=f"director@sosh{i}.example.org", active=True, created_at=now)
            for i, org in enumerate(ids, start=1)])


def _attendance_csv(n: int) -> bytes:
    """The platform's export: the first half of the heads present (45 min), a quarter for
    10 minutes (no-shows by the 30-minute rule), the rest absent from the file."""
    lines = ["ФИО;E-mail;Продолжительность, мин"]
    for i in range(1, n // 2 + 1):
        lines.append(f"Кузнецова Мария Ивановна;director@sosh{i}.example.org;45")
    for i in range(n // 2 + 1, n // 2 + n // 4 + 1):
        lines.append(f"Кузнецова Мария Ивановна;director@sosh{i}.example.org;10")
    return ("\n".join(lines) + "\n").encode("utf-8")


class _Run:
    def __init__(self, rt, n: int) -> None:
        self.rt, self.n = rt, n
        self.times: dict[str, float] = {}
        self.mail: dict[str, float] = {}
        self.memory: dict[str, float] = {}
        self.sent = 0
        self.counts: dict[str, int] = {}

    def stage(self, name: str, work) -> object:
        from services.mail_delivery import drain

        started = time.perf_counter()
        result = work()
        self.times[name] = time.perf_counter() - started
        started = time.perf_counter()
        report = asyncio.run(drain(self.rt))
        self.mail[name] = time.perf_counter() - started
        self.sent += len(report.sent)
        self.counts[f"{name}_emails"] = len(report.sent)
        if report.failed or report.retry:
            raise RuntimeError(f"{name}: писем не отправлено: {report.failed + report.retry}")
        self.memory[name] = peak_mb()
        return result

    def run(self) -> None:
        from services import webinar_attendance, webinar_certificates
        from services.sweep import fire_timers
        from services.webinar_invitations import announce
        from services.webinar_plan import load_plan
        from services.webinar_registration import register

        rt, n = self.rt, self.n
        rt.clock.set(ANNOUNCED)
        _schools(rt, n)
        staff = staff_actor(rt, STAFF)
        cycle_id = load_plan(rt, _plan(n), actor=staff)
        invited = self.stage("announce", lambda: announce(rt, cycle_id, actor=staff))
        session_id = next(iter(invited))
        tokens = link_tokens(rt, "webinar_invitation")
        rt.clock.set(ANNOUNCED + timedelta(days=1))
        states = self.stage("register", lambda: [register(rt, t) for t in tokens])
        self.counts["registered"] = states.count("registered")
        rt.clock.set(START - timedelta(hours=23, minutes=55))
        self.stage("reminders_24h", lambda: fire_timers(rt))
        rt.clock.set(START - timedelta(minutes=55))
        self.stage("reminders_1h", lambda: fire_timers(rt))
        rt.clock.set(START + timedelta(hours=2))
        data = _attendance_csv(n)
        result = self.stage("attendance", lambda: webinar_attendance.import_attendance(
            rt, session_id, data, "участники.csv", actor=staff))
        self.counts["attended"] = result.attended
        rt.clock.set(START + timedelta(days=1))
        self.stage("certificates",
                   lambda: webinar_certificates.issue_certificates(rt, cycle_id, actor=staff))
        self.counts.update(_counts(rt))


def _counts(rt) -> dict[str, int]:
    import sqlalchemy as sa
    from sqlmodel import select

    from models import Certificate, Document, OutboxEmail

    with rt.session() as s:
        by_template = dict(s.exec(select(OutboxEmail.template, sa.func.count())
                                  .group_by(OutboxEmail.template)).all())
        certificates = s.exec(select(sa.func.count()).select_from(Certificate)).one()
        documents = dict(s.exec(select(Document.kind, sa.func.count())
                                .group_by(Document.kind)).all())
    return {"certificates": int(certificates), **{f"mail_{k}": int(v) for k, v in
                                                   by_template.items()},
            **{f"documents_{k}": int(v) for k, v in documents.items()}}


def run_one(n: int) -> dict:
    port = _free_port()
    sink = start_sink_process(port)
    try:
        warm = make_runtime(smtp_port=port, mail_concurrency=CONCURRENCY)
        try:
            _Run(warm, 20).run()  # imports, template compilation, the render pool
            warm.docx.close()
        finally:
            dispose(warm)
        before = peak_mb()
        rt = make_runtime(smtp_port=port, mail_concurrency=CONCURRENCY)
        try:
            run = _Run(rt, n)
            run.run()
            rt.docx.close()
        finally:
            dispose(rt)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    stages = {s: round(run.times[s] + run.mail[s], 2) for s in STAGES}
    return {"n": n, "work_s": {s: round(run.times[s], 2) for s in STAGES},
            "mail_s": {s: round(run.mail[s], 2) for s in STAGES}, "stage_s": stages,
            "total_s": round(sum(stages.values()), 1), "sent": run.sent,
            "memory_mb": {"before": before, **run.memory}, "counts": run.counts,
            "targets_s": TARGETS_S}


def rows(result: dict) -> list[dict]:
    """The targets of the issue, for the main table of `make bench`."""
    out = []
    for stage, target in TARGETS_S.items():
        took = result["stage_s"][stage]
        what = (f"{result['counts'].get('certificates', 0)} certificates"
                if stage == "certificates" else f"{result['n']} registrants")
        out.append({"stage": f"webinar: {LABELS[stage].split(':')[0]}, {what}",
                    "ours": f"{took:.1f} s", "baseline": f"{target:.0f} s target",
                    "ratio": round(took / target, 2), "target": "≤ 1×",
                    "met": took <= target})
    return out


def print_table(console, result: dict) -> None:
    from rich.table import Table

    table = Table(title=f"webinar cycle, {result['n']} registrants: seconds per stage "
                        "(work + its mail)")
    for column in ("stage", "work", "mail", "total", "emails", "peak RSS after, MB"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in STAGES:
        table.add_row(LABELS[stage], f"{result['work_s'][stage]:.2f}",
                      f"{result['mail_s'][stage]:.2f}", f"{result['stage_s'][stage]:.2f}",
                      str(result["counts"].get(f"{stage}_emails", 0)),
                      str(result["memory_mb"][stage]))
    table.add_row("[b]total[/]", "", "", f"[b]{result['total_s']:.1f}[/]", str(result["sent"]),
                  f"from {result['memory_mb']['before']}")
    console.print(table)


def run(n: int = 10_000) -> dict:
    """In a process of its own: its peak memory is the webinar's, not the other benches'."""
    proc = subprocess.run([sys.executable, "-m", "bench.bench_webinar", "--one", str(n)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench_webinar --one {n}:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.bench_webinar")
    parser.add_argument("--one", type=int, help="one size in this process (JSON on the last line)")
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one), ensure_ascii=False))
    else:
        print(json.dumps(run(args.n), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
