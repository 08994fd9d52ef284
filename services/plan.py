"""The annual plan: load a year's plan file whole, assign each item's responsible staff member.

`load_plan_file` parses the file (services.plan_spec: every problem with its line, nothing
stored on a refusal), then stores the plan, its items and one occurrence per dated
occurrence of each item's schedule, each with its audited «create» transition, in one
transaction. One plan per year: loading the same content again returns the stored plan
(idempotent: the same text, or a text that reads to the same plan, e.g. only comments
changed); a different plan for a loaded year is refused.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import select

from adapters.clock import moscow_date
from models import Person, PersonRole
from models.plan import Plan, PlanItem, PlanOccurrence
from models.plan_machine import occurrence_machine
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, NotFound
from services.plan_spec import WHAT, PlanSpec, parse_plan_file
from services.runtime import Tx
from services.transitions import transition
from services.yaml_files import read_source

__all__ = ["assign", "load_plan_file", "plan_by_ref"]

STAFF_ROLES = (PersonRole.STAFF, PersonRole.DIRECTOR)


def load_plan_file(rt, path_or_text: str | Path, *, year: int, actor: Actor) -> int:
    """Store the plan of `year` from its YAML (a path or the text); the plan's id."""
    text, source_name = read_source(path_or_text, what=WHAT, noun="плана")
    spec = parse_plan_file(text, source_name, year=year)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with rt.transaction() as tx:
        existing = tx.session.exec(select(Plan).where(Plan.year == spec.year)).first()
        if existing is not None:
            if existing.sha256 == digest or _same_plan(existing, spec):
                return existing.id
            raise DomainError(
                f"План работы на {spec.year} год уже загружен (№{existing.id}, файл "
                f"«{existing.source_name}», {moscow_date(existing.created_at):%d.%m.%Y}); "
                f"загружаемый файл «{source_name}» от него отличается. Второй план на тот же "
                "год не загружается",
                audit={"object_kind": "plan", "object_id": existing.id, "action": "load_plan",
                       "actor": actor, "details": {"source": source_name, "sha256": digest}})
        plan = Plan(year=spec.year, title=spec.title, source=text, source_name=source_name[:300],
                    sha256=digest, created_by=actor.person_id, created_at=tx.now)
        tx.session.add(plan)
        tx.session.flush()
        occurrences = sum(_store_item(tx, plan, position, section, item, actor)
                          for position, (section, item) in enumerate(spec.items(), start=1))
        record_event(tx, object_kind="plan", object_id=plan.id, action="load_plan",
                     actor=actor, details={"source": source_name, "year": spec.year,
                                           "items": len(spec.items()),
                                           "occurrences": occurrences, "sha256": digest})
        return plan.id


def assign(rt, plan_id: int, item_code: str, login_or_person_id: str | int, *,
           actor: Actor) -> int:
    """Make a staff member of the centre (staff or the director) responsible for an item;
    the person's id. Assigning the one already responsible changes nothing."""
    with rt.transaction() as tx:
        item = _item(tx, plan_id, item_code)
        person = _person(tx, login_or_person_id)
        if person.role not in STAFF_ROLES or not person.active:
            raise DomainError(
                f"{person.full_name} — не сотрудник МКУ ИМЦ: ответственным за пункт плана "
                "назначается методист или директор центра",
                audit={"object_kind": "plan_item", "object_id": item.id,
                       "action": "assign_responsible", "actor": actor,
                       "details": {"person_id": person.id}})
        if item.responsible_id == person.id:
            return person.id
        before = tx.session.get(Person, item.responsible_id) if item.responsible_id else None
        item.responsible_id = person.id
        tx.session.add(item)
        record_event(tx, object_kind="plan_item", object_id=item.id,
                     action="assign_responsible", actor=actor,
                     details={"plan_id": plan_id, "item": item.code, "person_id": person.id,
                              "responsible": person.full_name,
                              "previous": before.full_name if before else ""})
        return person.id


def plan_by_ref(tx: Tx, ref: int) -> Plan:
    """The plan named by its year (2000–2100) or else by its number."""
    if 2000 <= ref <= 2100:
        plan = tx.session.exec(select(Plan).where(Plan.year == ref)).first()
        if plan is None:
            raise NotFound(f"План работы на {ref} год не загружен: imc plan load ФАЙЛ "
                           f"--year {ref}")
        return plan
    plan = tx.session.get(Plan, ref)
    if plan is None:
        raise NotFound(f"План работы №{ref} не найден")
    return plan


def _store_item(tx: Tx, plan: Plan, position: int, section, item, actor: Actor) -> int:
    row = PlanItem(plan_id=plan.id, code=item.code, section_code=section.code,
                   section_title=section.title, number=item.number, activity=item.activity,
                   schedule_text=item.schedule.text, schedule_kind=str(item.schedule.kind),
                   on_request=item.schedule.on_request, result=item.result,
                   process=item.process, position=position)
    tx.session.add(row)
    tx.session.flush()
    for n, occurrence in enumerate(item.schedule.occurrences, start=1):
        occ = PlanOccurrence(item_id=row.id, position=n, start=occurrence.start,
                             due=occurrence.due, created_at=tx.now, updated_at=tx.now)
        tx.session.add(occ)
        tx.session.flush()
        with transition(tx, occurrence_machine, occ, "create", actor=actor) as step:
            step.details.update(plan_id=plan.id, year=plan.year, item=item.code,
                                start=f"{occurrence.start:%d.%m.%Y}",
                                due=f"{occurrence.due:%d.%m.%Y}")
    return len(item.schedule.occurrences)


def _same_plan(existing: Plan, spec: PlanSpec) -> bool:
    """The stored text reads to the same plan (only comments or layout differ)."""
    try:
        return parse_plan_file(existing.source, existing.source_name, year=existing.year) == spec
    except DomainError:
        return False


def _item(tx: Tx, plan_id: int, code: str) -> PlanItem:
    plan = tx.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"План работы №{plan_id} не найден")
    item = tx.session.exec(select(PlanItem).where(PlanItem.plan_id == plan_id,
                                                  PlanItem.code == code.strip())).first()
    if item is None:
        codes = ", ".join(tx.session.exec(select(PlanItem.code).where(
            PlanItem.plan_id == plan_id).order_by(PlanItem.position)))
        raise NotFound(f"В плане работы на {plan.year} год нет пункта «{code}»; пункты: "
                       f"{codes}")
    return item


def _person(tx: Tx, login_or_person_id: str | int) -> Person:
    if isinstance(login_or_person_id, int):
        person = tx.session.get(Person, login_or_person_id)
        if person is None:
            raise NotFound(f"Человек №{login_or_person_id} не найден")
        return person
    login = login_or_person_id.strip()
    person = tx.session.exec(select(Person).where(Person.login == login)).first()
    if person is None:
        raise NotFound(f"Сотрудник с логином «{login}» не найден")
    return person
