"""The sweep closes plan occurrences from the records that carry them out: agreements, a
contest, a webinar cycle, a справка. On time or late by the record's day, never twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from config.settings import PROJECT_ROOT
from models import (
    Agreement,
    AgreementState,
    AuditEntry,
    Contest,
    ContestState,
    Document,
    OccurrenceState as O,
    Outcome,
    Person,
    PersonRole,
    Registration,
    RegistrationState,
    WebinarSession,
)
from models.fsm import transition_scope
from models.plan import PlanItem, PlanOccurrence
from models.plan_machine import occurrence_machine
from models.report import PlanLink, Report
from models.webinar import SessionState
from services import contests, documents
from services.actors import Actor
from services.audit import trail
from services.contest_rules import load_rules
from services.plan import load_plan_file
from services.plan_links import link
from services.plan_sync import sync
from services.sweep import fire_timers, summary
from services.transitions import transition
from services.webinar_report_xlsx import export_report
from tests.factories import make_partner, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import make_cycle

SHIPPED = PROJECT_ROOT / "data" / "plan" / "plan-2024.yaml"
CONTESTS = PROJECT_ROOT / "data" / "contests"
DOCX = documents.FILE_TYPES["docx"][1]


# --- builders: the plan, and records made by hand as their processes would leave them ---

def load_plan(rt, *, also: str = "") -> None:
    """The shipped 2024 plan; `also` = a process given to theor-4 (whole year) as well."""
    text = SHIPPED.read_text("utf-8")
    if also:
        text = text.replace('result: "Нормативные документы"',
                            f'result: "Нормативные документы"\n        process: {also}')
    load_plan_file(rt, text, year=2024, actor=staff_actor(rt))


def occurrence(rt, code: str, position: int = 1) -> PlanOccurrence:
    with rt.session() as s:
        return s.exec(select(PlanOccurrence).join(PlanItem).where(
            PlanItem.code == code, PlanOccurrence.position == position)).one()


def links(rt) -> list[tuple[str, int, str, int]]:
    with rt.session() as s:
        return [(item.code, occ.position, link.object_kind, link.object_id)
                for link, occ, item in s.exec(
                    select(PlanLink, PlanOccurrence, PlanItem)
                    .join(PlanOccurrence, PlanOccurrence.id == PlanLink.occurrence_id)
                    .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                    .order_by(PlanLink.id))]


def closings(rt, occ_id: int) -> list[AuditEntry]:
    return [e for e in trail(rt, "plan_occurrence", occ_id)
            if e.action in ("close_on_time", "close_late")]


def moscow(clock, y: int, m: int, d: int) -> None:
    clock.set(datetime(y, m, d, 7, 0, tzinfo=UTC))  # 10:00 in Moscow


def store_doc(tx, key: str, object_kind: str, object_id: int, name: str) -> int:
    return documents.store_file(tx, key=key, kind="test", object_kind=object_kind,
                                object_id=object_id, filename=name, data=key.encode(),
                                media_type=DOCX).id


def registered_agreement(rt, n: int, day: date, *, number: bool = True) -> int:
    """Agreement №n of partner n, registered on `day` (СВ-n/2024) with its .docx."""
    partner = make_partner(rt, n)
    with rt.transaction() as tx, transition_scope():
        ag = Agreement(partner_id=partner, subject="Сетевое взаимодействие",
                       state=AgreementState.REGISTERED if number else AgreementState.CANCELLED,
                       number=f"СВ-{n}/2024" if number else None,
                       registered_on=day if number else None, starts_on=day,
                       ends_on=day.replace(year=day.year + 3))
        tx.session.add(ag)
        tx.session.flush()
        store_doc(tx, f"agreement:{ag.id}:registered", "agreement", ag.id, f"СВ-{n}.docx")
        return ag.id


def make_contest(rt, rules: str = "innovative-search", *,
                 state: ContestState = ContestState.ANNOUNCED) -> int:
    """A contest of the 2024 rules, put in `state` (announced: the sweep may link it)."""
    actor = staff_actor(rt)
    load_rules(rt, CONTESTS / f"{rules}-2024.yaml", actor=actor)
    contest_id = contests.create(rt, rules_code=rules, actor=actor)
    if state != ContestState.DRAFT:
        with rt.transaction() as tx:
            contest = tx.session.get(Contest, contest_id)
            with transition_scope():
                contest.state = state
            tx.session.add(contest)
    return contest_id


def award(rt, contest_id: int, day: date, state=ContestState.AWARDED) -> int:
    """The contest awarded on `day` with its results order; the order's document id."""
    with rt.transaction() as tx:
        contest = tx.session.get(Contest, contest_id)
        with transition_scope():
            contest.state = state
        contest.results_order_number, contest.results_order_date = "12-ОД", day
        tx.session.add(contest)
        store_doc(tx, f"contest:{contest_id}:protocol", "contest", contest_id, "Протокол.docx")
        return store_doc(tx, f"contest:{contest_id}:results_order", "contest", contest_id,
                         "Приказ.docx")


def hold(rt, session_ids: list[int], attendance: dict[int, list[int]]) -> None:
    """Sessions held; attendance: listener number → the session ids they attended."""
    with rt.transaction() as tx:
        for sid in session_ids:
            row = tx.session.get(WebinarSession, sid)
            with transition_scope():
                row.state = SessionState.HELD
            tx.session.add(row)
        for n, attended in attendance.items():
            email = f"listener{n}@example.org"
            person = tx.session.exec(select(Person).where(Person.email == email)).first()
            if person is None:
                person = Person(role=PersonRole.CONTACT, last_name=f"Слушатель{n}",
                                first_name="Анна", email=email, created_at=tx.now)
                tx.session.add(person)
                tx.session.flush()
            for sid in attended:
                with transition_scope():
                    tx.session.add(Registration(session_id=sid, person_id=person.id,
                                                state=RegistrationState.ATTENDED,
                                                registered_at=tx.now))


def make_report(rt, kind: str, start: date, end: date, created: date) -> tuple[int, int]:
    """A generated справка (its row and .docx, made on `created`): (report id, document id)."""
    with rt.transaction() as tx:
        report = Report(kind=kind, period_start=start, period_end=end, figures_sha256="0" * 64,
                        created_at=datetime(created.year, created.month, created.day, 12,
                                            tzinfo=UTC))
        tx.session.add(report)
        tx.session.flush()
        doc = store_doc(tx, f"report:{report.id}:docx", "report", report.id, "Справка.docx")
        report.docx_document_id = doc
        tx.session.add(report)
        return report.id, doc


def mark_overdue(rt, occ_id: int, day: date) -> None:
    with rt.transaction() as tx:
        occ = tx.session.get(PlanOccurrence, occ_id)
        with transition(tx, occurrence_machine, occ, "mark_overdue", actor=Actor.scheduler(),
                        day=day):
            pass


# --- agreements: «Заключение договоров» (theor-1, April–August) ---

def test_agreements_registered_in_the_window_close_it_on_time_when_the_window_ends(rt, clock):
    load_plan(rt)
    registered_agreement(rt, 1, date(2024, 3, 20))  # before the window: not counted
    registered_agreement(rt, 2, date(2024, 4, 10))
    last = registered_agreement(rt, 3, date(2024, 6, 5))
    registered_agreement(rt, 4, date(2024, 5, 1), number=False)  # cancelled, never registered
    moscow(clock, 2024, 8, 30)
    assert sync(rt)["closed"] == []  # the window is still open
    moscow(clock, 2024, 9, 3)  # the sweep comes late: the records' day decides
    (closed,) = sync(rt)["closed"]
    occ = occurrence(rt, "theor-1")
    assert occ.state == O.DONE and closed["state"] == "выполнено"
    assert occ.result_text == ("Зарегистрировано 2 (два) договора о сетевом взаимодействии: "
                               "СВ-2/2024, СВ-3/2024")
    with rt.session() as s:
        assert occ.result_document_id == s.exec(select(Document.id).where(
            Document.key == f"agreement:{last}:registered")).one()
    (entry,) = closings(rt, occ.id)
    assert (entry.action, entry.actor_kind, entry.details["day"]) == (
        "close_on_time", "scheduler", "05.06.2024")
    assert sync(rt) == {"linked": [], "closed": []}  # never twice
    assert len(closings(rt, occ.id)) == 1


def test_no_agreement_in_the_window_leaves_it_then_a_later_one_closes_it_late(rt, clock):
    load_plan(rt)
    moscow(clock, 2024, 9, 2)
    assert sync(rt)["closed"] == []
    occ = occurrence(rt, "theor-1")
    assert occ.state == O.PLANNED
    mark_overdue(rt, occ.id, date(2024, 9, 2))
    registered_agreement(rt, 1, date(2024, 9, 10))
    moscow(clock, 2024, 9, 12)
    sync(rt)
    occ = occurrence(rt, "theor-1")
    assert occ.state == O.DONE_LATE
    assert occ.result_text == ("Зарегистрирован 1 (один) договор о сетевом взаимодействии: "
                               "СВ-1/2024")
    assert closings(rt, occ.id)[0].details["day"] == "10.09.2024"


def test_every_agreement_of_the_first_day_after_the_window_is_named(rt, clock):
    """Two registered on the same day after the window: both close it (a third, later, not)."""
    load_plan(rt)
    first = registered_agreement(rt, 1, date(2024, 10, 1))
    last = registered_agreement(rt, 2, date(2024, 10, 1))
    registered_agreement(rt, 3, date(2024, 10, 3))
    moscow(clock, 2024, 10, 14)
    (closed,) = sync(rt)["closed"]
    occ = occurrence(rt, "theor-1")
    assert (occ.state, closed["day"]) == (O.DONE_LATE, "01.10.2024")
    assert occ.result_text == ("Зарегистрировано 2 (два) договора о сетевом взаимодействии: "
                               "СВ-1/2024, СВ-2/2024")
    (entry,) = closings(rt, occ.id)
    assert (entry.details["day"], entry.details["agreements"]) == ("01.10.2024", [first, last])


def test_the_sweep_closes_on_the_due_day_before_it_would_mark_the_item_overdue(rt, clock):
    load_plan(rt)
    registered_agreement(rt, 1, date(2024, 7, 1))
    moscow(clock, 2024, 9, 1)  # the first day the reminders would mark it overdue
    report = fire_timers(rt)
    assert occurrence(rt, "theor-1").state == O.DONE
    assert [x["item"] for x in report["plan_sync"]["closed"]] == ["theor-1"]
    assert "пунктов плана выполнено по записям: 1" in summary(report, 0)


# --- contests: pract-3 (March, October) ---

def test_a_contest_is_linked_to_its_window_and_closes_it_on_time_by_its_award_day(rt, clock):
    load_plan(rt)
    march, october = make_contest(rt), make_contest(rt, "network-leader")
    report = sync(rt)
    assert links(rt) == [("pract-3", 1, "contest", march), ("pract-3", 2, "contest", october)]
    assert next(x["record"] for x in report["linked"]).startswith(f"конкурс №{march} «")
    (entry,) = [e for e in trail(rt, "plan_occurrence", occurrence(rt, "pract-3").id)
                if e.action == "link"]
    assert entry.actor_kind == "scheduler" and entry.details["auto"] is True
    assert report["closed"] == []  # linked, not awarded yet
    order = award(rt, march, date(2024, 3, 28))
    moscow(clock, 2024, 4, 20)
    (closed,) = sync(rt)["closed"]
    occ = occurrence(rt, "pract-3")
    assert (occ.state, occ.result_document_id) == (O.DONE, order)
    assert occ.result_text == ("Конкурс «Муниципальный образовательный конкурс «Инновационный "
                               "поиск 2024»»: итоги подведены 28.03.2024, приказ № 12-ОД")
    assert closed["day"] == "28.03.2024"
    assert sync(rt) == {"linked": [], "closed": []}
    assert len(closings(rt, occ.id)) == 1
    assert occurrence(rt, "pract-3", 2).state == O.PLANNED


def test_a_contest_awarded_after_the_due_date_closes_it_late(rt, clock):
    load_plan(rt)
    march = make_contest(rt)
    sync(rt)
    award(rt, march, date(2024, 4, 15), state=ContestState.CLOSED)
    moscow(clock, 2024, 4, 16)
    sync(rt)
    occ = occurrence(rt, "pract-3")
    assert occ.state == O.DONE_LATE
    assert closings(rt, occ.id)[0].details["day"] == "15.04.2024"


def test_a_contest_whose_dates_fit_two_open_windows_is_not_linked(rt):
    load_plan(rt, also="contest")  # theor-4 (the whole year) now holds contests too
    make_contest(rt)
    assert sync(rt) == {"linked": [], "closed": []}
    assert links(rt) == []


def test_a_draft_contest_is_not_linked_until_it_is_announced(rt, clock):
    """A forgotten draft would hold the item open for ever: only announced ones are linked."""
    load_plan(rt)
    draft = make_contest(rt, state=ContestState.DRAFT)
    assert sync(rt) == {"linked": [], "closed": []}
    assert links(rt) == []
    with rt.transaction() as tx:
        contest = tx.session.get(Contest, draft)
        with transition_scope():
            contest.state = ContestState.ANNOUNCED
        tx.session.add(contest)
    assert [x["item"] for x in sync(rt)["linked"]] == ["pract-3"]
    assert links(rt) == [("pract-3", 1, "contest", draft)]


# --- webinars: pract-1 (October–November) ---

def test_a_cycle_held_in_its_window_closes_it_with_its_figures_and_report(rt, clock):
    load_plan(rt)
    cycle, sessions = make_cycle(rt)  # 15 and 29 October
    assert sync(rt)["linked"][0]["record"] == f"цикл вебинаров №{cycle} «Осенний цикл»"
    hold(rt, sessions[:1], {1: sessions[:1]})
    moscow(clock, 2024, 11, 1)
    assert sync(rt)["closed"] == []  # the second webinar is not held yet
    hold(rt, sessions[1:], {1: sessions[1:], 2: sessions[1:], 3: sessions[1:]})
    xlsx = export_report(rt, cycle, actor=staff_actor(rt))
    moscow(clock, 2024, 12, 5)
    sync(rt)
    occ = occurrence(rt, "pract-1")
    assert (occ.state, occ.result_document_id) == (O.DONE, xlsx.id)
    assert occ.result_text == ("Проведено 2 (два) вебинара (цикл «Осенний цикл»), участников: "
                               "3 (три) человека")
    (entry,) = closings(rt, occ.id)
    assert entry.details["day"] == "29.10.2024" and entry.details["participants"] == 3
    assert sync(rt) == {"linked": [], "closed": []}


def test_a_cycle_whose_last_webinar_is_after_the_due_date_closes_it_late(rt, clock):
    load_plan(rt)
    _, sessions = make_cycle(rt, session("Первый", "2024-10-15 15:00", segment="heads"),
                             session("Второй", "2024-12-03 15:00", segment="heads"))
    sync(rt)
    hold(rt, sessions, {1: sessions})
    moscow(clock, 2024, 12, 4)
    sync(rt)
    occ = occurrence(rt, "pract-1")
    assert occ.state == O.DONE_LATE and occ.result_document_id is None
    assert occ.result_text == ("Проведено 2 (два) вебинара (цикл «Осенний цикл»), участников: "
                               "1 (один) человек")
    assert closings(rt, occ.id)[0].details["day"] == "03.12.2024"


def test_a_cycle_whose_webinars_fit_two_open_windows_is_not_linked(rt):
    load_plan(rt, also="webinar")
    make_cycle(rt)
    assert sync(rt)["linked"] == [] and links(rt) == []


# --- справки: diag-2 «Эффективность сетевого взаимодействия» (June, December) ---

def test_a_report_whose_period_ends_in_the_window_closes_it_by_the_day_it_was_made(rt, clock):
    load_plan(rt)
    make_report(rt, "monitoring", date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 20))
    assert sync(rt)["closed"] == []  # a monitoring справка is not the effectiveness one
    _, docx = make_report(rt, "effectiveness", date(2024, 1, 1), date(2024, 6, 30),
                          date(2024, 6, 30))
    moscow(clock, 2024, 7, 10)
    (closed,) = sync(rt)["closed"]
    occ = occurrence(rt, "diag-2")
    assert (occ.state, occ.result_document_id, closed["day"]) == (O.DONE, docx, "30.06.2024")
    assert occ.result_text == ("Справка «Эффективность сетевого взаимодействия» за период "
                               "01.01.2024–30.06.2024")
    make_report(rt, "effectiveness", date(2024, 7, 1), date(2024, 12, 31), date(2025, 1, 9))
    moscow(clock, 2025, 1, 10)
    sync(rt)
    december = occurrence(rt, "diag-2", 2)
    assert december.state == O.DONE_LATE
    assert closings(rt, december.id)[0].details["day"] == "09.01.2025"
    assert sync(rt) == {"linked": [], "closed": []}
    assert len(closings(rt, occ.id)) == 1


def test_the_result_names_the_report_by_its_own_title(rt, clock):
    load_plan(rt, also="monitoring")  # theor-4 (the whole year) closed by a monitoring справка
    make_report(rt, "monitoring", date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 9))
    moscow(clock, 2025, 1, 10)
    sync(rt)
    occ = occurrence(rt, "theor-4")
    assert occ.state == O.DONE_LATE
    assert occ.result_text == ("Справка «Мониторинг активности участников сетевого "
                               "взаимодействия» за период 01.01.2024–31.12.2024")


def test_a_report_made_before_its_period_ended_closes_nothing_even_when_linked(rt, clock):
    """A preview of the half-year made on 1 April holds partial figures: the June date stays
    open until a справка made on or after 30 June (Moscow day) comes."""
    load_plan(rt)
    preview, _ = make_report(rt, "effectiveness", date(2024, 1, 1), date(2024, 6, 30),
                             date(2024, 4, 1))
    assert sync(rt)["closed"] == []
    link(rt, 2024, "diag-2", "report", preview, occurrence=1, actor=staff_actor(rt))
    moscow(clock, 2024, 6, 29)
    assert sync(rt)["closed"] == []
    assert occurrence(rt, "diag-2").state == O.PLANNED
    with rt.transaction() as tx:  # made at 23:45 on 30 June in Moscow (20:45 UTC)
        late = Report(kind="effectiveness", period_start=date(2024, 1, 1),
                      period_end=date(2024, 6, 30), version=2, figures_sha256="1" * 64,
                      created_at=datetime(2024, 6, 30, 20, 45, tzinfo=UTC))
        tx.session.add(late)
        tx.session.flush()
        final = late.id
    moscow(clock, 2024, 7, 1)
    (closed,) = sync(rt)["closed"]
    occ = occurrence(rt, "diag-2")
    assert (occ.state, closed["day"]) == (O.DONE, "30.06.2024")
    assert closings(rt, occ.id)[0].details["report"] == final


def test_an_overdue_item_is_closed_on_time_by_a_record_dated_before_its_due_date(rt, clock):
    """Marked overdue because the sweep did not know of the report made on 30 June: the
    record's day decides."""
    load_plan(rt)
    moscow(clock, 2024, 7, 5)
    mark_overdue(rt, occurrence(rt, "diag-2").id, date(2024, 7, 5))
    make_report(rt, "effectiveness", date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 30))
    sync(rt)
    occ = occurrence(rt, "diag-2")
    assert occ.state == O.DONE
    (entry,) = closings(rt, occ.id)
    assert (entry.action, entry.from_state, entry.details["day"], entry.details["record_day"]) \
        == ("close_on_time", "overdue", "30.06.2024", "30.06.2024")


def test_nothing_is_refused_or_changed_by_a_sync_with_no_records(rt, clock):
    load_plan(rt)
    moscow(clock, 2024, 12, 31)
    assert sync(rt) == {"linked": [], "closed": []}
    with rt.session() as s:
        assert {o.state for o in s.exec(select(PlanOccurrence))} == {O.PLANNED}
        assert not list(s.exec(select(AuditEntry).where(AuditEntry.outcome == Outcome.REFUSED)))
