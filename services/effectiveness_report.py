"""«Эффективность сетевого взаимодействия»: the June and December справка (any period works).

Its indicators, each from the system's own records for the period:

- partners active: organisations with an agreement in force on the last day that took part
  in a webinar, applied to a contest or got a consultation in the period (as monitored by
  services.monitoring_data), of all those organisations;
- events held vs planned: webinar sessions that took place of those planned to start in the
  period (cancelled ones stay planned); the plan's dated occurrences due in the period whose
  due date has come (before today in Moscow, or already closed or marked overdue — as
  services.plan_execution_data counts them) closed (on time or late) of those, cancelled
  ones left out;
- attendance rate: participations / registrations of the sessions that took place;
- certificates issued in the period (webinar certificates) and to how many people.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from adapters.clock import moscow_date
from adapters.number_words import counted, percent, them
from adapters.russian import date_short, plural
from models import (
    Certificate,
    OccurrenceState,
    PlanItem,
    PlanOccurrence,
    Registration,
    WebinarCycle,
    WebinarSession,
)
from services import report_period
from services.monitoring_data import MonitoringData, compute
from services.plan_closing import CLOSED
from services.plan_execution_data import done_days
from services.report_note import Chart, Note, ReportContent, Section, Table
from services.runtime import Tx
from services.webinar_queries import moscow_time
from services.webinar_report_data import PRESENT, TAKEN

TITLE = ("Аналитическая справка по итогам мониторинга «Эффективность сетевого "
         "взаимодействия»")
SETTLED = (*CLOSED, OccurrenceState.OVERDUE, OccurrenceState.CANCELLED)  # whatever the date
FIGURE_LABELS = {
    "partners_in_force": "Организаций с действующим договором",
    "partners_active": "Из них активных",
    "partners_active_share": "Доля активных партнёров",
    "sessions_planned": "Вебинаров запланировано",
    "sessions_held": "Вебинаров состоялось",
    "sessions_held_share": "Доля проведённых вебинаров",
    "plan_due": "Наступивших сроков плана в периоде",
    "plan_done": "Из них выполнено",
    "plan_done_on_time": "Выполнено в срок",
    "plan_done_share": "Доля выполненных сроков плана",
    "registrations": "Регистраций на вебинары",
    "registrations_held": "Регистраций на состоявшиеся вебинары",
    "attendances": "Участий в вебинарах",
    "attendance_rate": "Доля участия",
    "certificates": "Сертификатов выдано",
    "certificate_holders": "Получили сертификаты, чел.",
}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def build(tx: Tx, start: date, end: date, subject: str = "") -> ReportContent:
    s = tx.session
    data = compute(s, start, end)
    since, until = report_period.bounds(start, end)
    partners = [r for r in data.organisations if r.org_id and r.activity.in_force]
    active = sum(1 for r in partners if r.activity.active)
    plan = _plan(tx, start, end, moscow_date(tx.now))
    certificates, holders = s.exec(
        select(func.count(Certificate.id), func.count(func.distinct(Certificate.person_id)))
        .where(Certificate.issued_at >= since, Certificate.issued_at < until)).one()
    due = [row for row in plan if row[4] != OccurrenceState.CANCELLED]
    done = sum(1 for row in due if row[4] in CLOSED)
    on_time = sum(1 for row in due if row[4] == OccurrenceState.DONE)
    w = data.total.webinars
    figures = {
        "partners_in_force": len(partners), "partners_active": active,
        "partners_active_share": _share(active, len(partners)),
        "sessions_planned": data.sessions, "sessions_held": data.sessions_held,
        "sessions_held_share": _share(data.sessions_held, data.sessions),
        "plan_due": len(due), "plan_done": done, "plan_done_on_time": on_time,
        "plan_done_share": _share(done, len(due)),
        "registrations": w.registered, "registrations_held": w.held_registered,
        "attendances": w.attended,
        "attendance_rate": data.total.attendance_share,
        "certificates": certificates, "certificate_holders": holders,
    }
    return ReportContent(figures, _note(data, figures, partners, _sessions(s, since, until),
                                        plan))


def _plan(tx: Tx, start: date, end: date, today: date) -> list[list]:
    """The occurrences due in the period whose due date has come: passed (before today), or
    closed, marked overdue or cancelled already; one still to come is not counted yet. The
    last column is the day the work was done (as in the plan execution report)."""
    rows = [r for r in tx.session.exec(
        select(PlanItem.section_title, PlanItem.number, PlanItem.activity, PlanOccurrence.due,
               PlanOccurrence.state, PlanOccurrence.id)
        .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
        .where(PlanOccurrence.due >= start, PlanOccurrence.due <= end)
        .order_by(PlanOccurrence.due, PlanItem.position, PlanOccurrence.position))
        if r.due < today or r.state in SETTLED]
    days = done_days(tx, [r.id for r in rows])
    return [[*r[:5], days.get(r.id) if r.state in CLOSED else None] for r in rows]


def item_label(section_title: str, number: int | None) -> str:
    """The plan item as the plan itself names it: «Теоретическая деятельность, № 1» (the
    section and its «№»; the section alone when the plan's «№» is blank)."""
    return f"{section_title}, № {number}" if number is not None else section_title


def _sessions(s: Session, since, until) -> list[list]:
    counts: dict[int, list[int]] = {}
    for sid, state, n in s.exec(
            select(Registration.session_id, Registration.state, func.count(Registration.id))
            .join(WebinarSession, WebinarSession.id == Registration.session_id)
            .where(WebinarSession.starts_at >= since, WebinarSession.starts_at < until)
            .group_by(Registration.session_id, Registration.state)):
        pair = counts.setdefault(sid, [0, 0])
        pair[0] += n if state in TAKEN else 0
        pair[1] += n if state in PRESENT else 0
    rows = s.exec(select(WebinarSession.id, WebinarCycle.title, WebinarSession.topic,
                         WebinarSession.starts_at, WebinarSession.state)
                  .join(WebinarCycle, WebinarCycle.id == WebinarSession.cycle_id)
                  .where(WebinarSession.starts_at >= since, WebinarSession.starts_at < until)
                  .order_by(WebinarSession.starts_at, WebinarSession.id))
    return [[n, cycle, topic, moscow_time(starts), state.label, *counts.get(sid, [0, 0])]
            for n, (sid, cycle, topic, starts, state) in enumerate(rows, start=1)]


def _cell(value: float | None):
    return "—" if value is None else value


def _note(data: MonitoringData, f: dict, partners: list, sessions: list[list],
          plan: list[list]) -> Note:
    name = report_period.name(data.start, data.end)
    indicators = [
        ["Активные организации-партнёры (с действующим договором)", f["partners_active"],
         f["partners_in_force"], _cell(f["partners_active_share"])],
        ["Проведённые вебинары (из запланированных)", f["sessions_held"],
         f["sessions_planned"], _cell(f["sessions_held_share"])],
        ["Выполненные сроки плана работы (из наступивших)", f["plan_done"], f["plan_due"],
         _cell(f["plan_done_share"])],
        ["Участия в вебинарах (из регистраций на состоявшиеся)", f["attendances"],
         f["registrations_held"], _cell(f["attendance_rate"])],
        ["Выданные сертификаты участников вебинаров", f["certificates"], "—", "—"],
    ]
    partner_rows = [[n, r.name, r.municipality, r.activity.webinars.attended,
                     r.activity.applications, r.activity.consultations,
                     "да" if r.activity.active else "нет"]
                    for n, r in enumerate(partners, start=1)]
    plan_rows = [[item_label(section, number), activity, date_short(due), state.label,
                  date_short(closed) if closed else "—"]
                 for section, number, activity, due, state, closed in plan]
    return Note(
        title=TITLE, subtitle=f"за {name}" if name else "",
        period_start=data.start, period_end=data.end,
        goal="оценка эффективности сетевого взаимодействия: вовлечённости организаций-"
             "партнёров, выполнения запланированных мероприятий, посещаемости методических "
             "вебинаров и выдачи сертификатов участникам.",
        sources=["реестр договоров о сетевом взаимодействии",
                 "расписание, регистрации и отметки участия в методических вебинарах",
                 "реестр выданных сертификатов", "план работы инновационной площадки",
                 "заявки на конкурсы и журнал консультаций"],
        sections=[
            Section("Показатели эффективности",
                    ["Доля — отношение выполненного к базе показателя. Активной считается "
                     "организация, участвовавшая хотя бы в одном вебинаре, подавшая заявку на "
                     "конкурс или получившая консультацию в периоде."],
                    [Table("Показатели эффективности сетевого взаимодействия",
                           ["Показатель", "Выполнено", "База", "Доля"], indicators,
                           percent_columns=(3,), sheet="Показатели")],
                    [Chart("Запланировано и выполнено", "bar", ["Вебинары", "Сроки плана"],
                           {"Запланировано": [f["sessions_planned"], f["plan_due"]],
                            "Выполнено": [f["sessions_held"], f["plan_done"]]})]),
            Section("Активность организаций-партнёров", [],
                    [Table("Организации с действующими договорами и их активность",
                           ["№", "Организация", "Муниципалитет", "Участий в вебинарах",
                            "Заявок на конкурсы", "Консультаций", "Активна"], partner_rows,
                           sheet="Партнёры", docx_rows=30,
                           empty_text="На конец периода договоры о сетевом взаимодействии не "
                                      "действовали.")],
                    [Chart("Организации-партнёры с действующими договорами", "pie",
                           ["Активные", "Без активности"],
                           {"Организаций": [f["partners_active"],
                                            f["partners_in_force"] - f["partners_active"]]})]),
            Section("Методические вебинары периода", [],
                    [Table("Вебинары, запланированные в периоде",
                           ["№", "Цикл", "Тема", "Дата и время (МСК)", "Состояние",
                            "Регистраций", "Участий"], sessions, sheet="Вебинары",
                           empty_text="Методические вебинары в периоде не планировались.")]),
            Section("Выполнение плана работы", [],
                    [Table("Сроки плана работы, наступившие в периоде",
                           ["Пункт", "Мероприятие", "Срок", "Состояние", "Выполнено"],
                           plan_rows, sheet="План",
                           empty_text="Сроки плана работы в периоде не наступали.")]),
        ],
        conclusions=_conclusions(f))


def _conclusions(f: dict) -> list[str]:
    return [_partners_said(f), _events_said(f), _attendance_said(f), _certificates_said(f)]


def _share_said(f: dict, key: str) -> str:
    return f" ({percent(f[key])})" if f[key] is not None else ""


def _partners_said(f: dict) -> str:
    partners, active = f["partners_in_force"], f["partners_active"]
    if not partners:
        return ("На конец периода договоров о сетевом взаимодействии не было; активность "
                "партнёров не оценивалась.")
    said = (f"На конец периода договоры о сетевом взаимодействии действуют у {partners} "
            f"{plural(partners, 'организации', 'организаций', 'организаций')}; ")
    if not active:
        return said + "ни одна из них не проявила активности в периоде."
    return (said + f"активность в периоде {plural(active, 'проявила', 'проявили', 'проявили')} "
            f"{counted(active, 'организация', 'организации', 'организаций', 'f')}"
            f"{_share_said(f, 'partners_active_share')}.")


def _events_said(f: dict) -> str:
    held, planned, done, due = (f["sessions_held"], f["sessions_planned"], f["plan_done"],
                                f["plan_due"])
    webinars = "Методические вебинары в периоде не планировались" if not planned else (
        f"{plural(held, 'Состоялся', 'Состоялись', 'Состоялось')} "
        f"{counted(held, 'вебинар', 'вебинара', 'вебинаров')} из запланированных "
        f"{planned}{_share_said(f, 'sessions_held_share')}")
    plan = "сроки плана работы в периоде не наступали" if not due else (
        f"{plural(done, 'выполнен', 'выполнено', 'выполнено')} {done} из {due} "
        f"{plural(due, 'срока', 'сроков', 'сроков')} плана работы"
        f"{_share_said(f, 'plan_done_share')}, из них в срок — {f['plan_done_on_time']}")
    return f"{webinars}; {plan}."


def _attendance_said(f: dict) -> str:
    if f["attendance_rate"] is None:
        return "Регистраций на состоявшиеся вебинары в периоде не было, доля участия не " \
               "определена."
    return (f"Доля участия в вебинарах — {percent(f['attendance_rate'])}: участий — "
            f"{f['attendances']}, регистраций на состоявшиеся вебинары — "
            f"{f['registrations_held']}.")


def _certificates_said(f: dict) -> str:
    certificates, holders = f["certificates"], f["certificate_holders"]
    if not certificates:
        return "Сертификаты участникам вебинаров в периоде не выдавались."
    return (f"{plural(certificates, 'Выдан', 'Выдано', 'Выдано')} "
            f"{counted(certificates, 'сертификат', 'сертификата', 'сертификатов')} участника, "
            f"{them(certificates)} {plural(holders, 'получил', 'получили', 'получили')} "
            f"{counted(holders, 'человек', 'человека', 'человек')}.")
