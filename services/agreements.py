"""The agreement process: one function per business operation, plus `advance`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from adapters.clock import moscow_date
from adapters.russian import date_long
from models import Agreement, AgreementState as S, Organisation, Person, PersonRole, SignedVia
from models.agreement_machine import agreement_machine as M
from services import documents, links, numbering, org as orgs
from services.actors import Actor
from services.agreement_context import (
    DEFAULT_OBLIGATIONS_CENTRE,
    DEFAULT_OBLIGATIONS_PARTNER,
    DEFAULT_SUBJECT,
    document_context,
    draft_filename,
    mail_context,
    registered_filename,
)
from services.audit import record_event
from services.errors import DomainError, NotFound, UploadRefused
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import Step, refusal_audit, transition

KIND = "agreement"
NUMBER_PREFIX = "СВ"
PURPOSE_APPROVAL = "agreement.approval"
PURPOSE_PARTNER = "agreement.partner"


@dataclass(frozen=True)
class Terms:
    subject: str = DEFAULT_SUBJECT
    term_years: int | None = None
    starts_on: date | None = None
    obligations_centre: str = DEFAULT_OBLIGATIONS_CENTRE
    obligations_partner: str = DEFAULT_OBLIGATIONS_PARTNER


# ---- staff operations -------------------------------------------------------------------


def start(rt: Runtime, *, partner_id: int, actor: Actor, terms: Terms = Terms(),
          renewed_from_id: int | None = None) -> int:
    """Create the draft from the partner's card and send it to the director for approval."""
    with rt.transaction() as tx:
        partner = tx.session.get(Organisation, partner_id)
        if partner is None:
            raise NotFound(f"Организация №{partner_id} не найдена")
        orgs.head_of(tx, partner_id)  # the card must name the head before a draft is made
        starts = terms.starts_on or moscow_date(tx.now)
        years = terms.term_years or rt.settings.agreement_term_years
        ag = Agreement(partner_id=partner_id, subject=terms.subject.strip(), term_years=years,
                       starts_on=starts, ends_on=_end_of_term(starts, years),
                       obligations_centre=terms.obligations_centre,
                       obligations_partner=terms.obligations_partner,
                       renewed_from_id=renewed_from_id, responsible_id=actor.person_id,
                       draft_version=1, created_at=tx.now, updated_at=tx.now)
        tx.session.add(ag)
        tx.session.flush()
        with transition(tx, M, ag, "create", actor=actor) as step:
            _draft_document(tx, ag, step)
        _submit(tx, ag, actor)
        return ag.id


def submit(rt: Runtime, agreement_id: int, *, actor: Actor, subject: str | None = None) -> None:
    """Send a returned (and corrected) draft to the director again."""
    with rt.transaction() as tx:
        ag = _get(tx, agreement_id)
        if subject is not None and ag.state == S.DRAFT:
            ag.subject = subject.strip()
        _submit(tx, ag, actor)


def approve(rt: Runtime, agreement_id: int, *, actor: Actor) -> None:
    """The director approves: the partner's head gets the draft and a personal link."""
    with rt.transaction() as tx:
        _approve(tx, _get(tx, agreement_id), actor)


def return_draft(rt: Runtime, agreement_id: int, *, actor: Actor, comment: str) -> None:
    """The director returns the draft with a comment; the responsible staff member is told."""
    with rt.transaction() as tx:
        _return(tx, _get(tx, agreement_id), actor, comment)


def record_signed(rt: Runtime, agreement_id: int, *, actor: Actor, note: str = "") -> None:
    """Staff record that the signed original arrived on paper; registration follows."""
    with rt.transaction() as tx:
        ag = _get(tx, agreement_id)
        with transition(tx, M, ag, "record_signed", actor=actor, reason=note):
            ag.signed_via, ag.signed_at = SignedVia.PAPER, tx.now
    advance(rt, agreement_id)


def cancel(rt: Runtime, agreement_id: int, *, actor: Actor, reason: str) -> None:
    with rt.transaction() as tx:
        ag = _get(tx, agreement_id)
        partner_knows = ag.state in (S.SENT_TO_PARTNER, S.SIGNED_BY_PARTNER)
        with transition(tx, M, ag, "cancel", actor=actor, reason=reason) as step:
            ag.close_reason = reason.strip()
            if partner_knows:
                _mail_head(tx, ag, "agreement_cancelled_partner", "cancelled", step)


def terminate(rt: Runtime, agreement_id: int, *, actor: Actor, reason: str) -> None:
    with rt.transaction() as tx:
        ag = _get(tx, agreement_id)
        with transition(tx, M, ag, "terminate", actor=actor, reason=reason) as step:
            ag.close_reason = reason.strip()
            _mail_head(tx, ag, "agreement_terminated_partner", "terminated", step)


def renew(rt: Runtime, agreement_id: int, *, actor: Actor) -> int:
    """Close an agreement in force as renewed and start its successor; returns the new id."""
    with rt.transaction() as tx:
        old = _get(tx, agreement_id)
        with transition(tx, M, old, "renew", actor=actor):
            pass
        terms = Terms(subject=old.subject, term_years=old.term_years,
                      starts_on=old.ends_on + timedelta(days=1),
                      obligations_centre=old.obligations_centre,
                      obligations_partner=old.obligations_partner)
        partner_id = old.partner_id
    return start(rt, partner_id=partner_id, actor=actor, terms=terms,
                 renewed_from_id=agreement_id)


# ---- automatic work ------------------------------------------------------------------------


def advance(rt: Runtime, agreement_id: int) -> str:
    """Do the automatic work of the current state; a second run changes nothing."""
    with rt.transaction() as tx:
        ag = _get(tx, agreement_id)
        if ag.state == S.SIGNED_BY_PARTNER:
            _register(tx, ag)
        elif ag.state == S.DRAFT:
            _draft_document(tx, ag, None)
        return str(ag.state)


def pending_ids(rt: Runtime) -> list[int]:
    """Agreements whose automatic work is not done (signed but not yet registered)."""
    with rt.session() as s:
        stmt = select(Agreement.id).where(Agreement.state == S.SIGNED_BY_PARTNER)
        return list(s.exec(stmt))


# ---- the partner's personal link ------------------------------------------------------------


def partner_view(rt: Runtime, token: str) -> dict:
    """What the partner's link page shows; the opening is audited, nothing changes."""
    with rt.transaction() as tx:
        claims, ag, person = _claimed(tx, token, PURPOSE_PARTNER, "open")
        record_event(tx, object_kind=KIND, object_id=ag.id, action="link_opened",
                     actor=Actor.participant(person), state=str(ag.state),
                     details={"purpose": claims.purpose})
        return _view(tx, ag, person, claims)


def partner_act(rt: Runtime, token: str, action: str, *, reason: str = "",
                upload: tuple[str, bytes] | None = None) -> str:
    """The partner confirms signing, uploads a signed scan or declines."""
    names = {"confirm": "confirm_signed", "upload": "upload_scan", "decline": "decline"}
    if action not in names:
        raise DomainError("Неизвестное действие")
    with rt.transaction() as tx:
        claims, ag, person = _claimed(tx, token, PURPOSE_PARTNER, names[action])
        actor = Actor.participant(person)
        links.spend(tx, claims, names[action])
        with transition(tx, M, ag, names[action], actor=actor, reason=reason) as step:
            step.details["link"] = claims.nonce
            if action == "upload":
                _store_scan(tx, ag, actor, upload or ("", b""), step)
            if action == "decline":
                ag.decline_reason = reason.strip()
                _mail_responsible(tx, ag, "agreement_declined", "declined", step)
            else:
                ag.signed_via = SignedVia.SCAN if action == "upload" else SignedVia.LINK
                ag.signed_at = tx.now
    return advance(rt, ag.id)


def director_view(rt: Runtime, token: str) -> dict:
    with rt.transaction() as tx:
        claims, ag, person = _claimed(tx, token, PURPOSE_APPROVAL, "open")
        record_event(tx, object_kind=KIND, object_id=ag.id, action="link_opened",
                     actor=Actor.participant(person), state=str(ag.state),
                     details={"purpose": claims.purpose})
        return _view(tx, ag, person, claims)


def director_act(rt: Runtime, token: str, action: str, *, comment: str = "") -> str:
    """The director approves or returns the draft from the personal link."""
    if action not in ("approve", "return"):
        raise DomainError("Неизвестное действие")
    with rt.transaction() as tx:
        claims, ag, person = _claimed(tx, token, PURPOSE_APPROVAL, action)
        actor = Actor.participant(person)
        links.spend(tx, claims, action)
        if action == "approve":
            _approve(tx, ag, actor)
        else:
            _return(tx, ag, actor, comment)
        return str(ag.state)


# ---- inside a transaction -------------------------------------------------------------------


def _get(tx: Tx, agreement_id: int) -> Agreement:
    ag = tx.session.get(Agreement, agreement_id)
    if ag is None:
        raise NotFound(f"Договор №{agreement_id} не найден")
    return ag


def _end_of_term(starts: date, years: int) -> date:
    try:
        return starts.replace(year=starts.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return starts.replace(year=starts.year + years, day=28)


def _draft_document(tx: Tx, ag: Agreement, step: Step | None):
    return documents.render_document(
        tx, key=f"{KIND}:{ag.id}:draft:v{ag.draft_version}", kind="agreement_draft",
        object_kind=KIND, object_id=ag.id, template="agreement.docx",
        context=document_context(tx, ag), filename=draft_filename(tx, ag),
        version=ag.draft_version, step=step)


def _submit(tx: Tx, ag: Agreement, actor: Actor) -> None:
    with transition(tx, M, ag, "submit", actor=actor) as step:
        doc = _draft_document(tx, ag, step)
        director = orgs.director(tx)
        url = links.link_url(tx.rt, person_id=director.id, object_kind=KIND, object_id=ag.id,
                             purpose=PURPOSE_APPROVAL)
        queue_to_person(tx, director, key=f"{KIND}:{ag.id}:approval_request:v{ag.draft_version}",
                        template="agreement_approval_request",
                        context=mail_context(tx, ag, link=url, director=director),
                        attachment_ids=[doc.id], object_kind=KIND, object_id=ag.id, step=step)


def _approve(tx: Tx, ag: Agreement, actor: Actor) -> None:
    with transition(tx, M, ag, "approve", actor=actor) as step:
        doc = _draft_document(tx, ag, step)
        head = orgs.head_of(tx, ag.partner_id)
        url = links.link_url(tx.rt, person_id=head.id, object_kind=KIND, object_id=ag.id,
                             purpose=PURPOSE_PARTNER)
        queue_to_person(tx, head, key=f"{KIND}:{ag.id}:partner_invitation",
                        template="agreement_partner_invitation",
                        context=mail_context(tx, ag, link=url), attachment_ids=[doc.id],
                        object_kind=KIND, object_id=ag.id, step=step)
        ag.sent_at = tx.now


def _return(tx: Tx, ag: Agreement, actor: Actor, comment: str) -> None:
    with transition(tx, M, ag, "return", actor=actor, reason=comment) as step:
        ag.return_comment = comment.strip()
        _mail_responsible(tx, ag, "agreement_returned", f"returned:v{ag.draft_version}", step)
        ag.draft_version += 1


def _store_scan(tx: Tx, ag: Agreement, actor: Actor, upload: tuple[str, bytes], step: Step):
    filename, data = upload
    try:
        documents.store_upload(tx, key=f"{KIND}:{ag.id}:signed_scan", kind="signed_scan",
                               object_kind=KIND, object_id=ag.id, filename=filename, data=data,
                               step=step)
    except UploadRefused as err:
        err.audit = refusal_audit(M, ag, "upload_scan", actor, "")
        err.audit["details"] = {"filename": filename, "size": len(data)}
        raise


def _register(tx: Tx, ag: Agreement) -> None:
    with transition(tx, M, ag, "register", actor=Actor.system()) as step:
        today = moscow_date(tx.now)
        n = numbering.next_number(tx, KIND, today.year)
        ag.number = f"{NUMBER_PREFIX}-{n}/{today.year}"
        ag.registered_on = today
        if ag.starts_on is None or ag.starts_on < today:
            ag.starts_on, ag.ends_on = today, _end_of_term(today, ag.term_years)
        step.details["number"] = ag.number
        doc = documents.render_document(
            tx, key=f"{KIND}:{ag.id}:registered", kind="agreement_registered",
            object_kind=KIND, object_id=ag.id, template="agreement.docx",
            context=document_context(tx, ag), filename=registered_filename(ag), step=step)
        _mail_head(tx, ag, "agreement_registered_partner", "registered:partner", step, [doc.id])
        _mail_responsible(tx, ag, "agreement_registered_staff", "registered:staff", step, [doc.id])


def _mail_head(tx: Tx, ag: Agreement, template: str, key: str, step: Step,
               attachments: list[int] | None = None) -> None:
    head = orgs.head_of(tx, ag.partner_id)
    queue_to_person(tx, head, key=f"{KIND}:{ag.id}:{key}", template=template,
                    context=mail_context(tx, ag), attachment_ids=attachments,
                    object_kind=KIND, object_id=ag.id, step=step)


def responsible(tx: Tx, ag: Agreement) -> list[Person]:
    """Who on the staff hears about the agreement: its author, else all staff."""
    person = tx.session.get(Person, ag.responsible_id) if ag.responsible_id else None
    if person is not None and person.role in (PersonRole.STAFF, PersonRole.DIRECTOR):
        return [person]
    return orgs.staff(tx)


def _mail_responsible(tx: Tx, ag: Agreement, template: str, key: str, step: Step,
                      attachments: list[int] | None = None) -> None:
    for person in responsible(tx, ag):
        queue_to_person(tx, person, key=f"{KIND}:{ag.id}:{key}:to:{person.id}",
                        template=template, context=mail_context(tx, ag, staff=person),
                        attachment_ids=attachments, object_kind=KIND, object_id=ag.id,
                        step=step)


def _claimed(tx: Tx, token: str, purpose: str, action: str):
    """The link's claims, agreement and person, checked to belong together."""
    claims = links.checked_claims(tx, token, purpose=purpose, object_kind=KIND, action=action)
    ag = _get(tx, claims.object_id)
    person = tx.session.get(Person, claims.person_id)
    expected = (orgs.head_of(tx, ag.partner_id).id if purpose == PURPOSE_PARTNER
                else orgs.director(tx).id)
    if person is None or person.id != expected:
        links.refuse(claims, action, "Ссылка выдана другому лицу: действие недоступно")
    return claims, ag, person


def link_document(rt: Runtime, token: str) -> tuple[str, str, bytes]:
    """The agreement's current document for the link's holder: (filename, type, bytes).

    A download changes nothing, but like every use of a link it is audited.
    """
    with rt.transaction() as tx:
        claims = links.read_token(rt, token)
        purpose = claims.purpose if claims.purpose in (PURPOSE_PARTNER, PURPOSE_APPROVAL) else ""
        claims, ag, person = _claimed(tx, token, purpose, "download")
        doc = _current_document(tx, ag)
        if doc is None:
            raise NotFound("Документ договора ещё не сформирован")
        record_event(tx, object_kind=KIND, object_id=ag.id, action="document_downloaded",
                     actor=Actor.participant(person), state=str(ag.state),
                     document_ids=[doc.id])
        return doc.filename, doc.media_type, documents.read_bytes(rt, doc)


def _current_document(tx: Tx, ag: Agreement):
    return (documents.find(tx, f"{KIND}:{ag.id}:registered")
            or documents.find(tx, f"{KIND}:{ag.id}:draft:v{ag.draft_version}"))


def _view(tx: Tx, ag: Agreement, person: Person, claims) -> dict:
    partner = tx.session.get(Organisation, ag.partner_id)
    used = links.used(tx, claims)
    return {"agreement_id": ag.id, "state": str(ag.state), "state_label": ag.state.label,
            "partner": partner.full_name, "subject": ag.subject, "person": person.full_name,
            "starts_on": date_long(ag.starts_on), "ends_on": date_long(ag.ends_on),
            "term_years": ag.term_years, "obligations_centre": ag.obligations("centre"),
            "obligations_partner": ag.obligations("partner"),
            "has_document": _current_document(tx, ag) is not None,
            "number": ag.number, "link_used": used is not None, "purpose": claims.purpose,
            "can_act": used is None and ag.state in (
                S.SENT_TO_PARTNER if claims.purpose == PURPOSE_PARTNER else S.AWAITING_APPROVAL,)}
