"""A справка's data as .xlsx: the «Сводка» of its headline figures, then a sheet per table.

Every table is there whole (a .docx may show only its first rows or main columns); numbers
stay numbers, shares are fractions formatted as percents; headers bold, widths fitted
(adapters.spreadsheet). A table with no rows keeps its sheet: the header, and under the
title the sentence the .docx says instead of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from adapters.spreadsheet import PERCENT, Sheet, Styled, Table as SheetTable, workbook
from services import report_period
from services.report_note import Note, Table
from services.report_render import empty_text

_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def report_xlsx(note: Note, headline: Sequence[tuple[str, object, bool]]) -> bytes:
    """`headline`: (label, value, is_share) of each headline figure, in order."""
    period = report_period.text(note.period_start, note.period_end)
    notes = [line for line in (note.subtitle, f"Период: {period}") if line]
    summary = [[label, _value(value, share)] for label, value, share in headline]
    sheets = [Sheet("Сводка", note.title, [SheetTable(["Показатель", "Значение"], summary)],
                    notes)]
    used = {"Сводка"}
    number = 0
    for section in note.sections:
        for table in section.tables:
            number += 1
            name = _unique(table.sheet or f"Таблица {number}", used)
            notes = [section.heading] + ([] if table.rows else [empty_text(table)])
            sheets.append(Sheet(name, f"Таблица {number}. {table.title}", [_table(table)],
                                notes))
    return workbook(sheets)


def _table(table: Table) -> SheetTable:
    total = table.total if table.rows else None  # a table with no rows is its header only
    rows = [list(r) for r in table.rows] + ([list(total)] if total else [])
    formats = {i: PERCENT for i in table.percent_columns}
    return SheetTable(table.header, rows, formats=formats, total=total is not None)


def _value(value, share: bool):
    if value is None:
        return "—"
    return Styled(value, PERCENT) if share else value


def _unique(name: str, used: set[str]) -> str:
    base = _NOT_IN_SHEET_NAMES.sub(" ", name).strip()[:31] or "Таблица"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[:31 - len(suffix)] + suffix
    used.add(candidate)
    return candidate
