"""Regenerates the Word templates in templates/docx/ (staff then edit them in Word)."""

# Context contract of agreement.docx («Договор о сетевом взаимодействии»).
# Every key must be present (rendering uses StrictUndefined); a value marked "or None"
# or "may be empty" hides its line. All strings are ready to print: dates formatted,
# ФИО declined, nothing is computed in the template except the plural of «год».
#
# centre, partner: dict — the two sides, same keys
#   full_name               str  «Муниципальное казенное учреждение информационно-методический
#                                 центр Выселковский район» (never declined)
#   short_name              str  «МКУ ИМЦ Выселковский район»
#   legal_address           str  «353100, Краснодарский край, ст. Выселки, ул. Ленина, 37»
#   phone                   str  «8 (86157) 70-0-32», may be empty
#   email                   str  «imc@example.org», may be empty
#   head_position           str  «Директор»
#   head_position_genitive  str  «директора»
#   head_fio_genitive       str  «Верзуновой Ольги Александровны»
#   head_acting             str  «действующей» / «действующего»
#   basis_genitive          str  «Устава»
#   head_signature          str  «О.А. Верзунова»
#   inn                     str or None  «2328012345»
#   ogrn                    str or None  «1022302345678»
# agreement: dict
#   number          str or None  «СВ-7/2024»; None prints «№ ____»
#   date_long       str or None  «5 марта 2024 г.»; None prints ««___» ________ 20__ г.»
#   city            str  «ст. Выселки»
#   subject         str  noun phrase in the nominative, no final period: it follows
#                        «1.1. Предметом настоящего договора является …», e.g.
#                        «организация сетевого взаимодействия Сторон по реализации …»
#   starts_on_long  str  «5 марта 2024 г.»
#   ends_on_long    str  «4 марта 2027 г.»
#   term_years      int  3
#   obligations_centre   list[str]  one obligation per item, no numbering; a trailing
#                                   «;» or «.» is dropped (the template punctuates)
#   obligations_partner  list[str]
#   is_draft        bool  True prints the «ПРОЕКТ» mark
#   version         int   draft revision, 1 for the first draft; from 2 on the mark
#                         reads «ПРОЕКТ (редакция 2)»
#
# Run from the project root:  .venv/bin/python scripts/build_docx_templates.py

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "templates" / "docx"
FONT = "Times New Roman"
TEXT_WIDTH = Cm(21 - 3 - 1.5)

EXAMPLE_CONTEXT = {
    "centre": {
        "full_name": "Муниципальное казенное учреждение информационно-методический центр "
        "Выселковский район",
        "short_name": "МКУ ИМЦ Выселковский район",
        "legal_address": "Краснодарский край, ст. Выселки, ул. Ленина, 37",
        "phone": "8 (86157) 70-0-32",
        "email": "imc@example.org",
        "head_position": "Директор",
        "head_position_genitive": "директора",
        "head_fio_genitive": "Верзуновой Ольги Александровны",
        "head_acting": "действующей",
        "basis_genitive": "Устава",
        "head_signature": "О.А. Верзунова",
        "inn": None,
        "ogrn": None,
    },
    "partner": {
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя "
        "общеобразовательная школа № 1»",
        "short_name": "МБОУ СОШ № 1",
        "legal_address": "Краснодарский край, ст. Тихорецкая, ул. Школьная, 1",
        "phone": "",
        "email": "school1@example.org",
        "head_position": "Директор",
        "head_position_genitive": "директора",
        "head_fio_genitive": "Петрова Ивана Сергеевича",
        "head_acting": "действующего",
        "basis_genitive": "Устава",
        "head_signature": "И.С. Петров",
        "inn": "2328012345",
        "ogrn": "1022302345678",
    },
    "agreement": {
        "number": None,
        "date_long": None,
        "city": "ст. Выселки",
        "subject": "организация сетевого взаимодействия Сторон по реализации инновационного "
        "проекта «Совершенствование инновационной инфраструктуры межмуниципального "
        "взаимодействия»",
        "starts_on_long": "5 марта 2024 г.",
        "ends_on_long": "4 марта 2027 г.",
        "term_years": 3,
        "obligations_centre": ["проводить методические вебинары для педагогов Стороны 2"],
        "obligations_partner": ["направлять представителей на мероприятия сети"],
        "is_draft": True,
        "version": 1,
    },
}


def _set_font(style, size: float, bold: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    # Word picks the Cyrillic font from w:cs / w:eastAsia as well as w:ascii.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    # ГОСТ Р 7.0.97: top 2, right 1.5, bottom 2, left 3 cm.
    section.top_margin, section.right_margin = Cm(2), Cm(1.5)
    section.bottom_margin, section.left_margin = Cm(2), Cm(3)

    normal = doc.styles["Normal"]
    _set_font(normal, 14)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.25)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0

    heading = doc.styles.add_style("Заголовок раздела", WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = normal
    _set_font(heading, 14, bold=True)
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.first_line_indent = Cm(0)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    heading.paragraph_format.keep_with_next = True

    requisites = doc.styles.add_style("Реквизиты", WD_STYLE_TYPE.PARAGRAPH)
    requisites.base_style = normal
    _set_font(requisites, 12)
    requisites.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    requisites.paragraph_format.first_line_indent = Cm(0)

    props = doc.core_properties
    props.title = "Договор о сетевом взаимодействии"
    props.author = "МКУ ИМЦ Выселковский район"
    props.comments = ""
    props.language = "ru-RU"


def _p(doc_or_cell, text: str, style: str | None = None, align=None, bold: bool = False):
    paragraph = doc_or_cell.add_paragraph(style=style)
    if text:
        paragraph.add_run(text).bold = bold or None
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _obligations(doc, number: str, side: str, key: str) -> None:
    _p(doc, f"{number}. {side} обязуется:")
    _p(doc, f"{{%p for item in agreement.{key} %}}")
    # Items may come with their own «;»/«.»: the template owns the punctuation.
    _p(
        doc,
        f"{number}.{{{{ loop.index }}}}. {{{{ item.rstrip(' ;.') }}}}"
        "{{ ';' if not loop.last else '.' }}",
    )
    _p(doc, "{%p endfor %}")


def _requisites_cell(cell, side: str, label: str) -> None:
    cell.paragraphs[0].style = "Реквизиты"
    cell.paragraphs[0].add_run(label).bold = True
    _p(cell, f"{{{{ {side}.full_name }}}}", "Реквизиты")
    _p(cell, f"Юридический адрес: {{{{ {side}.legal_address }}}}", "Реквизиты")
    for key, label_text in (
        ("inn", "ИНН"),
        ("ogrn", "ОГРН"),
        ("phone", "Тел."),
        ("email", "E-mail"),
    ):
        _p(cell, f"{{%p if {side}.{key} %}}", "Реквизиты")
        _p(cell, f"{label_text}: {{{{ {side}.{key} }}}}", "Реквизиты")
        _p(cell, "{%p endif %}", "Реквизиты")
    _p(cell, "", "Реквизиты")
    _p(
        cell,
        f"{{{{ {side}.head_position }}}} ____________ {{{{ {side}.head_signature }}}}",
        "Реквизиты",
    )
    _p(cell, "М.П.", "Реквизиты")


def build_agreement(path: Path) -> None:
    """Writes agreement.docx: «Договор о сетевом взаимодействии»."""
    doc = Document()
    _setup(doc)
    heading = "Заголовок раздела"

    _p(doc, "{%p if agreement.is_draft %}")
    _p(
        doc,
        "ПРОЕКТ{% if agreement.version > 1 %} (редакция {{ agreement.version }}){% endif %}",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        bold=True,
    )
    _p(doc, "{%p endif %}")
    title = _p(doc, "ДОГОВОР № {{ agreement.number or '____' }}", heading)
    title.paragraph_format.space_before = Pt(0)
    _p(doc, "о сетевом взаимодействии", heading).paragraph_format.space_before = Pt(0)

    place = doc.add_paragraph()
    place.paragraph_format.first_line_indent = Cm(0)
    place.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    place.add_run("{{ agreement.city }}")
    place.add_run().add_tab()
    place.add_run(
        "{% if agreement.date_long %}{{ agreement.date_long }}"
        "{% else %}«___» ________ 20__ г.{% endif %}"
    )
    _p(doc, "")

    preamble = (
        "{{ centre.full_name }} (далее — Сторона 1) в лице {{ centre.head_position_genitive }} "
        "{{ centre.head_fio_genitive }}, {{ centre.head_acting }} на основании "
        "{{ centre.basis_genitive }}, с одной стороны, и {{ partner.full_name }} (далее — "
        "Сторона 2) в лице {{ partner.head_position_genitive }} "
        "{{ partner.head_fio_genitive }}, {{ partner.head_acting }} на основании "
        "{{ partner.basis_genitive }}, с другой стороны, вместе именуемые «Стороны», "
        "заключили настоящий договор о нижеследующем:"
    )
    _p(doc, preamble)

    _p(doc, "1. Предмет договора", heading)
    _p(doc, "1.1. Предметом настоящего договора является {{ agreement.subject }}.")
    _p(
        doc,
        "1.2. Сетевое взаимодействие осуществляется на безвозмездной основе и не влечёт "
        "финансовых обязательств Сторон.",
    )

    _p(doc, "2. Обязанности сторон", heading)
    _obligations(doc, "2.1", "Сторона 1", "obligations_centre")
    _obligations(doc, "2.2", "Сторона 2", "obligations_partner")
    _p(
        doc,
        "2.3. Стороны своевременно информируют друг друга об изменении реквизитов "
        "и контактных лиц.",
    )

    _p(doc, "3. Срок действия договора", heading)
    _p(
        doc,
        "3.1. Договор заключён сроком на {{ agreement.term_years }} "
        "{{ agreement.term_years|plural('год', 'года', 'лет') }}, вступает в силу "
        "с {{ agreement.starts_on_long }} и действует "
        "по {{ agreement.ends_on_long }} включительно.",
    )
    _p(
        doc,
        "3.2. Действие договора может быть продлено по соглашению Сторон путём заключения "
        "нового договора.",
    )
    _p(
        doc,
        "3.3. Каждая из Сторон вправе расторгнуть договор, письменно уведомив другую Сторону "
        "не менее чем за 30 (тридцать) календарных дней.",
    )

    _p(doc, "4. Заключительные положения", heading)
    for number, text in enumerate(
        (
            "Изменения и дополнения к договору действительны, если они совершены в письменной "
            "форме и подписаны обеими Сторонами.",
            "Споры и разногласия по договору Стороны разрешают путём переговоров.",
            "Стороны обеспечивают конфиденциальность персональных данных, ставших им известными "
            "при исполнении договора, в соответствии с Федеральным законом от 27.07.2006 "
            "№ 152-ФЗ «О персональных данных».",
            "Договор составлен в двух экземплярах, имеющих равную юридическую силу, по одному "
            "для каждой из Сторон.",
        ),
        start=1,
    ):
        _p(doc, f"4.{number}. {text}")

    _p(doc, "5. Реквизиты и подписи сторон", heading)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell in table.columns[0].cells + table.columns[1].cells:
        cell.width = TEXT_WIDTH // 2
    _requisites_cell(table.cell(0, 0), "centre", "Сторона 1")
    _requisites_cell(table.cell(0, 1), "partner", "Сторона 2")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)


def main() -> int:
    path = OUT_DIR / "agreement.docx"
    build_agreement(path)
    print(f"записан шаблон {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
