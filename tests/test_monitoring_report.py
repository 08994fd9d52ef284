"""The activity monitoring: every figure against a small network built by hand.

`network(rt)` (shared by the other report tests) makes, straight into the store:

  Выселковский район: S1 (head H1, deputy D1), S2 (head H2); S3 with nothing (listed, not
    active: every organisation of the registry is in the monitoring).
  Кореновский район: P1, P2, P3 (partners, heads PH1–PH3). A guest G without an organisation.
  Agreements: P1 registered 01.03.2024 (in force) and an old one ended 31.01.2024; P2
    registered 10.05.2023 (in force), one cancelled, one registered 10.01.2025 (after);
    P3 registered 01.02.2024 (in force). → signed in 2024: 2; in force on 31.12.2024: 3.
  Webinars (times UTC): W1 15.10 held; W2 12.11 «registration open» but marked → held;
    W3 10.12 cancelled; W5 28.12 21:30 (29.12 in Moscow) ahead; outside 2024: W4 20.01.2025
    and W6 31.12 21:30 (01.01.2025 in Moscow). → planned 4, held 2, cancelled 1.
  Invitations: W1 H1 (twice) H2 PH1 PH2 PH3, W2 H1 H2 D1, W3 H1, W5 PH1; W4 H1, W6 H2 and
    one without a person. → S1 4, S2 2, P1 2, P2 1, P3 1 = 10.
  Registrations: W1 H1 attended, H2 no-show, PH1 certificate issued, PH2 cancelled, G
    attended; W2 H1 attended, D1 not marked, H2 waiting; W3 H1 registered; W5 PH1
    registered; W4 H1, W6 H2 registered (outside).
    → S1 reg 4 / on held 3 / attended 2; S2 1/1/0 (no-show 1); P1 2/1/1; P2 0; G 1/1/1.
  Applications: 2024 contest — S1 winner, S2 laureate, P1 participant, P2 rejected (March);
    2023 contest — S1 winner at 31.12.2023 23:59 MSK (outside), S2 under review at
    01.01.2024 00:00 MSK (inside). → S1 1 (winner), S2 2 (laureate), P1 1, P2 1.
  Consultations held: S1 10.05 online and 01.06 in person, P2 01.09 online, no
    organisation 01.10 by phone; S2 assigned (not held); P1 held 05.01.2025 (outside).
  Certificates: H1 for W1 (20.10) and W2 (20.11), PH1 for W1 (20.10), G for W1 (10.01.2025).
  Plan 2024 occurrences: 30.06 done, 31.12 done, 30.09 done late, 30.11 overdue,
    31.10 cancelled, 31.01.2025 planned.

By activity (participations + applications + consultations): S1 5, P1 2 (1 attended),
S2 2 (2 applications), P2 2, S3 0, P3 0, then «Без организации» (not numbered).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from models import (
    Agreement,
    AgreementState,
    Application,
    ApplicationState,
    Certificate,
    Consultation,
    ConsultationForm,
    ConsultationState,
    Contest,
    ContestRules,
    Document,
    OccurrenceState,
    OutboxEmail,
    Person,
    PersonRole,
    Plan,
    PlanItem,
    PlanOccurrence,
    Registration,
    RegistrationState as R,
    Report,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from models.fsm import transition_scope
from services import monitoring_report, reports
from services.actors import Actor
from services.audit import trail
from services.errors import DomainError
from services.monitoring_data import Activity, MonitoringData, MunicipalityRow, OrgRow, compute
from services.webinar_report_data import Figures
from tests.factories import make_partner, make_school, staff_actor
from tests.webinar_factories import make_deputy

YEAR = (date(2024, 1, 1), date(2024, 12, 31))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _people(s) -> dict[str, int]:
    return {p.email: p.id for p in s.exec(select(Person))}


def network(rt) -> dict:
    ids = {"S1": make_school(rt, 1), "S2": make_school(rt, 2), "S3": make_school(rt, 3)}
    for n in (1, 2, 3):
        ids[f"P{n}"] = make_partner(rt, n)
    make_deputy(rt, ids["S1"], 1)
    # The records as their processes would have left them (states written as they stand).
    with rt.transaction() as tx, transition_scope():
        s, now = tx.session, tx.now
        s.add(Person(role=PersonRole.CONTACT, last_name="Гостева", first_name="Нина",
                     email="guest@example.org", created_at=now))
        for org, state, registered, starts, ends in (
                ("P1", AgreementState.REGISTERED, date(2024, 3, 1), date(2024, 3, 1),
                 date(2027, 2, 28)),
                ("P1", AgreementState.EXPIRED, date(2021, 2, 1), date(2021, 2, 1),
                 date(2024, 1, 31)),
                ("P2", AgreementState.REGISTERED, date(2023, 5, 10), date(2023, 5, 10),
                 date(2026, 5, 9)),
                ("P2", AgreementState.CANCELLED, None, None, None),
                ("P2", AgreementState.REGISTERED, date(2025, 1, 10), date(2025, 1, 10),
                 date(2028, 1, 9)),
                ("P3", AgreementState.REGISTERED, date(2024, 2, 1), date(2024, 2, 1),
                 date(2027, 1, 31))):
            s.add(Agreement(partner_id=ids[org], state=state, subject="Сетевое взаимодействие",
                            registered_on=registered, starts_on=starts, ends_on=ends))
        cycle = WebinarCycle(title="Цикл 2024", year=2024, state="announced")
        s.add(cycle)
        s.flush()
        sessions = {}
        for n, (name, starts, state) in enumerate((
                ("W1", utc(2024, 10, 15, 12), SessionState.HELD),
                ("W2", utc(2024, 11, 12, 12), SessionState.REGISTRATION_OPEN),
                ("W3", utc(2024, 12, 10, 12), SessionState.CANCELLED),
                ("W4", utc(2025, 1, 20, 12), SessionState.REGISTRATION_OPEN),
                ("W5", utc(2024, 12, 28, 21, 30), SessionState.REGISTRATION_OPEN),
                ("W6", utc(2024, 12, 31, 21, 30), SessionState.PLANNED)), start=1):
            row = WebinarSession(cycle_id=cycle.id, position=n, topic=f"Тема {name}",
                                 speaker="Иванова Н. А.", segment="heads", starts_at=starts,
                                 duration_minutes=90, meeting_url="https://meet.example.org/1",
                                 capacity=100, state=state)
            s.add(row)
            s.flush()
            sessions[name] = row.id
        people = _people(s)
        who = {"H1": "director@sosh1.example.org", "H2": "director@sosh2.example.org",
               "D1": "deputy1@example.org", "G": "guest@example.org",
               **{f"PH{n}": f"head{n}@school{n}.example.org" for n in (1, 2, 3)}}
        pid = {k: people[v] for k, v in who.items()}
        invitations = [("W1", "H1"), ("W1", "H1"), ("W1", "H2"), ("W1", "PH1"), ("W1", "PH2"),
                       ("W1", "PH3"), ("W2", "H1"), ("W2", "H2"), ("W2", "D1"), ("W3", "H1"),
                       ("W5", "PH1"), ("W4", "H1"), ("W6", "H2"), ("W1", None)]
        for n, (w, p) in enumerate(invitations):
            s.add(OutboxEmail(key=f"inv:{n}", template="webinar_invitation",
                              to_addr="x@example.org", subject="Приглашение", text_body="…",
                              object_kind="webinar_session", object_id=sessions[w],
                              person_id=pid[p] if p else None, next_attempt_at=now))
        for w, p, state in (("W1", "H1", R.ATTENDED), ("W1", "H2", R.NO_SHOW),
                            ("W1", "PH1", R.CERTIFICATE_ISSUED), ("W1", "PH2", R.CANCELLED),
                            ("W1", "G", R.ATTENDED), ("W2", "H1", R.ATTENDED),
                            ("W2", "D1", R.REGISTERED), ("W2", "H2", R.WAITING),
                            ("W3", "H1", R.REGISTERED), ("W5", "PH1", R.REGISTERED),
                            ("W4", "H1", R.REGISTERED), ("W6", "H2", R.REGISTERED)):
            s.add(Registration(session_id=sessions[w], person_id=pid[p], state=state,
                               registered_at=now))
        for n, (p, w, issued) in enumerate((("H1", "W1", utc(2024, 10, 20)),
                                            ("H1", "W2", utc(2024, 11, 20)),
                                            ("PH1", "W1", utc(2024, 10, 20)),
                                            ("G", "W1", utc(2025, 1, 10))), start=1):
            s.add(Certificate(cycle_id=cycle.id, person_id=pid[p], session_id=sessions[w],
                              scope=f"session:{sessions[w]}", number=f"ВС-{n}/2024",
                              issued_at=issued))
        rules = ContestRules(code="innovative-search", version=1, title="Инновационный поиск",
                             source="", sha256="0" * 64, loaded_at=now)
        s.add(rules)
        s.flush()
        contests = []
        for year in (2024, 2023):
            contest = Contest(rules_id=rules.id, code="innovative-search", year=year,
                              title=f"Инновационный поиск {year}")
            s.add(contest)
            s.flush()
            contests.append(contest.id)
        for n, (c, org, state, submitted) in enumerate((
                (0, "S1", ApplicationState.WINNER, utc(2024, 3, 5, 9)),
                (0, "S2", ApplicationState.LAUREATE, utc(2024, 3, 6, 9)),
                (0, "P1", ApplicationState.PARTICIPANT, utc(2024, 3, 7, 9)),
                (0, "P2", ApplicationState.REJECTED, utc(2024, 3, 8, 9)),
                (1, "S1", ApplicationState.WINNER, utc(2023, 12, 31, 20, 59)),
                (1, "S2", ApplicationState.UNDER_REVIEW, utc(2023, 12, 31, 21, 0))), start=1):
            s.add(Application(contest_id=contests[c], organisation_id=ids[org],
                              number=f"ИП-{n}", state=state, project_title="Проект",
                              annotation="…", head_name="Директор", head_position="Директор",
                              contact_name="Контакт", contact_email="c@example.org",
                              consent_text="Согласие", consent_at=submitted,
                              submitted_at=submitted))
        for org, state, held, form in (
                ("S1", ConsultationState.HELD, utc(2024, 5, 10, 8), ConsultationForm.ONLINE),
                ("S1", ConsultationState.HELD, utc(2024, 6, 1, 8), ConsultationForm.IN_PERSON),
                ("P2", ConsultationState.HELD, utc(2024, 9, 1, 8), ConsultationForm.ONLINE),
                (None, ConsultationState.HELD, utc(2024, 10, 1, 8), ConsultationForm.PHONE),
                ("S2", ConsultationState.ASSIGNED, None, ConsultationForm.ONLINE),
                ("P1", ConsultationState.HELD, utc(2025, 1, 5, 8), ConsultationForm.ONLINE)):
            s.add(consultation(ids[org] if org else None, state, held, form, now))
        plan = Plan(year=2024, title="План работы 2024", sha256="0" * 64)
        s.add(plan)
        s.flush()
        items = {}
        for n, code in enumerate(("diag-2", "pract-1"), start=1):
            item = PlanItem(plan_id=plan.id, code=code, section_code="diag",
                            section_title="Диагностическая деятельность",
                            activity=f"Мероприятие {code}", schedule_text="Июнь, декабрь 2024",
                            schedule_kind="months", result="Справка", position=n)
            s.add(item)
            s.flush()
            items[code] = item.id
        for n, (code, due, state) in enumerate((
                ("diag-2", date(2024, 6, 30), OccurrenceState.DONE),
                ("diag-2", date(2024, 12, 31), OccurrenceState.DONE),
                ("pract-1", date(2024, 9, 30), OccurrenceState.DONE_LATE),
                ("pract-1", date(2024, 11, 30), OccurrenceState.OVERDUE),
                ("pract-1", date(2024, 10, 31), OccurrenceState.CANCELLED),
                ("pract-1", date(2025, 1, 31), OccurrenceState.PLANNED)), start=1):
            s.add(PlanOccurrence(item_id=items[code], position=n, start=due, due=due,
                                 state=state))
    return ids


def consultation(org_id, state, held_at, form, now) -> Consultation:
    return Consultation(state=state, organisation_id=org_id, organisation_name="Школа",
                        requester_name="Заявитель", email="r@example.org", topic="Тема",
                        form=form, held_at=held_at, submitted_at=now)


EXPECTED_FIGURES = {
    "organisations": 6, "active_organisations": 4, "municipalities": 2,
    "agreements_signed": 2, "agreements_in_force": 3, "sessions": 4, "sessions_held": 2,
    "invitations": 10, "registrations": 8, "attendances": 4, "attendance_rate": 0.6667,
    "applications": 5, "winners": 1, "laureates": 1, "contest_participants": 1,
    "consultations": 4,
}
MUNICIPALITIES = [  # Муниципалитет, Организаций, активных, договоров: заключено, действует;
    # участий, заявок, консультаций
    ["Выселковский район", 3, 2, 0, 0, 2, 3, 2],
    ["Кореновский район", 3, 2, 2, 3, 1, 2, 1],
    ["Без организации", 0, 0, 0, 0, 1, 0, 1],
]
WEBINARS = [  # Приглашений, Регистраций, Участий, Неявок, Доля участия
    ["Выселковский район", 6, 5, 2, 1, 0.5],
    ["Кореновский район", 4, 2, 1, 0, 1.0],
    ["Без организации", 0, 1, 1, 0, 1.0],
]
CONTESTS = [["Выселковский район", 3, 1, 1, 0], ["Кореновский район", 2, 0, 0, 1],
            ["Без организации", 0, 0, 0, 0]]
S1, S2 = "МБОУ СОШ № 1 ст. Выселки", "МБОУ СОШ № 2 ст. Выселки"
ORGANISATIONS = [
    [1, S1, "Выселковский район", "нет", 0, 4, 4, 2, 0.6667, 1, 1, 0, 0, 2, 5],
    [2, "МБОУ СОШ № 1", "Кореновский район", "да", 1, 2, 2, 1, 1.0, 1, 0, 0, 1, 0, 2],
    [3, S2, "Выселковский район", "нет", 0, 2, 1, 0, 0.0, 2, 0, 1, 0, 0, 2],
    [4, "МБОУ СОШ № 2", "Кореновский район", "да", 0, 1, 0, 0, "—", 1, 0, 0, 0, 1, 2],
    [5, "МБОУ СОШ № 3 ст. Выселки", "Выселковский район", "нет", 0, 0, 0, 0, "—", 0, 0, 0, 0,
     0, 0],
    [6, "МБОУ СОШ № 3", "Кореновский район", "да", 1, 1, 0, 0, "—", 0, 0, 0, 0, 0, 0],
    ["", "Без организации", "Без организации", "нет", 0, 0, 1, 1, 1.0, 0, 0, 0, 0, 1, 2],
]


def content(rt, start=YEAR[0], end=YEAR[1]):
    with rt.transaction() as tx:
        return monitoring_report.build(tx, start, end)


def tables(note) -> list:
    return [t for section in note.sections for t in section.tables]


def test_every_figure_of_the_monitoring_matches_the_hand_count(rt):
    network(rt)
    result = content(rt)
    assert result.figures == EXPECTED_FIGURES
    by_muni, webinars, contests, forms, orgs = tables(result.note)
    assert by_muni.rows == MUNICIPALITIES and by_muni.total == ["Итого", 6, 4, 2, 3, 4, 5, 4]
    assert webinars.rows == WEBINARS and webinars.total == ["Итого", 10, 8, 4, 1, 0.6667]
    assert contests.rows == CONTESTS and contests.total == ["Итого", 5, 1, 1, 1]
    assert forms.rows == [["онлайн", 2], ["очно", 1], ["по телефону", 1]]
    assert forms.total == ["Итого", 4]
    assert orgs.rows == ORGANISATIONS
    charts = [c for s in result.note.sections for c in s.charts]
    assert charts[0].series == {"Количество": [4, 5, 4, 2]}
    assert charts[1].labels == ["Выселковский район", "Кореновский район", "Без организации"]
    assert charts[1].series == {"Регистраций": [5, 2, 1], "Участий": [2, 1, 1]}


def test_the_conclusions_give_the_counts_in_words(rt):
    network(rt)
    text = "\n".join(content(rt).note.conclusions)
    for phrase in ("В мониторинге участвовали 6 (шесть) организаций, они представляют "
                   "2 (два) муниципалитета; активность проявили 4 (четыре), или 66,7\u00a0%.",
                   "За период заключено 2 (два) договора о сетевом взаимодействии; на "
                   "31 декабря 2024 г. действует 3 (три) договора.",
                   "Состоялись 2 (два) вебинара из запланированных 4; направлено 10 (десять) "
                   "приглашений, принято 8 (восемь) регистраций, отмечены 4 (четыре) участия; "
                   "доля участия — 66,7\u00a0%.",
                   "На конкурсы подано 5 (пять) заявок; победителей — 1 (один)",
                   "Проведены 4 (четыре) консультации",
                   f"Наиболее активны: {S1} (Выселковский район) — 5 мероприятий",
                   "Не проявили активности 2 (две) организации: МБОУ СОШ № 3 ст. Выселки "
                   "(Выселковский район); МБОУ СОШ № 3 (Кореновский район). Рекомендуется "
                   "адресно пригласить их к участию"):
        assert phrase in text, phrase


def test_a_half_year_counts_only_its_own_records(rt):
    network(rt)
    first = content(rt, date(2024, 1, 1), date(2024, 6, 30)).figures
    # January–June: the agreements of February and March (P3 only has its agreement: listed,
    # not active), the applications and the two consultations of S1; no webinar yet.
    assert first == {**EXPECTED_FIGURES,
                     "sessions": 0, "sessions_held": 0, "invitations": 0,
                     "registrations": 0, "attendances": 0, "attendance_rate": None,
                     "consultations": 2}


def test_the_figures_come_from_grouped_queries(rt):
    """A dozen statements whatever the size of the network (never one per registration)."""
    import sqlalchemy as sa

    network(rt)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(rt.engine, "before_cursor_execute", seen)
    try:
        with rt.session() as s:
            compute(s, *YEAR)
    finally:
        sa.event.remove(rt.engine, "before_cursor_execute", seen)
    assert len([x for x in statements if x.lstrip().upper().startswith("SELECT")]) <= 12


def test_generating_again_with_the_same_figures_keeps_the_version(rt):
    network(rt)
    first = reports.generate(rt, "monitoring", *YEAR, actor=staff_actor(rt))
    again = reports.generate(rt, "monitoring", *YEAR, actor=Actor.system())
    assert (again.id, again.version) == (first.id, 1) and first.figures == EXPECTED_FIGURES
    with rt.session() as s:
        assert len(s.exec(select(Document).where(Document.object_kind == "report")).all()) == 2
    with rt.transaction() as tx, transition_scope():
        tx.session.add(consultation(None, ConsultationState.HELD, utc(2024, 12, 1, 8),
                                    ConsultationForm.WRITTEN, tx.now))
    second = reports.generate(rt, "monitoring", *YEAR, actor=Actor.system())
    assert second.version == 2 and second.figures["consultations"] == 5
    assert second.docx_document_id not in (first.docx_document_id, first.xlsx_document_id)
    with rt.session() as s:
        keys = sorted(s.exec(select(Document.key).where(Document.object_kind == "report")))
        assert len(s.exec(select(Report)).all()) == 2
    assert keys == [f"report:monitoring:2024:period:v{v}:{ext}" for v in (1, 2)
                    for ext in ("docx", "xlsx")]
    entries = trail(rt, "report", first.id) + trail(rt, "report", second.id)
    assert [(e.action, e.details["version"]) for e in entries] == [
        ("report_generated", 1), ("report_generated", 2)]
    assert entries[0].document_ids == [first.docx_document_id, first.xlsx_document_id]
    assert entries[0].actor_label.startswith("Иванова") and entries[1].actor_label == "система"


def test_a_period_that_ends_before_it_starts_is_refused(rt):
    with pytest.raises(DomainError) as err:
        reports.generate(rt, "monitoring", date(2024, 12, 31), date(2024, 1, 1),
                         actor=Actor.system())
    assert err.value.message == ("Период указан неверно: конец (01.01.2024) раньше начала "
                                 "(31.12.2024)")
    with pytest.raises(DomainError, match="без предмета"):
        reports.generate(rt, "monitoring", *YEAR, subject="contest:1", actor=Actor.system())
    with pytest.raises(DomainError, match="Вид отчёта «nothing» не известен"):
        reports.generate(rt, "nothing", *YEAR, actor=Actor.system())
    with rt.session() as s:
        assert s.exec(select(Report)).all() == []


def test_an_organisation_without_records_and_its_municipality_are_in_the_monitoring(rt):
    network(rt)
    make_school(rt, 4, municipality="Усть-Лабинский район")  # nothing at all in 2024
    year = content(rt)
    assert (year.figures["organisations"], year.figures["active_organisations"],
            year.figures["municipalities"]) == (7, 4, 3)
    by_muni, *_, orgs = tables(year.note)
    assert by_muni.rows[2] == ["Усть-Лабинский район", 1, 0, 0, 0, 0, 0, 0]
    assert by_muni.rows[3][:3] == ["Без организации", 0, 0]
    assert by_muni.total[:3] == ["Итого", 7, 4]
    # Numbered 1–7: the organisations; «Без организации» is listed but has no number.
    assert [(row[0], row[1]) for row in orgs.rows[5:]] == [
        (6, "МБОУ СОШ № 3"), (7, "МБОУ СОШ № 4 ст. Выселки"), ("", "Без организации")]
    text = "\n".join(year.note.conclusions)
    assert ("В мониторинге участвовали 7 (семь) организаций, они представляют 3 (три) "
            "муниципалитета; активность проявили 4 (четыре), или 57,1\u00a0%.") in text
    assert ("Не проявили активности 3 (три) организации: МБОУ СОШ № 3 ст. Выселки (Выселковский "
            "район); МБОУ СОШ № 3 (Кореновский район); МБОУ СОШ № 4 ст. Выселки (Усть-Лабинский "
            "район).") in text
    # January–June: the guest and the consultation without an organisation are later, so
    # there is no «Без организации» row at all.
    half = tables(content(rt, date(2024, 1, 1), date(2024, 6, 30)).note)
    assert [row[0] for row in half[-1].rows] == [1, 2, 3, 4, 5, 6, 7]
    assert "Без организации" not in [row[0] for row in half[0].rows]


# n → the index of the form agreeing with it (one, few, many) and its words (m, f, n).
FORM = {1: 0, 2: 1, 5: 2, 11: 2, 21: 0}
WORDS = {1: ("один", "одна", "одно"), 2: ("два", "две", "два"), 5: ("пять",) * 3,
         11: ("одиннадцать",) * 3, 21: ("двадцать один", "двадцать одна", "двадцать одно")}


def synthetic(n: int, active: bool = True) -> MonitoringData:
    """n organisations in n municipalities, each invited, registered and present once."""
    def activity(k: int) -> Activity:
        return Activity(webinars=Figures(invited=k, registered=k, attended=k,
                                         held_registered=k)) if active else Activity()

    rows = [OrgRow(i, f"Школа {i}", f"Район {i}", False, activity(1)) for i in range(1, n + 1)]
    munis = [MunicipalityRow(f"Район {i}", 1, int(active), activity(1))
             for i in range(1, n + 1)]
    return MonitoringData(*YEAR, rows, munis, activity(n), n if active else 0,
                          n if active else 0, 0, {})


@pytest.mark.parametrize("n", [1, 2, 5, 11, 21])
def test_the_verbs_of_the_conclusions_agree_with_the_numbers(n):
    m, f, neuter = WORDS[n]
    form = FORM[n]

    def pick(*forms: str) -> str:
        return forms[form]

    said = monitoring_report.conclusions(synthetic(n))
    assert said[0] == (
        f"В мониторинге {pick('участвовала', 'участвовали', 'участвовали')} {n} ({f}) "
        f"{pick('организация', 'организации', 'организаций')}, "
        f"{'она представляет' if n == 1 else 'они представляют'} {n} ({m}) "
        f"{pick('муниципалитет', 'муниципалитета', 'муниципалитетов')}; активность "
        f"{pick('проявила', 'проявили', 'проявили')} {n} ({f}), или 100\u00a0%.")
    assert said[2] == (
        f"{pick('Состоялся', 'Состоялись', 'Состоялось')} {n} ({m}) "
        f"{pick('вебинар', 'вебинара', 'вебинаров')} из запланированных {n}; "
        f"{pick('направлено', 'направлены', 'направлено')} {n} ({neuter}) "
        f"{pick('приглашение', 'приглашения', 'приглашений')}, "
        f"{pick('принята', 'приняты', 'принято')} {n} ({f}) "
        f"{pick('регистрация', 'регистрации', 'регистраций')}, "
        f"{pick('отмечено', 'отмечены', 'отмечено')} {n} ({neuter}) "
        f"{pick('участие', 'участия', 'участий')}; доля участия — 100\u00a0%.")
    passive = monitoring_report.conclusions(synthetic(n, active=False))
    assert passive[0].endswith("; ни одна из них не проявила активности.")
    assert passive[2] == "Методические вебинары в периоде не планировались."
    named = "; ".join(f"Школа {i} (Район {i})" for i in range(1, n + 1))
    assert passive[-1] == (
        f"Не {pick('проявила', 'проявили', 'проявили')} активности {n} ({f}) "
        f"{pick('организация', 'организации', 'организаций')}"
        + (f": {named}." if n <= 10 else " (перечень — в таблице «Активность организаций»).")
        + f" Рекомендуется адресно пригласить {'её' if n == 1 else 'их'} к участию в "
          "мероприятиях площадки.")


def test_no_organisations_and_no_webinars_are_said_without_zeros():
    assert monitoring_report.conclusions(synthetic(0)) == [
        "В реестре нет организаций — участников сетевого взаимодействия.",
        "За период новых договоров о сетевом взаимодействии не заключалось; на 31 декабря "
        "2024 г. действующих договоров нет.",
        "Методические вебинары в периоде не планировались.",
        "Заявок на конкурсы в периоде не поступало.",
        "Консультации по запросам участников в периоде не проводились."]
