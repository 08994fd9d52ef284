"""The report on plan execution: the shipped 2024 plan, a year of closings, hand-counted figures.

The year, by due date (18 due dates; the clock ends on 31.12.2024, 10:00 in Moscow):

  diag-2   30.06 cancelled («Мониторинг перенесён краевым институтом»); 31.12 open
  theor-1  31.08 closed on 05.09 — late, with a text and a document
  theor-2  31.01 closed on 01.04 — late; 31.03 closed on 01.04 for work done on 28.03 — on time;
           30.04 closed on 20.04 — on time, with a link; 30.09 never closed — not done (the
           sweep did not mark it); 30.11 closed on 25.11 — on time
  theor-3, theor-4, meth-1, meth-2, dissem-2, dissem-3   31.12 open
  pract-1  30.11 closed on 29.11 — on time
  pract-3  31.03 marked overdue on 01.04 — not done; 31.10 closed on 30.10 — on time
  dissem-1 31.12 closed on 31.12 — on time

  on time 6, late 2, not done 2, cancelled 1, open 7; 6 of the 10 done or not done: 60 %.
  On request / by the other plan (2024 in Moscow time): consultations held 2 (a third one held
  at 00:30 on 1 January 2025 in Moscow is outside), webinars on request held 1. Справки count
  by the period they cover, whenever made: «events» 3 (two versions of one count once; the
  second half-year's, made on 9 January 2025, counts; one running into 2025 does not),
  «monitoring» 1 (the year's, made on 9 January 2025; the one of 2023 made in 2024 does not).
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import select

from adapters.clock import moscow_date
from adapters.docx_render import docx_text
from models import (
    Consultation,
    ConsultationForm,
    ConsultationState,
    Document,
    PlanItem,
    PlanOccurrence,
    Report,
    Segment,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from models.fsm import transition_scope
from models.plan import OccurrenceState
from models.plan_machine import occurrence_machine
from services import documents, plan_execution_report, reports
from services.actors import Actor
from services.errors import DomainError, NotFound
from services.plan_closing import close_with_result
from services.plan_execution_data import done_days
from services.plan_queries import plan_view
from services.transitions import transition
from tests.factories import staff_actor
from tests.test_plan_load import load

YEAR = (date(2024, 1, 1), date(2024, 12, 31))
NBSP = "\u00a0"


def occurrence_id(rt, code: str, position: int = 1) -> int:
    with rt.session() as s:
        return s.exec(select(PlanOccurrence.id).join(PlanItem).where(
            PlanItem.code == code, PlanOccurrence.position == position)).one()


def close(rt, code: str, position: int = 1, *, day: date | None = None, **result) -> None:
    occ_id, actor = occurrence_id(rt, code, position), staff_actor(rt)
    with rt.transaction() as tx:
        occ = tx.session.get(PlanOccurrence, occ_id)
        close_with_result(tx, occ, actor=actor, day=day, **result)


def at(rt, year: int, month: int, day: int) -> None:
    rt.clock.set(datetime(year, month, day, 7, 0, tzinfo=UTC))  # 10:00 in Moscow


def build(rt, start: date = YEAR[0], end: date = YEAR[1], subject: str = ""):
    with rt.transaction() as tx:
        return plan_execution_report.build(tx, start, end, subject)


def _records_of_other_processes(rt) -> None:
    """Consultations, webinars on request and справки, straight into their tables."""
    def moment(*args) -> datetime:
        return datetime(*args, tzinfo=UTC)

    with rt.transaction() as tx:
        ex = tx.session.execute
        for n, (state, held) in enumerate((
                (ConsultationState.HELD, moment(2024, 5, 10, 8)),
                (ConsultationState.HELD, moment(2024, 12, 30, 20)),  # 23:00 on 30.12, Moscow
                (ConsultationState.HELD, moment(2024, 12, 31, 21, 30)),  # 1 January 2025
                (ConsultationState.ASSIGNED, None))):
            ex(sa.insert(Consultation).values(
                state=state, organisation_name="МБОУ СОШ № 1", requester_name="Орлова А. П.",
                email=f"c{n}@example.org", topic="Проектная деятельность",
                form=ConsultationForm.ONLINE, held_at=held,
                submitted_at=moment(2024, 5, 1, 8), updated_at=tx.now))
        cycle = ex(sa.insert(WebinarCycle).values(
            title="По запросам", year=2024, created_at=tx.now, updated_at=tx.now)
            .returning(WebinarCycle.id)).scalar_one()
        for n, (segment, state, start) in enumerate((
                (Segment.ON_REQUEST, SessionState.CLOSED, moment(2024, 6, 5, 12)),
                (Segment.ON_REQUEST, SessionState.CANCELLED, moment(2024, 7, 5, 12)),
                (Segment.HEADS, SessionState.HELD, moment(2024, 8, 5, 12))), start=1):
            ex(sa.insert(WebinarSession).values(
                cycle_id=cycle, position=n, topic=f"Вебинар {n}", speaker="Иванова Н. А.",
                segment=segment, starts_at=start, duration_minutes=60,
                meeting_url="https://meet.example.org/1", capacity=50, state=state,
                created_at=tx.now, updated_at=tx.now))
        for kind, start, end, subject, version, created in (
                ("events", date(2024, 1, 1), date(2024, 6, 30), "", 1, moment(2024, 7, 1, 8)),
                ("events", date(2024, 1, 1), date(2024, 6, 30), "", 2, moment(2024, 7, 2, 8)),
                ("events", date(2024, 1, 1), date(2024, 6, 30), "contest:1", 1,
                 moment(2024, 7, 3, 8)),
                ("events", date(2024, 7, 1), date(2024, 12, 31), "", 1, moment(2025, 1, 9, 8)),
                ("events", date(2024, 12, 1), date(2025, 1, 31), "", 1, moment(2025, 2, 1, 8)),
                ("monitoring", date(2024, 1, 1), date(2024, 12, 31), "", 1,
                 moment(2025, 1, 9, 8)),
                ("monitoring", date(2023, 1, 1), date(2023, 12, 31), "", 1,
                 moment(2024, 1, 15, 8))):
            ex(sa.insert(Report).values(
                kind=kind, period_start=start, period_end=end, subject=subject,
                version=version, figures_sha256="0" * 64, figures={}, created_at=created))


@pytest.fixture
def year(rt):
    """The shipped plan and the year described at the top of this file."""
    load(rt)
    staff = staff_actor(rt)
    close(rt, "theor-2", 1, text="Протокол № 1")
    close(rt, "theor-2", 2, day=date(2024, 3, 28), text="Протокол № 2")
    occ_id = occurrence_id(rt, "pract-3", 1)
    with rt.transaction() as tx:
        occ = tx.session.get(PlanOccurrence, occ_id)
        with transition(tx, occurrence_machine, occ, "mark_overdue", actor=Actor.scheduler(),
                        day=moscow_date(tx.now)):
            pass
    at(rt, 2024, 4, 20)
    close(rt, "theor-2", 3, text="Протокол № 3", url="https://imc.test/p3")
    at(rt, 2024, 5, 15)
    occ_id = occurrence_id(rt, "diag-2", 1)
    with rt.transaction() as tx:
        occ = tx.session.get(PlanOccurrence, occ_id)
        with transition(tx, occurrence_machine, occ, "cancel", actor=staff,
                        reason="Мониторинг перенесён краевым институтом"):
            occ.cancel_reason = "Мониторинг перенесён краевым институтом"
    at(rt, 2024, 9, 5)
    occ_id = occurrence_id(rt, "theor-1")
    with rt.transaction() as tx:
        occ = tx.session.get(PlanOccurrence, occ_id)
        doc = documents.store_file(tx, key=f"plan_occurrence:{occ.id}:result", kind="plan_result",
                                   object_kind="plan_occurrence", object_id=occ.id,
                                   filename="Договоры 2024.pdf", data=b"%PDF-1.4\n%%EOF\n",
                                   media_type="application/pdf")
        close_with_result(tx, occ, actor=staff, text="Заключено 3 договора", document_id=doc.id)
    at(rt, 2024, 10, 30)
    close(rt, "pract-3", 2, text="Итоги конкурса")
    at(rt, 2024, 11, 25)
    close(rt, "theor-2", 5, text="Протокол № 5")
    at(rt, 2024, 11, 29)
    close(rt, "pract-1", text="Материалы вебинаров цикла")
    at(rt, 2024, 12, 31)
    close(rt, "dissem-1", text="Выступление на семинаре")
    _records_of_other_processes(rt)


def test_every_item_with_its_due_dates_what_became_of_them_and_the_result(rt, year):
    note = build(rt).note
    assert note.title == ("Отчёт о выполнении плана работы краевой инновационной площадки "
                          "за 2024 год")
    assert note.subtitle == "по состоянию на 31 декабря 2024 г."
    assert (note.period_start, note.period_end) == YEAR
    assert "plan-2024.yaml" in note.sources[0]
    tables = {s.heading: s.tables[0] for s in note.sections[:-1]}
    assert list(tables) == ["Диагностическая деятельность", "Теоретическая деятельность",
                            "Практическая деятельность", "Методическая деятельность",
                            "Трансляционная деятельность"]
    assert tables["Теоретическая деятельность"].header == [
        "№", "Деятельность", "Сроки", "Срок выполнения", "Выполнено", "Результат"]
    rows = {row[1][:30]: row for t in tables.values() for row in t.rows}
    assert len(rows) == 15

    def row(activity_start: str) -> list:
        (found,) = [r for key, r in rows.items() if key.startswith(activity_start)]
        return [found[0], *found[2:]]

    assert row("Проведение мониторинга") == [
        1, "В соответствии с планом проведения мероприятий", "по плану проведения мероприятий",
        "по плану проведения мероприятий: аналитических справок составлено — 1 (одна)", "—"]
    assert row("Участие в мониторинге") == [
        2, "Июнь, декабрь 2024", "30.06.2024\n31.12.2024",
        "отменено: Мониторинг перенесён краевым институтом\nсрок не наступил", "—"]
    assert row("Проведение анализа") == [
        3, "В соответствии с планом проведения мероприятий", "по плану проведения мероприятий",
        "по плану проведения мероприятий: аналитических справок составлено — 3 (три)", "—"]
    assert row("Заключение договоров") == [
        1, "Апрель-август 2024", "31.08.2024", "05.09.2024 — с опозданием",
        "Заключено 3 договора; Договоры 2024.pdf"]
    assert row("Проведение заседаний") == [
        2, "Сентябрь, ноябрь, январь, март, апрель",
        "31.01.2024\n31.03.2024\n30.04.2024\n30.09.2024\n30.11.2024",
        "01.04.2024 — с опозданием\n28.03.2024 — в срок\n20.04.2024 — в срок\nне выполнено\n"
        "25.11.2024 — в срок",
        "31.01.2024: Протокол № 1\n31.03.2024: Протокол № 2\n"
        "30.04.2024: Протокол № 3; https://imc.test/p3\n30.11.2024: Протокол № 5"]
    assert row("Разработка методических матери") == [
        3, "В течение года", "31.12.2024", "срок не наступил", "—"]
    assert row("Разработка нормативного") == ["", "В течение года", "31.12.2024",
                                               "срок не наступил", "—"]
    assert row("Проведение сетевых") == [
        1, "Ежегодно в период - октябрь, ноябрь и по мере запроса",
        "30.11.2024\nи по мере запроса",
        "29.11.2024 — в срок\nпо мере запроса: вебинаров по запросам проведено — 1 (один)",
        "Материалы вебинаров цикла"]
    assert row("Проведение консультаций") == [
        2, "По мере запроса", "по мере запроса",
        "по мере запроса: консультаций проведено — 2 (две)", "—"]
    assert row("Проведение межмуниципального") == [
        "", "Март 2024г., Октябрь 2024г.", "31.03.2024\n31.10.2024",
        "не выполнено\n30.10.2024 — в срок", "31.10.2024: Итоги конкурса"]
    assert row("Участие в мероприятиях") == [
        1, "В течение года", "31.12.2024", "31.12.2024 — в срок", "Выступление на семинаре"]
    assert row("Публикация в СМИ") == [3, "В течение года", "31.12.2024", "срок не наступил", "—"]


def test_the_summary_by_section_the_chart_and_the_conclusions(rt, year):
    content = build(rt)
    summary = content.note.sections[-1]
    assert summary.heading == "Итоги выполнения плана"
    (table,) = summary.tables
    assert table.percent_columns == (7,)
    assert table.rows == [
        ["Диагностическая деятельность", 2, 0, 0, 0, 1, 1, "—"],
        ["Теоретическая деятельность", 8, 3, 2, 1, 0, 2, 0.5],
        ["Практическая деятельность", 3, 2, 0, 1, 0, 0, pytest.approx(2 / 3)],
        ["Методическая деятельность", 2, 0, 0, 0, 0, 2, "—"],
        ["Трансляционная деятельность", 3, 1, 0, 0, 0, 2, 1.0]]
    assert table.total == ["Итого", 18, 6, 2, 2, 1, 7, 0.6]
    (chart,) = summary.charts
    assert chart.labels == ["Диагностическая", "Теоретическая", "Практическая", "Методическая",
                            "Трансляционная"]
    assert chart.series == {"в срок": [0, 3, 2, 0, 1], "с опозданием": [0, 2, 0, 0, 0],
                            "не выполнено": [0, 1, 1, 0, 0]}
    assert summary.paragraphs[0].endswith(f": 60{NBSP}%.")
    conclusions = content.note.conclusions
    assert conclusions[:4] == [
        "Планом работы на 2024 год в отчётном периоде предусмотрено 18 (восемнадцать) сроков "
        "выполнения пунктов плана; к 31 декабря 2024 г. из них выполнено или просрочено 10 "
        "(десять).",
        f"Выполнено в срок 6 (шесть) из 10 сроков (60{NBSP}%), с опозданием — 2 (два), не "
        "выполнено — 2 (два).",
        "Отменено сроков — 1 (один); причины указаны в таблицах.",
        "Срок не наступил — 7 (семь)."]
    assert conclusions[4].startswith("Не выполнены: «Проведение заседаний творческой группы")
    assert "(срок 30.09.2024); «Проведение межмуниципального конкурса" in conclusions[4]
    assert conclusions[4].endswith("(срок 31.03.2024).")
    assert [c.rsplit(": ", 1)[1] for c in conclusions[5:]] == [
        "аналитических справок составлено — 1 (одна).",
        "аналитических справок составлено — 3 (три).",
        "вебинаров по запросам проведено — 1 (один).",
        "консультаций проведено — 2 (две)."]


def test_the_figures_and_the_day_after_the_year(rt, year):
    figures = build(rt).figures
    assert {k: figures[k] for k in ("planned", "due", "on_time", "late", "overdue", "cancelled",
                                    "open", "share_on_time")} == {
        "planned": 18, "due": 10, "on_time": 6, "late": 2, "overdue": 2, "cancelled": 1,
        "open": 7, "share_on_time": 0.6}
    assert figures["requested"] == {"diag-1": 1, "diag-3": 3, "pract-1": 1, "pract-2": 2}
    assert figures["items"]["theor-2"] == [
        {"due": "2024-01-31", "state": "late", "day": "2024-04-01"},
        {"due": "2024-03-31", "state": "on_time", "day": "2024-03-28"},
        {"due": "2024-04-30", "state": "on_time", "day": "2024-04-20"},
        {"due": "2024-09-30", "state": "overdue", "day": None},
        {"due": "2024-11-30", "state": "on_time", "day": "2024-11-25"}]
    assert figures["items"]["diag-1"] == [] and len(figures["items"]) == 15
    assert build(rt).figures == figures  # the same records, the same figures
    at(rt, 2025, 1, 10)  # every date of 2024 has come: what was open is now not done
    later = build(rt).figures
    assert (later["overdue"], later["open"], later["due"]) == (9, 0, 17)
    assert later["share_on_time"] == round(6 / 17, 4)


def test_done_days_are_the_days_of_the_work_else_of_the_closing(rt, year):
    """The one answer to «when was it done» for every справка: the closing's recorded day."""
    theor_2 = [occurrence_id(rt, "theor-2", n) for n in range(1, 6)]
    theor_1, pract_1, cancelled = (occurrence_id(rt, code) for code in
                                   ("theor-1", "pract-1", "diag-2"))
    legacy = occurrence_id(rt, "meth-1")  # closed with no audited day: the closing's day
    with rt.transaction() as tx, transition_scope():
        occ = tx.session.get(PlanOccurrence, legacy)
        occ.state, occ.closed_at = OccurrenceState.DONE, datetime(2024, 12, 20, 22, tzinfo=UTC)
        tx.session.add(occ)
    with rt.transaction() as tx:
        days = done_days(tx, [*theor_2, theor_1, pract_1, cancelled, legacy])
        by_select = done_days(tx, select(PlanOccurrence.id))
    assert days == {
        theor_2[0]: date(2024, 4, 1), theor_2[1]: date(2024, 3, 28),  # closed on 01.04
        theor_2[2]: date(2024, 4, 20), theor_2[4]: date(2024, 11, 25),
        theor_1: date(2024, 9, 5), pract_1: date(2024, 11, 29),
        legacy: date(2024, 12, 21)}  # 01:00 on 21.12 in Moscow
    assert by_select == {**days, occurrence_id(rt, "pract-3", 2): date(2024, 10, 30),
                         occurrence_id(rt, "dissem-1"): date(2024, 12, 31)}
    shown = {o["id"]: o["closed"] for section in plan_view(rt, 2024)["sections"]
             for item in section["items"] for o in item["occurrences"]}  # `imc plan show`
    assert (shown[theor_2[1]], shown[legacy], shown[theor_2[3]]) == (
        "28.03.2024", "21.12.2024", "")


def test_half_a_year_shows_only_its_due_dates(rt):
    load(rt)  # 1 April 2024, nothing closed
    content = build(rt, date(2024, 1, 1), date(2024, 6, 30))
    assert content.note.title == (
        "Отчёт о выполнении плана работы краевой инновационной площадки на 2024 год за период "
        "с 01.01.2024 по 30.06.2024")
    assert sorted(content.figures["items"]) == ["diag-1", "diag-2", "diag-3", "pract-1",
                                                "pract-2", "pract-3", "theor-2"]
    assert {k: content.figures[k] for k in ("planned", "on_time", "overdue", "open",
                                            "share_on_time")} == {
        "planned": 5, "on_time": 0, "overdue": 3, "open": 2, "share_on_time": 0.0}
    practical = next(s for s in content.note.sections
                     if s.heading == "Практическая деятельность").tables[0]
    assert practical.rows[0][3:5] == [
        "по мере запроса", "по мере запроса: вебинары по запросам не проводились"]


def test_refusals_are_russian(rt):
    with pytest.raises(NotFound, match="План работы на 2024 год не загружен"):
        build(rt)
    load(rt)
    with pytest.raises(DomainError, match=r"конец \(31\.01\.2024\) раньше начала"):
        build(rt, date(2024, 2, 1), date(2024, 1, 31))
    with pytest.raises(DomainError, match="в пределах одного года"):
        build(rt, date(2024, 7, 1), date(2025, 6, 30))
    with pytest.raises(DomainError, match="без предмета"):
        build(rt, subject="contest:1")
    with pytest.raises(NotFound, match="2025 год не загружен"):
        build(rt, date(2025, 1, 1), date(2025, 12, 31))


def test_the_generated_report_reads_back_docx_and_xlsx(rt, year):
    report = reports.generate(rt, "plan", *YEAR, actor=staff_actor(rt))
    with rt.session() as s:
        docx_doc, xlsx_doc = (s.get(Document, i) for i in (report.docx_document_id,
                                                            report.xlsx_document_id))
    data = documents.read_bytes(rt, docx_doc)
    text = docx_text(data)
    for line in ("Отчёт о выполнении плана работы краевой инновационной площадки за 2024 год",
                 "по состоянию на 31 декабря 2024 г.", "Таблица 1 – Диагностическая деятельность",
                 "Таблица 6 – Выполнение сроков плана по разделам",
                 "Рисунок 1 – Выполнение сроков плана по разделам",
                 f"2. Выполнено в срок 6 (шесть) из 10 сроков (60{NBSP}%), с опозданием — 2 "
                 "(два), не выполнено — 2 (два)."):
        assert line in text, line
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 6
    theoretical = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert theoretical[0] == ["№", "Деятельность", "Сроки", "Срок выполнения", "Выполнено",
                              "Результат"]
    assert theoretical[2][3:5] == [
        "31.01.2024\n31.03.2024\n30.04.2024\n30.09.2024\n30.11.2024",
        "01.04.2024 — с опозданием\n28.03.2024 — в срок\n20.04.2024 — в срок\nне выполнено\n"
        "25.11.2024 — в срок"]
    assert [c.text for c in document.tables[5].rows[-1].cells] == [
        "Итого", "18", "6", "2", "2", "1", "7", f"60{NBSP}%"]
    assert len(document.inline_shapes) == 1
    wb = load_workbook(io.BytesIO(documents.read_bytes(rt, xlsx_doc)))
    assert wb.sheetnames == ["Сводка", "Диагностическая деятельность",
                             "Теоретическая деятельность", "Практическая деятельность",
                             "Методическая деятельность", "Трансляционная деятельность",
                             "Итоги по разделам"]
    summary = {row[0].value: row[1].value for row in wb["Сводка"].iter_rows(min_row=5)}
    assert (summary["Сроков по плану"], summary["Выполнено в срок"], summary["Не выполнено"],
            summary["Доля выполненных в срок"]) == (18, 6, 2, 0.6)
    totals = [[c.value for c in row] for row in wb["Итоги по разделам"].iter_rows(min_row=5)]
    assert totals[-1] == ["Итого", 18, 6, 2, 2, 1, 7, 0.6]
    assert reports.generate(rt, "plan", *YEAR, actor=staff_actor(rt)).id == report.id
