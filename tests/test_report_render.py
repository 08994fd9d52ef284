"""The справка's .docx and .xlsx read back: heading, period, numbered tables, charts, author.

A Note made by hand checks the renderer itself; the monitoring of tests.test_monitoring_report
checks that what a generated report says is what its data are.
"""

from __future__ import annotations

import io
from datetime import date

import docx
from docx.shared import Cm
from openpyxl import load_workbook

from adapters import charts
from adapters.docx_render import docx_text
from services import documents, report_queries, reports
from services.actors import Actor
from services.report_note import Chart, Note, Section, Table
from services.report_render import render_docx, signing
from services.report_xlsx import report_xlsx
from tests.factories import staff_actor
from tests.test_monitoring_report import EXPECTED_FIGURES, MUNICIPALITIES, S1, YEAR, network

IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def sample_note() -> Note:
    many = [[n, f"Школа № {n}", n * 2, n / 40] for n in range(1, 31)]
    return Note(
        title="Аналитическая справка по итогам проверки",
        subtitle="за первое полугодие 2024 года",
        period_start=date(2024, 1, 1), period_end=date(2024, 6, 30),
        goal="проверка отрисовки справки.",
        sources=["журнал А", "журнал Б"],
        sections=[
            Section("Первый раздел", ["Абзац первого раздела."],
                    [Table("Малая таблица", ["Муниципалитет", "Число", "Доля"],
                           [["Выселковский район", 3, 0.25], ["Кореновский район", 1, None]],
                           ["Итого", 4, 0.5], percent_columns=(2,), sheet="Малая")],
                    [Chart("Столбцы", "bar", ["А", "Б"], {"Ряд": [3, 1]})]),
            Section("Второй раздел", [],
                    [Table("Большая таблица", ["№", "Школа", "Участий", "Доля"], many,
                           percent_columns=(3,), sheet="Малая", docx_columns=(0, 1, 2),
                           docx_rows=20)],
                    [Chart("Круг", "pie", ["Да", "Нет"], {"Число": [3, 1]}),
                     Chart("Полосы", "barh", ["Первое", "Второе"], {"Число": [5, 2]})]),
        ],
        conclusions=["Первый вывод.", "Второй вывод."])


def test_the_docx_has_the_heading_tables_charts_and_author(rt):
    with rt.transaction() as tx:
        signed = signing(tx, staff_actor(rt).person_id, date(2024, 7, 1))
    data = render_docx(rt.docx.templates_dir, sample_note(), signed)
    text = docx_text(data)
    for line in ("Аналитическая справка по итогам проверки", "за первое полугодие 2024 года",
                 "(с 1 января 2024 г. по 30 июня 2024 г.)", "Цель: проверка отрисовки справки.",
                 "Источники данных: журнал А; журнал Б.", "1. Первый раздел",
                 "Абзац первого раздела.", "Таблица 1 – Малая таблица",
                 "Рисунок 1 – Столбцы", "2. Второй раздел", "Таблица 2 – Большая таблица",
                 "Рисунок 2 – Круг", "Рисунок 3 – Полосы",
                 "Показаны первые 20 строк из 30; полная таблица — в приложении .xlsx "
                 "(лист «Малая»).", "1. Первый вывод.", "2. Второй вывод.",
                 "Директор\t____________ О.А. Верзунова", "Исполнитель: Н.А. Иванова, методист",
                 "1 июля 2024 г.\tст. Выселки"):
        assert line in text, line
    assert "{{" not in text and "{%" not in text
    document = docx.Document(io.BytesIO(data))
    small, big = document.tables
    assert [[c.text for c in row.cells] for row in small.rows] == [
        ["Муниципалитет", "Число", "Доля"], ["Выселковский район", "3", "25\u00a0%"],
        ["Кореновский район", "1", "—"], ["Итого", "4", "50\u00a0%"]]
    assert all(run.bold for run in small.rows[-1].cells[0].paragraphs[0].runs)
    assert len(big.rows) == 21 and [c.text for c in big.rows[0].cells] == [
        "№", "Школа", "Участий"]
    assert [c.text for c in big.rows[20].cells] == ["20", "Школа № 20", "40"]
    images = [r for r in document.part.rels.values() if r.reltype == IMAGE]
    assert len(images) == 3 and all(r.target_part.blob.startswith(b"\x89PNG") for r in images)
    assert len(document.inline_shapes) == 3


def test_an_empty_table_is_said_in_a_sentence_and_an_empty_chart_left_out(rt, tmp_path):
    note = sample_note()
    first, second = note.sections
    first.tables.insert(0, Table("Договоры периода", ["№", "Партнёр"], [],
                                 empty_text="В периоде договоры не действовали."))
    second.tables.append(Table("Вебинары", ["№", "Тема"], [], ["Итого", 0]))
    first.charts.append(Chart("Пустые столбцы", "bar", ["А", "Б"], {"Ряд": [0, 0]}))
    second.charts.insert(0, Chart("Пустой круг", "pie", ["Да", "Нет"], {"Число": [0, 0]}))
    with rt.transaction() as tx:
        signed = signing(tx, None, date(2024, 7, 1))
    data = render_docx(rt.docx.templates_dir, note, signed)
    text = docx_text(data)
    assert ("Абзац первого раздела.\nВ периоде договоры не действовали.\n"
            "Таблица 1 – Малая таблица") in text
    assert "Сведений для таблицы «Вебинары» за период нет." in text
    assert "Таблица 3" not in text and "Договоры периода" not in text
    assert "Пустые столбцы" not in text and "Пустой круг" not in text
    assert "Рисунок 2 – Круг" in text and "Рисунок 4" not in text
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 2 and len(document.inline_shapes) == 3
    wb = load_workbook(io.BytesIO(report_xlsx(note, [])))
    assert wb.sheetnames == ["Сводка", "Таблица 1", "Малая", "Малая (2)", "Таблица 4"]
    assert [[c.value for c in row] for row in wb["Таблица 1"].iter_rows()] == [
        ["Таблица 1. Договоры периода", None], ["Первый раздел", None],
        ["В периоде договоры не действовали.", None], [None, None], ["№", "Партнёр"]]
    assert wb["Таблица 4"].max_row == 5  # the header, no «Итого» of nothing


def test_a_tall_chart_is_scaled_to_the_page(rt):
    labels = [f"Заседание творческой группы № {n} по вопросам сети" for n in range(1, 41)]
    note = sample_note()
    note.sections[0].charts = [Chart("Много полос", "barh", labels,
                                     {"Участников": list(range(1, 41))})]
    note.sections[1].charts = []
    with rt.transaction() as tx:
        signed = signing(tx, None, date(2024, 7, 1))
    shape = docx.Document(io.BytesIO(render_docx(rt.docx.templates_dir, note, signed))) \
        .inline_shapes[0]
    assert shape.height == Cm(23) and shape.width < Cm(16)


def test_a_chart_is_the_same_bytes_for_the_same_data():
    one = charts.render("bar", "Посещаемость", ["Выселковский район"], {"Участий": [3]})
    assert one == charts.render("bar", "Посещаемость", ["Выселковский район"], {"Участий": [3]})
    assert one != charts.render("bar", "Посещаемость", ["Выселковский район"], {"Участий": [4]})
    assert one.startswith(b"\x89PNG") and b"Software" not in one


def test_the_xlsx_has_the_summary_and_a_sheet_per_table():
    data = report_xlsx(sample_note(), [("Школ", 30, False), ("Доля", 0.25, True),
                                      ("Нет данных", None, True)])
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Сводка", "Малая", "Малая (2)"]
    summary = wb["Сводка"]
    assert summary["A1"].value == "Аналитическая справка по итогам проверки"
    assert summary["A1"].font.bold
    assert [summary["A2"].value, summary["A3"].value] == [
        "за первое полугодие 2024 года", "Период: с 1 января 2024 г. по 30 июня 2024 г."]
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=5)]
    assert rows == [["Показатель", "Значение"], ["Школ", 30], ["Доля", 0.25],
                    ["Нет данных", "—"]]
    assert summary["B7"].number_format == "0.0%"
    small = wb["Малая"]
    assert small["A1"].value == "Таблица 1. Малая таблица"
    values = [[c.value for c in row] for row in small.iter_rows(min_row=4)]
    assert values == [["Муниципалитет", "Число", "Доля"], ["Выселковский район", 3, 0.25],
                      ["Кореновский район", 1, None], ["Итого", 4, 0.5]]
    assert small["C5"].number_format == "0.0%" and small["A4"].font.bold
    assert small["A7"].font.bold  # the «Итого» row
    assert small.column_dimensions["A"].width >= len("Выселковский район")
    big = wb["Малая (2)"]
    assert big.max_row == 4 + 30 and big["C34"].value == 60  # every row, every column
    assert [c.value for c in big[4]] == ["№", "Школа", "Участий", "Доля"]


def test_the_generated_monitoring_reads_back_with_its_figures(rt):
    network(rt)
    report = reports.generate(rt, "monitoring", *YEAR, actor=staff_actor(rt))
    view = report_queries.show(rt, report.id)
    with rt.session() as s:
        from models import Document

        docx_doc = s.get(Document, report.docx_document_id)
        xlsx_doc = s.get(Document, report.xlsx_document_id)
    assert view["docx"] == str(documents.absolute_path(rt, docx_doc))
    document = docx.Document(io.BytesIO(documents.read_bytes(rt, docx_doc)))
    text = docx_text(documents.read_bytes(rt, docx_doc))
    assert ("Аналитическая справка по итогам мониторинга активности участников сетевого "
            "взаимодействия") in text
    assert "(с 1 января 2024 г. по 31 декабря 2024 г.)" in text and "за 2024 год" in text
    first = document.tables[0]
    assert [[c.text for c in row.cells] for row in first.rows][1:] == [
        [str(v) for v in row] for row in MUNICIPALITIES] + [
        ["Итого", "6", "4", "2", "3", "4", "5", "4"]]
    webinars = document.tables[1]
    assert [c.text for c in webinars.rows[-1].cells] == [
        "Итого", "10", "8", "4", "1", "66,7\u00a0%"]
    orgs = document.tables[4]
    assert [c.text for c in orgs.rows[1].cells] == [
        "1", S1, "Выселковский район", "нет", "2", "1", "2", "5"]
    assert len([r for r in document.part.rels.values() if r.reltype == IMAGE]) == 2
    assert ("1. В мониторинге участвовали 6 (шесть) организаций, они представляют 2 (два) "
            "муниципалитета; активность проявили 4 (четыре), или 66,7\u00a0%.") in text
    assert "Проведены 4 (четыре) консультации" in text
    wb = load_workbook(io.BytesIO(documents.read_bytes(rt, xlsx_doc)))
    assert wb.sheetnames == ["Сводка", "Муниципалитеты", "Вебинары", "Конкурсы",
                             "Консультации", "Организации"]
    summary = {row[0].value: row[1].value for row in wb["Сводка"].iter_rows(min_row=5)}
    assert summary["Организаций в мониторинге"] == EXPECTED_FIGURES["organisations"]
    assert summary["Доля участия"] == 0.6667 and summary["Консультаций проведено"] == 4
    orgs_sheet = wb["Организации"]
    assert orgs_sheet.max_row == 4 + 7 and orgs_sheet.max_column == 15
    assert [c.text for c in orgs.rows[-1].cells][:2] == ["", "Без организации"]
    assert orgs_sheet["I5"].value == 0.6667 and orgs_sheet["I5"].number_format == "0.0%"


def test_a_system_report_has_no_author_line(rt):
    network(rt)
    report = reports.generate(rt, "monitoring", *YEAR, actor=Actor.system())
    text = docx_text(documents.read_bytes(rt, _doc(rt, report.docx_document_id)))
    assert "Исполнитель" not in text and "О.А. Верзунова" in text


def _doc(rt, doc_id):
    from models import Document

    with rt.session() as s:
        return s.get(Document, doc_id)


def test_the_build_script_makes_the_stored_template(rt, tmp_path):
    from scripts.build_report_templates import NAME, build_all

    build_all(tmp_path)
    with rt.transaction() as tx:
        signed = signing(tx, None, date(2024, 7, 1))
    built = docx_text(render_docx(tmp_path, sample_note(), signed))
    assert built == docx_text(render_docx(rt.docx.templates_dir, sample_note(), signed))
    assert (tmp_path / NAME).is_file() and "Исполнитель" not in built


def test_the_audit_names_the_generation_in_russian():
    from models.labels import action_label

    assert action_label("report", "report_generated") == (
        "сформирована аналитическая справка (.docx и .xlsx)")


def test_again_renders_unchanged_figures_by_the_edited_template_as_a_new_version(
        rt, tmp_path, monkeypatch):
    from sqlmodel import select

    from adapters.docx_render import DocxRenderer
    from models import AuditEntry
    from scripts.build_report_templates import NAME, build_all

    network(rt)
    first = reports.generate(rt, "monitoring", *YEAR, actor=staff_actor(rt))
    build_all(tmp_path)  # staff edit the template: a line added at its end
    edited = docx.Document(str(tmp_path / NAME))
    edited.add_paragraph("Справка составлена по новому шаблону.")
    edited.save(str(tmp_path / NAME))
    monkeypatch.setattr(rt, "docx", DocxRenderer(tmp_path))
    same = reports.generate_report(rt, "monitoring", *YEAR, actor=staff_actor(rt))
    assert (same.report.id, same.created) == (first.id, False)

    done = reports.generate_report(rt, "monitoring", *YEAR, actor=staff_actor(rt), again=True)
    assert done.created and done.report.version == 2
    assert done.report.figures_sha256 == first.figures_sha256
    new_text = docx_text(documents.read_bytes(rt, _doc(rt, done.report.docx_document_id)))
    old_text = docx_text(documents.read_bytes(rt, _doc(rt, first.docx_document_id)))
    assert "Справка составлена по новому шаблону." in new_text
    assert "по новому шаблону" not in old_text
    with rt.session() as s:
        audited = s.exec(select(AuditEntry).where(AuditEntry.object_kind == "report",
                                                  AuditEntry.action == "report_generated")
                         .order_by(AuditEntry.id)).all()
    assert [(a.object_id, a.details.get("again")) for a in audited] == [
        (first.id, None), (done.report.id, True)]
    assert audited[1].details["version"] == 2
