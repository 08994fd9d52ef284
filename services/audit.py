"""Reading the audit trail, recording refusals and link uses, checking consistency."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from models import AuditEntry, Outcome
from services.actors import Actor
from services.errors import DomainError


def record_refusal(rt, err: DomainError) -> None:
    """Write a refused attempt in its own transaction (the attempt's was rolled back)."""
    info = err.audit or {}
    actor: Actor = info["actor"]
    with rt.session() as session:
        session.add(
            AuditEntry(
                object_kind=info["object_kind"],
                object_id=info["object_id"],
                action=info["action"],
                from_state=info.get("from_state", ""),
                to_state=info.get("from_state", ""),
                outcome=Outcome.REFUSED,
                actor_kind=actor.kind,
                actor_id=actor.person_id,
                actor_label=actor.label,
                at=rt.clock.now(),
                reason=info.get("reason", ""),
                details={"error": err.message, **info.get("details", {})},
            )
        )
        session.commit()


def record_event(tx, *, object_kind: str, object_id: int, action: str, actor: Actor,
                 state: str = "", details: dict[str, Any] | None = None,
                 email_ids: list[int] | None = None, document_ids: list[int] | None = None) -> None:
    """An audited happening that is not a state change (a link opened, a reminder sent)."""
    tx.session.add(
        AuditEntry(
            object_kind=object_kind,
            object_id=object_id,
            action=action,
            from_state=state,
            to_state=state,
            actor_kind=actor.kind,
            actor_id=actor.person_id,
            actor_label=actor.label,
            at=tx.now,
            details=details or {},
            email_ids=email_ids or [],
            document_ids=document_ids or [],
        )
    )


def trail(rt, object_kind: str, object_id: int) -> list[AuditEntry]:
    """Every entry of one object, oldest first."""
    with rt.session() as session:
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.object_kind == object_kind, AuditEntry.object_id == object_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        return list(session.exec(stmt))


def inconsistencies(rt, object_kind: str, model, column: str = "state") -> list[str]:
    """Objects whose state differs from the last audited transition: a write that bypassed it."""
    problems = []
    with rt.session() as session:
        for obj in session.exec(select(model)):
            stmt = (
                select(AuditEntry.to_state)
                .where(
                    AuditEntry.object_kind == object_kind,
                    AuditEntry.object_id == obj.id,
                    AuditEntry.outcome == Outcome.DONE,
                )
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(1)
            )
            last = session.exec(stmt).first()
            state = str(getattr(obj, column))
            if last is not None and last != state:
                problems.append(
                    f"{object_kind} №{obj.id}: в базе «{state}», по журналу «{last}» — "
                    "состояние изменено в обход переходов"
                )
    return problems
