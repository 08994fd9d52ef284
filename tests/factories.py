"""Factory helpers for tests: partners, staff actors, link tokens out of queued mail."""

from __future__ import annotations

from sqlmodel import select

from models import Organisation, OrgKind, OutboxEmail, Person, PersonRole
from services.actors import Actor
from services.links import tokens_in
from services.org import fill_cases


def make_partner(rt, n: int = 1, *, municipality: str = "Кореновский район",
                 female: bool = True) -> int:
    """A partner organisation with its head, straight into the store."""
    with rt.transaction() as tx:
        org = Organisation(kind=OrgKind.PARTNER,
                           full_name=f"Муниципальное бюджетное общеобразовательное учреждение "
                                     f"средняя общеобразовательная школа № {n} «Истоки & Ко»",
                           short_name=f"МБОУ СОШ № {n}", municipality=municipality,
                           legal_address=f"353180, Краснодарский край, г. Кореновск, ул. Мира, {n}",
                           inn=None, phone="8 (86142) 4-00-00", email=f"school{n}@example.org",
                           created_at=tx.now)
        tx.session.add(org)
        tx.session.flush()
        if female:
            names = dict(last_name="Петрова", first_name="Анна", middle_name="Сергеевна")
        else:
            names = dict(last_name="Смирнов", first_name="Игорь", middle_name="Петрович")
        head = Person(organisation_id=org.id, role=PersonRole.HEAD, position="Директор",
                      position_genitive="директора", email=f"head{n}@school{n}.example.org",
                      created_at=tx.now, **names)
        tx.session.add(fill_cases(head))
        return org.id


def staff_actor(rt, login: str = "ivanova") -> Actor:
    with rt.session() as s:
        return Actor.person(s.exec(select(Person).where(Person.login == login)).one())


def director_actor(rt) -> Actor:
    return staff_actor(rt, "verzunova")


def emails(rt, **where) -> list[OutboxEmail]:
    with rt.session() as s:
        stmt = select(OutboxEmail).order_by(OutboxEmail.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(OutboxEmail, key) == value)
        return list(s.exec(stmt))


def link_token(mail: OutboxEmail) -> str:
    return tokens_in(mail.text_body)[0]


def make_school(rt, n: int, *, municipality: str = "Выселковский район") -> int:
    """A school of the district with its head (the contests' applicants)."""
    with rt.transaction() as tx:
        org = Organisation(kind=OrgKind.SCHOOL,
                           full_name=f"Муниципальное бюджетное общеобразовательное учреждение "
                                     f"средняя общеобразовательная школа № {n} ст. Выселки",
                           short_name=f"МБОУ СОШ № {n} ст. Выселки", municipality=municipality,
                           legal_address=f"353100, Краснодарский край, ст. Выселки, "
                                         f"ул. Школьная, {n}",
                           inn=None, phone="8 (86157) 7-00-00",
                           email=f"sosh{n}@vyselki.example.org",
                           created_at=tx.now)
        tx.session.add(org)
        tx.session.flush()
        head = Person(organisation_id=org.id, role=PersonRole.HEAD, position="Директор",
                      position_genitive="директора", last_name="Кузнецова", first_name="Мария",
                      middle_name="Ивановна", email=f"director@sosh{n}.example.org",
                      created_at=tx.now)
        tx.session.add(fill_cases(head))
        return org.id
