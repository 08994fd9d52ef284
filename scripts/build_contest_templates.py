"""Regenerates the contest's Word templates in templates/docx/ (staff then edit them in Word).

Run from the project root:  .venv/bin/python scripts/build_contest_templates.py
It overwrites the eight contest_*.docx files (and staff edits to them); agreement.docx is
built by scripts/build_docx_templates.py.

Context contract. Every key must be present (rendering uses StrictUndefined); values are
ready to print: dates formatted («5 марта 2024 г.», adapters.russian.date_long), numbers with
a fraction formatted with a decimal comma («8,33»), ФИО already in the case shown. Names of
organisations, projects and the contest are never declined: the templates put them in
quotes or after a colon/dash. List items carry no numbering and no final «;»/«.»: the
template numbers and punctuates (a stray trailing «;» is dropped; a trailing «.» is kept, as
it may end «г.», and the last item then gets no second period). The templates compute
nothing except plurals («3 года», «3 экспертами») and the adjective of contest.kind.

Common to every template
  centre   dict  the agreement template's centre; these keys are used:
    full_name       str  «Муниципальное казенное учреждение информационно-методический центр
                          Выселковский район»
    short_name      str  «МКУ ИМЦ Выселковский район»
    legal_address   str  «353100, Краснодарский край, ст. Выселки, ул. Ленина, 37»
    phone           str  «8 (86157) 70-0-32», may be empty
    email           str  «imc@example.org», may be empty
    head_position   str  «Директор»
    head_signature  str  «О.А. Верзунова»
  contest  dict
    title                  str        «Инновационный поиск 2024» (printed in «…»)
    year                   int        2024
    kind                   str        "municipal" | "intermunicipal" → «муниципального» /
                                      «межмуниципального конкурса»
    status_awarded         str        «Муниципальная инновационная площадка» (printed in «…»)
    status_validity_years  int        3 (printed «3 года»)
    reporting_obligations  list[str]  [«ежегодно до 20 декабря представлять отчёт …»]; may be
                                      empty (the section / order item is then left out)
A person (jury member, expert) is always  {name, position, signature}:
    name       str  full ФИО in the nominative  «Кравченко Елена Викторовна»
    position   str  «главный специалист МКУ ИМЦ Выселковский район»
    signature  str  «Е.В. Кравченко» (signature form «И.О. Фамилия»)

contest_regulations.docx — Положение (приложение 1 к приказу о проведении)
  order  {number str «12-К», date_long str «5 марта 2024 г.»}  the order approving it (stamp)
  rules  dict
    goal                    str  noun phrase, no final period, follows «Цель Конкурса —»:
                                 «выявление и распространение инновационного опыта …»
    eligibility_text        str  whole sentence(s) with the final period:
                                 «В Конкурсе участвуют образовательные организации …»
    stages                  list[{name str, date_long str}]  table rows, in order:
                                 {«Приём заявок», «с 11 по 29 марта 2024 г.»} (date_long is
                                 printed as is: a date or a period)
    allowed_types_text      str  «PDF, DOCX, JPG, PNG»
    max_file_text           str  «10 МБ» (adapters.russian.file_size)
    criteria                list[{name str, description str, max_score int, weight str}]
                                 weight formatted: «1», «1,5»
    experts_per_application int  3 («оценивается 3 экспертами»)
    conflict_texts          list[str]  cases in which an expert does not score an
                                 application, after «Эксперт не оценивает заявку, если»:
                                 «эксперт работает в организации-заявителе»
    spread_text             str  whole sentence(s): the spread rule
    tie_break_texts         list[str]  in order of application:
                                 «более высокий средний балл по критерию «Актуальность»»
    winners_text            str  whole sentence(s): who are winners and laureates
    jury  {chair person, secretary person, members list[person]}

contest_order.docx — приказ о проведении конкурса (appendix 2: состав жюри)
  order   {number str, date_long str, responsible_accusative str or None}
          responsible_accusative follows «Контроль … возложить на»: «методиста Н.А. Иванову»;
          None prints «Контроль за исполнением настоящего приказа оставляю за собой.»
  period  {from_long str «11 марта 2024 г.», to_long str «30 апреля 2024 г.»}
  jury    {chair person, secretary person, members list[person]}

contest_expert_sheet.docx — экспертный лист (one review)
  application  {number str «ИП-2024/003», organisation str, project_title str}
  expert       person
  criteria     list[{name str, max_score int, weight str «1,5», score int or str «8»,
                     comment str, may be empty}]
  review       {total str «42,00», max_total str «50», comment str, date_long str}

contest_summary.docx — сводная ведомость (landscape)
  summary   {date_long str, max_total str «50», spread_limit_text str «20 %»}
  criteria  list[str]  criterion names, in the order of every row.averages
  rows      list[dict], in rank order:
    rank          int  1
    number        str  «ИП-2024/003»
    organisation  str
    project_title str
    averages      list[str]  the experts' mean score per criterion, aligned with
                             criteria and never empty: [«9,33», «8,67», …]
    total         str  «43,83» (the ranking's total)
    flagged       bool True prints «!» (the experts' totals spread over the limit)
    outcome       str  «победитель» | «лауреат» | «участник»
  tie_notes list[str]  one per tie, how it was decided; may be empty
  jury      {chair person, secretary person} (members may be present, unused)

contest_protocol.docx — протокол заседания жюри
  protocol  dict
    number     str  «1»
    date_long  str  «22 апреля 2024 г.»
    present    list[person]  members present
    agenda     list[str]  «Об итогах экспертизы заявок Конкурса»
    heard      str  follows «СЛУШАЛИ:», with its final period: «Кравченко Е.В., председателя
                    жюри, — о результатах экспертизы …»
    votes      {in_favour int, against int, abstained int}
  jury      {chair person, secretary person}
  rows      list[dict]  as in the summary (rank, number, organisation, project_title,
                        total, outcome are used)
  winners   list[{number str, organisation str, project_title str}], may be empty
  laureates list[{number str, organisation str, project_title str}], may be empty
  tie_notes list[str], may be empty

contest_results_order.docx — приказ об итогах и присвоении статуса
  order            {number str, date_long str, responsible_accusative str or None}
  protocol         {number str, date_long str}  the jury protocol approved
  valid_from_long  str  «20 мая 2024 г.»
  valid_to_long    str  «19 мая 2027 г.»
  winners          list[{number, organisation, project_title}]  (status is awarded to them)
  laureates        list[{number, organisation, project_title}], may be empty

contest_diploma.docx — диплом победителя / лауреата (landscape)
  award  {number str «Д-1/2024», degree_label str «победителя» | «лауреата»,
          organisation str, project_title str, date_long str}
  order  {number str, date_long str}  the results order

contest_certificate.docx — сертификат участника (landscape)
  award  {number str «С-4/2024», organisation str, project_title str, date_long str}
  order  {number str, date_long str}  the results order
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "templates" / "docx"
FONT = "Times New Roman"
PORTRAIT_WIDTH = Cm(21 - 3 - 1.5)
LANDSCAPE_WIDTH = Cm(29.7 - 3 - 1.5)
AWARD_WIDTH = Cm(29.7 - 2 - 2)

# The adjective of the contest's kind; anything but "intermunicipal" reads «муниципальный».
KIND_GENITIVE = (
    "{{ 'межмуниципального' if contest.kind == 'intermunicipal' else 'муниципального' }}"
)
KIND_ACCUSATIVE = (
    "{{ 'межмуниципальный' if contest.kind == 'intermunicipal' else 'муниципальный' }}"
)
STATUS_TERM = (
    "{{ contest.status_validity_years }} "
    "{{ contest.status_validity_years|plural('год', 'года', 'лет') }}"
)
CONTROL = (
    "Контроль за исполнением настоящего приказа "
    "{% if order.responsible_accusative %}возложить на {{ order.responsible_accusative }}"
    "{% else %}оставляю за собой{% endif %}."
)


def _item(expr: str) -> str:
    """A list item with the list's punctuation: «…;» inside, «….» at the end.

    A trailing «;» is dropped; a trailing «.» is kept (it may end an abbreviation such as
    «г.» or «к. п. н.») and then no second period is added to the last item.
    """
    text = f"{expr}.rstrip(' ;')"
    return (f"{{{{ {text} }}}}{{{{ ';' if not loop.last else "
            f"('' if {text}.endswith('.') else '.') }}}}")



# -- example contexts (the test renders each template with its own) ---------------------

CENTRE = {
    "full_name": "Муниципальное казенное учреждение информационно-методический центр "
    "Выселковский район",
    "short_name": "МКУ ИМЦ Выселковский район",
    "legal_address": "353100, Краснодарский край, ст. Выселки, ул. Ленина, 37",
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
}

CONTEST = {
    "title": "Инновационный поиск 2024",
    "year": 2024,
    "kind": "municipal",
    "status_awarded": "Муниципальная инновационная площадка",
    "status_validity_years": 3,
    "reporting_obligations": [
        "ежегодно до 20 декабря представлять в МКУ ИМЦ Выселковский район отчёт "
        "о реализации инновационного проекта",
        "не реже одного раза в год проводить открытое мероприятие для педагогов района;",
        "размещать материалы проекта на официальном сайте организации.",
    ],
}

JURY = {
    "chair": {
        "name": "Кравченко Елена Викторовна",
        "position": "главный специалист МКУ ИМЦ Выселковский район",
        "signature": "Е.В. Кравченко",
    },
    "secretary": {
        "name": "Иванова Наталья Анатольевна",
        "position": "методист МКУ ИМЦ Выселковский район",
        "signature": "Н.А. Иванова",
    },
    "members": [
        {
            "name": "Белоусов Андрей Николаевич",
            "position": "директор МБОУ СОШ № 3 ст. Выселки",
            "signature": "А.Н. Белоусов",
        },
        {
            "name": "Гончаренко Марина Сергеевна",
            "position": "заместитель директора МБОУ СОШ № 7 ст. Березанской",
            "signature": "М.С. Гончаренко",
        },
        {
            "name": "Руденко Ирина Петровна",
            "position": "доцент кафедры педагогики, к. п. н.",
            "signature": "И.П. Руденко",
        },
    ],
}

CRITERIA = [
    ("Актуальность", "соответствие проекта задачам развития образования района", 10, "1"),
    ("Новизна", "новые для района содержание, методы или формы работы", 10, "1"),
    ("Практическая значимость", "ожидаемые результаты для обучающихся и педагогов", 10, "1,5"),
    (
        "Реалистичность и ресурсное обеспечение",
        "выполнимость плана в срок имеющимися кадрами, средствами и оборудованием",
        10,
        "1",
    ),
    ("Тиражируемость", "возможность перенести опыт в другие организации", 10, "0,5"),
]

RANKING = [
    {
        "rank": 1,
        "number": "ИП-2024/003",
        "organisation": "МБОУ СОШ № 2 ст. Выселки",
        "project_title": "Цифровая образовательная среда сельской школы",
        "averages": ["9,33", "8,67", "9,00", "8,33", "8,00"],
        "total": "43,83",
        "flagged": False,
        "outcome": "победитель",
    },
    {
        "rank": 2,
        "number": "ИП-2024/005",
        "organisation": "МАОУ СОШ № 5 ст. Новобейсугской",
        "project_title": "Агрокласс как ресурс профориентации",
        "averages": ["9,00", "8,00", "9,00", "8,00", "8,00"],
        "total": "42,50",
        "flagged": False,
        "outcome": "победитель",
    },
    {
        "rank": 3,
        "number": "ИП-2024/009",
        "organisation": "МБДОУ детский сад № 7 «Солнышко»",
        "project_title": "Растим читателя: семейное чтение в детском саду",
        "averages": ["8,00", "9,00", "9,00", "8,00", "8,00"],
        "total": "42,50",
        "flagged": False,
        "outcome": "лауреат",
    },
    {
        "rank": 4,
        "number": "ИП-2024/001",
        "organisation": "МБОУ ООШ № 12 х. Бейсужек Второй",
        "project_title": "Школьный медиацентр",
        "averages": ["7,33", "6,67", "7,00", "6,00", "5,00"],
        "total": "33,00",
        "flagged": True,
        "outcome": "лауреат",
    },
    {
        "rank": 5,
        "number": "ИП-2024/010",
        "organisation": "МБОУ СОШ № 9 пос. Бейсуг",
        "project_title": "Школа активного гражданина",
        "averages": ["6,00", "5,33", "6,00", "5,67", "5,00"],
        "total": "28,50",
        "flagged": False,
        "outcome": "участник",
    },
]

TIE_NOTES = [
    "заявки № ИП-2024/005 и № ИП-2024/009 набрали по 42,50 балла; более высокое место "
    "присуждено заявке № ИП-2024/005 по критерию «Актуальность» (9,00 против 8,00)",
]


def _entry(row: dict) -> dict:
    return {key: row[key] for key in ("number", "organisation", "project_title")}


WINNERS = [_entry(r) for r in RANKING if r["outcome"] == "победитель"]
LAUREATES = [_entry(r) for r in RANKING if r["outcome"] == "лауреат"]
RESULTS_ORDER = {"number": "45-К", "date_long": "20 мая 2024 г."}

EXAMPLE_CONTEXTS: dict[str, dict] = {
    "contest_regulations.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "order": {"number": "12-К", "date_long": "5 марта 2024 г."},
        "rules": {
            "goal": "выявление, поддержка и распространение инновационного опыта "
            "образовательных организаций Выселковского района",
            "eligibility_text": "В Конкурсе участвуют образовательные организации "
            "Выселковского района. От одной организации принимается одна заявка.",
            "stages": [
                {"name": "Объявление Конкурса", "date_long": "5 марта 2024 г."},
                {"name": "Приём заявок", "date_long": "с 11 по 29 марта 2024 г."},
                {"name": "Проверка заявок", "date_long": "до 5 апреля 2024 г."},
                {"name": "Экспертиза заявок", "date_long": "с 8 по 19 апреля 2024 г."},
                {"name": "Заседание жюри, подведение итогов", "date_long": "22 апреля 2024 г."},
            ],
            "allowed_types_text": "PDF, DOCX, JPG, PNG",
            "max_file_text": "10 МБ",
            "criteria": [
                {"name": n, "description": d, "max_score": m, "weight": w}
                for n, d, m, w in CRITERIA
            ],
            "experts_per_application": 3,
            "conflict_texts": [
                "эксперт работает в организации-заявителе",
                "эксперт является автором или консультантом проекта;",
                "эксперт заявил о конфликте интересов.",
            ],
            "spread_text": "Если итоговые баллы экспертов по одной заявке расходятся более "
            "чем на 20 % от максимального итогового балла, заявка отмечается в сводной "
            "ведомости и рассматривается жюри отдельно.",
            "tie_break_texts": [
                "более высокий средний балл по критерию «Актуальность»",
                "более высокий средний балл по критерию «Практическая значимость»",
                "решение жюри, принятое открытым голосованием",
            ],
            "winners_text": "Победителями Конкурса признаются заявки, занявшие 1–2 места "
            "и набравшие не менее 35 баллов. Лауреатами признаются заявки, занявшие "
            "3–4 места и набравшие не менее 30 баллов.",
            "jury": JURY,
        },
    },
    "contest_order.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "order": {
            "number": "12-К",
            "date_long": "5 марта 2024 г.",
            "responsible_accusative": "методиста Н.А. Иванову",
        },
        "period": {"from_long": "11 марта 2024 г.", "to_long": "30 апреля 2024 г."},
        "jury": JURY,
    },
    "contest_expert_sheet.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "application": {
            "number": "ИП-2024/003",
            "organisation": "МБОУ СОШ № 2 ст. Выселки",
            "project_title": "Цифровая образовательная среда сельской школы",
        },
        "expert": JURY["members"][0],
        "criteria": [
            {"name": n, "max_score": m, "weight": w, "score": s, "comment": c}
            for (n, _, m, w), s, c in zip(
                CRITERIA,
                [9, 8, 9, 8, 7],
                [
                    "проект отвечает задачам муниципальной программы",
                    "",
                    "результаты измеримы",
                    "нужен план закупки оборудования",
                    "",
                ],
                strict=True,
            )
        ],
        "review": {
            "total": "42,00",
            "max_total": "50",
            "comment": "Проект рекомендуется к реализации; уточнить план ресурсного обеспечения.",
            "date_long": "18 апреля 2024 г.",
        },
    },
    "contest_summary.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "summary": {"date_long": "22 апреля 2024 г.", "max_total": "50",
                    "spread_limit_text": "20 %"},
        "criteria": [c[0] for c in CRITERIA],
        "rows": RANKING,
        "tie_notes": TIE_NOTES,
        "jury": JURY,
    },
    "contest_protocol.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "protocol": {
            "number": "1",
            "date_long": "22 апреля 2024 г.",
            "present": JURY["members"],
            "agenda": [
                "Об итогах экспертизы заявок Конкурса",
                "Об определении победителей и лауреатов Конкурса",
            ],
            "heard": "Кравченко Е.В., председателя жюри, — о результатах экспертизы "
            "заявок и рейтинге участников Конкурса по сводной ведомости.",
            "votes": {"in_favour": 5, "against": 0, "abstained": 0},
        },
        "jury": JURY,
        "rows": RANKING,
        "winners": WINNERS,
        "laureates": LAUREATES,
        "tie_notes": TIE_NOTES,
    },
    "contest_results_order.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "order": {**RESULTS_ORDER, "responsible_accusative": None},
        "protocol": {"number": "1", "date_long": "22 апреля 2024 г."},
        "valid_from_long": "20 мая 2024 г.",
        "valid_to_long": "19 мая 2027 г.",
        "winners": WINNERS,
        "laureates": LAUREATES,
    },
    "contest_diploma.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "award": {
            "number": "Д-1/2024",
            "degree_label": "победителя",
            **{k: v for k, v in WINNERS[0].items() if k != "number"},
            "date_long": "20 мая 2024 г.",
        },
        "order": RESULTS_ORDER,
    },
    "contest_certificate.docx": {
        "centre": CENTRE,
        "contest": CONTEST,
        "award": {
            "number": "С-5/2024",
            "organisation": RANKING[4]["organisation"],
            "project_title": RANKING[4]["project_title"],
            "date_long": "20 мая 2024 г.",
        },
        "order": RESULTS_ORDER,
    },
}


def example_context(name: str) -> dict:
    """A deep copy of the example context of template `name` (safe to modify)."""
    return copy.deepcopy(EXAMPLE_CONTEXTS[name])


# -- document building blocks ----------------------------------------------------------


def _set_font(style, size: float, bold: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    # Word picks the Cyrillic font from w:cs / w:eastAsia as well as w:ascii.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _paragraph_style(doc, name: str, size: float, *, bold=False, align=None, indent=None):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _set_font(style, size, bold)
    if align is not None:
        style.paragraph_format.alignment = align
    if indent is not None:
        style.paragraph_format.first_line_indent = indent
    return style


def _document(title: str, *, landscape: bool = False, award: bool = False,
              page_numbers: bool = False):
    """A blank document with the centre's page setup and the styles used below."""
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
    if award:
        # A diploma is framed, not bound: even margins.
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2)
    else:
        # ГОСТ Р 7.0.97: top 2, right 1.5, bottom 2, left 3 cm.
        section.top_margin, section.right_margin = Cm(2), Cm(1.5)
        section.bottom_margin, section.left_margin = Cm(2), Cm(3)

    normal = doc.styles["Normal"]
    _set_font(normal, 14)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.25)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0

    heading = _paragraph_style(doc, "Заголовок раздела", 14, bold=True,
                               align=WD_ALIGN_PARAGRAPH.CENTER, indent=Cm(0))
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    heading.paragraph_format.keep_with_next = True
    _paragraph_style(doc, "Без отступа", 14, align=WD_ALIGN_PARAGRAPH.LEFT, indent=Cm(0))
    stamp = _paragraph_style(doc, "Гриф", 14, align=WD_ALIGN_PARAGRAPH.LEFT, indent=Cm(0))
    stamp.paragraph_format.left_indent = Cm(9.5)
    _paragraph_style(doc, "Таблица", 12, align=WD_ALIGN_PARAGRAPH.LEFT, indent=Cm(0))
    _paragraph_style(doc, "Таблица, заголовок", 12, bold=True,
                     align=WD_ALIGN_PARAGRAPH.CENTER, indent=Cm(0))
    note = _paragraph_style(doc, "Примечание", 12, indent=Cm(0))
    note.paragraph_format.space_before = Pt(6)

    if page_numbers:
        # ГОСТ Р 7.0.97: page numbers centred in the top margin, from the second page.
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "2"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)

    props = doc.core_properties
    props.title = title  # never a Jinja tag here: it would force docxtpl's slow path
    props.author = "МКУ ИМЦ Выселковский район"
    props.comments = ""
    props.language = "ru-RU"
    return doc


def _p(container, text: str = "", style: str | None = None, *, align=None, bold=False,
       size: float | None = None, before: float | None = None, after: float | None = None):
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if before is not None:
        paragraph.paragraph_format.space_before = Pt(before)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _loop(doc, head: str, line: str, style: str | None = None, tail: str = "endfor") -> None:
    """A paragraph repeated by `{%p head %}` … `{%p endfor %}`."""
    _p(doc, f"{{%p {head} %}}", style)
    _p(doc, line, style)
    _p(doc, f"{{%p {tail} %}}", style)


def _items(doc, number: str, key: str) -> None:
    """Numbered sub-items «number.1. …;» «number.2. ….» of a list[str]."""
    _loop(doc, f"for item in {key}",
          number + ".{{ loop.index }}. " + _item("item"))


def _tab_line(doc, left: str, right: str, width, style: str = "Без отступа", **kwargs):
    """«left … right» on one line: a right tab stop at the text's edge."""
    paragraph = _p(doc, "", style, **kwargs)
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(left)
    paragraph.add_run().add_tab()
    paragraph.add_run(right)
    return paragraph


def _signature(doc, position: str, signature: str, width, before: float = 24, **kwargs):
    """«должность ____________ И.О. Фамилия», the name at the right edge."""
    return _tab_line(doc, position, "____________ " + signature, width, before=before, **kwargs)


def _stamp(doc, lines: list[str]) -> None:
    """The approval stamp (гриф утверждения) in the top-right corner."""
    for line in lines:
        _p(doc, line, "Гриф")
    _p(doc, "")


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _table(doc, widths_cm: list[float], header: list[str], rows: list, aligns: str = ""):
    """A grid table: a repeated header row, then `rows`.

    A row is a list of cells (a cell is a str or a list[str] of paragraphs) or a single str:
    a docxtpl `{%tr … %}` tag that takes a row of its own. `aligns` has one letter per
    column for the body cells: l(eft), c(entre), r(ight).
    """
    align_of = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER,
                "r": WD_ALIGN_PARAGRAPH.RIGHT}
    aligns = (aligns or "l" * len(widths_cm)).ljust(len(widths_cm), "l")
    table = doc.add_table(rows=1 + len(rows), cols=len(widths_cm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].style = "Таблица, заголовок"
        cell.paragraphs[0].add_run(text)
    _repeat_header(table.rows[0])
    for row, spec in zip(table.rows[1:], rows, strict=True):
        cells = [spec] if isinstance(spec, str) else spec
        for index, (cell, content) in enumerate(zip(row.cells, cells, strict=False)):
            texts = [content] if isinstance(content, str) else content
            for number, text in enumerate(texts):
                paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                paragraph.style = "Таблица"
                paragraph.alignment = align_of[aligns[index]]
                if text:
                    paragraph.add_run(text)
    return table


def _looped_rows(loop: str, cells: list) -> list:
    """The three rows of a `{%tr for … %}` table loop around one row of cells."""
    return [f"{{%tr {loop} %}}", cells, "{%tr endfor %}"]


def _order_head(doc, title_lines: list[str]) -> None:
    """The requisites of an order (приказ): organisation, kind, date and number, place, title."""
    _p(doc, "{{ centre.full_name }}", "Заголовок раздела", before=0)
    _p(doc, "ПРИКАЗ", "Заголовок раздела", size=16, before=12, after=12)
    _tab_line(doc, "от {{ order.date_long }}", "№ {{ order.number }}", PORTRAIT_WIDTH)
    _p(doc, "ст. Выселки", "Без отступа", align=WD_ALIGN_PARAGRAPH.CENTER)
    for index, line in enumerate(title_lines):
        _p(doc, line, "Заголовок раздела", before=18 if index == 0 else 0,
           after=12 if index == len(title_lines) - 1 else 0)


def _director_signature(doc, width=PORTRAIT_WIDTH, **kwargs):
    return _signature(doc, "{{ centre.head_position }}", "{{ centre.head_signature }}", width,
                      **kwargs)


def _save(doc, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)


# -- the templates ---------------------------------------------------------------------


def build_regulations(path: Path) -> None:
    """contest_regulations.docx: «Положение о проведении конкурса»."""
    doc = _document("Положение о проведении конкурса", page_numbers=True)
    h = "Заголовок раздела"
    _stamp(doc, [
        "Приложение 1",
        "",
        "УТВЕРЖДЕНО",
        "приказом {{ centre.short_name }}",
        "от {{ order.date_long }} № {{ order.number }}",
    ])
    _p(doc, "ПОЛОЖЕНИЕ", h, before=12, after=0)
    _p(doc, "о проведении " + KIND_GENITIVE + " конкурса", h, before=0, after=0)
    _p(doc, "«{{ contest.title }}»", h, before=0, after=12)

    _p(doc, "1. Общие положения", h)
    _p(doc, "1.1. Настоящее Положение определяет цель, порядок организации и проведения "
       + KIND_GENITIVE + " конкурса «{{ contest.title }}» (далее — Конкурс), требования "
       "к участникам и заявкам, критерии оценки и порядок подведения итогов.")
    _p(doc, "1.2. Организатор Конкурса — {{ centre.full_name }} ({{ centre.short_name }}, "
       "далее — Организатор), адрес: {{ centre.legal_address }}"
       "{% if centre.phone %}, телефон {{ centre.phone }}{% endif %}"
       "{% if centre.email %}, электронная почта {{ centre.email }}{% endif %}.")
    _p(doc, "1.3. Цель Конкурса — {{ rules.goal }}.")
    _p(doc, "1.4. Конкурс проводится в {{ contest.year }} году.")
    _p(doc, "1.5. Победителям Конкурса присваивается статус «{{ contest.status_awarded }}» "
       "сроком на " + STATUS_TERM + " со дня, указанного в приказе Организатора об итогах "
       "Конкурса.")

    _p(doc, "2. Участники Конкурса", h)
    _p(doc, "2.1. {{ rules.eligibility_text }}")
    _p(doc, "2.2. Заявка, поступившая после окончания срока приёма, повторная заявка и заявка "
       "организации, не отвечающей требованиям пункта 2.1, не регистрируются; заявителю "
       "сообщается причина отказа.")

    _p(doc, "3. Сроки проведения Конкурса", h)
    _p(doc, "3.1. Конкурс проводится в следующие сроки:")
    _table(doc, [1.2, 9.8, 5.5], ["№", "Этап", "Срок"],
           _looped_rows("for stage in rules.stages",
                        ["{{ loop.index }}", "{{ stage.name }}", "{{ stage.date_long }}"]),
           "clc")

    _p(doc, "4. Порядок подачи заявок", h, before=18)
    _p(doc, "4.1. Заявка подаётся в электронной форме по персональной ссылке из письма "
       "Организатора с приглашением к участию в Конкурсе.")
    _p(doc, "4.2. Заявка содержит:")
    for index, item in enumerate([
        "полное наименование организации-заявителя",
        "фамилию, имя, отчество и должность руководителя организации",
        "название и аннотацию инновационного проекта",
        "фамилию, имя, отчество контактного лица, адрес его электронной почты и телефон",
        "материалы проекта в виде приложенных файлов.",
    ], start=1):
        _p(doc, f"4.2.{index}. {item}" + (";" if not item.endswith(".") else ""))
    _p(doc, "4.3. К заявке прилагаются файлы форматов {{ rules.allowed_types_text }} размером "
       "не более {{ rules.max_file_text }} каждый.")
    _p(doc, "4.4. Контактное лицо отдельно от заявки даёт согласие на обработку своих "
       "персональных данных в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ "
       "«О персональных данных». Заявка без такого согласия не регистрируется. Персональные "
       "данные используются только для проведения Конкурса.")
    _p(doc, "4.5. Каждой заявке присваивается регистрационный номер, о чём контактному лицу "
       "направляется уведомление по электронной почте.")
    _p(doc, "4.6. Заявка, не отвечающая требованиям настоящего раздела, может быть возвращена "
       "на доработку с указанием причин и срока повторной подачи.")

    _p(doc, "5. Критерии оценки", h)
    _p(doc, "5.1. Заявки оцениваются по следующим критериям:")
    _table(doc, [1.0, 4.0, 7.5, 2.0, 2.0],
           ["№", "Критерий", "Содержание критерия", "Макс. балл", "Вес"],
           _looped_rows("for c in rules.criteria",
                        ["{{ loop.index }}", "{{ c.name }}", "{{ c.description }}",
                         "{{ c.max_score }}", "{{ c.weight }}"]),
           "cllcc")
    _p(doc, "5.2. Балл заявки по критерию — среднее арифметическое баллов экспертов с учётом "
       "веса критерия; итоговый балл заявки — сумма баллов по всем критериям.", before=12)

    _p(doc, "6. Порядок экспертизы", h)
    _p(doc, "6.1. Каждая заявка оценивается {{ rules.experts_per_application }} "
       "{{ rules.experts_per_application|plural('экспертом', 'экспертами', 'экспертами') }} "
       "независимо друг от друга. Эксперт выставляет балл по каждому критерию в пределах его "
       "максимального балла и комментирует оценку.")
    _p(doc, "6.2. Эксперт не оценивает заявку, если:")
    _items(doc, "6.2", "rules.conflict_texts")
    _p(doc, "6.3. Эксперту доступны только назначенные ему заявки; оценки других экспертов "
       "ему не доступны. Нагрузка между экспертами распределяется равномерно.")
    _p(doc, "6.4. {{ rules.spread_text }}")

    _p(doc, "7. Подведение итогов", h)
    _p(doc, "7.1. По итогам экспертизы составляется сводная ведомость; заявки ранжируются по "
       "убыванию итогового балла.")
    _p(doc, "7.2. При равенстве итоговых баллов более высокое место определяется "
       "последовательно по следующим основаниям:")
    _items(doc, "7.2", "rules.tie_break_texts")
    _p(doc, "7.3. {{ rules.winners_text }}")
    _p(doc, "7.4. Итоги Конкурса оформляются протоколом заседания жюри и утверждаются приказом "
       "Организатора. Победители и лауреаты награждаются дипломами, остальные участники "
       "получают сертификаты участника.")

    _p(doc, "8. Жюри Конкурса", h)
    _p(doc, "8.1. Председатель жюри — {{ rules.jury.chair.name }}, "
       "{{ rules.jury.chair.position }}.")
    _p(doc, "8.2. Секретарь жюри — {{ rules.jury.secretary.name }}, "
       "{{ rules.jury.secretary.position }}.")
    _p(doc, "8.3. Члены жюри:")
    _loop(doc, "for m in rules.jury.members",
          "{{ m.name }} — " + _item("m.position"))
    _p(doc, "8.4. Заседание жюри правомочно при участии не менее половины его состава. "
       "Решения принимаются открытым голосованием большинством голосов присутствующих; "
       "при равенстве голосов решающим является голос председателя.")

    _p(doc, "{%p if contest.reporting_obligations %}")
    _p(doc, "9. Обязательства победителей", h)
    _p(doc, "9.1. Организация, которой присвоен статус «{{ contest.status_awarded }}», в течение "
       "срока его действия выполняет следующие обязательства:")
    _items(doc, "9.1", "contest.reporting_obligations")
    _p(doc, "{%p endif %}")
    _save(doc, path)


def build_order(path: Path) -> None:
    """contest_order.docx: the order to hold the contest, with the jury as appendix 2."""
    doc = _document("Приказ о проведении конкурса")
    _order_head(doc, ["О проведении " + KIND_GENITIVE + " конкурса", "«{{ contest.title }}»"])
    _p(doc, "В соответствии с планом работы {{ centre.short_name }} на {{ contest.year }} год "
       "п р и к а з ы в а ю:")
    # The dates come first: a sentence ending in «г.» would need no period of its own.
    _p(doc, "1. С {{ period.from_long }} по {{ period.to_long }} провести " + KIND_ACCUSATIVE
       + " конкурс «{{ contest.title }}» (далее — Конкурс).")
    _p(doc, "2. Утвердить Положение о проведении Конкурса (приложение 1).")
    _p(doc, "3. Утвердить состав жюри Конкурса (приложение 2).")
    _p(doc, "4. " + CONTROL)
    _director_signature(doc, before=36)

    _p(doc).add_run().add_break(WD_BREAK.PAGE)
    _stamp(doc, [
        "Приложение 2",
        "к приказу {{ centre.short_name }}",
        "от {{ order.date_long }} № {{ order.number }}",
    ])
    _p(doc, "СОСТАВ", "Заголовок раздела", after=0)
    _p(doc, "жюри " + KIND_GENITIVE + " конкурса «{{ contest.title }}»", "Заголовок раздела",
       before=0, after=12)
    _table(doc, [1.0, 5.0, 6.8, 3.7], ["№", "Фамилия, имя, отчество", "Должность",
                                       "Роль в жюри"], [
        ["1", "{{ jury.chair.name }}", "{{ jury.chair.position }}", "председатель"],
        ["2", "{{ jury.secretary.name }}", "{{ jury.secretary.position }}", "секретарь"],
        *_looped_rows("for m in jury.members",
                      ["{{ loop.index + 2 }}", "{{ m.name }}", "{{ m.position }}", "член жюри"]),
    ], "clll")
    _save(doc, path)


def build_expert_sheet(path: Path) -> None:
    """contest_expert_sheet.docx: one expert's scores for one application."""
    doc = _document("Экспертный лист")
    h = "Заголовок раздела"
    _p(doc, "ЭКСПЕРТНЫЙ ЛИСТ", h, before=0, after=0)
    _p(doc, "оценки заявки " + KIND_GENITIVE + " конкурса «{{ contest.title }}»", h,
       before=0, after=12)
    for label, value in [
        ("Регистрационный номер заявки", "{{ application.number }}"),
        ("Организация-заявитель", "{{ application.organisation }}"),
        ("Проект", "«{{ application.project_title }}»"),
        ("Эксперт", "{{ expert.name }}, {{ expert.position }}"),
    ]:
        paragraph = _p(doc, "", "Без отступа")
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    _p(doc)
    _table(doc, [0.8, 4.2, 1.8, 1.4, 1.6, 6.7],
           ["№", "Критерий", "Макс. балл", "Вес", "Балл", "Комментарий"],
           _looped_rows("for c in criteria",
                        ["{{ loop.index }}", "{{ c.name }}", "{{ c.max_score }}",
                         "{{ c.weight }}", "{{ c.score }}", "{{ c.comment }}"]),
           "clcccl")
    total = _p(doc, "", "Без отступа", before=12)
    total.add_run("Итоговый балл с учётом весов: ").bold = True
    total.add_run("{{ review.total }} из {{ review.max_total }}")
    comment = _p(doc, "", "Без отступа", before=6)
    comment.add_run("Заключение эксперта: ").bold = True
    comment.add_run("{{ review.comment }}")
    _tab_line(doc, "{{ review.date_long }}", "Эксперт ____________ {{ expert.signature }}",
              PORTRAIT_WIDTH, before=36)
    _save(doc, path)


def build_summary(path: Path) -> None:
    """contest_summary.docx: the ranking with the experts' means per criterion (landscape)."""
    doc = _document("Сводная ведомость", landscape=True, page_numbers=True)
    h = "Заголовок раздела"
    _p(doc, "СВОДНАЯ ВЕДОМОСТЬ", h, before=0, after=0)
    _p(doc, "результатов экспертизы заявок " + KIND_GENITIVE + " конкурса «{{ contest.title }}»",
       h, before=0, after=0)
    _p(doc, "{{ summary.date_long }}", "Без отступа", align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _table(doc, [1.4, 2.3, 5.0, 5.2, 6.2, 1.9, 0.8, 2.4],
           ["Место", "Рег. № заявки", "Организация", "Проект",
            "Средний балл экспертов по критериям", "Итоговый балл", "!", "Результат"],
           _looped_rows("for row in rows", [
               "{{ row.rank }}", "{{ row.number }}", "{{ row.organisation }}",
               "«{{ row.project_title }}»",
               ["{%p for value in row.averages %}",
                "{{ criteria[loop.index0] }} — {{ value }}",
                "{%p endfor %}"],
               "{{ row.total }}", "{{ '!' if row.flagged else '' }}", "{{ row.outcome }}",
           ]),
           "cclllccc")
    _p(doc, "Максимальный итоговый балл — {{ summary.max_total }}. «!» — итоговые баллы "
       "экспертов по заявке расходятся более чем на {{ summary.spread_limit_text }} "
       "максимального итогового балла.", "Примечание")
    _p(doc, "{%p if tie_notes %}", "Примечание")
    _p(doc, "Решения при равенстве итоговых баллов:", "Примечание")
    _loop(doc, "for note in tie_notes",
          "{{ loop.index }}) " + _item("note"), "Примечание")
    _p(doc, "{%p endif %}", "Примечание")
    _signature(doc, "Председатель жюри", "{{ jury.chair.signature }}", LANDSCAPE_WIDTH)
    _signature(doc, "Секретарь жюри", "{{ jury.secretary.signature }}", LANDSCAPE_WIDTH,
               before=12)
    _save(doc, path)


def build_protocol(path: Path) -> None:
    """contest_protocol.docx: «Протокол заседания жюри»."""
    doc = _document("Протокол заседания жюри", page_numbers=True)
    h = "Заголовок раздела"
    _p(doc, "{{ centre.full_name }}", h, before=0, after=12)
    _p(doc, "ПРОТОКОЛ № {{ protocol.number }}", h, before=0, after=0)
    _p(doc, "заседания жюри " + KIND_GENITIVE + " конкурса «{{ contest.title }}»", h, before=0,
       after=12)
    _tab_line(doc, "{{ protocol.date_long }}", "ст. Выселки", PORTRAIT_WIDTH, after=12)

    def labelled(label: str, text: str = "", **kwargs):
        paragraph = _p(doc, "", "Без отступа", **kwargs)
        paragraph.add_run(label).bold = True
        if text:
            paragraph.add_run(" " + text)
        return paragraph

    labelled("Председатель —", "{{ jury.chair.name }}, {{ jury.chair.position }}.")
    labelled("Секретарь —", "{{ jury.secretary.name }}, {{ jury.secretary.position }}.")
    labelled("Присутствовали члены жюри ({{ protocol.present|length }} чел.):", before=6)
    _loop(doc, "for m in protocol.present",
          "{{ loop.index }}. {{ m.name }}, " + _item("m.position"), "Без отступа")

    labelled("ПОВЕСТКА ДНЯ:", before=12)
    _loop(doc, "for item in protocol.agenda",
          "{{ loop.index }}. {{ item.rstrip(' ;') }}"
          "{{ '' if item.rstrip(' ;').endswith('.') else '.' }}", "Без отступа")

    labelled("СЛУШАЛИ:", "{{ protocol.heard }}", before=12)
    _p(doc, "Рейтинг участников Конкурса по итогам экспертизы:", "Без отступа", after=6)
    _table(doc, [1.3, 2.2, 4.8, 4.6, 1.8, 1.8],
           ["Место", "Рег. № заявки", "Организация", "Проект", "Итоговый балл", "Результат"],
           _looped_rows("for row in rows", [
               "{{ row.rank }}", "{{ row.number }}", "{{ row.organisation }}",
               "«{{ row.project_title }}»", "{{ row.total }}", "{{ row.outcome }}"]),
           "cclllc")
    _p(doc, "{%p if tie_notes %}", "Без отступа")
    _p(doc, "При равенстве итоговых баллов:", "Без отступа", before=6)
    _loop(doc, "for note in tie_notes",
          "— " + _item("note"), "Без отступа")
    _p(doc, "{%p endif %}", "Без отступа")

    labelled("ГОЛОСОВАЛИ:", "«за» — {{ protocol.votes.in_favour }}, «против» — "
             "{{ protocol.votes.against }}, «воздержались» — {{ protocol.votes.abstained }}.",
             before=12)
    labelled("РЕШИЛИ:", before=12)
    _p(doc, "1. Утвердить результаты экспертизы заявок и рейтинг участников Конкурса.")
    _p(doc, "2. Признать победителями Конкурса:")
    _p(doc, "{%p if winners %}")
    _loop(doc, "for w in winners",
          "— {{ w.organisation }} (заявка № {{ w.number }}, проект «{{ w.project_title }}»)"
          "{{ ';' if not loop.last else '.' }}")
    _p(doc, "{%p else %}")
    _p(doc, "— победители не определены.")
    _p(doc, "{%p endif %}")
    _p(doc, "3. Признать лауреатами Конкурса:")
    _p(doc, "{%p if laureates %}")
    _loop(doc, "for w in laureates",
          "— {{ w.organisation }} (заявка № {{ w.number }}, проект «{{ w.project_title }}»)"
          "{{ ';' if not loop.last else '.' }}")
    _p(doc, "{%p else %}")
    _p(doc, "— лауреаты не определены.")
    _p(doc, "{%p endif %}")
    _p(doc, "4. Рекомендовать {{ centre.short_name }} присвоить победителям Конкурса статус "
       "«{{ contest.status_awarded }}» и наградить победителей и лауреатов дипломами, "
       "остальных участников — сертификатами участника.")

    _signature(doc, "Председатель жюри", "{{ jury.chair.signature }}", PORTRAIT_WIDTH,
               before=36)
    _signature(doc, "Секретарь жюри", "{{ jury.secretary.signature }}", PORTRAIT_WIDTH,
               before=18)
    _save(doc, path)


def build_results_order(path: Path) -> None:
    """contest_results_order.docx: the order on the results and the status awarded."""
    doc = _document("Приказ об итогах конкурса")
    _order_head(doc, [
        "Об итогах " + KIND_GENITIVE + " конкурса «{{ contest.title }}»",
        "и присвоении статуса «{{ contest.status_awarded }}»",
    ])
    _p(doc, "На основании протокола заседания жюри " + KIND_GENITIVE + " конкурса "
       "«{{ contest.title }}» (далее — Конкурс) от {{ protocol.date_long }} "
       "№ {{ protocol.number }} п р и к а з ы в а ю:")
    _p(doc, "1. Утвердить итоги Конкурса согласно протоколу заседания жюри от "
       "{{ protocol.date_long }} № {{ protocol.number }}.")
    _p(doc, "2. Присвоить статус «{{ contest.status_awarded }}» сроком на " + STATUS_TERM
       + " с {{ valid_from_long }} по {{ valid_to_long }} победителям Конкурса:", after=6)
    columns, header = [1.0, 2.5, 6.5, 6.5], ["№", "Рег. № заявки", "Организация", "Проект"]
    row = ["{{ loop.index }}", "{{ w.number }}", "{{ w.organisation }}",
           "«{{ w.project_title }}»"]
    _table(doc, columns, header, _looped_rows("for w in winners", row), "ccll")
    _p(doc, "3. Наградить дипломами победителя Конкурса организации, указанные в пункте 2"
       "{% if laureates %}, дипломами лауреата Конкурса — организации:{% else %}.{% endif %}",
       before=12)
    _p(doc, "{%p if laureates %}")
    _table(doc, columns, header, _looped_rows("for w in laureates", row), "ccll")
    _p(doc, "{%p endif %}")
    _p(doc, "4. Вручить сертификаты участника остальным участникам Конкурса.", before=12)
    _p(doc, "{%p if contest.reporting_obligations %}")
    # The obligations are noun phrases («ежегодный отчёт …», «участие в …») or infinitives
    # («представлять …»): after «выполнять следующие обязательства:» both read correctly.
    _p(doc, "5. Организациям, которым присвоен статус «{{ contest.status_awarded }}», "
       "в течение срока его действия выполнять следующие обязательства:")
    _items(doc, "5", "contest.reporting_obligations")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ 6 if contest.reporting_obligations else 5 }}. " + CONTROL)
    _director_signature(doc, before=36)
    _save(doc, path)


def _frame(doc) -> None:
    """A double page border: the frame of a diploma."""
    sect_pr = doc.sections[0]._sectPr
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for side in ("top", "left", "bottom", "right"):
        border = OxmlElement(f"w:{side}")
        border.set(qn("w:val"), "double")
        border.set(qn("w:sz"), "18")
        border.set(qn("w:space"), "24")
        border.set(qn("w:color"), "1F3864")
        borders.append(border)
    # CT_SectPr order: … pgSz, pgMar, paperSrc, pgBorders, …
    sect_pr.find(qn("w:pgMar")).addnext(borders)


def _award(path: Path, title: str, heading: list[tuple[str, float]],
           body: list[tuple[str, float, bool]]) -> None:
    """A diploma or certificate: framed landscape page, centred lines in large type.

    heading: (text, size) lines in bold; body: (text, size, bold) lines.
    """
    doc = _document(title, landscape=True, award=True)
    _frame(doc)
    centred = WD_ALIGN_PARAGRAPH.CENTER
    _p(doc, "{{ centre.full_name }}", "Без отступа", align=centred, size=14, after=18)
    for text, size in heading:
        _p(doc, text, "Без отступа", align=centred, bold=True, size=size, after=6)
    for text, size, bold in body:
        _p(doc, text, "Без отступа", align=centred, bold=bold, size=size, before=6)
    signature = _director_signature(doc, AWARD_WIDTH, before=42)
    for run in signature.runs:
        run.font.size = Pt(16)
    for left, right in [
        ("Рег. № {{ award.number }}", "{{ award.date_long }}"),
        ("Приказ от {{ order.date_long }} № {{ order.number }}", "ст. Выселки"),
    ]:
        line = _tab_line(doc, left, right, AWARD_WIDTH, before=12 if "Рег." in left else 0)
        for run in line.runs:
            run.font.size = Pt(12)
    _save(doc, path)


def build_diploma(path: Path) -> None:
    """contest_diploma.docx: a winner's or laureate's diploma (landscape, large type)."""
    _award(path, "Диплом", [("ДИПЛОМ", 48), ("{{ award.degree_label }}", 28)], [
        (KIND_GENITIVE + " конкурса", 20, False),
        ("«{{ contest.title }}»", 24, True),
        ("награждается", 18, False),
        ("{{ award.organisation }}", 24, True),
        ("за инновационный проект «{{ award.project_title }}»", 18, False),
    ])


def build_certificate(path: Path) -> None:
    """contest_certificate.docx: a participation certificate (landscape, large type)."""
    _award(path, "Сертификат участника", [("СЕРТИФИКАТ", 44), ("участника", 28)], [
        ("Настоящий сертификат подтверждает, что", 18, False),
        ("{{ award.organisation }}", 24, True),
        ("является участником " + KIND_GENITIVE + " конкурса", 18, False),
        ("«{{ contest.title }}»", 24, True),
        ("с инновационным проектом «{{ award.project_title }}»", 18, False),
    ])


BUILDERS = {
    "contest_regulations.docx": build_regulations,
    "contest_order.docx": build_order,
    "contest_expert_sheet.docx": build_expert_sheet,
    "contest_summary.docx": build_summary,
    "contest_protocol.docx": build_protocol,
    "contest_results_order.docx": build_results_order,
    "contest_diploma.docx": build_diploma,
    "contest_certificate.docx": build_certificate,
}
assert BUILDERS.keys() == EXAMPLE_CONTEXTS.keys()


def build_all(out_dir: Path = OUT_DIR, builders: dict | None = None) -> list[Path]:
    """Write every template of `builders` (the contest's by default) into out_dir."""
    paths = []
    for name, build in (BUILDERS if builders is None else builders).items():
        build(out_dir / name)
        paths.append(out_dir / name)
    return paths


def main(builders: dict | None = None) -> int:
    for path in build_all(builders=builders):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"записан шаблон {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
