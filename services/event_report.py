"""Analysis of the methodological, contest and organisational events (plan item diag-3):
content of kind «events».

One справка per event — `subject` «webinar_cycle:N» (sessions, coverage, attendance,
certificates, feedback: the figures of services.webinar_report), «contest:N» (applications by
municipality, screening, expert scores, winners and laureates) or «plan_meeting:N» (a
creative-group meeting held: attendance, agenda, decisions) — or, with an empty subject, one
for the period: every event that took place in it, its kind and its participants.

This module dispatches by subject to services.event_report_cycle, event_report_contest and
event_report_meeting (each `build(tx, object_id, start, end)`) and makes the period's справка.
The records come from services.event_report_data. `period` gives one event analysed without a
period its own course (a 2024 contest analysed in January 2025 is still «за 2024»).
"""

from __future__ import annotations

from datetime import date

from adapters.clock import moscow_date
from adapters.number_words import counted, decimal as number, with_words as words
from services import (
    contests,
    event_report_contest,
    event_report_cycle,
    event_report_meeting,
    report_period,
)
from services.errors import DomainError
from services.event_report_data import (
    APPLICATIONS,
    CONTEST,
    KIND_LABELS,
    MEETING,
    PEOPLE,
    UNITS,
    WEBINAR,
    EventRow,
    contest_course,
    cycle_course,
    period_events,
)
from services.plan_meeting_queries import get_meeting
from services.report_note import Chart, Note, ReportContent, Section, Table
from services.runtime import Runtime, Tx
from services.webinar_queries import get_cycle

SUBJECTS = "contest:N, webinar_cycle:N или plan_meeting:N"
BUILDERS = {"webinar_cycle": event_report_cycle.build, "contest": event_report_contest.build,
            "plan_meeting": event_report_meeting.build}
CHART_EVENTS = 20  # a period's chart shows the events with the most participants
UNIT_HEADER = ["Участников, чел.", "Заявок"]  # people and applications: separate columns
FIGURE_LABELS = {
    # a period
    "events": "Мероприятий проведено",
    # a webinar cycle
    "sessions": "Вебинаров в цикле", "held": "Из них состоялись",
    "invited_people": "Приглашено, чел.", "invitations": "Приглашений",
    "registered": "Регистраций", "attended": "Участий", "no_show": "Неявок",
    "participants": "Участников", "attendance_rate": "Доля участия",
    "certificates": "Сертификатов выдано", "feedback": "Отзывов",
    "rating": "Средняя оценка (1–5)", "usefulness": "Средняя полезность (1–5)",
    # a contest
    "state": "Состояние", "applications": "Подано заявок", "accepted": "Принято к экспертизе",
    "rejected": "Отклонено", "screening": "На проверке", "winners": "Победителей",
    "laureates": "Лауреатов", "ranked": "Оценено заявок", "average_total": "Средний итоговый балл",
    # a creative-group meeting
    "number": "Номер заседания", "date": "Дата заседания",
    "present": "Присутствовало членов группы", "absent": "Отсутствовало членов группы",
    "guests": "Приглашённых",
    "agenda": "Вопросов повестки", "decisions": "Принято решений",
}


def build(tx: Tx, start: date, end: date, subject: str) -> ReportContent:
    report_period.checked(start, end)
    if not subject.strip():
        return _period(tx, start, end)
    kind, object_id = _subject(subject)
    return BUILDERS[kind](tx, object_id, start, end)


def period(rt: Runtime, subject: str = "", *, start: str | None = None,
           end: str | None = None, year_text: str | None = None,
           half_text: str | None = None) -> tuple[date, date]:
    """The period of an analysis as staff give it (report_period.resolve); for one event given
    without a period, the event's own course (`course`)."""
    if subject.strip() and not (start or end or year_text or half_text):
        with rt.transaction() as tx:
            return course(tx, subject)
    return report_period.resolve(start=start, end=end, year_text=year_text,
                                 half_text=half_text)


def course(tx: Tx, subject: str) -> tuple[date, date]:
    """When the event took place: a contest from its announcement to the summing-up (as
    recorded, else as its rules plan them), a webinar cycle from its first to its last
    webinar, a creative-group meeting its day (Moscow)."""
    kind, object_id = _subject(subject)
    if kind == "contest":
        return contest_course(*contests.get(tx, object_id))
    if kind == "webinar_cycle":
        get_cycle(tx.session, object_id)
        days = cycle_course(tx, object_id)
        if days is None:
            raise DomainError(f"В цикле вебинаров №{object_id} нет вебинаров: укажите период "
                              "(--from и --to, --year или --half)")
        return days
    day = moscow_date(get_meeting(tx, object_id).starts_at)
    return day, day


def _subject(subject: str) -> tuple[str, int]:
    """«contest:3» → ("contest", 3); a Russian refusal for anything else."""
    kind, _, ref = subject.strip().partition(":")
    if kind not in BUILDERS:
        raise DomainError(f"Неизвестный предмет анализа «{subject}»: укажите {SUBJECTS} "
                          "или ничего — для справки за период")
    if not ref.strip().isdigit():
        raise DomainError(f"В предмете анализа «{subject}» не указан номер: {SUBJECTS}")
    return kind, int(ref)


# -- a period ---------------------------------------------------------------------------------

def _period(tx: Tx, start: date, end: date) -> ReportContent:
    events = period_events(tx, start, end)
    named = report_period.name(start, end) or f"период {report_period.text(start, end)}"
    kinds = {k: [e for e in events if e.kind == k] for k in (WEBINAR, CONTEST, MEETING)}
    people = [e for e in events if e.people is not None]
    applications = sum(e.participants for e in kinds[CONTEST])
    sections = [Section("Мероприятия периода", paragraphs=[] if events else [
        "В периоде методические, конкурсные и организационные мероприятия не проводились."])]
    if events:
        sections[0].paragraphs.append(_counted_as(people, kinds[CONTEST], applications))
        sections[0].tables.append(Table(
            title="Мероприятия периода", header=["№", "Мероприятие", "Дата", "Вид", *UNIT_HEADER],
            rows=[[n, e.title, e.days, KIND_LABELS[e.kind], _cell(e.people),
                   _cell(e.applications)] for n, e in enumerate(events, start=1)],
            sheet="Мероприятия"))
        if people:
            sections[0].charts.append(_people_chart(people))
        sections.append(Section("Мероприятия по видам", tables=[Table(
            title="Мероприятия по видам", header=["Вид", "Мероприятий", *UNIT_HEADER],
            rows=[[KIND_LABELS[k], len(v),
                   sum(e.participants for e in v) if UNITS[k] == PEOPLE else "—",
                   sum(e.participants for e in v) if UNITS[k] == APPLICATIONS else "—"]
                  for k, v in kinds.items()],
            total=["Итого", len(events), sum(e.participants for e in people), applications],
            sheet="По видам")]))
    lines = [f"За {named} проведено "
             f"{counted(len(events), 'мероприятие', 'мероприятия', 'мероприятий', 'n')}: "
             f"методических (вебинаров) — {words(len(kinds[WEBINAR]))}, конкурсных — "
             f"{words(len(kinds[CONTEST]))}, организационных (заседаний творческой группы) — "
             f"{words(len(kinds[MEETING]))}."]
    if kinds[WEBINAR]:
        n = sum(e.participants for e in kinds[WEBINAR])
        lines.append(f"Участий в вебинарах — {words(n, 'n')}, в среднем "
                     f"{number(n / len(kinds[WEBINAR]))} на вебинар.")
        top = max(kinds[WEBINAR], key=lambda e: (e.participants, -e.first_day.toordinal()))
        lines.append(f"Больше всего участников — {top.title[0].lower()}{top.title[1:]}: "
                     f"{words(top.participants)} чел.")
    if kinds[CONTEST]:
        lines.append("Заявок на конкурсы — "
                     f"{words(sum(e.participants for e in kinds[CONTEST]), 'f')}.")
    if kinds[MEETING]:
        n = sum(e.participants for e in kinds[MEETING])
        lines.append("Среднее число членов творческой группы, присутствовавших на заседаниях, "
                     f"— {number(n / len(kinds[MEETING]))}.")
    note = Note(
        title="Аналитическая справка по итогам методических, конкурсных и организационных "
              f"мероприятий за {named}",
        period_start=start, period_end=end,
        goal=("проанализировать методические, конкурсные и организационные мероприятия "
              "периода: их число, виды и участие."),
        sources=["вебинары и отметки участия в них", "конкурсы и поданные заявки",
                 "протоколы заседаний творческой группы"],
        sections=sections, conclusions=lines)
    figures = {"events": len(events), "applications": applications,
               "by_kind": {k: len(v) for k, v in kinds.items()},
               "participants": {k: sum(e.participants for e in v) for k, v in kinds.items()
                                if UNITS[k] == PEOPLE},
               "list": [[e.kind, e.object_id, e.first_day.isoformat(), e.participants]
                        for e in events]}
    return ReportContent(figures=figures, note=note)


def _cell(value: int | None):
    return "—" if value is None else value


def _counted_as(people: list[EventRow], contests: list[EventRow], applications: int) -> str:
    """What the columns «Участников, чел.» and «Заявок» count; why contests are not drawn."""
    parts = []
    if people:
        parts.append("Участниками (чел.) считаются: на вебинарах — отмеченные "
                     "присутствовавшими, на заседаниях творческой группы — присутствовавшие "
                     "члены группы.")
    if contests:
        parts.append("По конкурсам учитываются поданные заявки организаций, с участниками они "
                     "не складываются" + (" и на рисунке не показаны" if people else "")
                     + f": заявок подано {words(applications, 'f')}.")
    return " ".join(parts)


def _people_chart(people: list[EventRow]) -> Chart:
    shown = people if len(people) <= CHART_EVENTS else sorted(
        people, key=lambda e: -e.participants)[:CHART_EVENTS]
    return Chart(title="Участники мероприятий, чел." + (
        "" if shown is people else f" ({CHART_EVENTS} с наибольшим числом)"),
        kind="barh", labels=[_short(e.label or e.title) for e in shown],
        series={"Участников, чел.": [e.participants for e in shown]})


def _short(title: str, limit: int = 50) -> str:
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"
