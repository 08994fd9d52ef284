"""Regenerates the annual plan's Word templates in templates/docx/ (staff then edit them in Word).

Run from the project root:  .venv/bin/python scripts/build_plan_templates.py
It overwrites plan_meeting_protocol.docx (and staff edits to it). The page setup and styles
are those of the contest templates (scripts/build_contest_templates.py): Times New Roman 14,
margins 2 / 1,5 / 2 / 3 cm, page numbers from page 2, signature lines «должность ____ И.О.
Фамилия».

Context contract (every key present: rendering uses StrictUndefined; values ready to print;
templates/docx/README.md has the table). Made by services.plan_meeting_protocol.

plan_meeting_protocol.docx — протокол заседания творческой группы (ГОСТ Р 7.0.97)
  centre     {full_name} (the centre's card)
  protocol   number str «3», date_short str «15.11.2024», date_long str «15 ноября 2024 г.»,
             title str «заседания творческой группы по вопросам реализации инновационного
             проекта», place str «МКУ ИМЦ, кабинет 5», time str «14:00»
  chair, secretary   {name, position, signature}: «Верзунова Ольга Александровна»,
             «директор», «О.А. Верзунова»
  present    list[{name, position, signature}], at least one (printed «Присутствовали:
             3 человека» and numbered «ФИО, должность»)
  absent     list[{name, position, signature, reason}], may be empty (section left out);
             printed «ФИО, должность (reason)»
  guests     list[{name, position, signature}], position with the organisation, may be empty
  agenda     list[str], the questions in order, no numbering
  questions  list[{number int, title str, heard str, decision str, responsible str,
             due str}]: heard follows «СЛУШАЛИ:» with the speaker and its final period
             («Н.А. Иванову, методиста, — о плане работы.»); decision follows «РЕШИЛИ:»;
             responsible and due may be empty
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: scripts/ is then the first path entry
    sys.path.insert(0, str(ROOT))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402

from scripts import build_contest_templates as contest_templates  # noqa: E402
from scripts.build_contest_templates import (  # noqa: E402
    CENTRE,
    PORTRAIT_WIDTH,
    _document,
    _loop,
    _p,
    _save,
    _signature,
    _tab_line,
)

OUT_DIR = ROOT / "templates" / "docx"
HEADING = "Заголовок раздела"
PLAIN = "Без отступа"


def _member(name: str, position: str, signature: str, **extra) -> dict:
    return {"name": name, "position": position, "signature": signature, **extra}


CHAIR = _member("Верзунова Ольга Александровна", "директор", "О.А. Верзунова")
SECRETARY = _member("Иванова Наталья Анатольевна", "методист", "Н.А. Иванова")
EXAMPLE_CONTEXTS: dict[str, dict] = {
    "plan_meeting_protocol.docx": {
        "centre": CENTRE,
        "protocol": {"number": "3", "date_short": "15.11.2024", "date_long": "15 ноября 2024 г.",
                     "title": "заседания творческой группы по вопросам реализации "
                              "инновационного проекта",
                     "place": "МКУ ИМЦ, кабинет 5", "time": "14:00"},
        "chair": CHAIR,
        "secretary": SECRETARY,
        "present": [CHAIR, SECRETARY],
        "absent": [_member("Ремель Ольга Леонидовна", "специалист", "О.Л. Ремель",
                           reason="отпуск")],
        "guests": [_member("Осипова Наталья Геннадьевна", "заместитель директора по УВР, "
                           "МБОУ СОШ № 1 им. А.С. Пушкина ст. Выселки", "Н.Г. Осипова")],
        "agenda": ["О ходе реализации инновационного проекта в I полугодии 2024/2025 "
                   "учебного года", "О подготовке сетевого методического вебинара"],
        "questions": [
            {"number": 1, "title": "О ходе реализации инновационного проекта",
             "heard": "Н.А. Иванову, методиста, — о ходе реализации проекта.",
             "decision": "Информацию принять к сведению.", "responsible": "", "due": ""},
            {"number": 2, "title": "О подготовке сетевого методического вебинара",
             "heard": "Н.Г. Осипову — о подготовке вебинара.",
             "decision": "Провести вебинар для заместителей руководителей ОО.",
             "responsible": "Н.А. Иванова", "due": "до 20.12.2024"},
        ],
    },
}


def example_context(name: str) -> dict:
    """A deep copy of the example context of template `name` (safe to modify)."""
    return copy.deepcopy(EXAMPLE_CONTEXTS[name])


def _list_item(expr: str) -> str:
    """«1. …;» inside a numbered list, «….» at its end."""
    return f"{{{{ loop.index }}}}. {expr}{{{{ ';' if not loop.last else '.' }}}}"


def _people(doc, key: str, label: str, line: str, *, optional: bool) -> None:
    """«Присутствовали: 3 человека» and the numbered list; left out when empty if optional."""
    count = (f"{{{{ {key}|length }}}} "
             f"{{{{ {key}|length|plural('человек', 'человека', 'человек') }}}}")
    if optional:
        _p(doc, f"{{%p if {key} %}}", PLAIN)
    paragraph = _p(doc, "", PLAIN, before=6)
    paragraph.add_run(f"{label}:").bold = True
    if key != "guests":
        paragraph.add_run(f" {count}")
    _loop(doc, f"for m in {key}", _list_item(line), PLAIN)
    if optional:
        _p(doc, "{%p endif %}", PLAIN)


def build_meeting_protocol(path: Path) -> None:
    """plan_meeting_protocol.docx: «ПРОТОКОЛ заседания творческой группы»."""
    doc = _document("Протокол заседания творческой группы", page_numbers=True)
    _p(doc, "{{ centre.full_name }}", HEADING, before=0, after=12)
    _p(doc, "ПРОТОКОЛ", HEADING, size=16, before=0, after=6)
    _tab_line(doc, "{{ protocol.date_short }}", "№ {{ protocol.number }}", PORTRAIT_WIDTH)
    _p(doc, "ст. Выселки", PLAIN, align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "{{ protocol.title }}", HEADING, before=12, after=12)
    _p(doc, "Место проведения: {{ protocol.place }}; начало в {{ protocol.time }}.", PLAIN,
       after=6)
    for label, key in (("Председатель", "chair"), ("Секретарь", "secretary")):
        paragraph = _p(doc, "", PLAIN)
        paragraph.add_run(f"{label} —").bold = True
        paragraph.add_run(f" {{{{ {key}.signature }}}}")
    _people(doc, "present", "Присутствовали",
            "{{ m.name }}{{ ', ' ~ m.position if m.position else '' }}", optional=False)
    _people(doc, "absent", "Отсутствовали",
            "{{ m.name }}{{ ', ' ~ m.position if m.position else '' }} ({{ m.reason }})",
            optional=True)
    _people(doc, "guests", "Приглашённые",
            "{{ m.name }}{{ ', ' ~ m.position if m.position else '' }}", optional=True)

    _p(doc, "ПОВЕСТКА ДНЯ:", HEADING)
    _loop(doc, "for item in agenda",
          "{{ loop.index }}. {{ item.rstrip(' ;.') }}.", PLAIN)

    _p(doc, "{%p for q in questions %}", PLAIN)
    heard = _p(doc, "{{ q.number }}. ", before=12)
    heard.add_run("СЛУШАЛИ:").bold = True
    heard.add_run(" {{ q.heard }}")
    decided = _p(doc, "")
    decided.add_run("РЕШИЛИ:").bold = True
    decided.add_run(" {{ q.decision }}")
    _p(doc, "{%p if q.responsible or q.due %}", PLAIN)
    _p(doc, "{% if q.responsible %}Ответственный: {{ q.responsible }}{% endif %}"
            "{% if q.responsible and q.due %}; с{% elif q.due %}С{% endif %}"
            "{% if q.due %}рок: {{ q.due }}{% endif %}.")
    _p(doc, "{%p endif %}", PLAIN)
    _p(doc, "{%p endfor %}", PLAIN)

    _signature(doc, "Председатель", "{{ chair.signature }}", PORTRAIT_WIDTH, before=36)
    _signature(doc, "Секретарь", "{{ secretary.signature }}", PORTRAIT_WIDTH, before=18)
    _save(doc, path)


BUILDERS = {"plan_meeting_protocol.docx": build_meeting_protocol}
assert BUILDERS.keys() == EXAMPLE_CONTEXTS.keys()


def build_all(out_dir: Path = OUT_DIR) -> list[Path]:
    return contest_templates.build_all(out_dir, BUILDERS)


def main() -> int:
    return contest_templates.main(BUILDERS)


if __name__ == "__main__":
    sys.exit(main())
