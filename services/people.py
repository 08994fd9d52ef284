"""People's cards: adding an organisation's people (deputies, heads, contacts), listing them,
and what staff may correct (addresses, positions, the declined ФИО). The card as typed is
checked in services.people_card, the organisation found in services.people_directory."""

from __future__ import annotations

from sqlmodel import select

from models import Organisation, Person, PersonRole
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, NotFound
from services.org import fill_cases
from services.partner_input import EMAIL_PATTERN, MSG_EMAIL, normalize_email
from services.people_card import PersonCard, check_card, parse_role, position_genitive
from services.people_directory import Directory
from services.runtime import Runtime, Tx

EDITABLE = ("email", "phone", "position", "position_genitive", "fio_genitive", "fio_dative",
            "fio_accusative", "fio_instrumental", "fio_prepositional")
ROLE_LABELS = {
    PersonRole.DIRECTOR: "директор ИМЦ", PersonRole.STAFF: "сотрудник ИМЦ",
    PersonRole.HEAD: "руководитель", PersonRole.DEPUTY: "заместитель",
    PersonRole.EXPERT: "эксперт", PersonRole.CONTACT: "контакт",
}

MSG_NOT_ADDED = "Человек не добавлен: {reasons}"


def create(tx: Tx, org: Organisation, card: PersonCard, actor: Actor, details: dict) -> Person:
    """Insert the person, the ФИО declined, with an audit entry (`person`, `create`)."""
    person = Person(organisation_id=org.id, role=card.role, last_name=card.last_name,
                    first_name=card.first_name, middle_name=card.middle_name,
                    gender=card.gender, position=card.position,
                    position_genitive=position_genitive(card.position), email=card.email,
                    phone=card.phone, created_at=tx.now)
    tx.session.add(fill_cases(person))
    tx.session.flush()
    record_event(tx, object_kind="person", object_id=person.id, action="create", actor=actor,
                 details={"organisation_id": org.id, "organisation": org.short_name,
                          "role": str(card.role), "email": card.email, **details})
    return person


def add_person(rt: Runtime, *, organisation_id: int | str, role: PersonRole | str,
               last_name: str, first_name: str, middle_name: str = "", position: str,
               email: str, phone: str = "", gender: str | None = None, actor: Actor) -> int:
    """Add a deputy, head or contact to an organisation (its number, or its short name as
    typed); every problem in one Russian DomainError, and then nothing is stored."""
    card, problems = check_card({
        "role": role, "last_name": last_name, "first_name": first_name,
        "middle_name": middle_name, "position": position, "email": email, "phone": phone,
        "gender": gender})
    with rt.transaction() as tx:
        directory = Directory.load(tx.session)
        org, missing = directory.find(organisation_id)
        problems += [missing] if missing else []
        if org is not None and card is not None:
            problems += directory.clashes(org, card)
        if problems:
            reasons = problems[0] if len(problems) == 1 else "".join(
                f"\n  • {p}" for p in problems)
            raise DomainError(MSG_NOT_ADDED.format(reasons=reasons))
        return create(tx, org, card, actor, {"source": "manual"}).id


def list_people(rt: Runtime, *, organisation: int | str | None = None,
                role: PersonRole | str | None = None) -> list[dict[str, str]]:
    """Active people of organisations (the centre's too) as plain rows, by organisation,
    role (heads first) and name."""
    try:
        wanted_role = parse_role(role, addable=False) if role else None
    except ValueError as err:
        raise DomainError(str(err).capitalize()) from err
    with rt.session() as session:
        directory = Directory.load(session)
    wanted = None
    if organisation is not None:
        wanted, missing = directory.find(organisation)
        if wanted is None:
            raise NotFound(missing.capitalize())
    orgs = {o.id: o for o in directory.orgs}
    order = {r: i for i, r in enumerate(PersonRole)}
    people = sorted(directory.people, key=lambda p: (orgs[p.organisation_id].short_name,
                                                     order[p.role]))  # stable: names kept
    return [{"id": str(p.id), "full_name": p.full_name, "role": str(p.role),
             "role_label": ROLE_LABELS[p.role], "position": p.position,
             "organisation": orgs[p.organisation_id].short_name,
             "organisation_id": str(p.organisation_id), "email": p.email, "phone": p.phone}
            for p in people if (wanted is None or p.organisation_id == wanted.id)
            and (wanted_role is None or p.role == wanted_role)]


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
        if not EMAIL_PATTERN.fullmatch(changes["email"]):
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
