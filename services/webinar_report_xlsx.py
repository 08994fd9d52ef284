"""The cycle's report as an .xlsx workbook, stored as a document once per state of the figures.

Sheets «Итоги», «Вебинары», «Организации», «Муниципалитеты», «Отзывы». The stored document's
key carries a hash of the figures (never of the file: a workbook records when it was saved):
an unchanged re-run returns the stored document, changed figures make the next version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from adapters.clock import MOSCOW
from adapters.spreadsheet import DATETIME, DECIMAL2, PERCENT, Sheet, Styled, Table, workbook
from models import Document, WebinarCycle
from services import documents
from services.actors import Actor
from services.audit import record_event
from services.runtime import Runtime
from services.webinar_queries import moscow_time
from services.webinar_report import compute
from services.webinar_report_data import CycleReport
from services.webinar_report_tables import (
    Average,
    Percent,
    ReportTable,
    comments,
    feedback,
    municipalities,
    organisations,
    sessions,
    summary,
)

REPORT_KIND = "webinar_report"
OBJECT_KIND = "webinar_cycle"
XLSX_TYPE = documents.FILE_TYPES["xlsx"][1]


def report_xlsx(report: CycleReport) -> bytes:
    """The workbook of the report (numbers as numbers, percents formatted as percents)."""
    notes = (f"Цикл № {report.cycle_id}: {report.title}",
             f"Год: {report.year}; состояние: {report.state}; "
             f"сертификаты: {report.certificate_rule}",
             f"Данные на {moscow_time(report.as_of)} (время московское)")
    title = f"Отчёт по циклу вебинаров № {report.cycle_id}"
    return workbook([
        Sheet("Итоги", title, [_table(summary(report))], notes),
        _sheet(sessions(report), title),
        _sheet(organisations(report), title),
        _sheet(municipalities(report), title),
        Sheet("Отзывы", f"{title}: отзывы участников", [
            _table(feedback(report)), _table(comments(report), caption="Комментарии")]),
    ])


def filename(cycle_id: int) -> str:
    return f"Отчёт по циклу вебинаров № {cycle_id}.xlsx"


def export_report(rt: Runtime, cycle_id: int, *, actor: Actor) -> Document:
    """Store the report's workbook; the same figures give the same document, new ones a new
    version (Document.version 1, 2, …), audited on the cycle."""
    try:
        return _export(rt, cycle_id, actor)
    except IntegrityError:  # the same figures stored at this moment by a concurrent export
        return _export(rt, cycle_id, actor)


def _export(rt: Runtime, cycle_id: int, actor: Actor) -> Document:
    with rt.transaction() as tx:
        report = compute(tx.session, cycle_id, tx.now)
        digest = report.fingerprint()
        key = f"{OBJECT_KIND}:{cycle_id}:report:{digest[:16]}"
        doc = documents.find(tx, key)
        if doc is not None:
            return doc
        earlier = tx.session.exec(select(func.count(Document.id)).where(
            Document.kind == REPORT_KIND, Document.object_kind == OBJECT_KIND,
            Document.object_id == cycle_id)).one()
        doc = documents.store_file(tx, key=key, kind=REPORT_KIND, object_kind=OBJECT_KIND,
                                   object_id=cycle_id, filename=filename(cycle_id),
                                   data=report_xlsx(report), media_type=XLSX_TYPE)
        doc.version = earlier + 1
        tx.session.add(doc)
        cycle = tx.session.get(WebinarCycle, cycle_id)
        record_event(tx, object_kind=OBJECT_KIND, object_id=cycle_id, action="report",
                     actor=actor, state=str(cycle.state), document_ids=[doc.id],
                     details={"version": doc.version, "figures_sha256": digest})
        return doc


def _sheet(table: ReportTable, title: str) -> Sheet:
    return Sheet(table.name, f"{title}: {table.title.lower()}", [_table(table)])


def _table(table: ReportTable, caption: str = "") -> Table:
    return Table(table.headers, [[_cell(v) for v in row] for row in table.rows],
                 caption=caption, total=table.total)


def _cell(value):
    if isinstance(value, Percent):
        return "—" if value.value is None else Styled(value.value / 100, PERCENT)
    if isinstance(value, Average):
        return "—" if value.value is None else Styled(value.value, DECIMAL2)
    if isinstance(value, datetime):
        return Styled(value.astimezone(MOSCOW).replace(tzinfo=None), DATETIME)
    return value
