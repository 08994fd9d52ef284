"""Consultations on request (plan item pract-2): a participant asks through the page or the
API (services.consultation_decisions takes it from there).

`submit_consultation` checks the form (every problem at once, nothing stored on a refusal;
the refusal is audited as consultation №0 naming only the fields at fault), refuses a second
open request with the same e-mail and topic, finds who asks the way webinar requests do — a
known person by e-mail, else the organisation by its short or full name, the typed name kept
— and creates a contact person for an unknown requester. The consent (152-ФЗ) is recorded
with its text and time. The requester gets a receipt, the centre's staff a notice.

A double click sends the same request twice at once: the duplicate check and the insert are
atomic per e-mail (SQLite: one writer at a time, BEGIN IMMEDIATE; PostgreSQL: a transaction
advisory lock on the address, `_lock_address`), so the second one is refused as a duplicate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from models import ActorKind, Person
from models.consultation import (
    CONSULTATION_FORM_LABELS,
    Consultation,
    ConsultationForm,
    ConsultationState,
)
from models.consultation_machine import consultation_machine
from services import org as orgs
from services.actors import Actor
from services.consultation_queries import KIND, card_of
from services.outbox import queue_to_person
from services.partner_input import normalize_email
from services.requesters import field_problems, name_key, requester
from services.runtime import Runtime, Tx
from services.transitions import Step, transition
from services.webinar_requests import RequestRefused, consented

SOURCES = ("page", "api")
CONSENT_TEXT = (
    "Я даю согласие МКУ ИМЦ Выселковский район на обработку моих персональных данных "
    "(фамилия, имя, отчество, организация, адрес электронной почты, телефон) в целях "
    "рассмотрения запроса на консультацию, её проведения и информирования о её результатах, "
    "в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных». "
    "Согласие действует до завершения работы по запросу и хранения его документов и может "
    "быть отозвано письменным заявлением."
)
LABELS = {
    "organisation": "Организация", "requester_name": "ФИО", "email": "E-mail",
    "phone": "Телефон", "topic": "Тема консультации", "question": "Вопрос",
    "form": "Форма консультации", "preferred_dates": "Удобные даты и время",
    "consent": "Согласие на обработку персональных данных",
}
FIELDS = tuple(k for k in LABELS if k != "consent")
REQUIRED = ("organisation", "requester_name", "email", "topic", "form")
LIMITS = {"organisation": 500, "requester_name": 300, "email": 254, "phone": 50, "topic": 500,
          "question": 5000, "preferred_dates": 500}
FORMS = {**{f.value: f for f in ConsultationForm},
         **{label: f for f, label in CONSULTATION_FORM_LABELS.items()},
         "телефон": ConsultationForm.PHONE, "очная": ConsultationForm.IN_PERSON,
         "дистанционно": ConsultationForm.ONLINE, "письменная": ConsultationForm.WRITTEN}
OPEN = (ConsultationState.SUBMITTED, ConsultationState.ASSIGNED)
# PostgreSQL advisory locks of submissions: (this namespace, a 32-bit hash of the e-mail).
SUBMIT_LOCK_SPACE = 0x494D4302
REQUESTER = {"page": "страница запроса на консультацию", "api": "API запросов на консультацию"}


class ConsultationRefused(RequestRefused):
    """A request not accepted: `problems` in Russian, `fields` the form fields at fault."""

    def __init__(self, problems: list[str], *, fields: list[str] | None = None,
                 head: str = "Запрос не принят", audit: dict | None = None) -> None:
        super().__init__(problems, head=head, audit=audit)
        self.fields = list(fields or [])


class DuplicateConsultation(ConsultationRefused):
    """The same e-mail already asked about the same topic and that request is still open."""


@dataclass(frozen=True)
class ConsultationRequest:
    """What the requester typed, trimmed; `form` as typed (a code or its Russian name)."""

    organisation: str = ""
    requester_name: str = ""
    email: str = ""
    phone: str = ""
    topic: str = ""
    question: str = ""
    form: str = ""
    preferred_dates: str = ""
    consent: bool = False

    @classmethod
    def of(cls, data: dict) -> ConsultationRequest:
        text = {k: " ".join(str(data.get(k) or "").split()) if k != "question"
                else str(data.get(k) or "").strip() for k in FIELDS}
        return cls(**text, consent=consented(data.get("consent")))

    @property
    def chosen_form(self) -> ConsultationForm | None:
        return FORMS.get(self.form.casefold())

    def field_problems(self) -> list[tuple[str, str]]:
        """(field, Russian problem) for every problem, in the order they are shown."""
        return field_problems(self, labels=LABELS, required=REQUIRED, limits=LIMITS,
                              extra=_form_choice,
                              missing={"form": "не выбрана форма консультации"})


def _form_choice(typed: ConsultationRequest) -> list[tuple[str, str]]:
    if not typed.form:
        return []
    if typed.chosen_form is None:
        choices = ", ".join(CONSULTATION_FORM_LABELS.values())
        return [("form", f"форма консультации «{typed.form[:50]}» не распознана: "
                         f"укажите {choices}")]
    return []


def submit_consultation(rt: Runtime, *, organisation: str, requester_name: str, email: str,
                        phone: str = "", topic: str, question: str = "", form: str,
                        preferred_dates: str = "", consent: bool, source: str = "page") -> int:
    """Register a request for a consultation; its id. ConsultationRefused lists every
    problem; DuplicateConsultation names the open request it repeats."""
    typed = ConsultationRequest.of(dict(
        organisation=organisation, requester_name=requester_name, email=email, phone=phone,
        topic=topic, question=question, form=form, preferred_dates=preferred_dates,
        consent=consent))
    source = source if source in SOURCES else "page"
    problems = typed.field_problems()
    with rt.transaction() as tx:
        if problems:
            fields = [f for f, _ in problems]
            raise ConsultationRefused([text for _, text in problems], fields=fields,
                                      audit=_refusal_audit(source, fields))
        address = normalize_email(typed.email)
        _lock_address(tx, address)
        _refuse_duplicate(tx, typed, address, source)
        person, org_id = requester(tx, name=typed.requester_name, address=address,
                                   phone=typed.phone, organisation=typed.organisation)
        row = Consultation(
            organisation_id=org_id, organisation_name=typed.organisation, person_id=person.id,
            requester_name=typed.requester_name, email=address, phone=typed.phone,
            topic=typed.topic, question=typed.question, form=typed.chosen_form,
            preferred_dates=typed.preferred_dates, source=source, consent_at=tx.now,
            submitted_at=tx.now, updated_at=tx.now)
        tx.session.add(row)
        tx.session.flush()
        with transition(tx, consultation_machine, row, "submit",
                        actor=Actor.participant(person)) as step:
            step.details.update(source=source, organisation_id=org_id, person_id=person.id,
                                topic=row.topic, form=str(row.form), consent_text=CONSENT_TEXT)
            _notify(tx, row, person, step)
        return row.id


def _lock_address(tx: Tx, address: str) -> None:
    """PostgreSQL: hold, until this transaction ends, the advisory lock of this e-mail, so two
    submissions from one address check for a duplicate and insert one after the other.
    SQLite needs nothing: its transactions begin with the write lock (services/db.py)."""
    if tx.session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(address.encode(), digest_size=4).digest()
    tx.session.execute(sa.text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), "
                               "CAST(:key AS integer))"),
                       {"space": SUBMIT_LOCK_SPACE,
                        "key": int.from_bytes(digest, "big", signed=True)})


def _refuse_duplicate(tx: Tx, typed: ConsultationRequest, address: str, source: str) -> None:
    rows = tx.session.exec(select(Consultation).where(
        Consultation.email == address, Consultation.state.in_(OPEN)).order_by(Consultation.id))
    same = next((c for c in rows if name_key(c.topic) == name_key(typed.topic)), None)
    if same is None:
        return
    raise DuplicateConsultation(
        [f"запрос на консультацию по теме «{same.topic}» с адреса {address} уже принят "
         f"(№{same.id}, {same.state.label}) — повторно отправлять его не нужно: сотрудники "
         "центра ответят вам письмом. Если появился новый вопрос, укажите другую тему"],
        fields=["topic"], head="Такой запрос уже есть",
        audit={"object_kind": KIND, "object_id": same.id, "action": "submit",
               "from_state": str(same.state),
               "actor": Actor(ActorKind.PARTICIPANT, None, REQUESTER[source]),
               "details": {"source": source, "duplicate_of": same.id}})


def _refusal_audit(source: str, fields: list[str]) -> dict:
    """The refused attempt, audited as consultation №0 (none was stored) with the fields at
    fault only: nothing the person typed is kept."""
    named = list(dict.fromkeys(fields))
    return {"object_kind": KIND, "object_id": 0, "action": "submit",
            "actor": Actor(ActorKind.PARTICIPANT, None, REQUESTER[source]),
            "details": {"source": source, "fields": sorted(named),
                        "error": "Запрос не принят, ошибки в полях: "
                                 + ", ".join(f"«{LABELS[f]}»" for f in named)}}


def _notify(tx: Tx, row: Consultation, person: Person, step: Step) -> None:
    context = {"consultation": card_of(tx, row), "person": person}
    queue_to_person(tx, person, key=f"{KIND}:{row.id}:received",
                    template="consultation_received", context=context,
                    object_kind=KIND, object_id=row.id, step=step)
    for member in orgs.staff(tx):
        if member.email:
            queue_to_person(tx, member, key=f"{KIND}:{row.id}:new:to:{member.id}",
                            template="consultation_staff_notice",
                            context={**context, "staff": member},
                            object_kind=KIND, object_id=row.id, step=step)
