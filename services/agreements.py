"""The agreement process: one function per business operation, plus `advance`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import select

from adapters.clock import add_years, moscow_date
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
from services.errors import NotFound, UploadRefused
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


def start(rt: Runtime, *, partner_id: int, actor: Actor, terms: Terms = Terms()) -> int:
    """Create the draft from the partner's card and send it to the director for approval."""
    with rt.transaction() as tx:
        return _start(tx, partner_id, actor, terms, renewed_from_id=None)


def submit(rt: Runtime, agreement_id: int, *, actor: Actor, subject: str | None = None) -> None:
    """Send a returned (and corrected) draft to the director again."""
    with rt.transaction() as tx:
        ag = get(tx, agreement_id)
        if subject is not None and ag.state == S.DRAFT:
            ag.subject = subject.strip()
        _submit(tx, ag, actor)


def approve(rt: Runtime, agreement_id: int, *, actor: Actor) -> None:
    """The director approves: the partner's head gets the draft and a personal link."""
    with rt.transaction() as tx:
        approve_in(tx, get(tx, agreement_id), actor)


def return_draft(rt: Runtime, agreement_id: int, *, actor: Actor, comment: str) -> None:
    """The director returns the draft with a comment; the responsible staff member is told."""
    with rt.transaction() as tx:
        return_in(tx, get(tx, agreement_id), actor, comment)


def record_signed(rt: Runtime, agreement_id: int, *, actor: Actor, note: str = "") -> None:
    """Staff record that the signed original arrived on paper; registration follows."""
    with rt.transaction() as tx:
        ag = get(tx, agreement_id)
        with transition(tx, M, ag, "record_signed", actor=actor, reason=note):
            ag.signed_via, ag.signed_at = SignedVia.PAPER, tx.now
    advance(rt, agreement_id)


def cancel(rt: Runtime, agreement_id: int, *, actor: Actor, reason: str) -> None:
    with rt.transaction() as tx:
        ag = get(tx, agreement_id)
        partner_knows = ag.state in (S.SENT_TO_PARTNER, S.SIGNED_BY_PARTNER)
        with transition(tx, M, ag, "cancel", actor=actor, reason=reason) as step:
            ag.close_reason = reason.strip()
            if partner_knows:
                _mail_head(tx, ag, "agreement_cancelled_partner", "cancelled", step)


def terminate(rt: Runtime, agreement_id: int, *, actor: Actor, reason: str) -> None:
    with rt.transaction() as tx:
        ag = get(tx, agreement_id)
        with transition(tx, M, ag, "terminate", actor=actor, reason=reason) as step:
            ag.close_reason = reason.strip()
            _mail_head(tx, ag, "agreement_terminated_partner", "terminated", step)


def renew(rt: Runtime, agreement_id: int, *, actor: Actor) -> int:
    """Mark an agreement in force as renewed and start its successor, in one transaction.

    The renewed agreement stays in force until its own end date (see in_force_clause).
    """
    with rt.transaction() as tx:
        old = get(tx, agreement_id)
        with transition(tx, M, old, "renew", actor=actor):
            terms = Terms(subject=old.subject, term_years=old.term_years,
                          starts_on=old.ends_on + timedelta(days=1),
                          obligations_centre=old.obligations_centre,
                          obligations_partner=old.obligations_partner)
            new_id = _start(tx, old.partner_id, actor, terms, renewed_from_id=old.id)
        return new_id


# ---- automatic work ------------------------------------------------------------------------


def advance(rt: Runtime, agreement_id: int) -> str:
    """Do the automatic work of the current state; a second run changes nothing."""
    with rt.transaction() as tx:
        ag = get(tx, agreement_id)
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


# ---- inside a transaction -------------------------------------------------------------------


def _start(tx: Tx, partner_id: int, actor: Actor, terms: Terms,
           renewed_from_id: int | None) -> int:
    partner = tx.session.get(Organisation, partner_id)
    if partner is None:
        raise NotFound(f"Организация №{partner_id} не найдена")
    orgs.head_of(tx, partner_id)  # the card must name the head before a draft is made
    starts = terms.starts_on or moscow_date(tx.now)
    years = terms.term_years or tx.rt.settings.agreement_term_years
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


def get(tx: Tx, agreement_id: int) -> Agreement:
    """The agreement, locked for this transaction on PostgreSQL (a web request and the sweep
    acting on one agreement at once then take turns instead of both registering it)."""
    ag = tx.session.get(Agreement, agreement_id, with_for_update=True)
    if ag is None:
        raise NotFound(f"Договор №{agreement_id} не найден")
    return ag


def _end_of_term(starts: date, years: int) -> date:
    return add_years(starts, years) - timedelta(days=1)


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
                             purpose=PURPOSE_APPROVAL, version=ag.draft_version)
        queue_to_person(tx, director, key=f"{KIND}:{ag.id}:approval_request:v{ag.draft_version}",
                        template="agreement_approval_request",
                        context=mail_context(tx, ag, link=url, director=director),
                        attachment_ids=[doc.id], object_kind=KIND, object_id=ag.id, step=step)


def approve_in(tx: Tx, ag: Agreement, actor: Actor) -> None:
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


def return_in(tx: Tx, ag: Agreement, actor: Actor, comment: str) -> None:
    with transition(tx, M, ag, "return", actor=actor, reason=comment) as step:
        ag.return_comment = comment.strip()
        mail_responsible(tx, ag, "agreement_returned", f"returned:v{ag.draft_version}", step)
        ag.draft_version += 1


def store_scan(tx: Tx, ag: Agreement, actor: Actor, upload: tuple[str, bytes], step: Step):
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
        mail_responsible(tx, ag, "agreement_registered_staff", "registered:staff", step, [doc.id])


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


def mail_responsible(tx: Tx, ag: Agreement, template: str, key: str, step: Step,
                      attachments: list[int] | None = None) -> None:
    for person in responsible(tx, ag):
        queue_to_person(tx, person, key=f"{KIND}:{ag.id}:{key}:to:{person.id}",
                        template=template, context=mail_context(tx, ag, staff=person),
                        attachment_ids=attachments, object_kind=KIND, object_id=ag.id,
                        step=step)
