"""`make demo`, part four: a year of work by the plan (год работы по плану), January–December 2024.

One store (var/demo/plan/), the clock moved through the year. January: the schools and the
partners of the network, the 2024 plan (data/plan/plan-2024.yaml) loaded and its items given
to the centre's staff; the creative group meets (minutes, protocol .docx) each month of its
schedule. February: schools ask for consultations on the centre's page — two are held, one
declined. March–April: the contest story of part two runs in this store (the sweep links the
contest to the plan and closes the item when it is awarded). «Заключение договоров» (April–
August) has no agreement by 31 August: the sweep reminds the responsible 7 and 1 days ahead,
marks it overdue on 1 September and writes to the director. October–November: the webinar
story of part three runs here too — its two agreements close «Заключение договоров» late, its
webinars close the webinar item. The effectiveness report in June and December, the
monitoring справка, the analysis of events and the year-end report on plan execution. The
sweep runs on every morning when a reminder or an overdue mark falls due. The log shows what
the plan's trail recorded; at the end, the plan's due dates and states, the reports' headline
figures and where every file is.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlmodel import col, select

from adapters.clock import MOSCOW, FrozenClock
from config.settings import PROJECT_ROOT, get_settings
from demo import contests, webinars
from demo.agreements import demo_runtime
from demo.plan_story import (
    CANCEL_REASON,
    CLOSED_BY_HAND,
    CONSULTATIONS,
    DECLINE,
    HELD,
    MEETINGS,
    PLACE,
    REPORTS,
    RESPONSIBLE,
    YEAR,
    Trail,
    at,
    print_report,
    say,
)
from models import Agreement, Application, Contest, Document, Organisation, OrgKind
from models.plan import PlanOccurrence
from services import (
    consultation_decisions,
    mail_delivery,
    org as orgs,
    plan_meeting_minutes,
    plan_meeting_protocol,
    plan_meetings,
    plan_results,
    report_queries,
    reports,
)
from services.consultations import submit_consultation
from services.org import staff_actor, staff_by_login
from services.partners import import_partners
from services.plan import assign, load_plan_file
from services.plan_links import OPEN
from services.plan_queries import plan_view
from services.runtime import Runtime
from services.seed import load_centre
from services.sweep import fire_timers

PLAN_FILE = PROJECT_ROOT / "data" / "plan" / f"plan-{YEAR}.yaml"
SAMPLES = PROJECT_ROOT / "data" / "samples"
SWEEP_AT = time(7, 0)  # the morning sweep, Moscow time


@dataclass
class DemoResult:
    """What the year produced, for the printout and the smoke test."""

    plan_id: int = 0
    protocols: dict[str, dict] = field(default_factory=dict)  # month → plan_meeting_protocol
    consultations: list[int] = field(default_factory=list)
    reports: dict[str, int] = field(default_factory=dict)  # REPORTS label → report id
    rows: list[dict] = field(default_factory=list)  # the plan's due dates as printed
    escalations: list[dict] = field(default_factory=list)  # item, to, subject
    emails: int = 0
    sent: int = 0


def run_demo(data_dir: Path | None = None) -> DemoResult:
    data_dir = data_dir or get_settings().data_dir / "demo" / "plan"
    with demo_runtime(data_dir, at(9, 1, 9)) as (rt, clock, local_sink):
        story = _Year(rt, clock)
        story.run()
        print_report(rt, story.result, local_sink)
        return story.result


class _Year:
    def __init__(self, rt: Runtime, clock: FrozenClock) -> None:
        self.rt, self.clock = rt, clock
        self.result = DemoResult()
        self.trail = Trail(rt)
        self.meetings: dict[str, int] = {}  # month → meeting id

    def run(self) -> None:
        self._january()
        self._february()
        self._spring()
        self._summer()
        self._autumn()
        self._december()

    # -- the months --------------------------------------------------------------------

    def _january(self) -> None:
        rt = self.rt
        load_centre(rt)
        self.staff, self.director = staff_actor(rt, "ivanova"), staff_actor(rt, "verzunova")
        schools = import_partners(rt, (SAMPLES / "schools.csv").read_bytes(), "schools.csv",
                                  actor=self.staff, kind=OrgKind.SCHOOL).ids
        partners = import_partners(rt, (SAMPLES / "partners.csv").read_bytes(),
                                   "partners.csv", actor=self.staff).ids
        self.schools, self.partners = schools, partners
        say(self.now, f"Организации сети: школ района — {len(schools)} (schools.csv), "
                      f"методических служб районов — {len(partners)} (partners.csv)")
        plan = self.result.plan_id = load_plan_file(rt, PLAN_FILE, year=YEAR,
                                                    actor=self.staff)
        view = plan_view(rt, YEAR)
        items = [i for s in view["sections"] for i in s["items"]]
        say(self.now, f"План работы на {YEAR} год загружен из {PLAN_FILE.name}: разделов "
                      f"{len(view['sections'])}, пунктов {len(items)}, сроков "
                      f"{sum(len(i['occurrences']) for i in items)}")
        names = []
        for login, codes in RESPONSIBLE.items():
            for code in codes:
                assign(rt, plan, code, login, actor=self.director)
            with rt.transaction() as tx:
                names.append(f"{staff_by_login(tx, login).full_name} — {', '.join(codes)}")
        say(self.now, "Ответственные по пунктам: " + "; ".join(names))
        self._meeting("январь")

    def _february(self) -> None:
        rt, ids = self.rt, self.result.consultations
        for line, day, topic, form, dates in CONSULTATIONS:
            self.until(at(day, 2, 11))
            with rt.transaction() as tx:
                head = orgs.head_of(tx, self.schools[line - 1])
                school = tx.session.get(Organisation, head.organisation_id).short_name
            ids.append(submit_consultation(
                rt, organisation=school, requester_name=head.full_name,
                email=head.email, topic=topic, form=form, preferred_dates=dates,
                consent=True, source="page"))
            say(self.now, f"Запрос на консультацию №{ids[-1]} со страницы центра: "
                          f"{head.full_name} — «{topic}» ({form})")
            self.send()
        self.until(at(8, 2, 10))
        for n, (login, when, _, _) in HELD.items():
            consultation_decisions.assign(rt, ids[n - 1], login, scheduled_at=when,
                                          actor=self.staff)
        consultation_decisions.decline(rt, ids[2], reason=DECLINE, actor=self.staff)
        say(self.now, f"Консультации №{ids[0]} и №{ids[1]} назначены методистам; запрос "
                      f"№{ids[2]} отклонён: {DECLINE}")
        self.send()
        for n, (_, when, minutes, result) in HELD.items():
            self.until(when + timedelta(minutes=minutes + 15))
            consultation_decisions.hold(rt, ids[n - 1], result=result, held_at=when,
                                        duration_minutes=minutes, actor=self.staff)
            say(self.now, f"Консультация №{ids[n - 1]} проведена ({minutes} мин): {result}")
            self.send()
        self.until(MEETINGS["март"].scheduled)
        self._schedule("март")

    def _spring(self) -> None:
        self._hold("март")
        self.until(at(1, 3, 13))
        story = contests._Story(self.rt, self.clock, schools=self.schools)
        with _quiet(contests.console):
            story.run()
        with self.rt.session() as s:
            contest = s.get(Contest, story.result.contest_id)
            apps = len(s.exec(select(Application.id).where(
                Application.contest_id == contest.id)).all())
        say("1 марта – 16 апреля", f"{contest.title} (часть вторая демо) прошёл в этой же "
                                   f"базе: заявок {apps}, итоги — приказ № "
                                   f"{contest.results_order_number} от "
                                   f"{contest.results_order_date:%d.%m.%Y}")
        self.trail.show()
        self.sweep(at(17, 4, 7))
        self._meeting("апрель")
        self.until(at(30, 6, 23, 45))  # as the report-half-year deployment does
        self._report("effectiveness-1")

    def _summer(self) -> None:
        self.until(at(2, 9, 10))
        self._schedule("сентябрь")
        self._hold("сентябрь")
        self.until(at(20, 9, 10))
        number = self.result.protocols["сентябрь"]["number"]
        plan_results.cancel(self.rt, YEAR, "pract-3", occurrence=2, actor=self.director,
                            reason=CANCEL_REASON.format(n=number, day="19.09.2024"))
        self.trail.show()

    def _autumn(self) -> None:
        self.until(webinars.at(1))
        story = webinars._Story(self.rt, self.clock,
                                organisations=(self.schools, self.partners))
        with _quiet(webinars.console):
            story.run()
        with self.rt.session() as s:
            signed = s.exec(select(Agreement).where(col(Agreement.number).is_not(None))
                            .order_by(Agreement.id)).all()
        say("1 октября – 15 ноября", f"Осенний цикл вебинаров (часть третья демо) прошёл в "
                                     f"этой же базе: вебинаров {len(story.result.sessions)}, "
                                     f"сертификатов {len(story.result.certificates)}; договоры "
                                     "с партнёрами зарегистрированы: " + ", ".join(
                                         f"{a.number} ({a.registered_on:%d.%m.%Y})"
                                         for a in signed))
        self.trail.show()
        self.sweep(at(16, 11, 7))
        self._meeting("ноябрь")

    def _december(self) -> None:
        rt = self.rt
        self.until(at(25, 12, 10))
        with rt.session() as s:
            regulations = s.exec(select(Document.id).where(
                Document.kind == "contest_regulations")).first()
        for code, (text, url) in CLOSED_BY_HAND.items():
            plan_results.close(rt, YEAR, code, text=text, url=url, actor=self.staff,
                               document_id=regulations if code == "theor-4" else None)
        say(self.now, "Закрыты вручную с результатом (текст, ссылка, документ): "
                      + ", ".join(CLOSED_BY_HAND))
        self.trail.show()
        self.until(at(31, 12, 23, 45))  # as the report-half-year deployment does
        self._report("effectiveness-2")
        # The year's справки on the first working morning, after the sweep has closed the
        # December items from the effectiveness report.
        self.sweep(datetime(YEAR + 1, 1, 9, 7, 0, tzinfo=MOSCOW))
        self._set(datetime(YEAR + 1, 1, 9, 10, 0, tzinfo=MOSCOW))
        for label in ("monitoring", "events", "plan"):
            self._report(label)
        self.send()

    # -- steps -------------------------------------------------------------------------

    def _meeting(self, month: str) -> None:
        self.until(MEETINGS[month].scheduled)
        self._schedule(month)
        self._hold(month)

    def _schedule(self, month: str) -> None:
        m = MEETINGS[month]
        done = plan_meetings.schedule(self.rt, plan=YEAR, starts_at=m.start,
                                      place=PLACE, actor=self.staff,
                                      agenda=[q.title for q in m.questions])
        self.meetings[month] = done["id"]
        say(self.now, f"Заседание творческой группы за {done['period']} назначено на "
                      f"{done['start']}: приглашения с повесткой — {done['invited']}")
        self.send()

    def _hold(self, month: str) -> None:
        m, meeting = MEETINGS[month], self.meetings[month]
        self.until(m.start + timedelta(hours=1, minutes=30))
        plan_meeting_minutes.record_minutes(self.rt, meeting, m.minutes(), actor=self.staff)
        held = plan_meeting_protocol.hold(self.rt, meeting, actor=self.staff)
        self.result.protocols[month] = held
        say(self.now, f"Заседание проведено: протокол № {held['number']} от {held['date']} "
                      f"разослан ({held['mailed']}); {held['occurrence']}")
        self.send()
        self.trail.show()

    def _report(self, label: str) -> None:
        kind, start, end = REPORTS[label]
        done = reports.generate_report(self.rt, kind, start, end, actor=self.director)
        self.result.reports[label] = done.report.id
        view = report_queries.show(self.rt, done.report.id)
        say(self.now, f"{view['title']} ({view['period_text']}): справка .docx и данные "
                      ".xlsx сформированы")

    # -- the clock and the sweep --------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def until(self, moment: datetime) -> None:
        """Move the clock to `moment`, running the morning sweep on each day before it when a
        reminder (7 and 1 days ahead) or an overdue mark (the day after) falls due."""
        while (day := self._next_sweep(moment)) is not None:
            self.sweep(day)
        self._set(moment)

    def _next_sweep(self, before: datetime) -> datetime | None:
        offsets = [*self.rt.settings.plan_reminder_offsets_days, -1]
        with self.rt.session() as s:
            dues = set(s.exec(select(PlanOccurrence.due).where(PlanOccurrence.state.in_(OPEN))))
        mornings = {datetime.combine(d - timedelta(days=k), SWEEP_AT, MOSCOW)
                    for d in dues for k in offsets}
        return min((m for m in mornings if self.now < m < before), default=None)

    def sweep(self, moment: datetime) -> None:
        self._set(moment)
        fire_timers(self.rt)
        self.send()
        self.trail.show()

    def _set(self, moment: datetime) -> None:
        if moment < self.now:
            raise SystemExit(f"Демо: часы не идут назад ({self.now} → {moment})")
        self.clock.set(moment)

    def send(self) -> None:
        asyncio.run(mail_delivery.drain(self.rt))


@contextmanager
def _quiet(console):
    """Parts two and three tell their stories on their own console: silenced here."""
    before, console.quiet = console.quiet, True
    try:
        yield
    finally:
        console.quiet = before
