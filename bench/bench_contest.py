"""Benchmark: a whole contest, intake to award, with every document and email.

N district schools apply to «Инновационный поиск 2024» (the shipped rules), about N/20
experts review 3 applications each (K = 3 from the rules), and the contest runs to the
award on a throwaway SQLite store, with its mail sent to a discarding SMTP server in
another process (bench_mail_raw). Every stage is timed in two ways, in the same run:

- **direct**: the service calls, then `drain(rt)` for the mail the stage queued;
- **flows**: the same stages on a fresh store as Prefect flow runs of flows/contests.py
  (under prefect_test_harness), one flow run per stage, never per item. Intake,
  screening and reviews are done by people (links, API, staff pages), not by flows: in
  both modes they are the same service calls, and in the flow mode their mail goes out
  through the `mail-send` flow.

Each size runs in a process of its own (`--one N`), so its peak memory is its own.
"""

from __future__ import annotations

from bench.setup import prefect_env

prefect_env()  # before anything imports prefect

import asyncio  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.bench_mail_raw import _free_port, start_sink_process  # noqa: E402
from bench.setup import dispose, link_tokens, make_runtime, peak_mb, reset_peak, staff_actor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "data" / "contests" / "innovative-search-2024.yaml"
MARCH_1 = datetime(2024, 3, 1, 7, 0, tzinfo=UTC)  # announcement
INTAKE = datetime(2024, 3, 5, 6, 0, tzinfo=UTC)  # intake open
SCREENING = datetime(2024, 3, 25, 6, 0, tzinfo=UTC)  # intake closed
REVIEW = datetime(2024, 4, 1, 6, 0, tzinfo=UTC)  # experts at work
MEETING = datetime(2024, 4, 15, 6, 0, tzinfo=UTC)  # the jury's meeting, the award
PDF = b"%PDF-1.4\n" + b"% project description\n" * 200 + b"%%EOF\n"  # ~4 KB attachment
STAFF = "ivanova"
CONCURRENCY = 20
TARGET_S = 90.0  # for 1,000 applications
FLOW_TARGET = 1.25
STAGES = ("announce", "intake", "screening", "assign", "reviews", "deliberation", "approve",
          "award")
LABELS = {"announce": "announce + invitations", "intake": "intake (apply via link)",
          "screening": "close intake + screening", "assign": "assign experts",
          "reviews": "reviews (3 per application)",
          "deliberation": "deliberation (expert sheets)",
          "approve": "approve results (summary, protocol)",
          "award": "award (order, diplomas, certificates)"}
# The stages a flow of flows/contests.py runs; the others are people's actions.
FLOW_OF = {"announce": "contest-open-intake", "assign": "contest-assign",
           "deliberation": "contest-tally", "approve": "contest-tally",
           "award": "contest-award"}


# ---------------------------------------------------------------- the contest's people

def _schools(rt, n: int) -> list[int]:
    """n district schools with their heads, in one transaction (as factories.make_school)."""
    from models import Organisation, OrgKind, Person, PersonRole
    from services.org import fill_cases

    ids = []
    with rt.transaction() as tx:
        for i in range(1, n + 1):
            org = Organisation(kind=OrgKind.SCHOOL,
                               full_name="Муниципальное бюджетное общеобразовательное "
                                         f"учреждение средняя общеобразовательная школа № {i}",
                               short_name=f"МБОУ СОШ № {i}", municipality="Выселковский район",
                               legal_address=f"353100, Краснодарский край, ст. Выселки, "
                                             f"ул. Школьная, {i}",
                               inn=None, phone="8 (86157) 7-00-00",
                               email=f"sosh{i}@vyselki.example.org", created_at=tx.now)
            tx.session.add(org)
            tx.session.flush()
            tx.session.add(fill_cases(Person(
                organisation_id=org.id, role=PersonRole.HEAD, position="Директор",
                position_genitive="директора", last_name="Кузнецова", first_name="Мария",
                middle_name="Ивановна", email=f"director@sosh{i}.example.org",
                created_at=tx.now)))
            ids.append(org.id)
    return ids


def _prepare(rt, n: int) -> dict:
    """Schools, the rules, a contest in preparation and its panel (untimed)."""
    from services import contests
    from services.contest_experts import add_expert, declare_conflict
    from services.contest_rules import load_rules

    rt.clock.set(MARCH_1)
    schools = _schools(rt, n)
    staff = staff_actor(rt, STAFF)
    load_rules(rt, RULES, actor=staff)
    contest_id = contests.create(rt, rules_code="innovative-search", actor=staff)
    experts = []
    for i in range(1, max(4, round(n / 20)) + 1):
        # Every fifth expert works at an applicant school: never assigned to it.
        experts.append(add_expert(
            rt, contest_id, last_name=f"Экспертова{i}", first_name="Анна",
            middle_name="Ивановна", email=f"expert{i}@experts.example.org",
            position="методист", organisation_id=schools[i - 1] if i % 5 == 0 else None,
            actor=staff))
    for i, expert in enumerate(experts[:3]):  # a few declared conflicts
        declare_conflict(rt, contest_id, expert, schools[-1 - i], note="родственник",
                         actor=staff)
    return {"contest": contest_id, "experts": len(experts), "schools": schools}


def _form(i: int):
    from services.contest_forms import ApplicationForm

    return ApplicationForm(
        project_title=f"Школа полного дня «Успех & рост» № {i}",
        annotation="Проект о развитии внеурочной деятельности и сетевых образовательных "
                   "программ в сельской школе. " * 4,
        head_name="Кузнецова Мария Ивановна", head_position="Директор",
        contact_name="Орлова Анна Петровна", contact_email=f"orlova{i}@sosh{i}.example.org",
        contact_phone="+7 900 000-00-00", consent=True)


def _scores(spec, assignment_id: int, application_id: int) -> dict:
    """Varied but repeatable scores: a few applications tie, some spread widely. The first
    four lead with distinct totals, so no tie falls on the award boundary (that would wait
    for the jury's vote, as the rules say)."""
    result = {}
    if application_id <= 4:
        for k, c in enumerate(spec.criteria):
            result[c.code] = float(int(c.max_score) - (application_id if k == 0 else 0))
        return result
    for k, c in enumerate(spec.criteria):
        base = (application_id * 7 + k * 3) % 6 + (assignment_id % 3)
        result[c.code] = float(min(int(c.max_score), 2 + base))
    return result


# ---------------------------------------------------------------- the stages

class _Run:
    """One contest through its stages; `flows` says how the flow-backed stages run."""

    def __init__(self, rt, n: int, flows: bool) -> None:
        self.rt, self.n, self.flows = rt, n, flows
        self.times: dict[str, float] = {}
        self.mail: dict[str, float] = {}
        self.sent = 0
        self.flow_runs = 0

    def timed(self, stage: str, work) -> None:
        started = time.perf_counter()
        work()
        self.times[stage] = time.perf_counter() - started

    def drain(self, stage: str) -> None:
        """The stage's mail: drain directly, or one `mail-send` flow run."""
        started = time.perf_counter()
        if self.flows:
            from flows.mail import send_mail

            summary = asyncio.run(send_mail())
            self.flow_runs += 1
            sent, bad = summary["sent"], summary["retry"] + summary["failed"] + summary["waiting"]
        else:
            from services.mail_delivery import drain

            report = asyncio.run(drain(self.rt))
            sent = len(report.sent)
            bad = len(report.retry) + len(report.failed) + report.waiting
        if bad:
            raise RuntimeError(f"{stage}: {bad} писем не отправлено")
        self.sent += sent
        self.mail[stage] = time.perf_counter() - started

    def run(self, prepared: dict) -> dict:
        from services import contest_results, contest_review, contest_screening, contests
        from services.contest_intake import apply

        rt, cid = self.rt, prepared["contest"]
        staff = staff_actor(rt, STAFF)
        flows = self.flows
        if flows:
            from flows import contests as contest_flows

        # Announce: the order and the Положение, an invitation to every school.
        rt.clock.set(MARCH_1)
        if flows:
            self._flow("announce", lambda: contest_flows.open_intake(cid, STAFF))
        else:
            self.timed("announce", lambda: contests.announce(rt, cid, actor=staff))
            self.drain("announce")

        # Intake: each school applies through its invitation link (a small PDF attached).
        invitations = link_tokens(rt, "contest_invitation")
        rt.clock.set(INTAKE)

        def intake():
            contests.advance(rt, cid)  # the sweep opens intake on its date
            for i, token in enumerate(invitations, start=1):
                apply(rt, token, _form(i), [("Описание проекта.pdf", PDF)])

        self.timed("intake", intake)
        self.drain("intake")

        # Screening: the sweep closes intake; staff accept every application.
        rt.clock.set(SCREENING)

        def screening():
            contests.advance(rt, cid)
            for app_id in _application_ids(rt, cid):
                contest_screening.accept(rt, app_id, actor=staff)

        self.timed("screening", screening)
        self.drain("screening")

        # Assignment: K = 3 experts per application, one letter per expert.
        rt.clock.set(REVIEW)
        if flows:
            self._flow("assign", lambda: contest_flows.assign_experts(cid, STAFF))
        else:
            self.timed("assign", lambda: contest_review.start_review(rt, cid, actor=staff))
            self.drain("assign")

        # Reviews: every expert scores every assigned application through its link.
        tokens = _review_tokens(rt, cid)
        _, spec = _spec(rt, cid)

        def reviews():
            for token, assignment_id, app_id in tokens:
                contest_review.submit_review(rt, token, _scores(spec, assignment_id, app_id),
                                             "Проект актуален, ресурсы описаны подробно.")

        self.timed("reviews", reviews)
        self.drain("reviews")

        # The jury's meeting: expert sheets, the ranking; results approved; the award.
        rt.clock.set(MEETING)
        if flows:
            self._flow("deliberation", lambda: contest_flows.tally(cid, STAFF))
            self.times["approve"] = self.mail["approve"] = 0.0  # inside the tally flow run
            self._flow("award", lambda: contest_flows.award(cid, STAFF))
        else:
            def deliberation():
                contest_results.start_deliberation(rt, cid, actor=staff)
                contest_results.ranking(rt, cid)  # what the tally flow returns

            self.timed("deliberation", deliberation)
            self.drain("deliberation")
            self.timed("approve", lambda: contest_results.approve_results(rt, cid, actor=staff))
            self.drain("approve")
            self.timed("award", lambda: contest_results.award(rt, cid, actor=staff))
            self.drain("award")
        return self._check(cid)

    def _flow(self, stage: str, make) -> None:
        """One flow run: its work and its mail together (the flow drains the outbox)."""
        from services.mail_delivery import due_count

        before = _sent(self.rt)
        started = time.perf_counter()
        asyncio.run(make())
        self.times[stage] = time.perf_counter() - started
        self.mail[stage] = 0.0
        self.flow_runs += 1
        if due_count(self.rt):
            raise RuntimeError(f"{stage}: письма остались в очереди после потока")
        self.sent += _sent(self.rt) - before

    def _check(self, cid: int) -> dict:
        """Everything happened: the contest awarded, every document made, every email sent."""
        import sqlalchemy as sa
        from sqlmodel import select

        from models import Contest, ContestState, Document, MailStatus, OutboxEmail

        with self.rt.session() as s:
            state = s.get(Contest, cid).state
            docs = dict(s.exec(select(Document.kind, sa.func.count())
                               .group_by(Document.kind)).all())
            mail = dict(s.exec(select(OutboxEmail.status, sa.func.count())
                               .group_by(OutboxEmail.status)).all())
        sent = mail.get(MailStatus.SENT, 0)
        if state != ContestState.AWARDED or sent != sum(mail.values()):
            raise RuntimeError(f"конкурс: {state}, письма {mail}")
        if docs.get("expert_sheet") != 3 * self.n:
            raise RuntimeError(f"экспертных листов {docs.get('expert_sheet')} из {3 * self.n}")
        awards = docs.get("contest_diploma", 0) + docs.get("contest_certificate", 0)
        if awards != self.n:
            raise RuntimeError(f"дипломов и сертификатов {awards} из {self.n}")
        generated = sum(v for k, v in docs.items() if k != "application_file")
        return {"documents": generated, "uploads": docs.get("application_file", 0),
                "documents_by_kind": docs, "emails": sent}


def _sent(rt) -> int:
    import sqlalchemy as sa
    from sqlmodel import select

    from models import MailStatus, OutboxEmail

    with rt.session() as s:
        return int(s.exec(select(sa.func.count()).select_from(OutboxEmail)
                          .where(OutboxEmail.status == MailStatus.SENT)).one())


def _application_ids(rt, cid: int) -> list[int]:
    from sqlmodel import select

    from models import Application

    with rt.session() as s:
        return list(s.exec(select(Application.id).where(Application.contest_id == cid)
                           .order_by(Application.id)))


def _review_tokens(rt, cid: int) -> list[tuple[str, int, int]]:
    """(token, assignment id, application id) from the letters the experts got."""
    from sqlmodel import select

    from models import Assignment
    from services.links import read_token

    with rt.session() as s:
        app_of = dict(s.exec(select(Assignment.id, Assignment.application_id)
                             .where(Assignment.contest_id == cid)).all())
    result = []
    for token in link_tokens(rt, "contest_expert_assignments"):
        assignment_id = read_token(rt, token).object_id
        result.append((token, assignment_id, app_of[assignment_id]))
    return result


def _spec(rt, cid: int):
    from services import contests

    with rt.transaction() as tx:
        return contests.get(tx, cid)


# ---------------------------------------------------------------- one size, one process

WORKERS_MB: list[float] = []  # peak of each render worker, read before the pool is stopped


def _worker_peaks(rt) -> None:
    pool = rt.__dict__.get("docx") and rt.docx._pool
    for pid in (getattr(pool, "_processes", None) or {}):
        WORKERS_MB.append(peak_mb(pid))


def _contest(n: int, port: int, flows: bool) -> dict:
    rt = make_runtime(smtp_port=port, mail_concurrency=CONCURRENCY)
    try:
        prepared = _prepare(rt, n)
        run = _Run(rt, n, flows)
        if flows:
            from flows.runtime import use_runtime

            with use_runtime(rt):
                counts = run.run(prepared)
        else:
            counts = run.run(prepared)
        if run.sent != counts["emails"]:
            raise RuntimeError(f"отправлено {run.sent}, в базе {counts['emails']}")
        _worker_peaks(rt)
        rt.docx.close()
    finally:
        dispose(rt)
    stages = {s: round(run.times[s] + run.mail[s], 3) for s in STAGES}
    return {"work_s": {s: round(run.times[s], 3) for s in STAGES},
            "mail_s": {s: round(run.mail[s], 3) for s in STAGES},
            "stage_s": stages, "mail_total_s": round(sum(run.mail.values()), 2),
            "total_s": round(sum(stages.values()), 2), "experts": prepared["experts"],
            "flow_runs": run.flow_runs, **counts}


def run_one(n: int) -> dict:
    """Direct first, then (on a fresh store) the same contest through the flows."""
    from prefect.testing.utilities import prefect_test_harness

    port = _free_port()
    sink = start_sink_process(port)
    try:
        _contest(10, port, flows=False)  # warm-up: imports, template compilation
        WORKERS_MB.clear()
        baseline = peak_mb()
        direct = _contest(n, port, flows=False)
        memory = {"before_mb": baseline, "direct_mb": peak_mb(),
                  "direct_workers_mb": max(WORKERS_MB, default=0.0)}
        started = time.perf_counter()
        with prefect_test_harness(server_startup_timeout=120):
            harness_s = time.perf_counter() - started
            _contest(10, port, flows=True)  # warm-up: the Prefect client, first flow runs
            WORKERS_MB.clear()
            memory["reset"] = reset_peak()
            memory["before_flows_mb"] = peak_mb()
            flows = _contest(n, port, flows=True)
            memory["flows_mb"] = peak_mb()
            memory["flows_workers_mb"] = max(WORKERS_MB, default=0.0)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    ratio = {s: round(flows["stage_s"][s] / direct["stage_s"][s], 2) for s in STAGES
             if s not in FLOW_OF and direct["stage_s"][s] > 0}
    tally_direct = direct["stage_s"]["deliberation"] + direct["stage_s"]["approve"]
    ratio["deliberation+approve"] = round(flows["stage_s"]["deliberation"] / tally_direct, 2)
    for s in ("announce", "assign", "award"):
        ratio[s] = round(flows["stage_s"][s] / direct["stage_s"][s], 2)
    return {"n": n, "direct": direct, "flows": flows, "memory": memory,
            "flow_ratio": round(flows["total_s"] / direct["total_s"], 3),
            "stage_ratio": ratio, "harness_start_s": round(harness_s, 1)}


def run(sizes=(100, 1000)) -> dict:
    """Each size in a process of its own; the growth from the smallest to the largest."""
    results = {}
    for n in sizes:
        proc = subprocess.run([sys.executable, "-m", "bench.bench_contest", "--one", str(n)],
                              cwd=ROOT, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"bench_contest --one {n}:\n{proc.stderr[-4000:]}")
        results[n] = json.loads(proc.stdout.strip().splitlines()[-1])
    small, large = min(sizes), max(sizes)
    growth = {}
    if small != large:
        factor = large / small
        for mode in ("direct", "flows"):
            growth[mode] = round(results[large][mode]["total_s"]
                                 / results[small][mode]["total_s"] / factor, 2)
    return {"sizes": list(sizes), "results": {str(n): r for n, r in results.items()},
            "growth_per_linear": growth, "target_s": TARGET_S, "flow_target": FLOW_TARGET}


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.bench_contest")
    parser.add_argument("--one", type=int, help="one size in this process (JSON on the last line)")
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000])
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one), ensure_ascii=False))
    else:
        print(json.dumps(run(tuple(args.sizes)), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
