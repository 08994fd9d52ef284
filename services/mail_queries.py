"""Staff views of the outbox and the one staff action on it: try failed messages again."""

from __future__ import annotations

from sqlmodel import select

from models import MailStatus, OutboxEmail
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, NotFound
from services.runtime import Runtime, Tx


def list_mail(rt: Runtime, status: MailStatus | None = None, limit: int = 100) -> list[OutboxEmail]:
    with rt.session() as s:
        stmt = select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(OutboxEmail.status == status)
        return list(s.exec(stmt))


def get_mail(rt: Runtime, mail_id: int) -> OutboxEmail:
    with rt.session() as s:
        row = s.get(OutboxEmail, mail_id)
        if row is None:
            raise NotFound(f"Письмо №{mail_id} не найдено")
        return row


def retry_failed(rt: Runtime, mail_id: int, *, actor: Actor | None = None) -> None:
    """Put a failed message back in the queue (after staff corrected the address, say)."""
    with rt.transaction() as tx:
        row = tx.session.get(OutboxEmail, mail_id)
        if row is None:
            raise NotFound(f"Письмо №{mail_id} не найдено")
        if row.status != MailStatus.FAILED:
            raise DomainError(f"Письмо №{mail_id} не в статусе «не доставлено»")
        _requeue(tx, row, actor or Actor.system())


def retry_all_failed(rt: Runtime, *, actor: Actor) -> list[int]:
    """Put every failed message back in the queue; the numbers of those requeued."""
    with rt.transaction() as tx:
        stmt = select(OutboxEmail).where(OutboxEmail.status == MailStatus.FAILED)
        rows = list(tx.session.exec(stmt.order_by(OutboxEmail.id)))
        for row in rows:
            _requeue(tx, row, actor)
        return [row.id for row in rows]


def _requeue(tx: Tx, row: OutboxEmail, actor: Actor) -> None:
    record_event(tx, object_kind="email", object_id=row.id, action="retry", actor=actor,
                 details={"last_error": row.last_error, "attempts": row.attempts})
    row.status, row.attempts, row.next_attempt_at = MailStatus.QUEUED, 0, tx.now
    row.claimed_at = None
    tx.session.add(row)
