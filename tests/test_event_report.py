"""Analysis of events (kind «events»): a webinar cycle, a contest, a meeting, and a period.

The cycle is tests.test_webinar_report's (its figures are counted in that file's docstring).

The contest «Инновационный поиск 2024», announced on 1 March: schools 1–4 of Выселковский
район, 5–6 of Кореновский район apply; ИП-6 is rejected, the others accepted; three experts
give every application the same scores (so the averages are these):

            Актуальность Новизна(×1,5) Практ.(×1,5) Реалист. Тираж.  total
    ИП-1        10         10            10          10       10     60
    ИП-2         9          9             9           9        9     54
    ИП-3         8          6             8           7        8     44
    ИП-4         6          8             6           6        4     37
    ИП-5         5          7             5           5        5     33

  winner ИП-1, laureates ИП-2 and ИП-3 (top 1 and 2 of the rules), participants ИП-4, ИП-5;
  average total 228 / 5 = 45,6; criteria averages 7,6; 8; 7,6; 7,4; 7,2.

The meeting № 3 on 20.09.2024 14:00 (Moscow): members Верзунова (chair) and Иванова present,
Ремель absent, one guest; two questions, a decision on each.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from adapters.docx_render import docx_text
from models import (
    Document,
    MeetingAttendee,
    MeetingState,
    Person,
    PersonRole,
    PlanMeeting,
    SessionState,
    WebinarSession,
)
from models.fsm import transition_scope
from services import (
    contest_results,
    contest_review,
    contest_screening,
    contests,
    documents,
    event_report,
    reports,
)
from services.contest_experts import add_expert
from services.contest_intake import apply
from services.contest_rules import load_rules
from services.errors import DomainError, NotFound
from services.org import fill_cases
from services.sweep import fire_timers
from tests.factories import make_school, staff_actor
from tests.test_contest_intake import MARCH_1, RULES, form, invitation
from tests.test_contest_review import scores, tokens
from tests.test_webinar_plan import session
from tests.test_webinar_report import cycle  # noqa: F401  (the fixture)
from tests.webinar_factories import make_cycle

YEAR = (date(2024, 1, 1), date(2024, 12, 31))
NBSP = "\u00a0"
SCORES = {"ИП-1/2024": scores(10, 10, 10, 10, 10), "ИП-2/2024": scores(9, 9, 9, 9, 9),
          "ИП-3/2024": scores(8, 6, 8, 7, 8), "ИП-4/2024": scores(6, 8, 6, 6, 4),
          "ИП-5/2024": scores(5, 7, 5, 5, 5)}


def build(rt, subject: str = "", start: date = YEAR[0], end: date = YEAR[1]):
    with rt.transaction() as tx:
        return event_report.build(tx, start, end, subject)


def announced_contest(rt, applicants: range) -> tuple[int, list[int]]:
    """«Инновационный поиск 2024» announced on 1 March; the `applicants` schools apply."""
    rt.clock.set(MARCH_1)
    staff = staff_actor(rt)
    load_rules(rt, RULES, actor=staff)
    contest_id = contests.create(rt, rules_code="innovative-search", actor=staff)
    contests.announce(rt, contest_id, actor=staff)
    rt.clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    return contest_id, [apply(rt, invitation(rt, n), form(n), []) for n in applicants]


@pytest.fixture
def contest(rt):
    """The contest at the top of this file, its results approved on 25 March."""
    for n in range(1, 7):
        make_school(rt, n, municipality="Выселковский район" if n <= 4 else "Кореновский район")
    contest_id, apps = announced_contest(rt, range(1, 7))
    staff = staff_actor(rt)
    for i in range(1, 4):
        add_expert(rt, contest_id, last_name=f"Эксперт{i}", first_name="Анна",
                   middle_name="Ивановна", email=f"expert{i}@experts.example.org", actor=staff)
    rt.clock.set(datetime(2024, 3, 25, 6, 0, tzinfo=UTC))
    fire_timers(rt)  # intake closed
    for app_id in apps[:5]:
        contest_screening.accept(rt, app_id, actor=staff)
    contest_screening.reject(rt, apps[5], actor=staff, reason="Не соответствует тематике")
    contest_review.start_review(rt, contest_id, actor=staff)
    for n in range(1, 4):
        for number, token in tokens(rt, n).items():
            contest_review.submit_review(rt, token, SCORES[number], f"Эксперт {n}")
    contest_results.start_deliberation(rt, contest_id, actor=staff)
    contest_results.approve_results(rt, contest_id, actor=staff)
    return contest_id


def add_meeting(rt, *, number: int | None, starts_at: datetime,
                state: MeetingState = MeetingState.HELD) -> int:
    """A meeting row as the meetings' services leave it (straight into its tables)."""
    with rt.transaction() as tx:
        people = {p.login: p.id for p in tx.session.exec(
            select(Person).where(Person.login.in_(["verzunova", "ivanova", "remel"])))}
        guest = fill_cases(Person(role=PersonRole.CONTACT, last_name="Гостева",
                                  first_name="Нина", middle_name="Петровна",
                                  email=f"guest{starts_at:%m%d}@example.org", created_at=tx.now))
        tx.session.add(guest)
        tx.session.flush()
        meeting_id = tx.session.execute(sa.insert(PlanMeeting).values(
            state=state, number=number, starts_at=starts_at, place="МКУ ИМЦ, каб. 5",
            agenda=["О плане работы на учебный год", "О конкурсе «Инновационный поиск»"],
            decisions=[{"question": 1, "decision": "План утвердить", "responsible": "",
                        "due": ""},
                       {"question": 2, "decision": "Провести конкурс в октябре",
                        "responsible": "Иванова Н.А.", "due": "01.10.2024"}]
            if state == MeetingState.HELD else [],
            chair_id=people["verzunova"], secretary_id=people["ivanova"],
            created_at=tx.now, updated_at=tx.now).returning(PlanMeeting.id)).scalar_one()
        tx.session.execute(sa.insert(MeetingAttendee), [
            {"meeting_id": meeting_id, "person_id": people["verzunova"], "present": True,
             "guest": False},
            {"meeting_id": meeting_id, "person_id": people["ivanova"], "present": True,
             "guest": False},
            {"meeting_id": meeting_id, "person_id": people["remel"], "present": False,
             "absence_reason": "болезнь", "guest": False},
            {"meeting_id": meeting_id, "person_id": guest.id, "present": True, "guest": True}])
        return meeting_id


def test_a_webinar_cycle(rt, cycle):  # noqa: F811
    cycle_id = cycle[0]
    content = build(rt, f"webinar_cycle:{cycle_id}")
    note = content.note
    assert note.title == "Аналитическая справка по итогам цикла методических вебинаров " \
                         "«Осенний цикл»"
    sessions = note.sections[0].tables[0]
    assert sessions.percent_columns == (9,)
    assert [row[:2] + row[4:] for row in sessions.rows] == [
        [1, "15.10.2024 15:00", "проведён", 3, 3, 2, 1, pytest.approx(2 / 3), 2, "4,50"],
        [2, "29.10.2024 15:00", "проведён", 3, 2, 1, 0, 0.5, 1, "3,00"],
        [3, "12.11.2024 15:00", "идёт регистрация", 3, 2, 0, 0, "—", 0, "—"]]
    assert sessions.total == ["", "", "Итого", "", "", 9, 7, 3, 1, 0.6, 3, "4,00"]
    chart = note.sections[0].charts[0]
    assert chart.labels == ["№ 1 (15.10)", "№ 2 (29.10)", "№ 3 (12.11)"]
    assert chart.series == {"Зарегистрировано": [3, 2, 2], "Участвовало": [2, 1, 0]}
    summary = dict(map(tuple, note.sections[1].tables[0].rows))
    assert (summary["Доля участия (по состоявшимся вебинарам)"], summary["Участников, чел."],
            summary["Средняя оценка (1–5)"]) == ("60,0 %", 3, "4,00")
    places = note.sections[2].tables[0]
    assert places.percent_columns == (8,)
    assert places.rows == [["Выселковский район", 4, 6, 6, 2, 2, 1, 1, 0.5, 2],
                           ["Кореновский район", 2, 3, 0, 0, 0, 0, 0, "—", 0],
                           ["Без организации", 0, 0, 1, 1, 1, 0, 0, 1.0, 1]]
    assert places.total == ["Итого", 6, 9, 7, 3, 3, 1, 1, 0.6, 3]
    assert note.conclusions == [
        "Цикл включает 3 (три) вебинара, состоялось 2 (два).",
        "Приглашено 6 (шесть) человек; регистраций — 7 (семь), участий — 3 (три), неявок — 1 "
        "(одна); участников — 3 (три) чел.",
        f"Доля участия по состоявшимся вебинарам — 60{NBSP}%.",
        "Выдано сертификатов — 3 (три).",
        "Получено отзывов — 3 (три); средняя оценка — 4,00 из 5, средняя полезность — 4,50 "
        "из 5."]
    assert content.figures == {
        "sessions": 3, "held": 2, "invited_people": 6, "invitations": 9, "registered": 7,
        "attended": 3, "no_show": 1, "participants": 3, "attendance_rate": 0.6,
        "certificates": 3, "feedback": 3, "rating": 4.0, "usefulness": 4.5}


def test_a_contest(rt, contest):
    content = build(rt, f"contest:{contest}")
    note = content.note
    assert note.title == "Аналитическая справка по итогам конкурса «Инновационный поиск 2024»"
    sections = {s.heading: s for s in note.sections}
    assert sections["Сроки и ход конкурса"].paragraphs == [
        "Конкурс объявлен 1 марта 2024 г. (приказ № 1-ОД); приём заявок — с 4 марта 2024 г. "
        "по 22 марта 2024 г.",
        "Итоги подведены 25 марта 2024 г. (протокол № 1)."]
    places = sections["Заявки участников"].tables[0]
    assert places.rows == [["Выселковский район", 4, 4, 0, 1, 2],
                           ["Кореновский район", 2, 1, 1, 0, 0]]
    assert places.total == ["Итого", 6, 5, 1, 1, 2]
    assert sections["Заявки участников"].charts[0].series == {
        "Подано заявок": [4, 2], "Принято к экспертизе": [4, 1], "Победители и лауреаты": [3, 0]}
    assert sections["Экспертиза заявок"].tables[0].rows == [
        ["Актуальность", "10", "1", "7,6"], ["Новизна", "10", "1,5", "8"],
        ["Практическая значимость", "10", "1,5", "7,6"],
        ["Реалистичность и ресурсное обеспечение", "10", "1", "7,4"],
        ["Тиражируемость", "10", "1", "7,2"]]
    assert [row[:2] + row[3:] for row in sections["Итоги конкурса"].tables[0].rows] == [
        [1, "ИП-1/2024", "Выселковский район", "60", "победитель"],
        [2, "ИП-2/2024", "Выселковский район", "54", "лауреат"],
        [3, "ИП-3/2024", "Выселковский район", "44", "лауреат"]]
    assert note.conclusions == [
        "На конкурс подано 6 (шесть) заявок; муниципалитетов — 2 (два).",
        "Принято к экспертизе — 5 (пять), отклонено — 1 (одна).",
        "Победителей — 1 (один), лауреатов — 2 (два), участников — 2 (два).",
        "Средний итоговый балл — 45,6 (наибольший — 60, наименьший — 33).",
        "Наиболее высокий средний балл — по критерию «Новизна» (8 из 10), наиболее низкий — "
        "по критерию «Тиражируемость» (7,2 из 10)."]
    assert content.figures == {
        "state": "итоги утверждены", "applications": 6,
        "accepted": 5, "rejected": 1, "screening": 0, "winners": 1, "laureates": 2,
        "participants": 2, "ranked": 5, "average_total": 45.6,
        "municipalities": {"Выселковский район": 4, "Кореновский район": 2},
        "criteria": {"Актуальность": 7.6, "Новизна": 8.0, "Практическая значимость": 7.6,
                     "Реалистичность и ресурсное обеспечение": 7.4, "Тиражируемость": 7.2}}


def test_a_contest_still_taking_applications(rt):
    make_school(rt, 1)
    make_school(rt, 2)
    contest_id, _ = announced_contest(rt, range(1, 3))
    content = build(rt, f"contest:{contest_id}")
    assert content.note.sections[0].paragraphs[1] == (
        "Итоги не подведены: конкурс в состоянии «приём заявок» (по положению — 15 апреля "
        "2024 г.).")
    assert [s.heading for s in content.note.sections] == ["Сроки и ход конкурса",
                                                          "Заявки участников"]
    assert content.note.conclusions == [
        "На конкурс подано 2 (две) заявки; муниципалитетов — 1 (один).",
        "Принято к экспертизе — 0 (ноль), отклонено — 0 (ноль), на проверке — 2 (две)."]
    assert (content.figures["screening"], content.figures["average_total"]) == (2, None)


def test_a_creative_group_meeting(rt):
    meeting_id = add_meeting(rt, number=3, starts_at=datetime(2024, 9, 20, 11, 0, tzinfo=UTC))
    content = build(rt, f"plan_meeting:{meeting_id}")
    note = content.note
    assert note.title == ("Аналитическая справка по итогам заседания творческой группы № 3 от "
                          "20 сентября 2024 г.")
    card, agenda = note.sections[0].tables[0], note.sections[1].tables[0]
    assert card.rows == [
        ["Дата и время (МСК)", "20.09.2024 14:00"], ["Место", "МКУ ИМЦ, каб. 5"],
        ["Председатель", "О.А. Верзунова"], ["Секретарь", "Н.А. Иванова"],
        ["Членов группы присутствовало", 2], ["Членов группы отсутствовало", 1],
        ["Приглашённых", 1], ["Вопросов повестки", 2], ["Принято решений", 2]]
    assert agenda.rows == [
        [1, "О плане работы на учебный год", "План утвердить", "—", "—"],
        [2, "О конкурсе «Инновационный поиск»", "Провести конкурс в октябре", "Иванова Н.А.",
         "01.10.2024"]]
    assert note.sections[0].charts[0].series == {"Члены группы": [2, 1]}
    assert note.conclusions == [
        f"На заседании присутствовали 2 (два) из 3 членов творческой группы (66,7{NBSP}%), "
        "приглашённых — 1 (один).",
        "Рассмотрено вопросов — 2 (два), принято решений — 2 (два)."]
    assert content.figures == {"number": 3, "date": "20.09.2024", "present": 2, "absent": 1,
                               "guests": 1, "agenda": 2, "decisions": 2}


def test_a_period_lists_every_event_that_took_place(rt, cycle):  # noqa: F811
    announced_contest(rt, range(1, 3))  # schools 1–3 are the cycle's
    add_meeting(rt, number=3, starts_at=datetime(2024, 9, 20, 11, 0, tzinfo=UTC))
    add_meeting(rt, number=4, starts_at=datetime(2024, 12, 31, 21, 30, tzinfo=UTC))  # 2025
    add_meeting(rt, number=None, starts_at=datetime(2024, 11, 20, 11, 0, tzinfo=UTC),
                state=MeetingState.SCHEDULED)
    rt.clock.set(datetime(2025, 1, 10, 7, 0, tzinfo=UTC))
    content = build(rt)
    note = content.note
    assert note.title == ("Аналитическая справка по итогам методических, конкурсных и "
                          "организационных мероприятий за 2024 год")
    events, kinds = note.sections[0].tables[0], note.sections[1].tables[0]
    # People and a contest's applications are different units: separate columns, never added.
    assert events.header == ["№", "Мероприятие", "Дата", "Вид", "Участников, чел.", "Заявок"]
    assert events.rows == [
        [1, "Муниципальный образовательный конкурс «Инновационный поиск 2024»",
         "01.03.2024 – 15.04.2024", "конкурсное", "—", 2],
        [2, "Заседание творческой группы № 3", "20.09.2024", "организационное", 2, "—"],
        [3, "Вебинар «Первый» (цикл «Осенний цикл»)", "15.10.2024", "методическое", 2, "—"],
        [4, "Вебинар «Второй» (цикл «Осенний цикл»)", "29.10.2024", "методическое", 1, "—"]]
    (chart,) = note.sections[0].charts  # people only: the contest is not drawn
    assert chart.title == "Участники мероприятий, чел."
    assert chart.labels == ["Заседание творческой группы № 3, 20.09",
                            "Вебинар «Первый», 15.10", "Вебинар «Второй», 29.10"]
    assert chart.series == {"Участников, чел.": [2, 2, 1]}
    assert note.sections[0].paragraphs == [
        "Участниками (чел.) считаются: на вебинарах — отмеченные присутствовавшими, на "
        "заседаниях творческой группы — присутствовавшие члены группы. По конкурсам "
        "учитываются поданные заявки организаций, с участниками они не складываются и на "
        "рисунке не показаны: заявок подано 2 (две)."]
    assert kinds.header == ["Вид", "Мероприятий", "Участников, чел.", "Заявок"]
    assert kinds.rows == [["методическое", 2, 3, "—"], ["конкурсное", 1, "—", 2],
                          ["организационное", 1, 2, "—"]]
    assert kinds.total == ["Итого", 4, 5, 2]
    assert note.conclusions == [
        "За 2024 год проведено 4 (четыре) мероприятия: методических (вебинаров) — 2 (два), "
        "конкурсных — 1 (один), организационных (заседаний творческой группы) — 1 (один).",
        "Участий в вебинарах — 3 (три), в среднем 1,5 на вебинар.",
        "Больше всего участников — вебинар «Первый» (цикл «Осенний цикл»): 2 (два) чел.",
        "Заявок на конкурсы — 2 (две).",
        "Среднее число членов творческой группы, присутствовавших на заседаниях, — 2."]
    assert content.figures["by_kind"] == {"webinar": 2, "contest": 1, "meeting": 1}
    assert content.figures["participants"] == {"webinar": 3, "meeting": 2}
    assert content.figures["applications"] == 2
    first_half = build(rt, start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert first_half.note.title.endswith("за первое полугодие 2024 года")
    assert first_half.figures["by_kind"] == {"webinar": 0, "contest": 1, "meeting": 0}
    assert first_half.note.sections[0].charts == []  # a contest only: no people to draw
    assert first_half.note.sections[1].tables[0].total == ["Итого", 1, 0, 2]
    autumn = build(rt, start=date(2024, 10, 20), end=date(2025, 1, 31))
    assert [row[1] for row in autumn.note.sections[0].tables[0].rows] == [
        "Вебинар «Второй» (цикл «Осенний цикл»)", "Заседание творческой группы № 4"]


def test_a_period_without_events(rt):
    content = build(rt, start=date(2023, 1, 1), end=date(2023, 12, 31))
    (section,) = content.note.sections
    assert section.tables == [] and section.charts == []
    assert section.paragraphs == [
        "В периоде методические, конкурсные и организационные мероприятия не проводились."]
    assert content.note.conclusions[0].startswith("За 2023 год проведено 0 (ноль) мероприятий")
    assert content.figures["events"] == 0


def test_refusals_are_russian(rt):
    scheduled = add_meeting(rt, number=None, starts_at=datetime(2024, 11, 20, 11, 0, tzinfo=UTC),
                            state=MeetingState.SCHEDULED)
    for subject, error, message in (
            ("meeting:1", DomainError, "Неизвестный предмет анализа «meeting:1»"),
            ("contest:", DomainError, "не указан номер"),
            ("contest:99", NotFound, "Конкурс №99 не найден"),
            ("webinar_cycle:99", NotFound, "Цикл вебинаров №99 не найден"),
            ("plan_meeting:99", NotFound, "Заседание творческой группы №99 не найдено"),
            (f"plan_meeting:{scheduled}", DomainError, "не проведено .состояние «назначено»")):
        with pytest.raises(error, match=message):
            build(rt, subject)
    with pytest.raises(DomainError, match="раньше начала"):
        build(rt, start=date(2024, 2, 1), end=date(2024, 1, 31))


def test_the_generated_analyses_read_back_docx_and_xlsx(rt, contest):
    staff = staff_actor(rt)
    report = reports.generate(rt, "events", *YEAR, subject=f"contest:{contest}", actor=staff)
    assert (report.subject, report.version) == (f"contest:{contest}", 1)
    data, workbook = _files(rt, report)
    text = docx_text(data)
    for line in ("Аналитическая справка по итогам конкурса «Инновационный поиск 2024»",
                 "Муниципальный образовательный конкурс «Инновационный поиск 2024»",
                 "Таблица 1 – Заявки по муниципалитетам",
                 "Рисунок 1 – Заявки и результаты по муниципалитетам",
                 "Таблица 3 – Победители и лауреаты",
                 "4. Средний итоговый балл — 45,6 (наибольший — 60, наименьший — 33)."):
        assert line in text, line
    document = docx.Document(io.BytesIO(data))
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [
        ["Муниципалитет", "Подано заявок", "Принято к экспертизе", "Отклонено", "Победителей",
         "Лауреатов"], ["Выселковский район", "4", "4", "0", "1", "2"],
        ["Кореновский район", "2", "1", "1", "0", "0"], ["Итого", "6", "5", "1", "1", "2"]]
    assert len(document.inline_shapes) == 1
    assert workbook.sheetnames == ["Сводка", "Муниципалитеты", "Критерии",
                                   "Победители и лауреаты"]
    summary = {row[0].value: row[1].value for row in workbook["Сводка"].iter_rows(min_row=5)}
    assert (summary["Состояние"], summary["Подано заявок"], summary["Средний итоговый балл"]) \
        == ("итоги утверждены", 6, 45.6)
    period = reports.generate(rt, "events", *YEAR, actor=staff)
    data, workbook = _files(rt, period)
    document = docx.Document(io.BytesIO(data))
    assert [c.text for c in document.tables[0].rows[1].cells] == [
        "1", "Муниципальный образовательный конкурс «Инновационный поиск 2024»",
        "01.03.2024 – 25.03.2024", "конкурсное", "—", "6"]
    assert [c.text for c in document.tables[1].rows[-1].cells] == ["Итого", "1", "0", "6"]
    assert "1. За 2024 год проведено 1 (одно) мероприятие" in docx_text(data)
    assert workbook.sheetnames == ["Сводка", "Мероприятия", "По видам"]
    assert reports.generate(rt, "events", *YEAR, actor=staff).id == period.id


def _files(rt, report):
    with rt.session() as s:
        docx_doc, xlsx_doc = (s.get(Document, i) for i in (report.docx_document_id,
                                                            report.xlsx_document_id))
    return (documents.read_bytes(rt, docx_doc),
            load_workbook(io.BytesIO(documents.read_bytes(rt, xlsx_doc))))


def test_one_event_without_a_period_is_analysed_over_its_own_course(rt, contest, monkeypatch):
    """In January 2025 a 2024 contest is still analysed for its own dates, not «за 2025»."""
    cycle_id, sessions = make_cycle(rt, session("Первый", "2024-10-15 15:00", segment="heads"),
                                    session("Второй", "2024-10-29 15:00", segment="heads"),
                                    session("Третий", "2024-12-03 15:00", segment="heads"))
    rt.clock.set(datetime(2025, 1, 10, 7, 0, tzinfo=UTC))
    course = (date(2024, 3, 1), date(2024, 3, 25))  # announced (order), results (protocol)
    assert event_report.period(rt, f"contest:{contest}") == course
    assert event_report.period(rt, f"webinar_cycle:{cycle_id}") == (
        date(2024, 10, 15), date(2024, 12, 3))
    with rt.transaction() as tx, transition_scope():
        tx.session.get(WebinarSession, sessions[2]).state = SessionState.CANCELLED
    assert event_report.period(rt, f"webinar_cycle:{cycle_id}") == (
        date(2024, 10, 15), date(2024, 10, 29))  # a cancelled webinar did not take place
    night = add_meeting(rt, number=4, starts_at=datetime(2024, 12, 31, 21, 30, tzinfo=UTC))
    assert event_report.period(rt, f"plan_meeting:{night}") == (date(2025, 1, 1),) * 2
    assert event_report.period(rt, f"contest:{contest}", year_text="2024") == YEAR
    assert event_report.period(rt, f"contest:{contest}", start="01.03.2024",
                               end="31.03.2024") == (date(2024, 3, 1), date(2024, 3, 31))
    with pytest.raises(DomainError, match="Укажите период одним способом"):
        event_report.period(rt)  # the period's справка needs a period
    with pytest.raises(NotFound, match="Конкурс №99 не найден"):
        event_report.period(rt, "contest:99")
    with pytest.raises(NotFound, match="Заседание творческой группы №99 не найдено"):
        event_report.period(rt, "plan_meeting:99")

    import cli.report
    from cli.main import app

    monkeypatch.setattr(cli.report, "rt", lambda: rt)
    monkeypatch.setattr(cli.report, "console", Console(width=400))
    out = CliRunner().invoke(app, ["report", "events", "--contest", str(contest)],
                             env={"IMC_STAFF_LOGIN": "ivanova"})
    assert out.exit_code == 0, out.output
    assert "Период: с 1 марта 2024 г. по 25 марта 2024 г.; предмет: contest:1" in out.output
