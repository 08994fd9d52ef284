"""The tables of a cycle's report, shared by the printout (`imc webinar report`) and the .xlsx.

Cells are plain values; a percent is a `Percent`, an average an `Average` (each None when
there is nothing to compute it from), a start time an aware datetime: the printout and the
workbook each show them their own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from services.webinar_report_data import CycleReport, Figures, GroupRow


class Percent(NamedTuple):
    value: float | None  # 66.7 for 66,7 %


class Average(NamedTuple):
    value: float | None


@dataclass(frozen=True)
class ReportTable:
    name: str  # the sheet's tab
    title: str
    headers: tuple[str, ...]
    rows: list[list]
    total: bool = False  # the last row is «Итого»


GROUP_FIGURES = ("Приглашено, чел.", "Приглашений", "Регистраций", "Участий",
                 "Участников, чел.", "Неявок", "Не отмечены", "Доля участия", "Сертификатов")


def summary(report: CycleReport) -> ReportTable:
    t, fb = report.total, report.feedback
    rows = [
        ["Вебинаров в цикле", len(report.sessions)],
        ["Из них состоялись", report.held],
        ["Приглашено, чел.", report.invited_people],
        ["Приглашений (человек × вебинар)", t.invited],
        ["Регистраций (человек × вебинар)", t.registered],
        ["Зарегистрировались, чел.", report.registered_people],
        ["В листе ожидания", t.waiting],
        ["Отменено регистраций", t.cancelled],
        ["Участий (человек × вебинар)", t.attended],
        ["Участников, чел.", report.participants],
        ["Неявок", t.no_show],
        ["Не отмечены (вебинар состоялся)", t.unmarked],
        ["Доля участия (по состоявшимся вебинарам)", Percent(t.rate)],
        ["Сертификатов выдано", t.certificates],
        ["Отзывов", fb.count],
        ["Средняя оценка (1–5)", Average(fb.rating)],
        ["Средняя полезность (1–5)", Average(fb.usefulness)],
        ["Неизвестных в файлах посещаемости", report.unknown],
    ]
    return ReportTable("Итоги", "Итоги цикла", ("Показатель", "Значение"), rows)


def sessions(report: CycleReport) -> ReportTable:
    headers = ("№", "Начало (МСК)", "Тема", "Аудитория", "Состояние", "Приглашено",
               "Регистраций", "Лист ожидания", "Отменено", "Участий", "Неявок", "Не отмечены",
               "Доля участия", "Сертификатов", "Отзывов", "Средняя оценка",
               "Средняя полезность", "Неизвестных в файлах")
    rows = [[s.position, s.starts_at, s.topic, s.segment, s.state,
             *_session_figures(s.figures), s.feedback.count, Average(s.feedback.rating),
             Average(s.feedback.usefulness), s.unknown] for s in report.sessions]
    fb = report.feedback
    rows.append(["", None, "Итого", "", "", *_session_figures(report.total), fb.count,
                 Average(fb.rating), Average(fb.usefulness), report.unknown])
    return ReportTable("Вебинары", "Вебинары цикла", headers, rows, total=True)


def organisations(report: CycleReport) -> ReportTable:
    rows = [[g.name, g.municipality, *_group_figures(g)] for g in report.organisations]
    rows.append(["Итого", "", *_group_figures(_total(report))])
    return ReportTable("Организации", "По организациям",
                       ("Организация", "Муниципалитет", *GROUP_FIGURES), rows, total=True)


def municipalities(report: CycleReport) -> ReportTable:
    rows = [[g.name, *_group_figures(g)] for g in report.municipalities]
    rows.append(["Итого", *_group_figures(_total(report))])
    return ReportTable("Муниципалитеты", "По муниципалитетам", ("Муниципалитет", *GROUP_FIGURES),
                       rows, total=True)


def feedback(report: CycleReport) -> ReportTable:
    rows = [[s.position, s.topic, s.feedback.count, Average(s.feedback.rating),
             Average(s.feedback.usefulness)] for s in report.sessions]
    fb = report.feedback
    rows.append(["", "Итого", fb.count, Average(fb.rating), Average(fb.usefulness)])
    return ReportTable("Отзывы", "Отзывы участников",
                       ("№", "Тема", "Отзывов", "Средняя оценка", "Средняя полезность"), rows,
                       total=True)


def comments(report: CycleReport) -> ReportTable:
    rows = [[c.position, c.rating, "—" if c.usefulness is None else c.usefulness, c.text]
            for c in report.comments]
    return ReportTable("Отзывы", "Комментарии",
                       ("№ вебинара", "Оценка", "Полезность", "Комментарий"), rows)


def _session_figures(f: Figures) -> list:
    return [f.invited, f.registered, f.waiting, f.cancelled, f.attended, f.no_show, f.unmarked,
            Percent(f.rate), f.certificates]


def _group_figures(g: GroupRow) -> list:
    f = g.figures
    return [g.invited_people, f.invited, f.registered, f.attended, g.participants, f.no_show,
            f.unmarked, Percent(f.rate), f.certificates]


def _total(report: CycleReport) -> GroupRow:
    return GroupRow("Итого", figures=report.total, invited_people=report.invited_people,
                    participants=report.participants)
