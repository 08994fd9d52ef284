"""The records behind the report on plan execution (services.plan_execution_report reads them).

Each dated occurrence of the plan's items due in the period gets its outcome as of today (the
Europe/Moscow day of the transaction): «в срок» (done), «с опозданием» (done_late), «не
выполнено» (overdue, or still planned after its due date: the sweep may not have marked it
yet), «отменено» or «срок не наступил» (planned, due today or later). The day the work was
done is `done_days`: the `day` the closing transition recorded (services.plan_closing), else
the day it was closed — every справка that shows the day of a closed occurrence asks it. Items
«по мере запроса» / «по плану проведения мероприятий» have no due dates: the records of their
process in the period are counted instead (consultations held, webinars held on an
organisation's request, and справки covering a period inside the report's one — whenever they
were made; the versions of one справка count once) — a few COUNT queries, whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import select

from adapters.clock import moscow_date
from models import (
    AuditEntry,
    Consultation,
    ConsultationState,
    Document,
    OccurrenceState as O,
    Outcome,
    Plan,
    PlanItem,
    PlanOccurrence,
    Report,
    Segment,
    SessionState,
    WebinarSession,
)
from services.plan_closing import CLOSED
from services.plan_schedule import ScheduleKind
from services.report_period import bounds
from services.runtime import Tx

ON_TIME, LATE, OVERDUE, CANCELLED, OPEN = "on_time", "late", "overdue", "cancelled", "open"
OUTCOMES = (ON_TIME, LATE, OVERDUE, CANCELLED, OPEN)
HELD_SESSIONS = (SessionState.HELD, SessionState.MATERIALS_SENT,
                 SessionState.CERTIFICATES_ISSUED, SessionState.CLOSED)
CLOSING = ("close_on_time", "close_late")
DATED = (ScheduleKind.DATES, ScheduleKind.PERIOD, ScheduleKind.WHOLE_YEAR)
# The kind of report (models.report.Report.kind) that carries out an item's process.
REPORT_KINDS = {"monitoring": "monitoring", "effectiveness": "effectiveness",
                "event_analysis": "events"}


@dataclass
class Due:
    """One due date of an item and what became of it."""

    due: date
    outcome: str  # one of OUTCOMES
    day: date | None = None  # the day the work was done
    result: str = ""  # the result text, the document's file name, the link: «; »-joined
    reason: str = ""  # why it was cancelled


@dataclass
class ItemRecord:
    code: str
    section_code: str
    section_title: str
    number: int | None
    activity: str
    schedule_text: str
    schedule_kind: str
    on_request: bool
    process: str | None
    dues: list[Due] = field(default_factory=list)
    # Records of the item's process in the period, for items with no (or not only) due dates:
    # None when the process keeps no countable record.
    requested: int | None = None


@dataclass
class PlanRecords:
    plan: Plan
    today: date
    items: list[ItemRecord]


def plan_records(tx: Tx, plan: Plan, start: date, end: date) -> PlanRecords:
    s, today = tx.session, moscow_date(tx.now)
    items = {i.id: ItemRecord(
        code=i.code, section_code=i.section_code, section_title=i.section_title,
        number=i.number, activity=i.activity, schedule_text=i.schedule_text,
        schedule_kind=i.schedule_kind, on_request=i.on_request, process=i.process)
        for i in s.exec(select(PlanItem).where(PlanItem.plan_id == plan.id)
                        .order_by(PlanItem.position))}
    in_period = (select(PlanOccurrence).join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                 .where(PlanItem.plan_id == plan.id, PlanOccurrence.due >= start,
                        PlanOccurrence.due <= end))
    occurrences = list(s.exec(in_period.order_by(PlanOccurrence.item_id,
                                                  PlanOccurrence.position)))
    ids = in_period.with_only_columns(PlanOccurrence.id)
    days, reasons = done_days(tx, ids), _cancel_reasons(tx, ids)
    files = dict(s.exec(select(Document.id, Document.filename).where(Document.id.in_(
        in_period.with_only_columns(PlanOccurrence.result_document_id)))).all())
    for occ in occurrences:
        items[occ.item_id].dues.append(_due(occ, today, days.get(occ.id),
                                            reasons.get(occ.id, ""), files))
    counts = _requested_counts(tx, start, end)
    for item in items.values():
        if item.on_request or not dated(item):
            item.requested = counts(item)
    # An item with due dates, none of them in the period (and not on request either), is not
    # part of this report.
    return PlanRecords(plan=plan, today=today, items=[
        i for i in items.values() if i.dues or i.on_request or not dated(i)])


def dated(item: ItemRecord) -> bool:
    """The item's schedule gives due dates (not «по мере запроса» / «по плану …» only)."""
    return item.schedule_kind in DATED


def _due(occ: PlanOccurrence, today: date, day: date | None, reason: str,
         files: dict[int, str]) -> Due:
    outcome = {O.DONE: ON_TIME, O.DONE_LATE: LATE, O.OVERDUE: OVERDUE,
               O.CANCELLED: CANCELLED}.get(occ.state)
    if outcome is None:
        outcome = OVERDUE if occ.due < today else OPEN
    result = "; ".join(x for x in (occ.result_text, files.get(occ.result_document_id, ""),
                                   occ.result_url) if x)
    reason = (occ.cancel_reason or reason) if outcome == CANCELLED else ""
    return Due(due=occ.due, outcome=outcome, day=day if outcome in (ON_TIME, LATE) else None,
               result=result, reason=reason.strip())


def done_days(tx: Tx, occurrence_ids) -> dict[int, date]:
    """occurrence id → the day its work was done, for the closed ones among `occurrence_ids`
    (a list of ids or a SELECT of them): the `day` its closing recorded
    (services.plan_closing.close_with_result), else the Moscow day it was closed."""
    s = tx.session
    days = {occ_id: moscow_date(closed_at) for occ_id, closed_at in s.exec(
        select(PlanOccurrence.id, PlanOccurrence.closed_at).where(
            PlanOccurrence.id.in_(occurrence_ids), PlanOccurrence.state.in_(CLOSED),
            PlanOccurrence.closed_at.is_not(None)))}
    for object_id, details in s.exec(
            select(AuditEntry.object_id, AuditEntry.details)
            .where(AuditEntry.object_kind == "plan_occurrence",
                   AuditEntry.outcome == Outcome.DONE, AuditEntry.action.in_(CLOSING),
                   AuditEntry.object_id.in_(occurrence_ids))
            .order_by(AuditEntry.id)):
        day = _parse_day((details or {}).get("day"))
        if day is not None and object_id in days:
            days[object_id] = day
    return days


def _cancel_reasons(tx: Tx, occurrence_ids) -> dict[int, str]:
    """occurrence id → the reason given when it was cancelled (the audit's)."""
    return {object_id: reason or "" for object_id, reason in tx.session.exec(
        select(AuditEntry.object_id, AuditEntry.reason)
        .where(AuditEntry.object_kind == "plan_occurrence",
               AuditEntry.outcome == Outcome.DONE, AuditEntry.action == "cancel",
               AuditEntry.object_id.in_(occurrence_ids))
        .order_by(AuditEntry.id))}


def _parse_day(text: str | None) -> date | None:
    try:
        return datetime.strptime(text, "%d.%m.%Y").date() if text else None
    except ValueError:
        return None


def _requested_counts(tx: Tx, start: date, end: date):
    """A function: item → how many records of its process the period holds (or None)."""
    s = tx.session
    since, until = bounds(start, end)
    consultations = s.exec(select(func.count(Consultation.id)).where(
        Consultation.state == ConsultationState.HELD, Consultation.held_at >= since,
        Consultation.held_at < until)).one()
    webinars = s.exec(select(func.count(WebinarSession.id)).where(
        WebinarSession.segment == Segment.ON_REQUEST,
        WebinarSession.state.in_(HELD_SESSIONS), WebinarSession.starts_at >= since,
        WebinarSession.starts_at < until)).one()
    # A справка counts for the period it covers, not the day it was made (the year's one is
    # made in January); its versions are one справка.
    versions = (select(Report.kind, Report.period_start, Report.period_end, Report.subject)
                .where(Report.period_start >= start, Report.period_end <= end).distinct()
                .subquery())
    reports = dict(s.exec(select(versions.c.kind, func.count())
                          .select_from(versions).group_by(versions.c.kind)).all())

    def count(item: ItemRecord) -> int | None:
        if item.process == "consultations":
            return consultations
        if item.process == "webinar":
            return webinars
        if item.process in REPORT_KINDS:
            return reports.get(REPORT_KINDS[item.process], 0)
        return None

    return count


__all__ = ["CANCELLED", "LATE", "ON_TIME", "OPEN", "OUTCOMES", "OVERDUE", "Due", "ItemRecord",
           "PlanRecords", "dated", "done_days", "plan_records"]
