"""The report on plan execution (отчёт о выполнении плана работы): content of kind «plan».

For the plan of the period's year (normally the whole year): a table per section of the plan —
each item with its «Сроки» as written, its due dates, what became of each (the day and «в
срок» / «с опозданием», «не выполнено», «отменено: причина», «срок не наступил»; for items
«по мере запроса» the records of their process counted) and its result; a summary by section
with the share done on time, a chart, and conclusions with the figures in words.

The share done on time is counted over the due dates that are due: done (in time or late) or
not done; cancelled ones and those whose date has not come are outside it.
"""

from __future__ import annotations

from datetime import date

from adapters.number_words import counted, in_words, percent
from adapters.russian import date_long
from services import report_period
from services.errors import DomainError
from services.plan import plan_by_ref
from services.plan_execution_data import (
    CANCELLED,
    LATE,
    ON_TIME,
    OPEN,
    OUTCOMES,
    OVERDUE,
    Due,
    ItemRecord,
    PlanRecords,
    dated,
    plan_records,
)
from services.report_note import Chart, Note, ReportContent, Section, Table
from services.runtime import Tx

HEADER = ["№", "Деятельность", "Сроки", "Срок выполнения", "Выполнено", "Результат"]
SUMMARY_HEADER = ["Раздел плана", "Сроков по плану", "Выполнено в срок", "С опозданием",
                  "Не выполнено", "Отменено", "Срок не наступил", "Доля выполненных в срок"]
NO_DATE = {"on_request": "по мере запроса", "per_other_plan": "по плану проведения мероприятий"}
# What an item's process counts when it is carried out on request: (noun, gender).
REQUESTED = {"consultations": ("консультаций проведено", "f", "консультации не проводились"),
             "webinar": ("вебинаров по запросам проведено", "m",
                         "вебинары по запросам не проводились"),
             **dict.fromkeys(("monitoring", "effectiveness", "event_analysis"), (
                 "аналитических справок составлено", "f",
                 "аналитические справки не составлялись"))}


def build(tx: Tx, start: date, end: date, subject: str) -> ReportContent:
    """The report for the plan of `start`'s year, over the due dates in [start, end]."""
    if subject:
        raise DomainError(f"Отчёт о выполнении плана составляется за период, без предмета "
                          f"(указано «{subject}»)")
    report_period.checked(start, end)
    if start.year != end.year:
        raise DomainError(f"Отчёт о выполнении плана составляется в пределах одного года "
                          f"плана: период {start:%d.%m.%Y}–{end:%d.%m.%Y} захватывает два года")
    records = plan_records(tx, plan_by_ref(tx, start.year), start, end)
    totals = _count([d for i in records.items for d in i.dues])
    sections = _sections(records)
    note = Note(
        title=_title(records.plan.title, records.plan.year, start, end),
        subtitle=f"по состоянию на {date_long(records.today)}",
        period_start=start, period_end=end,
        goal=(f"оценить выполнение плана работы на {records.plan.year} год: соблюдение сроков "
              "и результаты по каждому пункту плана."),
        sources=[f"{records.plan.title} (файл «{records.plan.source_name}»)",
                 "отметки о выполнении сроков плана с их результатами и журнал действий "
                 "системы",
                 "учёт консультаций, вебинаров по запросам и аналитических справок в системе"],
        sections=[*(Section(heading=title, tables=[_item_table(title, items)])
                    for title, items in sections),
                  _summary(sections, totals)],
        conclusions=_conclusions(records, totals))
    return ReportContent(figures=_figures(records, totals), note=note)


def _title(plan_title: str, year: int, start: date, end: date) -> str:
    text = plan_title.strip()
    text = f"плана {text[5:]}" if text.casefold().startswith("план ") else f"плана «{text}»"
    if (start, end) == (date(year, 1, 1), date(year, 12, 31)):
        on_year = f"на {year} год"
        text = text.replace(on_year, f"за {year} год") if on_year in text \
            else f"{text} за {year} год"
    else:
        text = f"{text} за период с {start:%d.%m.%Y} по {end:%d.%m.%Y}"
    return f"Отчёт о выполнении {text}"


def _sections(records: PlanRecords) -> list[tuple[str, list[ItemRecord]]]:
    sections: list[tuple[str, list[ItemRecord]]] = []
    for item in records.items:
        if not sections or sections[-1][0] != item.section_title:
            sections.append((item.section_title, []))
        sections[-1][1].append(item)
    return sections


def _item_table(title: str, items: list[ItemRecord]) -> Table:
    return Table(title=title, header=HEADER, sheet=title[:31], rows=[
        [item.number if item.number is not None else "", item.activity, item.schedule_text,
         _due_cell(item), _done_cell(item), _result_cell(item)] for item in items])


def _due_cell(item: ItemRecord) -> str:
    lines = [f"{d.due:%d.%m.%Y}" for d in item.dues]
    if not dated(item):
        lines.append(NO_DATE.get(item.schedule_kind, item.schedule_text))
    elif item.on_request:
        lines.append("и по мере запроса" if lines else "по мере запроса")
    return "\n".join(lines)


def _done_cell(item: ItemRecord) -> str:
    lines = [_outcome(d) for d in item.dues]
    if item.on_request or not dated(item):
        lines.append(_requested(item))
    return "\n".join(lines)


def _outcome(d: Due) -> str:
    day = f"{d.day:%d.%m.%Y}" if d.day else ""
    return {ON_TIME: f"{day} — в срок", LATE: f"{day} — с опозданием",
            OVERDUE: "не выполнено", CANCELLED: f"отменено: {d.reason}" if d.reason
            else "отменено", OPEN: "срок не наступил"}[d.outcome]


def _requested(item: ItemRecord) -> str:
    head = NO_DATE.get(item.schedule_kind, "по мере запроса")
    if item.requested is None:
        return head
    noun, gender, none = REQUESTED[item.process]
    if not item.requested:
        return f"{head}: {none}"
    return f"{head}: {noun} — {item.requested} ({in_words(item.requested, gender)})"


def _result_cell(item: ItemRecord) -> str:
    done = [d for d in item.dues if d.result and d.outcome in (ON_TIME, LATE)]
    if len(item.dues) == 1 and done:
        return done[0].result
    return "\n".join(f"{d.due:%d.%m.%Y}: {d.result}" for d in done) or "—"


def _count(dues: list[Due]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for d in dues:
        counts[d.outcome] += 1
    counts["planned"] = len(dues)
    counts["due"] = counts[ON_TIME] + counts[LATE] + counts[OVERDUE]
    return counts


def _share(counts: dict[str, int]) -> float | None:
    return counts[ON_TIME] / counts["due"] if counts["due"] else None


def _summary(sections: list[tuple[str, list[ItemRecord]]], totals: dict[str, int]) -> Section:
    by_section = [(title, _count([d for i in items for d in i.dues]))
                  for title, items in sections]

    def row(name: str, c: dict[str, int]) -> list:
        share = _share(c)
        return [name, c["planned"], c[ON_TIME], c[LATE], c[OVERDUE], c[CANCELLED], c[OPEN],
                "—" if share is None else share]

    dated_sections = [(title, c) for title, c in by_section if c["planned"]]
    table = Table(title="Выполнение сроков плана по разделам", header=SUMMARY_HEADER,
                  rows=[row(title, c) for title, c in dated_sections],
                  total=row("Итого", totals), percent_columns=(7,), sheet="Итоги по разделам")
    chart = Chart(title="Выполнение сроков плана по разделам", kind="bar",
                  labels=[title.split()[0] for title, _ in dated_sections],
                  series={"в срок": [c[ON_TIME] for _, c in dated_sections],
                          "с опозданием": [c[LATE] for _, c in dated_sections],
                          "не выполнено": [c[OVERDUE] for _, c in dated_sections]},
                  ylabel="Сроков плана")
    share = _share(totals)
    paragraphs = [
        f"Сроков выполнения по плану — {totals['planned']}, из них выполнено или просрочено "
        f"{totals['due']}; доля выполненных в срок считается от них (отменённые и не "
        "выполненные сроки, которые ещё не наступили, в неё не входят)"
        + ("." if share is None else f": {percent(share)}.")]
    return Section(heading="Итоги выполнения плана", paragraphs=paragraphs, tables=[table],
                   charts=[chart])


def _conclusions(records: PlanRecords, totals: dict[str, int]) -> list[str]:
    year, share = records.plan.year, _share(totals)
    lines = [f"Планом работы на {year} год в отчётном периоде предусмотрено "
             f"{counted(totals['planned'], 'срок', 'срока', 'сроков')} выполнения пунктов "
             f"плана; к {date_long(records.today)} из них выполнено или просрочено "
             f"{totals['due']} ({in_words(totals['due'])})."]
    if share is not None:
        lines.append(f"Выполнено в срок {totals[ON_TIME]} ({in_words(totals[ON_TIME])}) из "
                     f"{totals['due']} {_of_terms(totals['due'])} ({percent(share)}), с "
                     f"опозданием — {totals[LATE]} ({in_words(totals[LATE])}), не выполнено — "
                     f"{totals[OVERDUE]} ({in_words(totals[OVERDUE])}).")
    if totals[CANCELLED]:
        lines.append(f"Отменено сроков — {totals[CANCELLED]} "
                     f"({in_words(totals[CANCELLED])}); причины указаны в таблицах.")
    if totals[OPEN]:
        lines.append(f"Срок не наступил — {totals[OPEN]} ({in_words(totals[OPEN])}).")
    missed = [f"«{i.activity}» (срок {d.due:%d.%m.%Y})" for i in records.items for d in i.dues
              if d.outcome == OVERDUE]
    if missed:
        lines.append("Не выполнены: " + "; ".join(missed) + ".")
    for item in records.items:
        if item.requested and item.process in REQUESTED:
            noun, gender, _ = REQUESTED[item.process]
            lines.append(f"{item.activity}: {noun} — {item.requested} "
                         f"({in_words(item.requested, gender)}).")
    return lines


def _of_terms(n: int) -> str:
    """«из 1 срока», «из 18 сроков»."""
    return "срока" if n % 10 == 1 and n % 100 != 11 else "сроков"


def _figures(records: PlanRecords, totals: dict[str, int]) -> dict:
    share = _share(totals)
    return {
        "plan_year": records.plan.year,
        "planned": totals["planned"], "due": totals["due"], "on_time": totals[ON_TIME],
        "late": totals[LATE], "overdue": totals[OVERDUE], "cancelled": totals[CANCELLED],
        "open": totals[OPEN], "share_on_time": None if share is None else round(share, 4),
        "requested": {i.code: i.requested for i in records.items if i.requested is not None},
        "items": {i.code: [{"due": d.due.isoformat(), "state": d.outcome,
                            "day": d.day.isoformat() if d.day else None} for d in i.dues]
                  for i in records.items},
    }
