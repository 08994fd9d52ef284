"""Webinars on request: an organisation asks for a webinar through the page or the API.

`submit_request` checks the form (every problem at once, nothing stored on a refusal; the
refusal is audited as `webinar_request` №0 naming only the fields at fault, nothing the
person typed), finds
who asks — a known person by e-mail, else the organisation by its short or full name — and
creates a contact person for an unknown requester, so that the letters and, once the webinar
is scheduled, the personal invitation can reach them. The requester gets a receipt, the
centre's staff a notice. Staff then schedule or decline it (services.webinar_request_decisions).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from models import ActorKind, Organisation, Person
from models.webinar import WebinarSession
from models.webinar_machine import request_machine
from models.webinar_request import RequestState, WebinarRequest
from services import org as orgs
from services.actors import Actor
from services.errors import DomainError, NotFound
from services.outbox import queue_to_person
from services.partner_input import normalize_email
from services.requesters import field_problems, requester
from services.runtime import Runtime, Tx
from services.transitions import Step, transition
from services.webinar_queries import moscow_time

KIND = "webinar_request"
SOURCES = ("page", "api")
CONSENT_TEXT = (
    "Я даю согласие МКУ ИМЦ Выселковский район на обработку моих персональных данных "
    "(фамилия, имя, отчество, организация, адрес электронной почты, телефон) в целях "
    "рассмотрения запроса на вебинар, его организации и информирования о нём, в соответствии "
    "с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных». Согласие действует "
    "до завершения работы по запросу и хранения его документов и может быть отозвано "
    "письменным заявлением."
)
LABELS = {
    "organisation": "Организация", "requester_name": "ФИО", "email": "E-mail",
    "phone": "Телефон", "topic": "Тема вебинара", "audience": "Аудитория",
    "preferred_dates": "Желаемые даты", "comment": "Комментарий",
    "consent": "Согласие на обработку персональных данных",
}
FIELDS = tuple(k for k in LABELS if k != "consent")
REQUIRED = ("organisation", "requester_name", "email", "topic")
LIMITS = {"organisation": 500, "requester_name": 300, "email": 254, "phone": 50, "topic": 500,
          "audience": 500, "preferred_dates": 500, "comment": 5000}
TRUTHY = ("1", "true", "on", "да", "yes", "+", "согласен", "согласна")
REQUESTER = {"page": "страница запроса на вебинар", "api": "API запросов на вебинар"}


class RequestRefused(DomainError):
    """A request not accepted; `problems` lists every reason, one Russian sentence each."""

    def __init__(self, problems: list[str], *, head: str = "Запрос не принят",
                 audit: dict | None = None) -> None:
        super().__init__(f"{head}: " + "; ".join(problems), audit=audit)
        self.problems = problems


@dataclass(frozen=True)
class RequestForm:
    """What the requester typed, trimmed; `consent` from a checkbox or a JSON boolean."""

    organisation: str = ""
    requester_name: str = ""
    email: str = ""
    phone: str = ""
    topic: str = ""
    audience: str = ""
    preferred_dates: str = ""
    comment: str = ""
    consent: bool = False

    @classmethod
    def of(cls, data: dict) -> RequestForm:
        text = {k: " ".join(str(data.get(k) or "").split()) if k != "comment"
                else str(data.get(k) or "").strip() for k in FIELDS}
        return cls(**text, consent=consented(data.get("consent")))

    def problems(self) -> list[str]:
        return [text for _, text in self.field_problems()]

    def field_problems(self) -> list[tuple[str, str]]:
        """(field, Russian problem) for every problem, in the order they are shown."""
        return field_problems(self, labels=LABELS, required=REQUIRED, limits=LIMITS)


def consented(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUTHY


def submit_request(rt: Runtime, *, organisation: str, requester_name: str, email: str,
                   phone: str = "", topic: str, audience: str = "", preferred_dates: str = "",
                   comment: str = "", consent: bool, source: str = "page") -> int:
    """Register a request for a webinar; its id. RequestRefused lists every problem."""
    form = RequestForm.of(dict(organisation=organisation, requester_name=requester_name,
                               email=email, phone=phone, topic=topic, audience=audience,
                               preferred_dates=preferred_dates, comment=comment,
                               consent=consent))
    source = source if source in SOURCES else "page"
    problems = form.field_problems()
    with rt.transaction() as tx:
        if problems:
            raise RequestRefused([text for _, text in problems],
                                 audit=_refusal_audit(source, [f for f, _ in problems]))
        address = normalize_email(form.email)
        person, org_id = requester(tx, name=form.requester_name, address=address,
                                   phone=form.phone, organisation=form.organisation)
        req = WebinarRequest(
            organisation_id=org_id, organisation_name=form.organisation, person_id=person.id,
            requester_name=form.requester_name, email=address, phone=form.phone,
            topic=form.topic, audience=form.audience, preferred_dates=form.preferred_dates,
            comment=form.comment, source=source,
            consent_at=tx.now, submitted_at=tx.now, updated_at=tx.now)
        tx.session.add(req)
        tx.session.flush()
        actor = Actor.participant(person)
        with transition(tx, request_machine, req, "submit", actor=actor) as step:
            step.details.update(source=req.source, organisation_id=org_id,
                                person_id=person.id, topic=req.topic)
            _notify(tx, req, person, step)
        return req.id


def _refusal_audit(source: str, fields: list[str]) -> dict:
    """The refused attempt, audited as request №0 (none was stored) with the fields at fault
    only: the error text too is made of their labels, not of what the person typed."""
    named = list(dict.fromkeys(fields))
    return {"object_kind": KIND, "object_id": 0, "action": "submit",
            "actor": Actor(ActorKind.PARTICIPANT, None, REQUESTER[source]),
            "details": {"source": source, "fields": sorted(named),
                        "error": "Запрос не принят, ошибки в полях: "
                                 + ", ".join(f"«{LABELS[f]}»" for f in named)}}


def _notify(tx: Tx, req: WebinarRequest, person: Person, step: Step) -> None:
    context = {"request": card_of(tx, req), "person": person}
    queue_to_person(tx, person, key=f"{KIND}:{req.id}:received",
                    template="webinar_request_received", context=context,
                    object_kind=KIND, object_id=req.id, step=step)
    for member in orgs.staff(tx):
        if member.email:
            queue_to_person(tx, member, key=f"{KIND}:{req.id}:new:to:{member.id}",
                            template="webinar_request_new",
                            context={**context, "staff": member},
                            object_kind=KIND, object_id=req.id, step=step)


# ---- reading -------------------------------------------------------------------------------


def get(tx: Tx, request_id: int) -> WebinarRequest:
    req = tx.session.get(WebinarRequest, request_id)
    if req is None:
        raise NotFound(f"Запрос на вебинар №{request_id} не найден")
    return req


def card_of(tx: Tx, req: WebinarRequest) -> dict:
    """What letters, the CLI and tests show of a request (times in Europe/Moscow)."""
    org = tx.session.get(Organisation, req.organisation_id) if req.organisation_id else None
    row = tx.session.get(WebinarSession, req.session_id) if req.session_id else None
    return {
        "id": req.id, "state": str(req.state), "state_label": req.state.label,
        "submitted": moscow_time(req.submitted_at), "organisation": req.organisation_name,
        "matched": org.short_name if org else "", "requester": req.requester_name,
        "email": req.email, "phone": req.phone, "topic": req.topic,
        "audience": req.audience, "preferred_dates": req.preferred_dates,
        "comment": req.comment, "source": req.source, "decline_reason": req.decline_reason,
        "session_id": req.session_id, "cycle_id": row.cycle_id if row else None,
        "session_start": moscow_time(row.starts_at) if row else "",
        "decided": moscow_time(req.decided_at) if req.decided_at else "",
    }


def request_view(rt: Runtime, request_id: int) -> dict:
    with rt.transaction() as tx:
        return card_of(tx, get(tx, request_id))


def list_requests(rt: Runtime, *, include_decided: bool = False) -> list[dict]:
    """Requests oldest first; only those awaiting a decision unless `include_decided`."""
    with rt.transaction() as tx:
        stmt = select(WebinarRequest).order_by(WebinarRequest.id)
        if not include_decided:
            stmt = stmt.where(WebinarRequest.state == RequestState.SUBMITTED)
        return [card_of(tx, r) for r in tx.session.exec(stmt)]


