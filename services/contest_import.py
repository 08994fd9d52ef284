"""`imc contest import-applications`: paper and e-mailed applications, whole file or nothing."""

from __future__ import annotations

from datetime import datetime, time

from sqlmodel import select

from adapters.clock import MOSCOW
from adapters.tabular import read_table
from models import Organisation
from models.problems import Problem
from services import contests
from services.actors import Actor
from services.contest_forms import ApplicationForm
from services.contest_intake import head_for, refusal, register_paper
from services.errors import DomainError, ImportRefused
from services.runtime import Runtime

WHAT = "файл заявок"
COLUMNS: dict[str, list[str]] = {
    "inn": ["ИНН", "ИНН организации"],
    "organisation": ["Организация", "Краткое наименование", "Наименование организации"],
    "project_title": ["Название проекта", "Проект", "Тема проекта"],
    "annotation": ["Аннотация", "Аннотация проекта", "Краткое описание"],
    "head_name": ["ФИО руководителя", "Руководитель"],
    "head_position": ["Должность руководителя", "Должность"],
    "contact_name": ["Контактное лицо", "ФИО контактного лица"],
    "contact_email": ["Email", "E-mail", "Эл. почта", "Электронная почта"],
    "contact_phone": ["Телефон", "Телефон контактного лица"],
    "consent": ["Согласие на обработку персональных данных", "Согласие"],
    "submitted_on": ["Дата подачи", "Дата"],
}
REQUIRED = ("project_title", "annotation", "head_name", "head_position", "contact_name",
            "contact_email", "consent", "submitted_on")


def import_applications(rt: Runtime, contest_id: int, data: bytes, filename: str, *,
                        actor: Actor) -> list[int]:
    """Register every application of the file, or none: each problem with its line."""
    table = read_table(data, filename, COLUMNS, required=REQUIRED)
    problems = list(table.problems)
    if "inn" not in table.present and "organisation" not in table.present:
        problems.append(Problem(table.header_line, "нужен столбец «ИНН» или «Организация»"))
    if problems:
        raise ImportRefused(problems=problems, what=WHAT)
    with rt.transaction() as tx:
        contest, spec = contests.get(tx, contest_id)
        rows, seen = [], {}
        for row in table.rows:
            line_problems: list[str] = []
            org = _organisation(tx, row.get("inn"), row.get("organisation"), line_problems)
            submitted = _date(row.get("submitted_on"), line_problems)
            form = ApplicationForm.from_mapping(row.values)
            line_problems += form.problems()
            if org is not None:
                if org.id in seen:
                    line_problems.append(f"заявка организации уже есть в строке {seen[org.id]}")
                seen.setdefault(org.id, row.line)
                if submitted is not None:
                    why = refusal(tx, contest, spec, org.id, submitted, paper=True)
                    line_problems += [why] if why else []
                try:
                    head = head_for(tx, org.id)
                except DomainError as err:
                    line_problems.append(err.message)
            problems += [Problem(row.line, p) for p in line_problems]
            if not line_problems:
                rows.append((head, form, submitted))
        if problems:
            raise ImportRefused(problems=problems, what=WHAT)
        return [register_paper(tx, contest, spec, head, form, actor, submitted)
                for head, form, submitted in rows]


def _organisation(tx, inn: str, name: str, problems: list[str]) -> Organisation | None:
    stmt = select(Organisation)
    stmt = stmt.where(Organisation.inn == inn.strip()) if inn.strip() else stmt.where(
        (Organisation.short_name == name.strip()) | (Organisation.full_name == name.strip()))
    found = tx.session.exec(stmt).first()
    if found is None:
        problems.append(f"организация «{inn or name}» не найдена в реестре (imc partner list)")
    return found


def _date(text: str, problems: list[str]) -> datetime | None:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            day = datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
        return datetime.combine(day, time(12, 0), MOSCOW)
    problems.append(f"дата подачи «{text}» не распознана: укажите ДД.ММ.ГГГГ")
    return None
