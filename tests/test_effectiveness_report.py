"""«Эффективность сетевого взаимодействия» for the second half of 2024, counted by hand on the
network of tests.test_monitoring_report:

  partners with an agreement in force on 31.12.2024: P1, P2, P3; active in July–December:
    P1 (attended W1), P2 (consultation of 01.09; its application of March is earlier) → 2 of 3;
  webinars: W1, W2, W3 (cancelled), W5 planned → W1 and W2 held: 2 of 4;
  plan: due 30.09 done late, 30.11 overdue, 31.12 done (31.10 cancelled is left out,
    30.06 is earlier) → 2 of 3, one on time;
  attendance: 4 participations of 6 registrations to held sessions (8 registrations in all);
  certificates issued 20.10 (H1, PH1) and 20.11 (H1) → 3 to 2 people.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from adapters.docx_render import docx_text
from models import Document, PlanItem, PlanOccurrence
from services import documents, effectiveness_report, report_period, reports
from services.actors import Actor
from services.plan_closing import close_with_result
from tests.test_monitoring_report import network, tables
from tests.test_plan_reminders import load_2024

HALF = report_period.half("2024-2")
EXPECTED = {
    "partners_in_force": 3, "partners_active": 2, "partners_active_share": 0.6667,
    "sessions_planned": 4, "sessions_held": 2, "sessions_held_share": 0.5,
    "plan_due": 3, "plan_done": 2, "plan_done_on_time": 1, "plan_done_share": 0.6667,
    "registrations": 8, "registrations_held": 6, "attendances": 4, "attendance_rate": 0.6667,
    "certificates": 3, "certificate_holders": 2,
}


def build(rt, start, end):
    with rt.transaction() as tx:
        return effectiveness_report.build(tx, start, end)


def test_the_indicators_of_the_second_half_year(rt):
    network(rt)
    content = build(rt, *HALF)
    assert content.figures == EXPECTED
    indicators, partners, sessions, plan = tables(content.note)
    assert indicators.rows == [
        ["Активные организации-партнёры (с действующим договором)", 2, 3, 0.6667],
        ["Проведённые вебинары (из запланированных)", 2, 4, 0.5],
        ["Выполненные сроки плана работы (из наступивших)", 2, 3, 0.6667],
        ["Участия в вебинарах (из регистраций на состоявшиеся)", 4, 6, 0.6667],
        ["Выданные сертификаты участников вебинаров", 3, "—", "—"]]
    assert partners.rows == [[1, "МБОУ СОШ № 1", "Кореновский район", 1, 0, 0, "да"],
                             [2, "МБОУ СОШ № 2", "Кореновский район", 0, 0, 1, "да"],
                             [3, "МБОУ СОШ № 3", "Кореновский район", 0, 0, 0, "нет"]]
    assert sessions.rows == [
        [1, "Цикл 2024", "Тема W1", "15.10.2024 15:00", "проведён", 4, 3],
        [2, "Цикл 2024", "Тема W2", "12.11.2024 15:00", "идёт регистрация", 2, 1],
        [3, "Цикл 2024", "Тема W3", "10.12.2024 15:00", "отменён", 1, 0],
        [4, "Цикл 2024", "Тема W5", "29.12.2024 00:30", "идёт регистрация", 1, 0]]
    diag = "Диагностическая деятельность"  # the items of the hand-made plan have no «№»
    assert plan.rows == [
        [diag, "Мероприятие pract-1", "30.09.2024", "выполнено с опозданием", "—"],
        [diag, "Мероприятие pract-1", "31.10.2024", "отменено", "—"],
        [diag, "Мероприятие pract-1", "30.11.2024", "просрочено", "—"],
        [diag, "Мероприятие diag-2", "31.12.2024", "выполнено", "—"]]
    charts = [c for s in content.note.sections for c in s.charts]
    assert charts[0].series == {"Запланировано": [4, 3], "Выполнено": [2, 2]}
    assert charts[1].series == {"Организаций": [2, 1]}


def test_the_first_half_year_has_no_webinars_and_counts_the_march_applications(rt):
    network(rt)
    figures = build(rt, *report_period.half("2024-1")).figures
    # P1 applied in March and P2 too (both active), P3 not; plan: 30.06 done on time.
    assert figures == {**EXPECTED, "sessions_planned": 0, "sessions_held": 0,
                       "sessions_held_share": None, "plan_due": 1, "plan_done": 1,
                       "plan_done_on_time": 1, "plan_done_share": 1.0, "registrations": 0,
                       "registrations_held": 0, "attendances": 0, "attendance_rate": None,
                       "certificates": 0, "certificate_holders": 0}


def test_the_effectiveness_справка_reads_back(rt):
    network(rt)
    report = reports.generate(rt, "effectiveness", *HALF, actor=Actor.scheduler())
    assert report.figures == EXPECTED and report.version == 1
    assert reports.generate(rt, "effectiveness", *HALF, actor=Actor.system()).id == report.id
    with rt.session() as s:
        docx_doc, xlsx_doc = (s.get(Document, i) for i in (report.docx_document_id,
                                                            report.xlsx_document_id))
    data = documents.read_bytes(rt, docx_doc)
    text = docx_text(data)
    for line in ("Аналитическая справка по итогам мониторинга «Эффективность сетевого "
                 "взаимодействия»", "за второе полугодие 2024 года",
                 "(с 1 июля 2024 г. по 31 декабря 2024 г.)",
                 "1. На конец периода договоры о сетевом взаимодействии действуют у 3 "
                 "организаций; активность в периоде проявили 2 (две) организации "
                 "(66,7\u00a0%).",
                 "2. Состоялись 2 (два) вебинара из запланированных 4 (50\u00a0%); выполнено 2 "
                 "из 3 сроков плана работы (66,7\u00a0%), из них в срок — 1.",
                 "3. Доля участия в вебинарах — 66,7\u00a0%: участий — 4, регистраций на "
                 "состоявшиеся вебинары — 6.",
                 "4. Выдано 3 (три) сертификата участника, их получили 2 (два) человека."):
        assert line in text, line
    document = docx.Document(io.BytesIO(data))
    assert [c.text for c in document.tables[0].rows[1].cells] == [
        "Активные организации-партнёры (с действующим договором)", "2", "3", "66,7\u00a0%"]
    assert len(document.inline_shapes) == 2
    wb = load_workbook(io.BytesIO(documents.read_bytes(rt, xlsx_doc)))
    assert wb.sheetnames == ["Сводка", "Показатели", "Партнёры", "Вебинары", "План"]
    summary = {r[0].value: r[1].value for r in wb["Сводка"].iter_rows(min_row=5)}
    assert summary["Доля активных партнёров"] == 0.6667
    assert summary["Получили сертификаты, чел."] == 2


def test_only_plan_dates_that_have_come_are_the_base(rt, clock):
    """On 01.04.2024 three of the eighteen 2024 dates have come (theor-2 January and March,
    pract-3 March); one closed ahead of its date counts too; the April one comes on 1 May."""
    load_2024(rt)
    with rt.transaction() as tx:
        september = tx.session.exec(select(PlanOccurrence).join(PlanItem).where(
            PlanItem.code == "theor-2", PlanOccurrence.due == date(2024, 9, 30))).one()
        close_with_result(tx, september, actor=Actor.scheduler(), text="Заседание проведено")
    year = report_period.year("2024")
    figures = build(rt, *year).figures
    assert (figures["plan_due"], figures["plan_done"], figures["plan_done_on_time"],
            figures["plan_done_share"]) == (4, 1, 1, 0.25)
    plan = build(rt, *year).note.sections[-1].tables[0]
    # The plan's own names of its items (section and «№»), never the internal codes.
    assert [(row[0], row[2]) for row in plan.rows] == [
        ("Теоретическая деятельность, № 2", "31.01.2024"),
        ("Теоретическая деятельность, № 2", "31.03.2024"),
        ("Практическая деятельность", "31.03.2024"),  # pract-3: «№» blank in the plan
        ("Теоретическая деятельность, № 2", "30.09.2024")]
    clock.set(datetime(2024, 4, 30, 20, 59, tzinfo=UTC))  # 23:59 on 30 April in Moscow
    assert build(rt, *year).figures["plan_due"] == 4
    clock.set(datetime(2024, 4, 30, 21, 0, tzinfo=UTC))  # 1 May: the April date has come
    assert build(rt, *year).figures["plan_due"] == 5


def test_the_base_is_the_plan_execution_reports_due_dates(rt):
    load_2024(rt)
    a = Actor.scheduler()
    eff = reports.generate(rt, "effectiveness", date(2024, 1, 1), date(2024, 12, 31), actor=a)
    plan = reports.generate(rt, "plan", date(2024, 1, 1), date(2024, 12, 31), actor=a)
    assert eff.figures["plan_due"] == plan.figures["due"] == 3
    # Table 4 names the items as the plan does, in the .docx and in the .xlsx.
    with rt.session() as s:
        docx_doc, xlsx_doc = (s.get(Document, i) for i in (eff.docx_document_id,
                                                            eff.xlsx_document_id))
    items = ["Теоретическая деятельность, № 2", "Теоретическая деятельность, № 2",
             "Практическая деятельность"]
    table = docx.Document(io.BytesIO(documents.read_bytes(rt, docx_doc))).tables[-1]
    assert [row.cells[0].text for row in table.rows] == ["Пункт", *items]
    sheet = load_workbook(io.BytesIO(documents.read_bytes(rt, xlsx_doc)))["План"]
    assert [row[0] for row in sheet.iter_rows(values_only=True)][-3:] == items


def test_a_period_without_records_says_so_instead_of_empty_tables(rt):
    """No agreements, webinars, plan or certificates: a sentence stands for each empty table,
    its chart is left out and the conclusions say it in words, with no zeros."""
    report = reports.generate(rt, "effectiveness", *report_period.half("2024-1"),
                              actor=Actor.system())
    with rt.session() as s:
        docx_doc, xlsx_doc = (s.get(Document, i) for i in (report.docx_document_id,
                                                            report.xlsx_document_id))
    data = documents.read_bytes(rt, docx_doc)
    text = docx_text(data)
    for line in ("На конец периода договоры о сетевом взаимодействии не действовали.",
                 "Методические вебинары в периоде не планировались.",
                 "Сроки плана работы в периоде не наступали.",
                 "1. На конец периода договоров о сетевом взаимодействии не было; активность "
                 "партнёров не оценивалась.",
                 "2. Методические вебинары в периоде не планировались; сроки плана работы в "
                 "периоде не наступали.",
                 "3. Регистраций на состоявшиеся вебинары в периоде не было, доля участия не "
                 "определена.",
                 "4. Сертификаты участникам вебинаров в периоде не выдавались."):
        assert line in text, line
    assert "Таблица 2" not in text and "Нет данных" not in text and "у 0 " not in text
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1 and len(document.inline_shapes) == 0
    wb = load_workbook(io.BytesIO(documents.read_bytes(rt, xlsx_doc)))
    assert wb.sheetnames == ["Сводка", "Показатели", "Партнёры", "Вебинары", "План"]
    assert "Сроки плана работы в периоде не наступали." in [
        row[0] for row in wb["План"].iter_rows(values_only=True)]


# n → the index of the form agreeing with it (one, few, many) and its words (m, f).
FORM = {1: 0, 2: 1, 5: 2, 11: 2, 21: 0}
WORDS = {1: ("один", "одна"), 2: ("два", "две"), 5: ("пять",) * 2, 11: ("одиннадцать",) * 2,
         21: ("двадцать один", "двадцать одна")}


@pytest.mark.parametrize("n", [1, 2, 5, 11, 21])
def test_the_verbs_of_the_conclusions_agree_with_the_numbers(n):
    m, f = WORDS[n]

    def pick(*forms: str) -> str:
        return forms[FORM[n]]

    said = effectiveness_report._conclusions(dict(
        partners_in_force=n, partners_active=n, partners_active_share=1.0, sessions_held=n,
        sessions_planned=n, sessions_held_share=1.0, plan_done=n, plan_due=n,
        plan_done_share=1.0, plan_done_on_time=n, attendance_rate=1.0, attendances=n,
        registrations_held=n, certificates=n, certificate_holders=n))
    assert said == [
        f"На конец периода договоры о сетевом взаимодействии действуют у {n} "
        f"{pick('организации', 'организаций', 'организаций')}; активность в периоде "
        f"{pick('проявила', 'проявили', 'проявили')} {n} ({f}) "
        f"{pick('организация', 'организации', 'организаций')} (100\u00a0%).",
        f"{pick('Состоялся', 'Состоялись', 'Состоялось')} {n} ({m}) "
        f"{pick('вебинар', 'вебинара', 'вебинаров')} из запланированных {n} (100\u00a0%); "
        f"{pick('выполнен', 'выполнено', 'выполнено')} {n} из {n} "
        f"{pick('срока', 'сроков', 'сроков')} плана работы (100\u00a0%), из них в срок — {n}.",
        f"Доля участия в вебинарах — 100\u00a0%: участий — {n}, регистраций на состоявшиеся "
        f"вебинары — {n}.",
        f"{pick('Выдан', 'Выдано', 'Выдано')} {n} ({m}) "
        f"{pick('сертификат', 'сертификата', 'сертификатов')} участника, "
        f"{'его' if n == 1 else 'их'} {pick('получил', 'получили', 'получили')} {n} ({m}) "
        f"{pick('человек', 'человека', 'человек')}."]


def test_no_activity_of_the_partners_is_said_without_zeros():
    said = effectiveness_report._conclusions({**EXPECTED, "partners_active": 0,
                                              "partners_active_share": 0.0})
    assert said[0] == ("На конец периода договоры о сетевом взаимодействии действуют у 3 "
                       "организаций; ни одна из них не проявила активности в периоде.")


def test_the_plan_table_dates_the_work_as_the_plan_report_does(rt, clock):
    """A date closed by its record's day (a meeting on 28.03, marked in the system on 01.04)
    shows 28.03 here, as in the year-end plan report — not the day of the marking."""
    load_2024(rt)
    with rt.transaction() as tx:
        march = tx.session.exec(select(PlanOccurrence).join(PlanItem).where(
            PlanItem.code == "theor-2", PlanOccurrence.due == date(2024, 3, 31))).one()
        close_with_result(tx, march, actor=Actor.scheduler(), text="Протокол №2",
                          day=date(2024, 3, 28))
    plan = build(rt, *report_period.year("2024")).note.sections[-1].tables[0]
    [row] = [r for r in plan.rows if r[2] == "31.03.2024" and r[0].startswith("Теорет")]
    assert row[-1] == "28.03.2024"
