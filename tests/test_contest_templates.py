"""Contest Word templates: each renders its example context, values land, fast path = docxtpl."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from lxml import etree

from adapters.docx_render import DocxRenderer, TemplateRenderError, docx_text

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates" / "docx"


def _load_script():
    # scripts/ is not a package: load the generator by path for its example contexts.
    path = ROOT / "scripts" / "build_contest_templates.py"
    spec = importlib.util.spec_from_file_location("build_contest_templates", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _load_script()
NAMES = list(SCRIPT.EXAMPLE_CONTEXTS)
TRICKY_TITLE = 'Поиск & <находка> "2024"'
CENTRE_KEYS = ("full_name", "short_name", "legal_address", "phone", "email", "head_position",
               "head_signature")


def org(name: str) -> str:
    """The tricky variant of an organisation name used by every test context."""
    return f'{name} & <филиал> "Север"'


def project(title: str) -> str:
    return f"{title} & <ко> 'всё'"


def _trick(value):
    if isinstance(value, dict):
        out = {key: _trick(item) for key, item in value.items()}
        if isinstance(out.get("organisation"), str):
            out["organisation"] = org(out["organisation"])
        if isinstance(out.get("project_title"), str):
            out["project_title"] = project(out["project_title"])
        return out
    if isinstance(value, list):
        return [_trick(item) for item in value]
    return value


def ctx(name: str) -> dict:
    """The example context of a template with «&», «<», quotes in titles and names."""
    context = _trick(SCRIPT.example_context(name))
    context["contest"]["title"] = TRICKY_TITLE
    # Only the centre keys the README promises are used: nothing else may be needed.
    context["centre"] = {key: context["centre"][key] for key in CENTRE_KEYS}
    return context


def example(name: str) -> dict:
    return SCRIPT.example_context(name)


@pytest.fixture(scope="module")
def renderer() -> DocxRenderer:
    return DocxRenderer(TEMPLATES)


def render(renderer, name: str, context: dict | None = None) -> tuple[str, docx.Document]:
    data = renderer.render(name, ctx(name) if context is None else context)
    return docx_text(data), docx.Document(io.BytesIO(data))


def document_xml(data: bytes) -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    tree = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(tree, method="c14n")


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# -- every template --------------------------------------------------------------------


def test_every_template_has_an_example_and_a_file():
    assert sorted(NAMES) == sorted(p.name for p in TEMPLATES.glob("contest_*.docx"))
    assert len(NAMES) == 8


@pytest.mark.parametrize("name", NAMES)
def test_fast_path_matches_docxtpl(renderer, name):
    context = ctx(name)
    fast = renderer.render(name, context)
    plain = renderer.render_plain(name, context)
    assert docx_text(fast) == docx_text(plain)
    assert document_xml(fast) == document_xml(plain)


@pytest.mark.parametrize("name", NAMES)
def test_no_template_tags_left(renderer, name):
    data = renderer.render(name, ctx(name))
    text = docx_text(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    for member in archive.namelist():
        if not member.endswith(".xml"):
            continue
        raw = archive.read(member).decode()
        for mark in ("{{", "}}", "{%", "%}", "{#"):
            assert mark not in raw, (member, mark)
    for mark in ("{{", "{%", "None", "Undefined"):
        assert mark not in text


@pytest.mark.parametrize("name", NAMES)
def test_tricky_names_are_escaped_and_kept(renderer, name):
    data = renderer.render(name, ctx(name))
    text = docx_text(data)
    assert f"«{TRICKY_TITLE}»" in text
    raw = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "Поиск &amp; &lt;находка&gt;" in raw
    etree.fromstring(raw.encode())  # still well-formed XML


@pytest.mark.parametrize("name", NAMES)
def test_every_table_cell_keeps_a_paragraph(renderer, name):
    # Word refuses a document whose table cell has no paragraph (e.g. an emptied {%p %} loop).
    xml = document_xml(renderer.render(name, ctx(name)))
    tree = etree.fromstring(xml)
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    cells = tree.findall(".//w:tc", ns)
    assert all(cell.find("w:p", ns) is not None for cell in cells)


@pytest.mark.parametrize("name", NAMES)
def test_missing_key_raises(renderer, name):
    context = ctx(name)
    del context["contest"]["title"]
    with pytest.raises(TemplateRenderError, match=f"шаблону {name}") as caught:
        renderer.render(name, context)
    assert "title" in str(caught.value)
    with pytest.raises(TemplateRenderError):
        renderer.render_plain(name, context)


OWN_KEYS = {
    "contest_regulations.docx": ("rules", "max_file_text"),
    "contest_order.docx": ("period", "to_long"),
    "contest_expert_sheet.docx": ("review", "max_total"),
    "contest_summary.docx": ("summary", "spread_limit_text"),
    "contest_protocol.docx": ("protocol", "heard"),
    "contest_results_order.docx": ("protocol", "number"),
    "contest_diploma.docx": ("award", "degree_label"),
    "contest_certificate.docx": ("award", "number"),
}


@pytest.mark.parametrize("name", NAMES)
def test_missing_own_key_raises(renderer, name):
    outer, inner = OWN_KEYS[name]
    context = ctx(name)
    del context[outer][inner]
    with pytest.raises(TemplateRenderError, match=inner):
        renderer.render(name, context)


@pytest.mark.parametrize("name", NAMES)
def test_intermunicipal_kind(renderer, name):
    context = ctx(name)
    context["contest"]["kind"] = "intermunicipal"
    text, _ = render(renderer, name, context)
    assert "межмуниципального конкурса" in text
    assert " муниципального конкурса" not in text.replace("межмуниципального", "")


@pytest.mark.parametrize("name", NAMES)
def test_page_setup(name):
    document = docx.Document(TEMPLATES / name)
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    section = document.sections[0]
    landscape = name in ("contest_summary.docx", "contest_diploma.docx",
                         "contest_certificate.docx")
    assert (section.orientation == WD_ORIENT.LANDSCAPE) is landscape
    assert (section.page_width > section.page_height) is landscape
    if name not in ("contest_diploma.docx", "contest_certificate.docx"):
        margins = (section.top_margin, section.right_margin, section.bottom_margin,
                   section.left_margin)
        # Word stores twips: compare to a hundredth of a centimetre.
        assert [round(m.cm, 2) for m in margins] == [2, 1.5, 2, 3]


def test_generator_builds_working_templates(tmp_path):
    paths = SCRIPT.build_all(tmp_path)
    assert sorted(p.name for p in paths) == sorted(NAMES)
    own = DocxRenderer(tmp_path)
    for name in NAMES:
        assert "{{" not in docx_text(own.render(name, ctx(name)))


# -- each template's content -----------------------------------------------------------


def test_regulations(renderer):
    name = "contest_regulations.docx"
    rules = example(name)["rules"]
    text, document = render(renderer, name)
    assert text.startswith(
        "Приложение 1\n\nУТВЕРЖДЕНО\nприказом МКУ ИМЦ Выселковский район\n"
        "от 5 марта 2024 г. № 12-К\n"
    )
    assert f"ПОЛОЖЕНИЕ\nо проведении муниципального конкурса\n«{TRICKY_TITLE}»\n" in text
    assert "Организатор Конкурса — Муниципальное казенное учреждение" in text
    assert "телефон 8 (86157) 70-0-32, электронная почта imc@example.org." in text
    assert f"1.3. Цель Конкурса — {rules['goal']}." in text
    assert "статус «Муниципальная инновационная площадка» сроком на 3 года" in text
    assert f"2.1. {rules['eligibility_text']}" in text

    stages, criteria = document.tables
    assert rows_of(stages)[0] == ["№", "Этап", "Срок"]
    assert rows_of(stages)[1:] == [
        [str(i), s["name"], s["date_long"]] for i, s in enumerate(rules["stages"], 1)
    ]
    assert rows_of(criteria)[1:] == [
        [str(i), c["name"], c["description"], str(c["max_score"]), c["weight"]]
        for i, c in enumerate(rules["criteria"], 1)
    ]
    assert "файлы форматов PDF, DOCX, JPG, PNG размером не более 10 МБ каждый" in text
    assert "№ 152-ФЗ «О персональных данных»" in text
    assert "Каждая заявка оценивается 3 экспертами" in text
    assert "6.2.1. эксперт работает в организации-заявителе;" in text
    assert "6.2.2. эксперт является автором или консультантом проекта;" in text
    assert "6.2.3. эксперт заявил о конфликте интересов." in text
    assert "6.2.4." not in text
    assert f"6.4. {rules['spread_text']}" in text
    assert "7.2.1. более высокий средний балл по критерию «Актуальность»;" in text
    assert "7.2.3. решение жюри, принятое открытым голосованием." in text
    assert f"7.3. {rules['winners_text']}" in text
    assert "8.1. Председатель жюри — Кравченко Елена Викторовна, главный специалист" in text
    assert "8.2. Секретарь жюри — Иванова Наталья Анатольевна" in text
    # «к. п. н.» ends with its own period: no second one.
    assert "Руденко Ирина Петровна — доцент кафедры педагогики, к. п. н.\n" in text
    assert "Белоусов Андрей Николаевич — директор МБОУ СОШ № 3 ст. Выселки;" in text
    assert "9.1.1. ежегодно до 20 декабря представлять" in text
    assert "9.1.3. размещать материалы проекта на официальном сайте организации." in text
    assert ".." not in text


def test_regulations_plural_and_no_obligations(renderer):
    name = "contest_regulations.docx"
    context = ctx(name)
    context["rules"]["experts_per_application"] = 1
    context["contest"]["status_validity_years"] = 5
    context["contest"]["reporting_obligations"] = []
    context["centre"]["phone"] = ""
    text, _ = render(renderer, name, context)
    assert "Каждая заявка оценивается 1 экспертом" in text
    assert "сроком на 5 лет" in text
    assert "9. Обязательства победителей" not in text
    assert "37, электронная почта imc@example.org." in text


def test_order(renderer):
    name = "contest_order.docx"
    text, document = render(renderer, name)
    assert text.startswith(
        "Муниципальное казенное учреждение информационно-методический центр "
        "Выселковский район\nПРИКАЗ\nот 5 марта 2024 г.\t№ 12-К\nст. Выселки\n"
        f"О проведении муниципального конкурса\n«{TRICKY_TITLE}»\n"
    )
    assert (
        "1. С 11 марта 2024 г. по 30 апреля 2024 г. провести муниципальный конкурс "
        f"«{TRICKY_TITLE}» (далее — Конкурс)." in text
    )
    assert "2. Утвердить Положение о проведении Конкурса (приложение 1)." in text
    assert (
        "4. Контроль за исполнением настоящего приказа возложить на методиста Н.А. Иванову."
        in text
    )
    assert "Директор\t____________ О.А. Верзунова" in text
    assert "Приложение 2\nк приказу МКУ ИМЦ Выселковский район\nот 5 марта 2024 г. № 12-К" in text
    (jury,) = document.tables
    rows = rows_of(jury)
    assert len(rows) == 1 + 2 + 3
    assert rows[1][1:] == ["Кравченко Елена Викторовна",
                           "главный специалист МКУ ИМЦ Выселковский район", "председатель"]
    assert rows[2][3] == "секретарь"
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert rows[5][1:] == ["Руденко Ирина Петровна", "доцент кафедры педагогики, к. п. н.",
                           "член жюри"]


def test_order_control_kept_by_director(renderer):
    name = "contest_order.docx"
    context = ctx(name)
    context["order"]["responsible_accusative"] = None
    text, _ = render(renderer, name, context)
    assert "4. Контроль за исполнением настоящего приказа оставляю за собой." in text


def test_expert_sheet(renderer):
    name = "contest_expert_sheet.docx"
    source = example(name)
    text, document = render(renderer, name)
    assert "ЭКСПЕРТНЫЙ ЛИСТ\nоценки заявки муниципального конкурса" in text
    assert "Регистрационный номер заявки: ИП-2024/003" in text
    assert f"Организация-заявитель: {org('МБОУ СОШ № 2 ст. Выселки')}" in text
    assert f"Проект: «{project('Цифровая образовательная среда сельской школы')}»" in text
    assert "Эксперт: Белоусов Андрей Николаевич, директор МБОУ СОШ № 3 ст. Выселки" in text
    (scores,) = document.tables
    assert rows_of(scores)[1:] == [
        [str(i), c["name"], str(c["max_score"]), c["weight"], str(c["score"]), c["comment"]]
        for i, c in enumerate(source["criteria"], 1)
    ]
    assert "Итоговый балл с учётом весов: 42,00 из 50" in text
    assert f"Заключение эксперта: {source['review']['comment']}" in text
    assert "18 апреля 2024 г.\tЭксперт ____________ А.Н. Белоусов" in text


def test_summary(renderer):
    name = "contest_summary.docx"
    source = example(name)
    text, document = render(renderer, name)
    assert "СВОДНАЯ ВЕДОМОСТЬ\nрезультатов экспертизы заявок муниципального конкурса" in text
    (table,) = document.tables
    rows = rows_of(table)
    assert len(rows) == 1 + len(source["rows"])
    for row, expected in zip(rows[1:], source["rows"], strict=True):
        averages = "\n".join(
            f"{criterion} — {value}"
            for criterion, value in zip(source["criteria"], expected["averages"], strict=True)
        )
        assert row == [
            str(expected["rank"]), expected["number"], org(expected["organisation"]),
            f"«{project(expected['project_title'])}»", averages, expected["total"],
            "!" if expected["flagged"] else "", expected["outcome"],
        ]
    assert [r[6] for r in rows[1:]].count("!") == 1
    assert "Актуальность — 9,33\nНовизна — 8,67" in text
    assert "более чем на 20 % максимального итогового балла" in text
    assert "Максимальный итоговый балл — 50." in text
    assert "Решения при равенстве итоговых баллов:\n1) заявки № ИП-2024/005 и № ИП-2024/009" in text
    assert "Председатель жюри\t____________ Е.В. Кравченко" in text
    assert "Секретарь жюри\t____________ Н.А. Иванова" in text


def test_summary_without_ties(renderer):
    name = "contest_summary.docx"
    context = ctx(name)
    context["tie_notes"] = []
    context["rows"] = context["rows"][:1]
    text, document = render(renderer, name, context)
    assert "равенстве" not in text
    assert len(document.tables[0].rows) == 2


def test_protocol(renderer):
    name = "contest_protocol.docx"
    source = example(name)
    text, document = render(renderer, name)
    assert "ПРОТОКОЛ № 1\nзаседания жюри муниципального конкурса" in text
    assert "22 апреля 2024 г.\tст. Выселки" in text
    assert "Председатель — Кравченко Елена Викторовна, главный специалист" in text
    assert "Секретарь — Иванова Наталья Анатольевна, методист" in text
    assert "Присутствовали члены жюри (3 чел.):\n1. Белоусов Андрей Николаевич, директор" in text
    assert "3. Руденко Ирина Петровна, доцент кафедры педагогики, к. п. н.\n" in text
    assert "ПОВЕСТКА ДНЯ:\n1. Об итогах экспертизы заявок Конкурса.\n2. Об определении" in text
    assert f"СЛУШАЛИ: {source['protocol']['heard']}" in text
    (ranking,) = document.tables
    rows = rows_of(ranking)
    assert len(rows) == 1 + 5
    assert rows[3] == ["3", "ИП-2024/009", org("МБДОУ детский сад № 7 «Солнышко»"),
                       f"«{project('Растим читателя: семейное чтение в детском саду')}»",
                       "42,50", "лауреат"]
    assert "При равенстве итоговых баллов:\n— заявки № ИП-2024/005" in text
    assert "ГОЛОСОВАЛИ: «за» — 5, «против» — 0, «воздержались» — 0." in text
    winners = text.split("2. Признать победителями Конкурса:\n")[1].split("\n3. ")[0]
    assert winners == (
        f"— {org('МБОУ СОШ № 2 ст. Выселки')} (заявка № ИП-2024/003, проект "
        f"«{project('Цифровая образовательная среда сельской школы')}»);\n"
        f"— {org('МАОУ СОШ № 5 ст. Новобейсугской')} (заявка № ИП-2024/005, проект "
        f"«{project('Агрокласс как ресурс профориентации')}»)."
    )
    laureates = text.split("3. Признать лауреатами Конкурса:\n")[1].split("\n4. ")[0]
    assert laureates.count("\n") == 1 and "ИП-2024/009" in laureates
    assert "ИП-2024/001" in laureates
    assert "статус «Муниципальная инновационная площадка»" in text
    assert "Председатель жюри\t____________ Е.В. Кравченко" in text
    assert "Секретарь жюри\t____________ Н.А. Иванова" in text


def test_protocol_without_laureates_or_ties(renderer):
    name = "contest_protocol.docx"
    context = ctx(name)
    context["laureates"], context["tie_notes"] = [], []
    text, _ = render(renderer, name, context)
    assert "3. Признать лауреатами Конкурса:\n— лауреаты не определены.\n4. " in text
    assert "При равенстве" not in text


def test_results_order(renderer):
    name = "contest_results_order.docx"
    text, document = render(renderer, name)
    assert "ПРИКАЗ\nот 20 мая 2024 г.\t№ 45-К\nст. Выселки\n" in text
    assert (
        f"Об итогах муниципального конкурса «{TRICKY_TITLE}»\n"
        "и присвоении статуса «Муниципальная инновационная площадка»\n" in text
    )
    assert "от 22 апреля 2024 г. № 1 п р и к а з ы в а ю:" in text
    assert (
        "2. Присвоить статус «Муниципальная инновационная площадка» сроком на 3 года "
        "с 20 мая 2024 г. по 19 мая 2027 г. победителям Конкурса:" in text
    )
    winners, laureates = document.tables
    assert rows_of(winners)[1:] == [
        ["1", "ИП-2024/003", org("МБОУ СОШ № 2 ст. Выселки"),
         f"«{project('Цифровая образовательная среда сельской школы')}»"],
        ["2", "ИП-2024/005", org("МАОУ СОШ № 5 ст. Новобейсугской"),
         f"«{project('Агрокласс как ресурс профориентации')}»"],
    ]
    assert [r[1] for r in rows_of(laureates)[1:]] == ["ИП-2024/009", "ИП-2024/001"]
    assert "пункте 2, дипломами лауреата Конкурса — организации:" in text
    assert (
        "5. Организациям, которым присвоен статус «Муниципальная инновационная площадка», "
        "в течение срока его действия выполнять следующие обязательства:\n"
        "5.1. ежегодно до 20 декабря представлять" in text
    )
    assert "5.3. размещать материалы проекта на официальном сайте организации." in text
    assert "6. Контроль за исполнением настоящего приказа оставляю за собой." in text
    assert "Директор\t____________ О.А. Верзунова" in text


def test_results_order_without_laureates_or_obligations(renderer):
    name = "contest_results_order.docx"
    context = ctx(name)
    context["laureates"] = []
    context["contest"]["reporting_obligations"] = []
    context["order"]["responsible_accusative"] = "методиста Н.А. Иванову"
    text, document = render(renderer, name, context)
    assert len(document.tables) == 1
    assert "организации, указанные в пункте 2.\n4. Вручить сертификаты" in text
    control = "5. Контроль за исполнением настоящего приказа возложить на методиста Н.А. Иванову."
    assert control in text
    assert "6." not in text


@pytest.mark.parametrize("degree", ["победителя", "лауреата"])
def test_diploma(renderer, degree):
    name = "contest_diploma.docx"
    context = ctx(name)
    context["award"]["degree_label"] = degree
    text, _ = render(renderer, name, context)
    assert (
        f"ДИПЛОМ\n{degree}\nмуниципального конкурса\n«{TRICKY_TITLE}»\nнаграждается\n"
        f"{org('МБОУ СОШ № 2 ст. Выселки')}\n"
        f"за инновационный проект «{project('Цифровая образовательная среда сельской школы')}»"
        in text
    )
    assert "Директор\t____________ О.А. Верзунова" in text
    assert "Рег. № Д-1/2024\t20 мая 2024 г." in text
    assert "Приказ от 20 мая 2024 г. № 45-К" in text


def test_certificate(renderer):
    name = "contest_certificate.docx"
    text, _ = render(renderer, name)
    assert (
        f"СЕРТИФИКАТ\nучастника\nНастоящий сертификат подтверждает, что\n"
        f"{org('МБОУ СОШ № 9 пос. Бейсуг')}\nявляется участником муниципального конкурса\n"
        f"«{TRICKY_TITLE}»\n"
        f"с инновационным проектом «{project('Школа активного гражданина')}»" in text
    )
    assert "Рег. № С-5/2024\t20 мая 2024 г." in text
    assert "Директор\t____________ О.А. Верзунова" in text
