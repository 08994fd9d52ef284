"""Reading generated reports: the list, one report with its figures and its files."""

from __future__ import annotations

from sqlmodel import select

from adapters.number_words import percent
from adapters.russian import date_short
from models import Document, Person, Report
from services import documents, report_period
from services.errors import NotFound
from services.reports import headline, report_kinds
from services.runtime import Runtime
from services.webinar_queries import moscow_time


def figure_text(value, share: bool) -> str:
    if value is None:
        return "—"
    if share:
        return percent(value)
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def list_reports(rt: Runtime, kind: str | None = None) -> list[dict]:
    """Every stored version, the newest first."""
    with rt.session() as s:
        stmt = select(Report).order_by(Report.created_at.desc(), Report.id.desc())
        if kind:
            stmt = stmt.where(Report.kind == kind)
        return [_row(r) for r in s.exec(stmt)]


def show(rt: Runtime, report_id: int) -> dict:
    """One report: what it is, its headline figures and the absolute paths of its files."""
    with rt.session() as s:
        report = s.get(Report, report_id)
        if report is None:
            raise NotFound(f"Отчёт № {report_id} не найден")
        view = _row(report)
        author = s.get(Person, report.created_by) if report.created_by else None
        view["author"] = author.full_name if author else "система"
        view["figures"] = [(label, figure_text(value, share), value)
                           for label, value, share in headline(report.kind, report.figures)]
        for ext in ("docx", "xlsx"):
            doc_id = getattr(report, f"{ext}_document_id")
            doc = s.get(Document, doc_id) if doc_id else None
            view[ext] = str(documents.absolute_path(rt, doc)) if doc else ""
            view[f"{ext}_name"] = doc.filename if doc else ""
        return view


def _row(r: Report) -> dict:
    spec = report_kinds.get(r.kind)
    return {
        "id": r.id, "kind": r.kind, "title": spec.title if spec else r.kind,
        "period": f"{date_short(r.period_start)}–{date_short(r.period_end)}",
        "period_text": report_period.text(r.period_start, r.period_end),
        "slug": report_period.slug(r.period_start, r.period_end),
        "subject": r.subject, "version": r.version,
        "created": moscow_time(r.created_at),
    }
