"""Regenerates templates/docx/analytic_note.docx, the аналитическая справка (staff edit it).

Run from the project root:  .venv/bin/python scripts/build_report_templates.py
It overwrites analytic_note.docx (and staff edits to it). Page setup and styles are those of
the contest templates (scripts/build_contest_templates.py): ГОСТ Р 7.0.97 margins, Times New
Roman 14, page numbers from the second page.

Context contract (services/report_render.py makes it; every key must be present; values are
ready to print; templates/docx/README.md has the table):
  centre    the centre's card (services.org.centre_card): full_name, short_name,
            legal_address, phone, email, head_position, head_signature «О.А. Верзунова»
  note      title str, subtitle str (may be empty), period_text «с 1 января 2024 г. по
            31 декабря 2024 г.», goal str (after «Цель:»), sources list[str],
            conclusions list[str]
  sections  list of {number int, heading str, paragraphs list[str],
            tables list of {caption «Таблица 1 – …», body (a docxtpl Subdoc: the table),
                            remark str (may be empty)},
            charts list of {image (a docxtpl InlineImage), caption «Рисунок 1 – …»}}
  author    name «Н.А. Иванова» (empty when the system made the справка), position «методист»
  signed    date_long «31 декабря 2024 г.», date_short «31.12.2024»
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: scripts/ is then the first path entry
    sys.path.insert(0, str(ROOT))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402

from scripts import build_contest_templates as contest_templates  # noqa: E402
from scripts.build_contest_templates import (  # noqa: E402
    PORTRAIT_WIDTH,
    _document,
    _p,
    _save,
    _signature,
    _tab_line,
)

OUT_DIR = ROOT / "templates" / "docx"
NAME = "analytic_note.docx"


def build_note(path: Path) -> None:
    """analytic_note.docx: «Аналитическая справка» with its tables, charts and conclusions."""
    doc = _document("Аналитическая справка", page_numbers=True)
    h, plain, centred = "Заголовок раздела", "Без отступа", WD_ALIGN_PARAGRAPH.CENTER

    def tag(text: str, style: str | None = None):  # a docxtpl paragraph tag, removed
        return _p(doc, text, style)

    # Requisites of the centre.
    _p(doc, "{{ centre.full_name }}", h, before=0, after=0)
    _p(doc, "{{ centre.legal_address }}{% if centre.phone %}, тел. {{ centre.phone }}"
            "{% endif %}{% if centre.email %}, {{ centre.email }}{% endif %}", plain,
       align=centred, size=11, after=18)
    # The heading: the kind of document and what it is about.
    _p(doc, "{{ note.title }}", h, before=0, after=0)
    tag("{%p if note.subtitle %}", h)
    _p(doc, "{{ note.subtitle }}", h, before=0, after=0)
    tag("{%p endif %}", h)
    _p(doc, "({{ note.period_text }})", plain, align=centred, after=12)

    goal = _p(doc, "")
    goal.add_run("Цель: ").bold = True
    goal.add_run("{{ note.goal }}")
    period = _p(doc, "")
    period.add_run("Период: ").bold = True
    period.add_run("{{ note.period_text }}")
    sources = _p(doc, "")
    sources.add_run("Источники данных: ").bold = True
    sources.add_run("{{ note.sources | join('; ') }}.")

    tag("{%p for section in sections %}")
    _p(doc, "{{ section.number }}. {{ section.heading }}", h)
    tag("{%p for paragraph in section.paragraphs %}")
    _p(doc, "{{ paragraph }}")
    tag("{%p endfor %}")
    tag("{%p for table in section.tables %}")
    _p(doc, "{{ table.caption }}", plain, before=6, after=3)
    _p(doc, "{{p table.body }}", plain)
    tag("{%p if table.remark %}", "Примечание")
    _p(doc, "{{ table.remark }}", "Примечание")
    tag("{%p endif %}", "Примечание")
    tag("{%p endfor %}")
    tag("{%p for chart in section.charts %}")
    _p(doc, "{{ chart.image }}", plain, align=centred, before=12)
    _p(doc, "{{ chart.caption }}", plain, align=centred, after=6)
    tag("{%p endfor %}")
    tag("{%p endfor %}")

    _p(doc, "Выводы", h)
    tag("{%p for conclusion in note.conclusions %}")
    _p(doc, "{{ loop.index }}. {{ conclusion }}")
    tag("{%p endfor %}")

    _signature(doc, "{{ centre.head_position }}", "{{ centre.head_signature }}",
               PORTRAIT_WIDTH, before=36)
    tag("{%p if author.name %}", plain)
    _p(doc, "Исполнитель: {{ author.name }}{% if author.position %}, {{ author.position }}"
            "{% endif %}", plain, size=12, before=24)
    tag("{%p endif %}", plain)
    _tab_line(doc, "{{ signed.date_long }}", "ст. Выселки", PORTRAIT_WIDTH, before=12)
    _save(doc, path)


BUILDERS = {NAME: build_note}


def build_all(out_dir: Path = OUT_DIR) -> list[Path]:
    return contest_templates.build_all(out_dir, BUILDERS)


def main() -> int:
    return contest_templates.main(BUILDERS)


if __name__ == "__main__":
    sys.exit(main())
