"""Generating analytic reports: one function for every kind, a new version only when it differs.

`generate` computes the kind's content in one transaction; when its fingerprint (the headline
figures and every table's cells) equals the last version's, that version is returned as it
is and nothing is written — unless asked `again` (after the template was edited, say): then
a new version is made all the same, audited with {"again": true}. Otherwise the .docx справка
and the .xlsx data are rendered outside the transaction (charts take a moment) and stored
with the next version in a second one, audited as «report_generated». A concurrent run
making the same version loses the unique constraint and then finds the other's row.

`report_kinds` is the registry: each kind names the module whose `build(tx, start, end,
subject) -> ReportContent` makes its content (imported when used) and whose optional
`FIGURE_LABELS` names its headline figures in Russian. Figures whose key ends in «_share» or
«_rate» (or starts with «share_») are shares 0.0–1.0 and are shown as percents.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from adapters.clock import moscow_date
from models import Report
from services import documents, report_period, report_render
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError
from services.report_note import ReportContent
from services.report_xlsx import report_xlsx
from services.runtime import Runtime, Tx

OBJECT_KIND = "report"
XLSX_TYPE = documents.FILE_TYPES["xlsx"][1]


@dataclass(frozen=True)
class ReportKind:
    kind: str
    title: str  # what the report is called, for lists and file names
    module: str
    labels: dict[str, str] = field(default_factory=dict)  # used when the module has none
    period_only: bool = True  # no subject: always for a period

    def build(self, tx: Tx, start: date, end: date, subject: str) -> ReportContent:
        return importlib.import_module(self.module).build(tx, start, end, subject)

    def figure_labels(self) -> dict[str, str]:
        try:
            own = getattr(importlib.import_module(self.module), "FIGURE_LABELS", {})
        except ImportError:
            own = {}
        return {**self.labels, **own}


report_kinds: dict[str, ReportKind] = {k.kind: k for k in (
    ReportKind("monitoring", "Мониторинг активности участников сетевого взаимодействия",
               "services.monitoring_report"),
    ReportKind("effectiveness", "Эффективность сетевого взаимодействия",
               "services.effectiveness_report"),
    ReportKind("plan", "Отчёт о выполнении плана работы", "services.plan_execution_report",
               {"plan_year": "Год плана", "planned": "Сроков по плану",
                "due": "Сроков наступило", "on_time": "Выполнено в срок",
                "late": "Выполнено с опозданием", "overdue": "Не выполнено",
                "cancelled": "Отменено", "open": "Срок не наступил",
                "share_on_time": "Доля выполненных в срок"}),
    ReportKind("events", "Анализ методических, конкурсных и организационных мероприятий",
               "services.event_report", period_only=False),
)}


def kind_of(kind: str) -> ReportKind:
    if kind not in report_kinds:
        raise DomainError(f"Вид отчёта «{kind}» не известен; есть: {', '.join(report_kinds)}")
    return report_kinds[kind]


def is_share(key: str) -> bool:
    return key.endswith(("_share", "_rate")) or key.startswith("share_")


def headline(kind: str, figures: dict) -> list[tuple[str, object, bool]]:
    """(Russian label, value, is a share) of each headline figure (nested details left out)."""
    labels = kind_of(kind).figure_labels()
    return [(labels.get(key, key), value, is_share(key)) for key, value in figures.items()
            if not isinstance(value, dict | list)]


def fingerprint(content: ReportContent) -> str:
    """sha256 of what the справка reports: the figures and every table's cells."""
    tables = [[t.title, t.header, t.rows, t.total] for s in content.note.sections
              for t in s.tables]
    text = json.dumps({"figures": content.figures, "tables": tables}, ensure_ascii=False,
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Generated:
    report: Report
    created: bool  # False: the figures were those of the last version, returned as it is


def generate(rt: Runtime, kind: str, start: date, end: date, *, subject: str = "",
             actor: Actor, again: bool = False) -> Report:
    """The report of `kind` for [start, end] (Moscow days, both included): the last version
    when nothing it reports has changed (and not `again`), else a new version with its .docx
    and .xlsx."""
    return generate_report(rt, kind, start, end, subject=subject, actor=actor,
                           again=again).report


def generate_report(rt: Runtime, kind: str, start: date, end: date, *, subject: str = "",
                    actor: Actor, again: bool = False) -> Generated:
    """`generate`, telling whether a new version was made; `again` makes one even when the
    figures are those of the last version (to render it by an edited template)."""
    spec = kind_of(kind)
    report_period.checked(start, end)
    if spec.period_only and subject:
        raise DomainError(f"Отчёт «{spec.title}» составляется за период, без предмета "
                          f"(указано «{subject}»)")
    with rt.transaction() as tx:
        content = spec.build(tx, start, end, subject)
        digest = fingerprint(content)
        last = _last(tx, kind, start, end, subject)
        if not again and last is not None and last.figures_sha256 == digest:
            return Generated(last, False)
        signed = report_render.signing(tx, actor.person_id, moscow_date(tx.now))
    files = (report_render.render_docx(rt.docx.templates_dir, content.note, signed),
             report_xlsx(content.note, headline(kind, content.figures)))
    try:
        return _store(rt, spec, start, end, subject, content, digest, files, actor, again)
    except IntegrityError:  # the same version stored at this moment by a concurrent run
        return _store(rt, spec, start, end, subject, content, digest, files, actor, again)


def _last(tx: Tx, kind: str, start: date, end: date, subject: str) -> Report | None:
    return tx.session.exec(select(Report).where(
        Report.kind == kind, Report.period_start == start, Report.period_end == end,
        Report.subject == subject).order_by(Report.version.desc())).first()


def _store(rt: Runtime, spec: ReportKind, start: date, end: date, subject: str,
           content: ReportContent, digest: str, files: tuple[bytes, bytes],
           actor: Actor, again: bool) -> Generated:
    with rt.transaction() as tx:
        last = _last(tx, spec.kind, start, end, subject)
        if not again and last is not None and last.figures_sha256 == digest:
            return Generated(last, False)
        version = (last.version if last else 0) + 1
        report = Report(kind=spec.kind, period_start=start, period_end=end, subject=subject,
                        version=version, figures_sha256=digest, figures=content.figures,
                        created_by=actor.person_id, created_at=tx.now)
        tx.session.add(report)
        tx.session.flush()
        slug = report_period.slug(start, end)
        key = f"report:{spec.kind}:{slug}:{subject or 'period'}:v{version}"
        name = f"{spec.title} {start:%d.%m.%Y}–{end:%d.%m.%Y}" + \
            (f" ({subject})" if subject else "") + f", версия {version}"
        docx, xlsx = (documents.store_file(
            tx, key=f"{key}:{ext}", kind=f"report_{ext}", object_kind=OBJECT_KIND,
            object_id=report.id, filename=f"{name}.{ext}", data=data, media_type=media)
            for ext, data, media in (("docx", files[0], documents.DOCX_TYPE),
                                     ("xlsx", files[1], XLSX_TYPE)))
        report.docx_document_id, report.xlsx_document_id = docx.id, xlsx.id
        tx.session.add(report)
        record_event(tx, object_kind=OBJECT_KIND, object_id=report.id,
                     action="report_generated", actor=actor, state=f"v{version}",
                     document_ids=[docx.id, xlsx.id],
                     details={"kind": spec.kind, "period_start": start.isoformat(),
                              "period_end": end.isoformat(), "subject": subject,
                              "version": version, "figures_sha256": digest}
                     | ({"again": True} if again else {}))
        tx.session.flush()
        return Generated(report, True)
