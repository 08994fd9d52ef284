"""Small .xlsx workbooks (openpyxl): a title, a header row, data rows, sensible widths."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


def workbook_bytes(sheet_title: str, title: str, headers: Sequence[str],
                   rows: Sequence[Sequence[object]]) -> bytes:
    """One sheet: a bold title line, then the table; numbers stay numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    ws.append(list(headers))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(list(row))
    for i, header in enumerate(headers, start=1):
        longest = max([len(str(header))] + [len(str(r[i - 1])) for r in rows if len(r) >= i])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    ws.freeze_panes = "A4"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
