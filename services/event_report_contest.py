"""The «анализ мероприятий» справка for one contest (subject «contest:N»): its course,
applications by municipality, screening, the experts' scores by criterion, winners and
laureates."""

from __future__ import annotations

from datetime import date

from adapters.number_words import counted, decimal as number, with_words as words
from adapters.russian import date_long, short_title
from models import ApplicationState as A
from models.contest import ContestState
from services import contests
from services.errors import DomainError
from services.event_report_data import ACCEPTED, SCREENING, contest_course, contest_data
from services.report_note import Chart, Note, ReportContent, Section, Table
from services.runtime import Tx


def build(tx: Tx, contest_id: int, start: date, end: date) -> ReportContent:
    contest, _ = contests.get(tx, contest_id)
    if contest.state == ContestState.DRAFT:
        raise DomainError(f"Конкурс №{contest_id} ещё не объявлен: анализировать нечего")
    d = contest_data(tx, contest)
    total, accepted, rejected = sum(d.states.values()), d.count(*ACCEPTED), d.count(A.REJECTED)
    winners, laureates = d.count(A.WINNER), d.count(A.LAUREATE)
    first, last = contest_course(contest, d.spec)
    course = [f"Конкурс объявлен {date_long(first)}"
              + (f" (приказ № {contest.order_number})" if contest.order_number else "")
              + f"; приём заявок — с {date_long(d.spec.dates.intake_opens)} по "
              f"{date_long(d.spec.dates.intake_closes)}",  # «… г.»: the sentence's period
              f"Итоги подведены {date_long(last)} (протокол № {contest.protocol_number})."
              if contest.protocol_date else
              f"Итоги не подведены: конкурс в состоянии «{contest.state.label}» (по положению — "
              f"{date_long(last)})."]
    by_place = Table(
        title="Заявки по муниципалитетам",
        header=["Муниципалитет", "Подано заявок", "Принято к экспертизе", "Отклонено",
                "Победителей", "Лауреатов"],
        rows=[[m.name, m.applications, m.accepted, m.rejected, m.winners, m.laureates]
              for m in d.municipalities],
        total=["Итого", total, accepted, rejected, winners, laureates], sheet="Муниципалитеты")
    chart = Chart(title="Заявки и результаты по муниципалитетам", kind="bar",
                  labels=[m.name for m in d.municipalities],
                  series={"Подано заявок": [m.applications for m in d.municipalities],
                          "Принято к экспертизе": [m.accepted for m in d.municipalities],
                          "Победители и лауреаты": [m.winners + m.laureates
                                                    for m in d.municipalities]},
                  ylabel="Заявок")
    criteria = Table(title="Средние баллы экспертов по критериям",
                     header=["Критерий", "Максимальный балл", "Вес", "Средний балл"],
                     sheet="Критерии",
                     rows=[[name, number(top), number(weight), number(avg)]
                           for name, top, weight, avg in d.criteria])
    awarded = Table(title="Победители и лауреаты",
                    header=["Место", "№ заявки", "Организация", "Муниципалитет",
                            "Итоговый балл", "Результат"], sheet="Победители и лауреаты",
                    rows=[[rank or "", no, org, place, number(score), outcome]
                          for rank, no, org, place, score, outcome in d.awarded])
    lines = [f"На конкурс подано {counted(total, 'заявка', 'заявки', 'заявок', 'f')}; "
             f"муниципалитетов — {words(len(d.municipalities))}.",
             f"Принято к экспертизе — {words(accepted, 'f')}, отклонено — "
             f"{words(rejected, 'f')}"
             + (f", на проверке — {words(d.count(*SCREENING), 'f')}." if d.count(*SCREENING)
                else ".")]
    if d.ranked:
        lines.append(f"Победителей — {words(winners)}, лауреатов — {words(laureates)}, "
                     f"участников — {words(d.count(A.PARTICIPANT))}.")
        lines.append(f"Средний итоговый балл — {number(d.average_total)} (наибольший — "
                     f"{number(d.max_total)}, наименьший — {number(d.min_total)}).")
        scored = [(avg / top, name, avg, top) for name, top, _, avg in d.criteria
                  if avg is not None]
        if len(scored) > 1:
            (_, low, low_avg, low_top), (_, high, high_avg, high_top) = min(scored), max(scored)
            lines.append(f"Наиболее высокий средний балл — по критерию «{high}» "
                         f"({number(high_avg)} из {number(high_top)}), наиболее низкий — "
                         f"по критерию «{low}» ({number(low_avg)} из {number(low_top)}).")
    sections = [Section("Сроки и ход конкурса", paragraphs=course),
                Section("Заявки участников", tables=[by_place], charts=[chart])]
    if d.ranked:
        sections += [Section("Экспертиза заявок", tables=[criteria]),
                     Section("Итоги конкурса", tables=[awarded] if d.awarded else [])]
    note = Note(
        title=f"Аналитическая справка по итогам конкурса «{short_title(d.spec.title)}»",
        subtitle=d.spec.title, period_start=start, period_end=end,
        goal=("проанализировать проведение конкурса: участие организаций по муниципалитетам, "
              "итоги проверки заявок и экспертизы, результаты."),
        sources=[f"положение о конкурсе (редакция {d.rules_version})",
                 "заявки участников и результаты их проверки",
                 "оценки экспертов и протокол заседания жюри"],
        sections=sections, conclusions=lines)
    figures = {"state": contest.state.label,
               "applications": total, "accepted": accepted, "rejected": rejected,
               "screening": d.count(*SCREENING), "winners": winners, "laureates": laureates,
               "participants": d.count(A.PARTICIPANT), "ranked": d.ranked,
               "average_total": d.average_total,
               "municipalities": {m.name: m.applications for m in d.municipalities},
               "criteria": {name: avg for name, _, _, avg in d.criteria}}
    return ReportContent(figures=figures, note=note)
