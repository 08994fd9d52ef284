"""People's cards: what staff may correct (addresses, positions, the declined ФИО)."""

from __future__ import annotations

from sqlmodel import select

from models import Person
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, NotFound
from services.partner_input import _EMAIL, MSG_EMAIL, normalize_email
from services.runtime import Runtime, Tx

EDITABLE = ("email", "phone", "position", "position_genitive", "fio_genitive", "fio_dative",
            "fio_accusative", "fio_instrumental", "fio_prepositional")


def find(tx: Tx, ref: str | int) -> Person:
    """A person by id or by staff login."""
    text = str(ref).strip()
    stmt = select(Person).where(Person.id == int(text)) if text.isdigit() else select(
        Person).where(Person.login == text)
    person = tx.session.exec(stmt).first()
    if person is None:
        raise NotFound(f"Человек «{text}» не найден (укажите номер или логин сотрудника)")
    return person


def card(rt: Runtime, ref: str | int) -> dict:
    with rt.transaction() as tx:
        p = find(tx, ref)
        return {"id": p.id, "full_name": p.full_name, "role": str(p.role), "login": p.login,
                **{field: getattr(p, field) for field in EDITABLE}}


def edit(rt: Runtime, ref: str | int, changes: dict[str, str], *, actor: Actor) -> dict:
    """Correct a person's card; every change is audited with its old and new value."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(f"Эти поля менять нельзя: {', '.join(sorted(unknown))}")
    if "email" in changes:
        changes["email"] = normalize_email(changes["email"])
        if not _EMAIL.fullmatch(changes["email"]):
            raise DomainError(MSG_EMAIL.format(value=changes["email"]))
    with rt.transaction() as tx:
        person = find(tx, ref)
        diff = {k: {"было": getattr(person, k), "стало": v.strip()}
                for k, v in changes.items() if getattr(person, k) != v.strip()}
        for field, values in diff.items():
            setattr(person, field, values["стало"])
        tx.session.add(person)
        if diff:
            record_event(tx, object_kind="person", object_id=person.id, action="edit",
                         actor=actor, details=diff)
        return diff
