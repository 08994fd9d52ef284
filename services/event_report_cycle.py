"""The «анализ мероприятий» справка for one webinar cycle (subject «webinar_cycle:N»): sessions,
coverage, attendance, certificates and feedback — the figures of services.webinar_report, with
its tables converted into the справка's own."""

from __future__ import annotations

from datetime import date

from adapters.number_words import counted, percent, with_words as words
from models import CycleState
from services import webinar_report_tables as tables
from services.errors import DomainError
from services.report_note import Chart, Note, ReportContent, Section, Table
from services.runtime import Tx
from services.webinar_queries import get_cycle
from services.webinar_report import compute as cycle_report
from services.webinar_report_data import average_text, percent_text


def build(tx: Tx, cycle_id: int, start: date, end: date) -> ReportContent:
    cycle = get_cycle(tx.session, cycle_id)
    if cycle.state == CycleState.DRAFT:
        raise DomainError(f"Цикл вебинаров №{cycle_id} ещё не объявлен: анализировать нечего")
    r = cycle_report(tx.session, cycle_id, tx.now)
    t, fb = r.total, r.feedback
    sessions = Table(
        title="Вебинары цикла",
        header=["№", "Дата и время (МСК)", "Тема", "Спикер", "Состояние", "Приглашено",
                "Зарегистрировано", "Участвовало", "Неявок", "Доля участия", "Сертификатов",
                "Средняя оценка"],
        rows=[[s.position, s.start, s.topic, s.speaker, s.state, s.figures.invited,
               s.figures.registered, s.figures.attended, s.figures.no_show,
               _share(s.figures.attended, s.figures.held_registered), s.figures.certificates,
               average_text(s.feedback.rating)] for s in r.sessions],
        total=["", "", "Итого", "", "", t.invited, t.registered, t.attended, t.no_show,
               _share(t.attended, t.held_registered), t.certificates, average_text(fb.rating)],
        percent_columns=(9,), sheet="Вебинары", docx_columns=(0, 1, 2, 6, 7, 9, 10))
    chart = Chart(title="Регистрации и участие по вебинарам цикла", kind="bar",
                  labels=[f"№ {s.position} ({s.start[:5]})" for s in r.sessions],
                  series={"Зарегистрировано": [s.figures.registered for s in r.sessions],
                          "Участвовало": [s.figures.attended for s in r.sessions]},
                  ylabel="Человек")
    lines = [f"Цикл включает {counted(len(r.sessions), 'вебинар', 'вебинара', 'вебинаров')}, "
             f"состоялось {words(r.held)}.",
             f"Приглашено {counted(r.invited_people, 'человек', 'человека', 'человек')}; "
             f"регистраций — {words(t.registered, 'f')}, участий — {words(t.attended, 'n')}, "
             f"неявок — {words(t.no_show, 'f')}; участников — {words(r.participants)} чел."]
    if t.rate is not None:
        lines.append(f"Доля участия по состоявшимся вебинарам — {percent(t.rate / 100)}.")
    lines.append(f"Выдано сертификатов — {words(t.certificates)}.")
    if fb.count:
        lines.append(f"Получено отзывов — {words(fb.count)}; средняя оценка — "
                     f"{average_text(fb.rating)} из 5, средняя полезность — "
                     f"{average_text(fb.usefulness)} из 5.")
    note = Note(
        title=f"Аналитическая справка по итогам цикла методических вебинаров «{r.title}»",
        period_start=start, period_end=end,
        goal=("проанализировать проведение цикла вебинаров: охват приглашённых, регистрацию и "
              "участие, выдачу сертификатов и отзывы участников."),
        sources=[f"план цикла вебинаров (файл «{cycle.source_name}»)" if cycle.source_name
                 else "план цикла вебинаров",
                 "рассылка приглашений, регистрации и отметки участия",
                 "выданные сертификаты и отзывы участников"],
        sections=[Section("Проведённые вебинары", tables=[sessions], charts=[chart]),
                  Section("Итоги цикла", tables=[_converted(tables.summary(r))]),
                  Section("Участие по муниципалитетам", tables=[_converted(
                      tables.municipalities(r), docx_columns=(0, 1, 3, 4, 5, 8, 9))]),
                  Section("Отзывы участников", tables=[_converted(tables.feedback(r))])],
        conclusions=lines, subtitle=f"Состояние цикла: {r.state}")
    figures = {"sessions": len(r.sessions), "held": r.held, "invited_people": r.invited_people,
               "invitations": t.invited, "registered": t.registered, "attended": t.attended,
               "no_show": t.no_show, "participants": r.participants,
               "attendance_rate": None if t.rate is None else round(t.rate / 100, 4),
               "certificates": t.certificates, "feedback": fb.count, "rating": fb.rating,
               "usefulness": fb.usefulness}
    return ReportContent(figures=figures, note=note)


def _share(part: int, whole: int):
    return part / whole if whole else "—"


def _converted(table: tables.ReportTable, docx_columns: tuple[int, ...] | None = None) -> Table:
    """A table of the cycle report (services.webinar_report_tables) as a справка's table: an
    Average becomes its text, a Percent a share in a percent column («—» when none) or, in a
    «Показатель / Значение» table, its text."""
    listing = len(table.headers) == 2

    def cell(value):
        if isinstance(value, tables.Percent):
            return percent_text(value.value) if listing or value.value is None \
                else value.value / 100
        return average_text(value.value) if isinstance(value, tables.Average) else value

    rows = [[cell(v) for v in row] for row in table.rows]
    shares = () if listing else tuple(
        i for i, v in enumerate(table.rows[0] if table.rows else [])
        if isinstance(v, tables.Percent))
    return Table(title=table.title, header=list(table.headers),
                 rows=rows[:-1] if table.total else rows,
                 total=rows[-1] if table.total else None, percent_columns=shares,
                 sheet=table.name, docx_columns=docx_columns)
