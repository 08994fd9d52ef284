"""The agreement seen and acted on through personal links: the partner's and the director's."""

from __future__ import annotations

from adapters.russian import date_long
from models import Agreement, AgreementState as S, Organisation, Person, SignedVia
from models.agreement_machine import agreement_machine as M
from services import documents, links, org as orgs
from services.actors import Actor
from services.agreements import (
    KIND,
    PURPOSE_APPROVAL,
    PURPOSE_PARTNER,
    advance,
    approve_in,
    get,
    mail_responsible,
    return_in,
    store_scan,
)
from services.audit import record_event
from services.errors import DomainError, NotFound
from services.runtime import Runtime, Tx
from services.transitions import transition

PARTNER_ACTIONS = {"confirm": "confirm_signed", "upload": "upload_scan", "decline": "decline"}
DIRECTOR_ACTIONS = ("approve", "return")


def partner_view(rt: Runtime, token: str) -> dict:
    """What the partner's link page shows; the opening is audited, nothing changes."""
    return _opened(rt, token, PURPOSE_PARTNER)


def director_view(rt: Runtime, token: str) -> dict:
    return _opened(rt, token, PURPOSE_APPROVAL)


def partner_act(rt: Runtime, token: str, action: str, *, reason: str = "",
                upload: tuple[str, bytes] | None = None) -> str:
    """The partner confirms signing, uploads a signed scan or declines."""
    if action not in PARTNER_ACTIONS:
        raise DomainError("Неизвестное действие")
    name = PARTNER_ACTIONS[action]
    with rt.transaction() as tx:
        claims, ag, person = _claimed(tx, token, PURPOSE_PARTNER, name)
        actor = Actor.participant(person)
        links.spend(tx, claims, name)
        with transition(tx, M, ag, name, actor=actor, reason=reason) as step:
            step.details["link"] = claims.nonce
            if action == "upload":
                store_scan(tx, ag, actor, upload or ("", b""), step)
            if action == "decline":
                ag.decline_reason = reason.strip()
                mail_responsible(tx, ag, "agreement_declined", "declined", step)
            else:
                ag.signed_via = SignedVia.SCAN if action == "upload" else SignedVia.LINK
                ag.signed_at = tx.now
    return advance(rt, ag.id)


def director_act(rt: Runtime, token: str, action: str, *, comment: str = "") -> str:
    """The director approves or returns the draft from the personal link."""
    if action not in DIRECTOR_ACTIONS:
        raise DomainError("Неизвестное действие")
    with rt.transaction() as tx:
        claims, ag, person = _claimed(tx, token, PURPOSE_APPROVAL, action)
        actor = Actor.participant(person)
        links.spend(tx, claims, action)
        if action == "approve":
            approve_in(tx, ag, actor)
        else:
            return_in(tx, ag, actor, comment)
        return str(ag.state)


def link_document(rt: Runtime, token: str) -> tuple[str, str, bytes]:
    """The agreement's current text for the link's holder: (filename, type, bytes).

    A download changes nothing, but like every use of a link it is audited, refusals too.
    """
    with rt.transaction() as tx:
        _, ag, person = _claimed(tx, token, (PURPOSE_PARTNER, PURPOSE_APPROVAL), "download")
        doc = _current_document(tx, ag)
        if doc is None:
            raise NotFound("Документ договора ещё не сформирован")
        record_event(tx, object_kind=KIND, object_id=ag.id, action="document_downloaded",
                     actor=Actor.participant(person), state=str(ag.state),
                     document_ids=[doc.id])
        return doc.filename, doc.media_type, documents.read_bytes(rt, doc)


def _opened(rt: Runtime, token: str, purpose: str) -> dict:
    with rt.transaction() as tx:
        claims, ag, person = _claimed(tx, token, purpose, "open")
        record_event(tx, object_kind=KIND, object_id=ag.id, action="link_opened",
                     actor=Actor.participant(person), state=str(ag.state),
                     details={"purpose": claims.purpose})
        return _view(tx, ag, person, claims)


def _claimed(tx: Tx, token: str, purpose: str | tuple[str, ...], action: str):
    """The link's claims, agreement and person, checked to belong together."""
    claims = links.checked_claims(tx, token, purpose=purpose, object_kind=KIND, action=action)
    ag = get(tx, claims.object_id)
    person = tx.session.get(Person, claims.person_id)
    expected = (orgs.head_of(tx, ag.partner_id).id if claims.purpose == PURPOSE_PARTNER
                else orgs.director(tx).id)
    if person is None or person.id != expected:
        links.refuse(claims, action, "Ссылка выдана другому лицу: действие недоступно")
    if action != "download" and claims.version not in (None, ag.draft_version):
        links.refuse(claims, action,
                     f"Ссылка относится к прежней редакции проекта (редакция {claims.version}); "
                     "воспользуйтесь ссылкой из последнего письма")
    return claims, ag, person


def _current_document(tx: Tx, ag: Agreement):
    return (documents.find(tx, f"{KIND}:{ag.id}:registered")
            or documents.find(tx, f"{KIND}:{ag.id}:draft:v{ag.draft_version}"))


def _view(tx: Tx, ag: Agreement, person: Person, claims) -> dict:
    partner = tx.session.get(Organisation, ag.partner_id)
    used = links.used(tx, claims)
    waiting = S.SENT_TO_PARTNER if claims.purpose == PURPOSE_PARTNER else S.AWAITING_APPROVAL
    return {"agreement_id": ag.id, "state": str(ag.state), "state_label": ag.state.label,
            "partner": partner.full_name, "subject": ag.subject, "person": person.full_name,
            "starts_on": date_long(ag.starts_on), "ends_on": date_long(ag.ends_on),
            "term_years": ag.term_years, "obligations_centre": ag.obligations("centre"),
            "obligations_partner": ag.obligations("partner"),
            "has_document": _current_document(tx, ag) is not None,
            "number": ag.number, "link_used": used is not None, "purpose": claims.purpose,
            "can_act": used is None and ag.state == waiting}
