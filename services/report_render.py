"""A справка's Note → .docx through templates/docx/analytic_note.docx (docxtpl).

Staff edit the template (requisites, heading, author block); this module fills it: the tables
are made with python-docx in the template's own styles and put in as XML («Таблица 1 –
…» above each, a repeated bold header row, the «Итого» row bold), the charts are PNGs from
adapters.charts placed as inline images («Рисунок 1 – …» under each). A table with
`docx_rows`/`docx_columns` shows that part only and says that the whole is in the .xlsx.
A table with no rows is not drawn: its `empty_text` is said instead, in the section's text;
a chart with nothing to show (every value zero) is left out.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from datetime import date

import jinja2
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate, InlineImage
from lxml import etree
from markupsafe import Markup

from adapters import charts
from adapters.docx_render import TemplateRenderError, make_environment
from adapters.number_words import percent
from adapters.russian import date_long, date_short, initials_name
from models import Person
from services import report_period
from services.org import centre_card
from services.report_note import Chart, Note, Table
from services.runtime import Tx

TEMPLATE = "analytic_note.docx"
TEXT_WIDTH_CM = 16.5
CHART_WIDTH = Cm(16)
CHART_MAX_HEIGHT = Cm(23)  # a tall chart (many bars) is scaled to fit the page


@dataclass(frozen=True)
class Signing:
    """Who and when, read in the report's transaction: the centre's card and the author."""

    centre: dict
    author_name: str
    author_position: str
    day: date


def signing(tx: Tx, person_id: int | None, day: date) -> Signing:
    person = tx.session.get(Person, person_id) if person_id else None
    name = initials_name(person.last_name, person.first_name, person.middle_name) if person \
        else ""
    position = person.position if person else ""
    return Signing(centre_card(tx), name, position[:1].lower() + position[1:], day)


def render_docx(templates_dir, note: Note, signed: Signing) -> bytes:
    """The справка as .docx bytes."""
    template = DocxTemplate(templates_dir / TEMPLATE)
    tables = charts_made = 0
    sections = []
    for number, section in enumerate(note.sections, start=1):
        paragraphs, blocks, images = list(section.paragraphs), [], []
        for table in section.tables:
            if not table.rows:
                paragraphs.append(empty_text(table))
                continue
            tables += 1
            blocks.append({"caption": f"Таблица {tables} – {table.title}",
                           "body": _table(template, table), "remark": _remark(table)})
        for chart in filter(has_data, section.charts):
            charts_made += 1
            images.append({"image": _image(template, _png(chart)),
                           "caption": f"Рисунок {charts_made} – {chart.title}"})
        sections.append({"number": number, "heading": section.heading,
                         "paragraphs": paragraphs, "tables": blocks, "charts": images})
    context = {
        "centre": signed.centre,
        "note": {"title": note.title, "subtitle": note.subtitle,
                 "period_text": report_period.text(note.period_start, note.period_end),
                 "goal": note.goal, "sources": note.sources, "conclusions": note.conclusions},
        "sections": sections,
        "author": {"name": signed.author_name, "position": signed.author_position},
        "signed": {"date_long": date_long(signed.day), "date_short": date_short(signed.day)},
    }
    try:
        template.render(context, jinja_env=make_environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise TemplateRenderError(TEMPLATE, exc.message or str(exc)) from exc
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def empty_text(table: Table) -> str:
    """What is said instead of a table with no rows."""
    return table.empty_text or f"Сведений для таблицы «{table.title}» за период нет."


def has_data(chart: Chart) -> bool:
    return any(value for values in chart.series.values() for value in values)


def _image(template: DocxTemplate, png: bytes) -> InlineImage:
    width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR
    if CHART_WIDTH * height / width > CHART_MAX_HEIGHT:
        return InlineImage(template, io.BytesIO(png), height=CHART_MAX_HEIGHT)
    return InlineImage(template, io.BytesIO(png), width=CHART_WIDTH)


def _png(chart: Chart) -> bytes:
    return charts.render(chart.kind, chart.title, chart.labels, chart.series, chart.ylabel)


def cell_text(value, share: bool) -> str:
    """How a cell is printed: shares as «66,7 %», other fractions with a comma."""
    if value is None:
        return "—"
    if share and isinstance(value, int | float) and not isinstance(value, bool):
        return percent(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _columns(table: Table) -> list[int]:
    return list(table.docx_columns) if table.docx_columns is not None \
        else list(range(len(table.header)))


def _rows(table: Table) -> list[list]:
    return table.rows[:table.docx_rows] if table.docx_rows is not None else table.rows


def _remark(table: Table) -> str:
    shown, cut_columns = len(_rows(table)), len(_columns(table)) < len(table.header)
    if shown == len(table.rows) and not cut_columns:
        return ""
    what = f"Показаны первые {shown} строк из {len(table.rows)}" if shown < len(table.rows) \
        else "Показаны основные графы"
    sheet = f" (лист «{table.sheet}»)" if table.sheet else ""
    return f"{what}; полная таблица — в приложении .xlsx{sheet}."


def _table(template: DocxTemplate, table: Table):
    columns = _columns(table)
    body = [[row[i] for i in columns] for row in _rows(table)]
    total = [table.total[i] for i in columns] if table.total else None
    shares = {n for n, i in enumerate(columns) if i in table.percent_columns}
    header = [table.header[i] for i in columns]
    texts = [[cell_text(v, n in shares) for n, v in enumerate(row)]
             for row in body + ([total] if total else [])]
    size = Pt(12 if len(columns) <= 5 else 10 if len(columns) <= 8 else 9)

    # Made in the template's own document (its styles), then taken out as XML for the
    # «{{p table.body }}» paragraph: what docxtpl's Subdoc does, without docxcompose.
    grid = template.get_docx().add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _widths(header, texts)
    for column, width in zip(grid._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width  # LibreOffice reads the grid, Word the cells
    _fill(grid.rows[0].cells, header, widths, size, bold=True, numeric=[False] * len(header),
          header=True)
    _repeat_header(grid.rows[0])
    numeric = [all(isinstance(r[n], int | float) or r[n] in ("—", "", None) for r in body) and
               any(isinstance(r[n], int | float) for r in body) for n in range(len(columns))]
    last = len(texts) - 1
    for index, row in enumerate(texts):
        _fill(grid.add_row().cells, row, widths, size, bold=total is not None and index == last,
              numeric=numeric)
    element = grid._tbl
    element.getparent().remove(element)
    return Markup(etree.tostring(element, encoding="unicode"))


def _fill(cells, texts: list[str], widths: list, size, *, bold: bool, numeric: list[bool],
          header: bool = False) -> None:
    for cell, text, width, right in zip(cells, texts, widths, numeric, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.first_line_indent = Cm(0)
        paragraph.alignment = (WD_ALIGN_PARAGRAPH.CENTER if header else
                               WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT)
        run = paragraph.add_run(text)
        run.font.size = size
        run.bold = bold or None


def _widths(header: list[str], texts: list[list[str]]) -> list:
    weights = []
    for n, title in enumerate(header):
        longest_word = max((len(w) for w in title.split()), default=4)
        longest_cell = max((len(r[n]) for r in texts[:60]), default=1)
        weights.append(max(longest_word, min(longest_cell, 40), 3) + 1)
    scale = TEXT_WIDTH_CM / sum(weights)
    return [Cm(w * scale) for w in weights]


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
