"""Word rendering: the fast path matches docxtpl, variants, errors, batches, edits."""

from __future__ import annotations

import copy
import io
import os
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest
from lxml import etree

from adapters.docx_render import (
    BATCH_IN_PROCESS_BELOW,
    DocxRenderer,
    TemplateRenderError,
    docx_text,
)
from scripts.build_docx_templates import EXAMPLE_CONTEXT

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "docx"

TRICKY_NAME = "ООО «Рога & Копыта» <филиал> \"Север\" 'Юг'"

BASE_CONTEXT = {
    "centre": copy.deepcopy(EXAMPLE_CONTEXT["centre"]),  # the one example centre
    "partner": {
        "full_name": TRICKY_NAME,
        "short_name": "ООО «Р&К»",
        "legal_address": "Краснодарский край, г. Тихорецк, ул. Мира, 5 <офис 2>",
        "phone": "",
        "email": "partner@example.org",
        "head_position": "Генеральный директор",
        "head_position_genitive": "генерального директора",
        "head_fio_genitive": "Петрова Ивана Сергеевича",
        "head_acting": "действующего",
        "basis_genitive": "Устава",
        "head_signature": "И.С. Петров",
        "inn": "2328012345",
        "ogrn": "1022302345678",
    },
    "agreement": {
        "number": "СВ-7/2024",
        "date_long": "5 марта 2024 г.",
        "city": "ст. Выселки",
        "subject": "организация сетевого взаимодействия Сторон в целях «A & B < C»",
        "starts_on_long": "5 марта 2024 г.",
        "ends_on_long": "4 марта 2027 г.",
        "term_years": 3,
        "obligations_centre": [
            "проводить вебинары для педагогов Стороны 2",
            "консультировать по запросу & в срок;",
            "приглашать на конкурсы",
        ],
        "obligations_partner": ["направлять представителей", "сообщать о результатах."],
        "is_draft": False,
        "version": 1,
    },
}


def context(**agreement) -> dict:
    ctx = copy.deepcopy(BASE_CONTEXT)
    ctx["agreement"].update(agreement)
    return ctx


DRAFT = {"number": None, "date_long": None, "is_draft": True, "version": 2}


def document_xml(data: bytes) -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    tree = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(tree, method="c14n")


@pytest.fixture(scope="module")
def renderer() -> DocxRenderer:
    return DocxRenderer(TEMPLATES)


@pytest.mark.parametrize("variant", [{}, DRAFT], ids=["numbered", "draft"])
def test_fast_path_matches_docxtpl(renderer, variant):
    ctx = context(**variant)
    fast = renderer.render("agreement.docx", ctx)
    plain = renderer.render_plain("agreement.docx", ctx)
    assert docx_text(fast) == docx_text(plain)
    assert document_xml(fast) == document_xml(plain)


def test_numbered_agreement(renderer):
    text = docx_text(renderer.render("agreement.docx", context()))
    assert "ДОГОВОР № СВ-7/2024" in text
    assert "ст. Выселки\t5 марта 2024 г." in text
    assert "ПРОЕКТ" not in text
    assert TRICKY_NAME + " (далее — Сторона 2) в лице генерального директора" in text
    assert (
        "1.1. Предметом настоящего договора является организация сетевого взаимодействия "
        "Сторон в целях «A & B < C»." in text
    )
    assert "сроком на 3 года" in text
    assert "по 4 марта 2027 г. включительно." in text
    assert "Генеральный директор ____________ И.С. Петров" in text


def test_first_draft_has_plain_mark(renderer):
    text = docx_text(renderer.render("agreement.docx", context(**{**DRAFT, "version": 1})))
    assert text.startswith("ПРОЕКТ\nДОГОВОР № ____\n")


def test_draft_agreement(renderer):
    text = docx_text(renderer.render("agreement.docx", context(**DRAFT)))
    assert text.startswith("ПРОЕКТ (редакция 2)\nДОГОВОР № ____\n")
    assert "ст. Выселки\t«___» ________ 20__ г." in text


@pytest.mark.parametrize("variant", [{}, DRAFT], ids=["numbered", "draft"])
def test_no_template_tags_left(renderer, variant):
    data = renderer.render("agreement.docx", context(**variant))
    text = docx_text(data)
    raw = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for mark in ("{{", "}}", "{%", "%}", "{#"):
        assert mark not in text
        assert mark not in raw


def test_loops_and_optional_requisites(renderer):
    text = docx_text(renderer.render("agreement.docx", context()))
    assert "2.1.1. проводить вебинары для педагогов Стороны 2;" in text
    assert "2.1.2. консультировать по запросу & в срок;" in text
    assert "2.1.3. приглашать на конкурсы." in text
    assert "2.2.2. сообщать о результатах." in text
    assert "2.1.4." not in text
    # The centre has no ИНН/ОГРН in the context, the partner has no phone.
    assert text.count("ИНН: ") == 1 and "ИНН: 2328012345" in text
    assert text.count("ОГРН: ") == 1
    assert text.count("Тел.: ") == 1
    assert text.count("М.П.") == 2


def test_term_years_plural(renderer):
    assert "сроком на 1 год," in docx_text(renderer.render("agreement.docx", context(term_years=1)))
    assert "сроком на 5 лет," in docx_text(renderer.render("agreement.docx", context(term_years=5)))


def test_same_context_same_bytes(renderer):
    assert renderer.render("agreement.docx", context()) == renderer.render(
        "agreement.docx", context()
    )


def test_missing_key_raises(renderer):
    ctx = context()
    del ctx["partner"]["inn"]
    with pytest.raises(
        TemplateRenderError,
        match=r"Не удалось сформировать документ по шаблону "
        r"agreement\.docx",
    ) as caught:
        renderer.render("agreement.docx", ctx)
    assert "inn" in str(caught.value)
    with pytest.raises(TemplateRenderError):
        renderer.render_plain("agreement.docx", ctx)


def test_missing_template_raises(renderer):
    with pytest.raises(TemplateRenderError, match=r"нет_такого\.docx: файл шаблона не найден"):
        renderer.render("нет_такого.docx", context())
    with pytest.raises(TemplateRenderError, match="каталоге шаблонов"):
        renderer.render("../docx/agreement.docx/../../../pyproject.toml", context())


def test_render_batch_matches_render(renderer):
    n = BATCH_IN_PROCESS_BELOW + 10  # big enough to go to worker processes
    contexts = [context(number=f"СВ-{i}/2024", term_years=1 + i % 5) for i in range(n)]
    batch = renderer.render_batch("agreement.docx", contexts, workers=2)
    assert len(batch) == len(contexts)
    for ctx, data in zip(contexts, batch, strict=True):
        assert data == renderer.render("agreement.docx", ctx)
    assert f"ДОГОВОР № СВ-{n - 1}/2024" in docx_text(batch[-1])
    small = renderer.render_batch("agreement.docx", contexts[:3])
    assert small == batch[:3]


def test_render_batch_error_crosses_processes(renderer):
    contexts = [context() for _ in range(BATCH_IN_PROCESS_BELOW + 5)]
    del contexts[-3]["agreement"]["city"]
    with pytest.raises(TemplateRenderError, match="city"):
        renderer.render_batch("agreement.docx", contexts, workers=2)


def test_threads_share_one_renderer(renderer):
    contexts = [context(number=f"СВ-{i}/2024") for i in range(24)]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda c: renderer.render("agreement.docx", c), contexts))
    assert parallel == [renderer.render("agreement.docx", c) for c in contexts]


def test_edited_template_is_picked_up(tmp_path):
    shutil.copy(TEMPLATES / "agreement.docx", tmp_path / "agreement.docx")
    own = DocxRenderer(tmp_path)
    assert "Редакция шаблона" not in docx_text(own.render("agreement.docx", context()))

    edited = docx.Document(tmp_path / "agreement.docx")
    edited.add_paragraph("Редакция шаблона: {{ agreement.version }}")
    edited.save(tmp_path / "agreement.docx")
    stat = (tmp_path / "agreement.docx").stat()
    os.utime(tmp_path / "agreement.docx", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    assert "Редакция шаблона: 1" in docx_text(own.render("agreement.docx", context()))


def _split_tag(paragraph, *pieces: str) -> None:
    # Word often stores one tag as several runs; docxtpl's patch_xml must glue them.
    for index, piece in enumerate(pieces):
        paragraph.add_run(piece).bold = index % 2 == 1


@pytest.fixture()
def features_template(tmp_path) -> DocxRenderer:
    doc = docx.Document()
    _split_tag(doc.sections[0].header.paragraphs[0], "Шапка: {{ doc.", "title }}")
    doc.sections[0].footer.paragraphs[0].text = "Подвал {{ doc.title|upper }}"
    _split_tag(doc.add_paragraph(), "Здравствуйте, {{ per", "son }}", "!")
    doc.add_paragraph("{%p if doc.show %}")
    doc.add_paragraph("Показано для {{ person }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ doc.multiline }}")
    rows = doc.add_table(rows=4, cols=2)
    for row, cells in zip(
        rows.rows,
        [
            ("№", "Участник"),
            ("{%tr for p in people %}", ""),
            ("{{ loop.index }}", "{{ p }}"),
            ("{%tr endfor %}", ""),
        ],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = cells
    columns = doc.add_table(rows=1, cols=4)
    for cell, text in zip(
        columns.rows[0].cells,
        ["Столбцы", "{%tc for c in people %}", "{{ c }}", "{%tc endfor %}"],
        strict=True,
    ):
        cell.text = text
    doc.add_paragraph("{# комментарий #}Конец")
    doc.save(tmp_path / "features.docx")
    return DocxRenderer(tmp_path)


@pytest.mark.parametrize("show", [True, False])
def test_docxtpl_features_match(features_template, show):
    ctx = {
        "doc": {"title": "Итоги & планы", "show": show, "multiline": "строка 1\nстрока 2"},
        "person": "Анна <Мария>",
        "people": ["Иванов", "Петров & сын", "Сидорова", "Кузнецов", "Орлова"],
    }
    fast = features_template.render("features.docx", ctx)
    plain = features_template.render_plain("features.docx", ctx)
    assert docx_text(fast) == docx_text(plain)
    assert document_xml(fast) == document_xml(plain)
    text = docx_text(fast)
    assert "Здравствуйте, Анна <Мария>!" in text
    assert ("Показано для Анна <Мария>" in text) is show
    assert "строка 1\nстрока 2" in text
    assert "5\nОрлова" in text
    assert "Столбцы\nИванов\nПетров & сын" in text
    assert text.endswith("Конец")
    for data in (fast, plain):
        section = docx.Document(io.BytesIO(data)).sections[0]
        assert section.header.paragraphs[0].text == "Шапка: Итоги & планы"
        assert section.footer.paragraphs[0].text == "Подвал ИТОГИ & ПЛАНЫ"


def test_broken_tag_names_the_paragraph(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("Номер: {{ agreement.number }")
    doc.save(tmp_path / "broken.docx")
    with pytest.raises(TemplateRenderError, match="в абзаце «Номер: "):
        DocxRenderer(tmp_path).render("broken.docx", {"agreement": {"number": "1"}})


def test_templated_core_properties_use_docxtpl_path(tmp_path):
    doc = docx.Document()
    doc.core_properties.title = "Договор {{ number }}"
    doc.add_paragraph("Договор № {{ number }}")
    doc.save(tmp_path / "titled.docx")
    data = DocxRenderer(tmp_path).render("titled.docx", {"number": "СВ-1/2024"})
    assert docx_text(data) == "Договор № СВ-1/2024"
    assert docx.Document(io.BytesIO(data)).core_properties.title == "Договор СВ-1/2024"
