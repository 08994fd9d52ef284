"""Regenerates the webinar Word templates in templates/docx/ (staff then edit them in Word).

Run from the project root:  .venv/bin/python scripts/build_webinar_templates.py
It overwrites webinar_certificate.docx (and staff edits to it). The page setup, styles and
the framed award page are those of the contest's diploma and certificate
(scripts/build_contest_templates.py).

Context contract (every key must be present: rendering uses StrictUndefined; values are
ready to print; templates/docx/README.md has the table).

webinar_certificate.docx — сертификат участника (landscape, framed)
  centre       {full_name, head_position, head_signature} (the centre's card)
  person       name         str  ФИО in the nominative «Кузнецова Мария Ивановна»
               position     str  «Директор», may be empty
               organisation str  «МБОУ СОШ № 1 ст. Выселки», may be empty
               took_part    str  «принял участие» / «приняла участие» / «принял(а) участие»
  cycle        title str (printed in «…»), year int
  certificate  number             str   «ВС-12/2024» (printed «Регистрационный № …»)
               date_long          str   «5 декабря 2024 г.» (the day of issue)
               per_session        bool  True: for one webinar; False: for the cycle
               title              str   the webinar's topic, or the cycle's title (in «…»)
               dates_text         str   «15 октября 2024 г.» / «с 15 октября по 26 ноября
                                        2024 г.»
               hours_text         str   «1,5 часа», «4,5 часа», «6 часов»
               sessions_attended  int   3
               sessions_total     int   3 (sessions of the cycle, cancelled ones left out)
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: scripts/ is then the first path entry
    sys.path.insert(0, str(ROOT))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Pt  # noqa: E402

from scripts import build_contest_templates as contest_templates  # noqa: E402
from scripts.build_contest_templates import (  # noqa: E402
    AWARD_WIDTH,
    CENTRE,
    _director_signature,
    _document,
    _frame,
    _p,
    _save,
    _tab_line,
)

OUT_DIR = ROOT / "templates" / "docx"

EXAMPLE_CONTEXTS: dict[str, dict] = {
    "webinar_certificate.docx": {
        "centre": CENTRE,
        "person": {"name": "Кузнецова Мария Ивановна", "position": "Директор",
                   "organisation": "МБОУ СОШ № 1 ст. Выселки", "took_part": "приняла участие"},
        "cycle": {"title": "Управление качеством образования: осенний цикл 2024", "year": 2024},
        "certificate": {"number": "ВС-12/2024", "date_long": "5 декабря 2024 г.",
                        "per_session": True,
                        "title": "Внутренняя система оценки качества образования",
                        "dates_text": "15 октября 2024 г.", "hours_text": "1,5 часа",
                        "sessions_attended": 1, "sessions_total": 3},
    },
}


def example_context(name: str, **certificate) -> dict:
    """A deep copy of the example context of `name`, certificate keys replaced."""
    context = copy.deepcopy(EXAMPLE_CONTEXTS[name])
    context["certificate"].update(certificate)
    return context


def build_certificate(path: Path) -> None:
    """webinar_certificate.docx: «СЕРТИФИКАТ участника» of a webinar or of a whole cycle."""
    doc = _document("Сертификат участника вебинара", landscape=True, award=True)
    _frame(doc)
    centred = WD_ALIGN_PARAGRAPH.CENTER

    def line(text: str, size: float, *, bold: bool = False, before: float = 6,
             after: float | None = None):
        return _p(doc, text, "Без отступа", align=centred, bold=bold, size=size, before=before,
                  after=after)

    def tag(text: str):  # a docxtpl paragraph tag: the paragraph itself disappears
        return _p(doc, text, "Без отступа", align=centred)

    line("{{ centre.full_name }}", 14, before=0, after=18)
    line("СЕРТИФИКАТ", 42, bold=True, before=0, after=0)
    line("участника", 28, bold=True, before=0, after=12)
    line("Настоящий сертификат подтверждает, что", 18)
    line("{{ person.name }}", 26, bold=True)
    tag("{%p if person.position or person.organisation %}")
    line("{{ person.position }}{{ ' ' if person.position and person.organisation else '' }}"
         "{{ person.organisation }}", 16, before=0)
    tag("{%p endif %}")
    tag("{%p if certificate.per_session %}")
    line("{{ person.took_part }} в методическом вебинаре", 18, before=12)
    line("«{{ certificate.title }}»", 22, bold=True)
    line("цикла сетевых методических вебинаров «{{ cycle.title }}»", 16)
    line("{{ certificate.dates_text }}, продолжительность {{ certificate.hours_text }}", 16)
    tag("{%p else %}")
    line("{{ person.took_part }} в цикле сетевых методических вебинаров", 18, before=12)
    line("«{{ certificate.title }}»", 22, bold=True)
    line("{{ certificate.dates_text }}: вебинаров посещено — {{ certificate.sessions_attended }}"
         " из {{ certificate.sessions_total }}, общая продолжительность "
         "{{ certificate.hours_text }}", 16)
    tag("{%p endif %}")

    signature = _director_signature(doc, AWARD_WIDTH, before=36)
    for run in signature.runs:
        run.font.size = Pt(16)
    bottom = _tab_line(doc, "Регистрационный № {{ certificate.number }}",
                       "ст. Выселки, {{ certificate.date_long }}", AWARD_WIDTH, before=18)
    for run in bottom.runs:
        run.font.size = Pt(12)
    _slim(doc)
    _save(doc, path)


def _slim(doc) -> None:
    """Drop the parts of python-docx's blank document that Word does not need: the Word 2010
    copy of the styles, the custom XML item and a thumbnail of some other page. Every
    certificate is mailed, so each kilobyte counts five thousand times."""
    unneeded = ("/stylesWithEffects", "/customXml", "/thumbnail")
    for rels in (doc.part.rels, doc.part.package.rels):
        for rel_id, rel in list(rels.items()):
            if rel.reltype.endswith(unneeded):
                rels.pop(rel_id)


BUILDERS = {"webinar_certificate.docx": build_certificate}
assert BUILDERS.keys() == EXAMPLE_CONTEXTS.keys()


def build_all(out_dir: Path = OUT_DIR) -> list[Path]:
    return contest_templates.build_all(out_dir, BUILDERS)


def main() -> int:
    return contest_templates.main(BUILDERS)


if __name__ == "__main__":
    sys.exit(main())
