"""The contest's expert panel and declared conflicts of interest."""

from __future__ import annotations

from sqlmodel import select

from models import ContestExpert, ExpertConflict, Organisation, Person, PersonRole
from services import contests
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, NotFound
from services.org import fill_cases
from services.partner_input import EMAIL_PATTERN
from services.runtime import Runtime


def add_expert(rt: Runtime, contest_id: int, *, last_name: str, first_name: str,
               middle_name: str = "", email: str, position: str = "",
               organisation_id: int | None = None, actor: Actor) -> int:
    """Put a person on the contest's panel (an existing one found by email, or a new one)."""
    address = email.strip().lower()
    if not EMAIL_PATTERN.fullmatch(address):
        raise DomainError(f"«{email}» не похож на адрес электронной почты")
    with rt.transaction() as tx:
        contests.get(tx, contest_id)
        if organisation_id is not None and tx.session.get(Organisation, organisation_id) is None:
            raise NotFound(f"Организация №{organisation_id} не найдена")
        person = tx.session.exec(select(Person).where(Person.email == address,
                                                      Person.role == PersonRole.EXPERT)).first()
        if person is None:
            person = fill_cases(Person(role=PersonRole.EXPERT, last_name=last_name.strip(),
                                       first_name=first_name.strip(),
                                       middle_name=middle_name.strip(), email=address,
                                       position=position.strip(),
                                       organisation_id=organisation_id, created_at=tx.now))
            tx.session.add(person)
            tx.session.flush()
        on_panel = tx.session.exec(select(ContestExpert).where(
            ContestExpert.contest_id == contest_id, ContestExpert.person_id == person.id)).first()
        if on_panel is None:
            tx.session.add(ContestExpert(contest_id=contest_id, person_id=person.id,
                                         added_at=tx.now))
            record_event(tx, object_kind="contest", object_id=contest_id, action="add_expert",
                         actor=actor, details={"expert": person.full_name})
        return person.id


def declare_conflict(rt: Runtime, contest_id: int, expert_id: int, organisation_id: int, *,
                     note: str = "", actor: Actor) -> None:
    """An expert declares a conflict of interest with an organisation; never assigned to it."""
    with rt.transaction() as tx:
        contest, spec = contests.get(tx, contest_id)
        if expert_id not in {p.id for p in panel(tx, contest_id)}:
            raise NotFound(f"Эксперт №{expert_id} не входит в состав экспертов конкурса "
                           f"№{contest_id}")
        if tx.session.get(Organisation, organisation_id) is None:
            raise NotFound(f"Организация №{organisation_id} не найдена")
        exists = tx.session.exec(select(ExpertConflict).where(
            ExpertConflict.contest_id == contest_id, ExpertConflict.expert_id == expert_id,
            ExpertConflict.organisation_id == organisation_id)).first()
        if exists is None:
            tx.session.add(ExpertConflict(contest_id=contest_id, expert_id=expert_id,
                                          organisation_id=organisation_id, declared_at=tx.now,
                                          note=note))
            record_event(tx, object_kind="contest", object_id=contest_id,
                         action="declare_conflict", actor=actor,
                         details={"expert_id": expert_id, "organisation_id": organisation_id})
            tx.session.flush()
            _unassign_conflicted(tx, contest, spec, expert_id, organisation_id, actor)


def _unassign_conflicted(tx, contest, spec, expert_id: int, organisation_id: int,
                         actor: Actor) -> None:
    """A conflict declared during review: the expert leaves that organisation's applications
    (a score already given does not count) and another expert takes their place."""
    from models import Application, Assignment
    from services.contest_review import swap

    stmt = select(Application).join(Assignment, Assignment.application_id == Application.id
                                    ).where(Assignment.expert_id == expert_id, Assignment.active,
                                            Application.organisation_id == organisation_id,
                                            Application.contest_id == contest.id)
    for app in tx.session.exec(stmt).all():
        swap(tx, contest, spec, app, expert_id, actor=actor,
             reason="эксперт заявил о конфликте интересов")


def panel(tx, contest_id: int) -> list[Person]:
    stmt = select(Person).join(ContestExpert, ContestExpert.person_id == Person.id).where(
        ContestExpert.contest_id == contest_id).order_by(Person.id)
    return list(tx.session.exec(stmt))


def conflicts(tx, contest_id: int) -> dict[int, frozenset[int]]:
    pairs: dict[int, set[int]] = {}
    for c in tx.session.exec(select(ExpertConflict).where(ExpertConflict.contest_id == contest_id)):
        pairs.setdefault(c.expert_id, set()).add(c.organisation_id)
    return {k: frozenset(v) for k, v in pairs.items()}
