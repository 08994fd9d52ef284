"""Test builders for webinar cycles: a plan loaded, announced, people registered by link.

Shared by the webinar tests (registration, reminders, attendance, certificates, report).
"""

from __future__ import annotations

from sqlmodel import select

from models import Person, PersonRole, Registration, WebinarSession
from services.org import fill_cases
from services.webinar_invitations import announce
from services.webinar_plan import load_plan
from services.webinar_registration import register
from tests.factories import emails, link_token, make_school, staff_actor
from tests.test_webinar_plan import plan, session


def make_deputy(rt, org_id: int, n: int) -> int:
    """A deputy head of a school (the deputies' segment)."""
    with rt.transaction() as tx:
        p = Person(organisation_id=org_id, role=PersonRole.DEPUTY, position="Заместитель директора",
                   last_name="Заместитель", first_name="Ольга", middle_name="Петровна",
                   gender="female", email=f"deputy{n}@example.org", created_at=tx.now)
        tx.session.add(fill_cases(p))
        tx.session.flush()
        return p.id


def make_cycle(rt, *blocks: str, rule: str = "per_session", min_sessions: int | None = None,
               min_minutes: int = 30) -> tuple[int, list[int]]:
    """Load a plan from session blocks (tests.test_webinar_plan.session); (cycle, session ids)."""
    head = ('title: "Осенний цикл"\ngoal: "Цель"\nyear: 2024\n'
            f"min_minutes: {min_minutes}\ncertificate:\n  rule: {rule}\n")
    if min_sessions is not None:
        head += f"  min_sessions: {min_sessions}\n"
    blocks = blocks or (session("Первый", "2024-10-15 15:00", segment="heads"),
                        session("Второй", "2024-10-29 15:00", segment="heads"))
    cycle_id = load_plan(rt, plan(*blocks, head=head), actor=staff_actor(rt))
    with rt.session() as s:
        ids = list(s.exec(select(WebinarSession.id).where(WebinarSession.cycle_id == cycle_id)
                          .order_by(WebinarSession.position)))
    return cycle_id, ids


def announced_cycle(rt, schools: int = 3, **kwargs) -> tuple[int, list[int]]:
    """`schools` district schools (heads director@soshN.example.org), a cycle announced."""
    for n in range(1, schools + 1):
        make_school(rt, n)
    cycle_id, ids = make_cycle(rt, **kwargs)
    announce(rt, cycle_id, actor=staff_actor(rt))
    return cycle_id, ids


def invitation_token(rt, session_id: int, email: str) -> str:
    [mail] = [m for m in emails(rt, template="webinar_invitation", object_id=session_id)
              if m.to_addr == email]
    return link_token(mail)


def register_by_email(rt, session_id: int, email: str) -> str:
    """Register the invited person through their personal link; the registration's state."""
    return register(rt, invitation_token(rt, session_id, email))


def registration_of(rt, session_id: int, email: str) -> Registration:
    with rt.session() as s:
        return s.exec(select(Registration).join(Person, Person.id == Registration.person_id)
                      .where(Registration.session_id == session_id, Person.email == email)).one()
