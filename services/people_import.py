"""Importing an organisation's people (deputies, heads, contacts) from a CSV/XLSX file:
the whole file or nothing, every problem with its line. Columns: docs/people-import.md."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.tabular import read_table
from models import PersonRole
from services import people
from services.actors import Actor
from services.errors import ImportRefused, Problem
from services.people_card import FIELD_LABELS, MSG_REQUIRED, check_card
from services.people_directory import Directory
from services.runtime import Runtime

WHAT = "файл с людьми организаций"

# Accepted headers: the first spelling is the documented one.
COLUMNS: dict[str, list[str]] = {
    "organisation": ["Организация", "Краткое наименование", "Наименование организации",
                     "Образовательная организация", "ОО", "ИНН", "organisation"],
    "role": ["Роль", "role"],
    "last_name": ["Фамилия", "last_name"],
    "first_name": ["Имя", "first_name"],
    "middle_name": ["Отчество", "middle_name"],
    "position": ["Должность", "position"],
    "email": ["Email", "E-mail", "Эл. почта", "Электронная почта", "email"],
    "phone": ["Телефон", "phone"],
    "gender": ["Пол", "gender"],
}
REQUIRED = ("organisation", "role", "last_name", "first_name", "position", "email")

MSG_FILE_EMAIL = "адрес {email} для «{org}» повторяется: он уже указан в строке {line}"
MSG_FILE_HEAD = "второй руководитель «{org}» в файле: первый указан в строке {line}"


@dataclass
class PeopleImportReport:
    """What an import created."""

    created: int = 0
    by_role: dict[str, int] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def import_people(rt: Runtime, data: bytes, filename: str, *, actor: Actor) -> PeopleImportReport:
    """Whole file or nothing: every problem of every line refused at once (ImportRefused),
    else every person inserted in one transaction, each with its audit entry."""
    table = read_table(data, filename, COLUMNS, required=REQUIRED)
    if not table.rows:
        raise ImportRefused(problems=table.problems, what=WHAT)
    problems = list(table.problems)
    missing = set(REQUIRED) - table.present  # already reported once, not on every line
    report = PeopleImportReport(ignored_headers=list(table.unknown_headers))
    with rt.transaction() as tx:
        directory = Directory.load(tx.session)
        accepted = []
        seen_email: dict[tuple[int, str], int] = {}
        seen_head: dict[int, int] = {}
        for row in table.rows:
            line: list[str] = []
            card, errors = check_card(row.values)
            line += [e for e in errors if not _about_missing(e, missing)]
            org = None
            if "organisation" not in missing:
                org, why = directory.find(row.get("organisation"), by_number=False, by_inn=True)
                line += [why] if why else []
            if org is not None and card is not None:
                line += directory.clashes(org, card)
                first = seen_email.setdefault((org.id, card.email), row.line)
                if first != row.line:
                    line.append(MSG_FILE_EMAIL.format(email=card.email, org=org.short_name,
                                                      line=first))
                if card.role == PersonRole.HEAD:
                    first = seen_head.setdefault(org.id, row.line)
                    if first != row.line:
                        line.append(MSG_FILE_HEAD.format(org=org.short_name, line=first))
            problems += [Problem(row.line, text) for text in line]
            if not line and org is not None and card is not None:
                accepted.append((row.line, org, card))
        if problems:
            problems.sort(key=lambda p: p.line or 0)  # stable: a line keeps its order
            raise ImportRefused(problems=problems, what=WHAT)
        for line_no, org, card in accepted:
            person = people.create(tx, org, card, actor,
                                   {"source": "import", "file": filename, "line": line_no})
            report.ids.append(person.id)
            report.by_role[str(card.role)] = report.by_role.get(str(card.role), 0) + 1
    report.created = len(report.ids)
    return report


def _about_missing(error: str, missing: set[str]) -> bool:
    """A «не заполнено» of a field whose column is missing (said once for the file)."""
    labels = {FIELD_LABELS[name] for name in missing if name in FIELD_LABELS}
    labels |= {"Роль"} if "role" in missing else set()
    return any(error == MSG_REQUIRED.format(label=label) for label in labels)
