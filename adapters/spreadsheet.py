"""Small .xlsx workbooks (openpyxl): a title, a header row, data rows, sensible widths.

`workbook_bytes` writes one sheet with one table (the contest summary). `workbook` writes
several sheets, each with a title, note lines and one or more tables; a column (or a single
cell, through `Styled`) may carry a number format such as `PERCENT`. Numbers stay numbers,
datetimes stay dates (naive, in the time zone the caller chose).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

PERCENT = "0.0%"  # the value is a fraction: 0.667 shows as 66.7%
DECIMAL2 = "0.00"
DATETIME = "DD.MM.YYYY HH:MM"


@dataclass(frozen=True)
class Styled:
    """One cell's value with its own number format (a percent in a column of counts)."""

    value: object
    number_format: str


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    formats: Mapping[int, str] = field(default_factory=dict)  # column (from 0) → number format
    caption: str = ""  # a bold line above the table
    total: bool = False  # the last row is a total line: bold


@dataclass(frozen=True)
class Sheet:
    name: str  # the tab, at most 31 characters
    title: str  # the bold first line
    tables: Sequence[Table]
    notes: Sequence[str] = ()  # plain lines under the title


def workbook_bytes(sheet_title: str, title: str, headers: Sequence[str],
                   rows: Sequence[Sequence[object]]) -> bytes:
    """One sheet: a bold title line, then the table; numbers stay numbers."""
    return workbook([Sheet(sheet_title, title, [Table(headers, rows)])])


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with the sheets in order."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _fill(wb.create_sheet(sheet.name[:31]), sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _fill(ws, sheet: Sheet) -> None:
    rows = 0  # rows written so far: openpyxl's max_row scans every cell, each time

    def append(values: list) -> int:
        nonlocal rows
        ws.append(values)
        rows += 1
        return rows

    append([sheet.title])
    ws["A1"].font = Font(bold=True, size=12)
    for note in sheet.notes:
        append([note])
    widths: dict[int, int] = {}
    for n, table in enumerate(sheet.tables):
        append([])
        if table.caption:
            ws.cell(append([table.caption]), 1).font = Font(bold=True)
        header_row = append(list(table.headers))
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            at = append([v.value if isinstance(v, Styled) else v for v in row])
            for i, value in enumerate(row):
                fmt = value.number_format if isinstance(value, Styled) else table.formats.get(i)
                if fmt:
                    ws.cell(at, i + 1).number_format = fmt
        if table.total and table.rows:
            for cell in ws[rows]:
                cell.font = Font(bold=True)
        for i, header in enumerate(table.headers):
            values = [_shown_length(r[i]) for r in table.rows if len(r) > i]
            widths[i] = max(widths.get(i, 0), len(str(header)), *values)
        if n == 0 and len(sheet.tables) == 1:
            ws.freeze_panes = f"A{header_row + 1}"
    for i, longest in widths.items():
        ws.column_dimensions[get_column_letter(i + 1)].width = min(60, max(8, longest + 2))


def _shown_length(value: object) -> int:
    if isinstance(value, Styled):
        value = value.value
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return len(str(value))
