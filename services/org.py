"""The centre, organisations and people: lookups and the cards documents are made from."""

from __future__ import annotations

from sqlmodel import select

from adapters.declension import decline_fio, guess_gender
from adapters.russian import initials_name
from models import Organisation, OrgKind, Person, PersonRole
from services.errors import NotFound
from services.runtime import Tx


def centre(tx: Tx) -> Organisation:
    org = tx.session.exec(select(Organisation).where(Organisation.kind == OrgKind.CENTRE)).first()
    if org is None:
        raise NotFound("Карточка МКУ ИМЦ не загружена: выполните «imc seed»")
    return org


def director(tx: Tx) -> Person:
    stmt = select(Person).where(Person.role == PersonRole.DIRECTOR, Person.active)
    person = tx.session.exec(stmt).first()
    if person is None:
        raise NotFound("В карточке МКУ ИМЦ не указан директор: выполните «imc seed»")
    return person


def staff(tx: Tx) -> list[Person]:
    stmt = select(Person).where(Person.role == PersonRole.STAFF, Person.active).order_by(Person.id)
    return list(tx.session.exec(stmt))


def staff_by_login(tx: Tx, login: str) -> Person:
    stmt = select(Person).where(Person.login == login, Person.active)
    person = tx.session.exec(stmt).first()
    if person is None or person.role not in (PersonRole.STAFF, PersonRole.DIRECTOR):
        raise NotFound(f"Сотрудник с логином «{login}» не найден")
    return person


def head_of(tx: Tx, org_id: int) -> Person:
    stmt = select(Person).where(
        Person.organisation_id == org_id, Person.role == PersonRole.HEAD, Person.active
    )
    person = tx.session.exec(stmt).first()
    if person is None:
        raise NotFound(f"У организации №{org_id} не указан руководитель")
    return person


def fill_cases(person: Person) -> Person:
    """Prefill the gender and the declined forms of the ФИО where staff have not set them.

    The gender is pytrovich's guess: the patronymic decides; without one the first name and
    the surname («Смирнова Анна») still usually tell. When they do not («Черных Саша») it
    stays "" and letters greet the person neutrally."""
    if not person.gender:
        person.gender = guess_gender(person.last_name, person.first_name,
                                     person.middle_name or "") or ""
    cases = decline_fio(person.last_name, person.first_name, person.middle_name,
                        person.gender or None)
    for case in ("genitive", "dative", "accusative", "instrumental", "prepositional"):
        field = f"fio_{case}"
        if not getattr(person, field):
            setattr(person, field, cases[case])
    return person


def acting_word(person: Person) -> str:
    """«действующего» / «действующей» by the head's gender."""
    return "действующей" if person.gender == "female" else "действующего"


def org_card(org: Organisation, head: Person) -> dict:
    """The requisites of one side of a document, in the shape the Word templates use."""
    return {
        "full_name": org.full_name,
        "short_name": org.short_name,
        "legal_address": org.legal_address,
        "municipality": org.municipality,
        "phone": org.phone,
        "email": org.email,
        "inn": org.inn or "",
        "ogrn": org.ogrn or "",
        "basis_genitive": org.basis_genitive,
        "head_position": head.position,
        "head_position_genitive": head.position_genitive or head.position.lower(),
        "head_fio": head.full_name,
        "head_fio_genitive": head.fio_genitive or head.full_name,
        "head_fio_dative": head.fio_dative or head.full_name,
        "head_acting": acting_word(head),
        "head_signature": initials_name(head.last_name, head.first_name, head.middle_name),
    }


def centre_card(tx: Tx) -> dict:
    return org_card(centre(tx), director(tx))



def staff_actor(rt, login: str):
    """The Actor of a staff member (or the director) named by login."""
    from services.actors import Actor

    with rt.transaction() as tx:
        return Actor.person(staff_by_login(tx, login))
