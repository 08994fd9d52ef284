"""The open registration page of a webinar session: anyone with the page's address registers
by name and e-mail, with the personal-data consent (152-ФЗ).

The person is found by e-mail (case-insensitive) or created as a contact; an existing card is
never changed from this unauthenticated form. Registration then goes as through the personal
link (`webinar_registration.enrol`): the confirmation with the .ics and the personal link to
cancel, or the waiting list when the session is full. Every refusal is audited against the
session; a refusal without consent stores none of the entered personal data.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from sqlalchemy import func
from sqlmodel import or_, select

from adapters.clock import moscow_date
from models import ActorKind, Organisation, Person, PersonRole
from models.webinar import Registration, RegistrationState as R, WebinarSession
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, IllegalTransition, NotFound
from services.org import fill_cases
from services.outbox import queue_to_person
from services.partner_input import EMAIL_PATTERN
from services.runtime import Runtime, Tx
from services.webinar_invitations import KIND, personal_link, session_card as letter_card
from services.webinar_links import closed_reason, registration_of, session_card, taken_places
from services.webinar_queries import get_session
from services.webinar_registration import REG_KIND, enrol, locked_session

SOURCE = "page"
CONSENT_TEXT = (
    "Я даю согласие МКУ ИМЦ Выселковский район (муниципальному казенному учреждению "
    "информационно-методическому центру) на обработку моих персональных данных — фамилии, "
    "имени, отчества, адреса электронной почты, наименования организации, должности и "
    "телефона — в целях регистрации на вебинар, направления мне приглашения для календаря, "
    "напоминаний, материалов вебинара и сертификата участника, а также учёта участия в "
    "отчётности МКУ ИМЦ, в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ "
    "«О персональных данных». Обработка включает сбор, запись, хранение, использование и "
    "удаление данных, в том числе с использованием средств автоматизации. Согласие "
    "действует три года со дня его предоставления и может быть отозвано в любой момент "
    "письменным заявлением в МКУ ИМЦ Выселковский район."
)
CONSENT_VERSION = hashlib.sha256(CONSENT_TEXT.encode()).hexdigest()[:12]

LABELS = {"last_name": "Фамилия", "first_name": "Имя", "middle_name": "Отчество",
          "email": "E-mail", "organisation": "Организация", "position": "Должность",
          "phone": "Телефон"}
LIMITS = {"last_name": 100, "first_name": 100, "middle_name": 100, "email": 254,
          "organisation": 500, "position": 200, "phone": 50}
REQUIRED = ("last_name", "first_name", "email", "organisation", "position")
ANONYMOUS = Actor(ActorKind.PARTICIPANT, None, "открытая страница регистрации")


@dataclass(frozen=True)
class OpenForm:
    last_name: str
    first_name: str
    middle_name: str
    email: str
    organisation: str
    position: str
    phone: str = ""

    @classmethod
    def of(cls, **values) -> OpenForm:
        text = {k: " ".join(str(values.get(k) or "").split()) for k in LABELS}
        text["email"] = text["email"].lower()
        return cls(**text)

    def problems(self) -> dict[str, str]:
        """Each field's problem in Russian (empty when the form is fine)."""
        found = {f: f"не заполнено поле «{LABELS[f]}»" for f in REQUIRED if not getattr(self, f)}
        found.update({f: f"поле «{LABELS[f]}» длиннее {n} символов"
                      for f, n in LIMITS.items() if len(getattr(self, f)) > n})
        if self.email and "email" not in found and not EMAIL_PATTERN.fullmatch(self.email):
            found["email"] = f"«{self.email}» не похож на адрес электронной почты"
        return found


def register_open(rt: Runtime, session_id: int, *, last_name: str, first_name: str,
                  middle_name: str, email: str, organisation: str, position: str,
                  phone: str = "", consent: bool) -> str:
    """Register from the open page; the registration's state (registered or waiting)."""
    form = OpenForm.of(last_name=last_name, first_name=first_name, middle_name=middle_name,
                       email=email, organisation=organisation, position=position, phone=phone)
    with rt.transaction() as tx:
        row = locked_session(tx, session_id)
        if row is None:
            raise NotFound(f"Вебинар №{session_id} не найден")
        problems = form.problems()
        if consent is not True:
            problems["consent"] = ("без согласия на обработку персональных данных "
                                   "регистрация невозможна")
        if problems:  # the audit names the fields only: nothing of the person is kept
            _refuse(row, "Регистрация не принята: " + "; ".join(problems.values()),
                    {"fields": sorted(problems)}, kind=DomainError)
        closed = closed_reason(tx, row)
        if closed:
            _refuse(row, closed.replace("Регистрация закрыта", "Регистрация невозможна"), {})
        person, created = _person(tx, form)
        actor = Actor.participant(person)
        reg = registration_of(tx, row.id, person.id)
        if reg is not None and reg.state != R.CANCELLED:
            return _repeat(tx, row, person, reg, actor)
        reg = reg or Registration(session_id=row.id, person_id=person.id, source=SOURCE,
                                  registered_at=tx.now, created_at=tx.now, updated_at=tx.now)
        enrol(tx, row, person, reg, actor=actor, source=SOURCE, consent=True)
        # What the form said beyond the card (an unmatched organisation has no other place).
        record_event(tx, object_kind=REG_KIND, object_id=reg.id, action="open_registration",
                     actor=actor, state=str(reg.state),
                     details={"session_id": row.id, "new_person": created,
                              "consent_version": CONSENT_VERSION, **asdict(form)})
        return str(reg.state)


def _repeat(tx: Tx, row: WebinarSession, person: Person, reg: Registration,
            actor: Actor) -> str:
    """The form sent again for an address already registered (or waiting). The page answers
    as it would a new registration — what a new one would get now — so nobody learns from it
    who registered; the address's owner gets a letter (at most one a day) with their state
    and personal link. Nothing else changes."""
    mail = queue_to_person(
        tx, person, key=f"{REG_KIND}:{reg.id}:already:{moscow_date(tx.now):%Y-%m-%d}",
        template="webinar_already_registered",
        context={"webinar": letter_card(row), "link": personal_link(tx, row, person),
                 "waiting": reg.state == R.WAITING, "person": person},
        object_kind=REG_KIND, object_id=reg.id)
    record_event(tx, object_kind=REG_KIND, object_id=reg.id, action="register_open_again",
                 actor=actor, state=str(reg.state),
                 details={"session_id": row.id, "email_id": mail.id})
    return str(R.WAITING if taken_places(tx, row.id) >= row.capacity else R.REGISTERED)


def open_view(rt: Runtime, session_id: int) -> dict:
    """The open page's session card and the consent text; reading changes nothing."""
    with rt.session() as session:
        tx = Tx(session, rt)
        row = get_session(session, session_id)
        return {**session_card(tx, row), "consent_text": CONSENT_TEXT}


def _person(tx: Tx, form: OpenForm) -> tuple[Person, bool]:
    """The person with this e-mail (an active one first), or a new contact."""
    found = tx.session.exec(select(Person).where(func.lower(Person.email) == form.email)
                            .order_by(Person.active.desc(), Person.id)).first()
    if found is not None:
        return found, False
    org = tx.session.exec(select(Organisation).where(or_(
        Organisation.short_name == form.organisation,
        Organisation.full_name == form.organisation)).order_by(Organisation.id)).first()
    person = Person(organisation_id=org.id if org else None, role=PersonRole.CONTACT,
                    last_name=form.last_name, first_name=form.first_name,
                    middle_name=form.middle_name, position=form.position, email=form.email,
                    phone=form.phone, created_at=tx.now)
    tx.session.add(fill_cases(person))
    tx.session.flush()
    return person, True


def _refuse(row: WebinarSession, message: str, details: dict, *, actor: Actor = ANONYMOUS,
            kind: type[DomainError] = IllegalTransition):
    raise kind(message, obj=row, audit={
        "object_kind": KIND, "object_id": row.id, "action": "register_open",
        "from_state": str(row.state), "actor": actor,
        "details": {"source": SOURCE, **details}})
