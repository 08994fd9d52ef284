"""Consultations on request (plan item pract-2): a participant asks through the page or the
API (services.consultation_decisions takes it from there).

`submit_consultation` checks the form (every problem at once, nothing stored on a refusal;
the refusal is audited as consultation №0 naming only the fields at fault), finds who asks the
way webinar requests do — a known person by e-mail, else the organisation by its short or
full name, the typed name kept — and creates a contact person for an unknown requester. The
consent (152-ФЗ, `consent_text`: the operator named by the centre's card) is recorded with its
text and time. The requester gets a receipt, the centre's staff a notice.

A second open request with the same e-mail and topic is not stored. Whoever typed the address
need not own it, so the answer tells nothing about the request it repeats (DUPLICATE_TEXT);
the address's owner gets a letter (at most one a day per request) with its number and state.

A double click sends the same request twice at once: the duplicate check and the insert are
atomic per e-mail (SQLite: one writer at a time, BEGIN IMMEDIATE; PostgreSQL: a transaction
advisory lock on the address, `_lock_address`), so the second one is refused as a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from adapters.clock import moscow_date
from models import ActorKind, OutboxEmail, Person
from models.consultation import (
    CONSULTATION_FORM_LABELS,
    Consultation,
    ConsultationForm,
    ConsultationState,
)
from models.consultation_machine import consultation_machine
from services import org as orgs
from services.actors import Actor
from services.audit import record_refusal
from services.consultation_queries import KIND, card_of
from services.db import advisory_lock
from services.outbox import queue_email, queue_to_person
from services.partner_input import normalize_email
from services.requesters import field_problems, name_key, requester
from services.runtime import Runtime, Tx
from services.transitions import Step, transition
from services.webinar_requests import RequestRefused, consented

SOURCES = ("page", "api")
# The consent (152-ФЗ) in the words of the open webinar registration's; the operator's names
# and address come from the centre's card (data/centre.yaml), see `consent_text`.
CONSENT_TEMPLATE = (
    "Я даю согласие оператору — {full_name} ({short_name}), адрес: {address}, — на обработку "
    "моих персональных данных — фамилии, имени, отчества, наименования организации, адреса "
    "электронной почты, телефона и сведений, указанных в запросе, — в целях рассмотрения "
    "запроса на консультацию, её проведения, информирования меня о ней и о её результатах, а "
    "также учёта консультаций в отчётности {short_name}, в соответствии с Федеральным законом "
    "от 27.07.2006 № 152-ФЗ «О персональных данных». Обработка включает сбор, запись, "
    "хранение, использование и удаление данных, в том числе с использованием средств "
    "автоматизации. Согласие действует три года со дня его предоставления и может быть "
    "отозвано в любой момент письменным заявлением в {short_name}."
)
# What anyone who sends a duplicate is told: nothing of the request it repeats.
DUPLICATE_TEXT = ("запрос с этого адреса по этой теме уже получен — повторно отправлять его "
                  "не нужно: ответ придёт на этот адрес письмом")
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
REQUESTER = {"page": "страница запроса на консультацию", "api": "API запросов на консультацию"}


class ConsultationRefused(RequestRefused):
    """A request not accepted: `problems` in Russian, `fields` the form fields at fault."""

    def __init__(self, problems: list[str], *, fields: list[str] | None = None,
                 head: str = "Запрос не принят", audit: dict | None = None) -> None:
        super().__init__(problems, head=head, audit=audit)
        self.fields = list(fields or [])


class DuplicateConsultation(ConsultationRefused):
    """The same e-mail already asked about the same topic and that request is still open; the
    message (DUPLICATE_TEXT) names neither that request nor its state."""


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
    problem; DuplicateConsultation says only that such a request is already in (its owner is
    told which one by letter)."""
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
        same = _open_duplicate(tx, typed, address)
        if same is not None:
            letter = _tell_owner(tx, same)
        else:
            return _store(tx, typed, address, source)
    raise _refuse_duplicate(rt, same, letter, source)


def _store(tx: Tx, typed: ConsultationRequest, address: str, source: str) -> int:
    """The new request, its audited submission and its letters; its id."""
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
                            topic=row.topic, form=str(row.form), consent_text=consent_text(tx))
        _notify(tx, row, person, step)
    return row.id


def consent_text(tx: Tx) -> str:
    """The consent a requester gives, the operator named by the centre's card."""
    centre = orgs.centre(tx)
    return CONSENT_TEMPLATE.format(full_name=centre.full_name, short_name=centre.short_name,
                                   address=centre.legal_address)


def consent_view(rt: Runtime) -> str:
    """The consent text the request page shows; reading changes nothing."""
    with rt.session() as session:
        return consent_text(Tx(session, rt))


def _lock_address(tx: Tx, address: str) -> None:
    """Two submissions from one address check for a duplicate and insert one after the
    other (services.db.advisory_lock)."""
    advisory_lock(tx.session, f"consultation-submit:{address}")


def _open_duplicate(tx: Tx, typed: ConsultationRequest, address: str) -> Consultation | None:
    """The open request from this address on the same topic, if there is one."""
    rows = tx.session.exec(select(Consultation).where(
        Consultation.email == address, Consultation.state.in_(OPEN)).order_by(Consultation.id))
    return next((c for c in rows if name_key(c.topic) == name_key(typed.topic)), None)


def _tell_owner(tx: Tx, same: Consultation) -> OutboxEmail | None:
    """The letter to the address's owner naming their open request and its state; at most one
    a day per request, however often the form is sent again."""
    person = tx.session.get(Person, same.person_id) if same.person_id else None
    if person is None:
        return None
    return queue_email(tx, key=f"{KIND}:{same.id}:duplicate:{moscow_date(tx.now):%Y-%m-%d}",
                       template="consultation_duplicate", to_addr=same.email,
                       to_name=same.requester_name, person_id=person.id,
                       context={"consultation": card_of(tx, same), "person": person},
                       object_kind=KIND, object_id=same.id)


def _refuse_duplicate(rt: Runtime, same: Consultation, letter: OutboxEmail | None,
                      source: str) -> DuplicateConsultation:
    """The neutral refusal, audited on the request it repeats (the letter is already queued,
    so the refusal is recorded here rather than by rolling a transaction back)."""
    refused = DuplicateConsultation(
        [DUPLICATE_TEXT], fields=["topic"], head="Запрос уже получен",
        audit={"object_kind": KIND, "object_id": same.id, "action": "submit",
               "from_state": str(same.state),
               "actor": Actor(ActorKind.PARTICIPANT, None, REQUESTER[source]),
               "details": {"source": source, "duplicate_of": same.id,
                           "email_id": letter.id if letter is not None else None}})
    record_refusal(rt, refused)
    return refused


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
