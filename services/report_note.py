"""What an аналитическая справка says, independent of how it is drawn.

A report kind's builder (monitoring, effectiveness, event analysis, plan execution) reads the
records and returns a `ReportContent`: its headline figures (JSON-able; a new version of the
report is stored only when they change) and a `Note` — the справка's parts in order. The
renderer (services.report_render) turns a Note into the .docx (tables, matplotlib charts,
author block) and the .xlsx (one sheet per table); builders never touch python-docx.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass
class Table:
    title: str  # «Таблица 1. …» numbering is the renderer's
    header: list[str]
    rows: list[list]  # cells: str, int, float (shares as 0.0–1.0 with percent=True columns)
    total: list | None = None  # the «Итого» row, if any
    percent_columns: tuple[int, ...] = ()  # column indexes holding shares 0.0–1.0
    sheet: str = ""  # the .xlsx tab (≤ 31 characters); «Таблица N» when empty
    # The .docx may show fewer columns (all stay in the .xlsx) and only the first N rows,
    # with a note that the whole table is in the .xlsx; None: everything.
    docx_columns: tuple[int, ...] | None = None
    docx_rows: int | None = None
    # Said instead of a table with no rows («В периоде договоры … не действовали»); when
    # empty, the renderer says that the period has no records for the table's title.
    empty_text: str = ""


@dataclass
class Chart:
    title: str
    kind: Literal["bar", "barh", "pie", "line"]
    labels: list[str]
    series: dict[str, list[float]]  # legend name → one value per label
    ylabel: str = ""


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Note:
    title: str  # «Аналитическая справка по итогам мониторинга …»
    period_start: date
    period_end: date
    goal: str
    sources: list[str]
    sections: list[Section]
    conclusions: list[str]
    subtitle: str = ""


@dataclass
class ReportContent:
    figures: dict  # headline figures, JSON-able; the version key
    note: Note
