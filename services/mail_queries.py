"""Staff views of the outbox and the one staff action on it: try a failed message again."""

from __future__ import annotations

from sqlmodel import select

from models import MailStatus, OutboxEmail
from services.errors import DomainError, NotFound
from services.runtime import Runtime


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


def retry_failed(rt: Runtime, mail_id: int) -> None:
    """Put a failed message back in the queue (after staff corrected the address, say)."""
    with rt.transaction() as tx:
        row = tx.session.get(OutboxEmail, mail_id)
        if row is None:
            raise NotFound(f"Письмо №{mail_id} не найдено")
        if row.status != MailStatus.FAILED:
            raise DomainError(f"Письмо №{mail_id} не в статусе «не доставлено»")
        row.status, row.attempts, row.next_attempt_at = MailStatus.QUEUED, 0, tx.now
        tx.session.add(row)
