"""Personal links: signed, expiring tokens bound to one person, one object, one purpose."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import select

from models import LinkUse
from services.errors import LinkRefused
from services.runtime import Runtime, Tx

_SALT = "imc-personal-link"


@dataclass(frozen=True)
class LinkClaims:
    person_id: int
    object_kind: str
    object_id: int
    purpose: str
    expires_ts: int
    nonce: str
    version: int | None = None  # the object's revision the link was issued for, when it matters


def make_token(rt: Runtime, *, person_id: int, object_kind: str, object_id: int, purpose: str,
               ttl: timedelta | None = None, version: int | None = None) -> str:
    ttl = ttl or timedelta(days=rt.settings.link_ttl_days)
    expires = int((rt.clock.now() + ttl).timestamp())
    payload = {"p": person_id, "k": object_kind, "o": object_id, "u": purpose, "e": expires,
               "n": secrets.token_urlsafe(12)}
    if version is not None:
        payload["v"] = version
    return URLSafeSerializer(rt.settings.secret_key, salt=_SALT).dumps(payload)


def link_url(rt: Runtime, **kwargs) -> str:
    return f"{rt.settings.base_url.rstrip('/')}/l/{make_token(rt, **kwargs)}"


_TOKEN_IN_TEXT = re.compile(r"/l/([A-Za-z0-9_.\-]+)")


def tokens_in(text: str) -> list[str]:
    """The personal-link tokens in a letter's text, in order (demos, benchmarks, tests act
    as the recipient would by following them)."""
    return _TOKEN_IN_TEXT.findall(text)


def read_token(rt: Runtime, token: str, *, purpose: str | tuple[str, ...] | None = None
               ) -> LinkClaims:
    """The claims of a valid token; LinkRefused (Russian) for anything else."""
    try:
        data = URLSafeSerializer(rt.settings.secret_key, salt=_SALT).loads(token)
        claims = LinkClaims(int(data["p"]), str(data["k"]), int(data["o"]), str(data["u"]),
                            int(data["e"]), str(data["n"]),
                            int(data["v"]) if "v" in data else None)
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkRefused(
            "Ссылка недействительна: проверьте, что она скопирована полностью") from exc
    if rt.clock.now().timestamp() > claims.expires_ts:
        raise LinkRefused("Срок действия ссылки истёк: обратитесь в МКУ ИМЦ за новой ссылкой",
                          obj=claims)
    wanted = (purpose,) if isinstance(purpose, str) else purpose
    if wanted is not None and claims.purpose not in wanted:
        raise LinkRefused("Эта ссылка предназначена для другого действия", obj=claims)
    return claims


def used(tx: Tx, claims: LinkClaims) -> LinkUse | None:
    return tx.session.exec(select(LinkUse).where(LinkUse.nonce == claims.nonce)).first()


def spend(tx: Tx, claims: LinkClaims, action: str) -> None:
    """Mark a one-time link as used; a second use is refused."""
    if used(tx, claims) is not None:
        refuse(claims, action, "Эта ссылка уже использована: действие выполнено ранее")
    tx.session.add(LinkUse(nonce=claims.nonce, purpose=claims.purpose, person_id=claims.person_id,
                           object_kind=claims.object_kind, object_id=claims.object_id,
                           action=action, used_at=tx.now))
    tx.session.flush()


def _refusal_audit(claims: LinkClaims | None, action: str) -> dict:
    from models import ActorKind
    from services.actors import Actor

    person_id = claims.person_id if claims else None
    actor = Actor(ActorKind.PARTICIPANT, person_id, "по персональной ссылке")
    return {
        "object_kind": claims.object_kind if claims else "link",
        "object_id": claims.object_id if claims else 0,
        "action": action,
        "from_state": "",
        "actor": actor,
        "details": {"purpose": claims.purpose} if claims else {},
    }


def checked_claims(tx: Tx, token: str, *, purpose: str | tuple[str, ...], object_kind: str,
                   action: str) -> LinkClaims:
    """Read a token for `action`; any refusal is audited (against the object when known)."""
    try:
        claims = read_token(tx.rt, token, purpose=purpose)
    except LinkRefused as err:
        claims = err.obj if isinstance(err.obj, LinkClaims) else None
        err.audit = _refusal_audit(claims, action)
        raise
    if claims.object_kind != object_kind:
        refuse(claims, action, "Эта ссылка предназначена для другого действия")
    return claims


def refuse(claims: LinkClaims, action: str, message: str):
    raise LinkRefused(message, obj=claims, audit=_refusal_audit(claims, action))


def audit_refused_request(rt: Runtime, token: str, action: str, message: str,
                          details: dict | None = None) -> None:
    """Audit a request refused before any service ran (an upload over the size limit)."""
    from services.audit import record_refusal

    try:
        claims: LinkClaims | None = read_token(rt, token)
    except LinkRefused as err:
        claims = err.obj if isinstance(err.obj, LinkClaims) else None
    err = LinkRefused(message, obj=claims, audit=_refusal_audit(claims, action))
    err.audit["details"] = {**err.audit["details"], **(details or {})}
    record_refusal(rt, err)
