"""Draining the outbox: claim due mail within the rate limits, send, record the outcome."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from sqlmodel import select

from adapters.mail_message import build_message
from adapters.smtp_sender import SmtpConfig, send_messages
from models import Document, MailStatus, OutboxEmail
from services.documents import read_bytes
from services.runtime import Runtime

# A message claimed longer ago than this is assumed lost with its sender and tried again.
CLAIM_TIMEOUT = timedelta(minutes=15)
RESERVED_SUFFIXES = (".test", ".example", ".invalid", ".localhost", "example.org",
                     "example.com", "example.net")


@dataclass
class DrainReport:
    sent: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    waiting: int = 0  # due but held back by the rate limit

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.retry) + len(self.failed)


def smtp_config(rt: Runtime) -> SmtpConfig:
    s = rt.settings
    return SmtpConfig(host=s.smtp_host or "127.0.0.1", port=s.smtp_port, user=s.smtp_user,
                      password=s.smtp_password, starttls=s.smtp_starttls,
                      timeout=s.smtp_timeout_seconds)


def budget(rt: Runtime) -> int:
    """How many messages the provider's limits allow right now."""
    now = rt.clock.now()
    with rt.session() as s:
        def sent_since(delta: timedelta) -> int:
            stmt = select(sa.func.count()).select_from(OutboxEmail).where(
                OutboxEmail.sent_at > now - delta)
            return int(s.exec(stmt).one())

        per_minute = rt.settings.mail_rate_per_minute - sent_since(timedelta(minutes=1))
        per_day = rt.settings.mail_rate_per_day - sent_since(timedelta(days=1))
    return max(0, min(per_minute, per_day))


def claim(rt: Runtime, limit: int) -> list[int]:
    """Mark up to `limit` due messages as being sent by this drain; oldest first."""
    now = rt.clock.now()
    with rt.transaction() as tx:
        due = (OutboxEmail.status == MailStatus.QUEUED) & (OutboxEmail.next_attempt_at <= now)
        stale = (OutboxEmail.status == MailStatus.SENDING) & (
            OutboxEmail.claimed_at < now - CLAIM_TIMEOUT)
        stmt = select(OutboxEmail.id).where(due | stale).order_by(OutboxEmail.id).limit(limit)
        ids = list(tx.session.exec(stmt))
        if ids:
            tx.session.execute(
                sa.update(OutboxEmail).where(OutboxEmail.id.in_(ids))
                .values(status=MailStatus.SENDING, claimed_at=now))
        return ids


def due_count(rt: Runtime) -> int:
    now = rt.clock.now()
    with rt.session() as s:
        stmt = select(sa.func.count()).select_from(OutboxEmail).where(
            OutboxEmail.status == MailStatus.QUEUED, OutboxEmail.next_attempt_at <= now)
        return int(s.exec(stmt).one())


async def drain(rt: Runtime, *, chunk: int = 500) -> DrainReport:
    """Send every due message the rate limits allow; retries are scheduled, not waited for."""
    report = DrainReport()
    while True:
        allowed = budget(rt)
        ids = claim(rt, min(chunk, allowed)) if allowed else []
        if not ids:
            report.waiting = due_count(rt)
            return report
        await _send(rt, ids, report)


async def _send(rt: Runtime, ids: list[int], report: DrainReport) -> None:
    with rt.session() as s:
        rows = list(s.exec(select(OutboxEmail).where(OutboxEmail.id.in_(ids))
                           .order_by(OutboxEmail.id)))
        doc_ids = {d for r in rows for d in r.attachment_ids}
        docs = {d.id: d for d in s.exec(select(Document).where(Document.id.in_(doc_ids)))}
    files = {i: (d.filename, read_bytes(rt, d), d.media_type) for i, d in docs.items()}
    sendable, outcomes = [], {}
    for row in rows:
        if not _allowed_recipient(rt, row.to_addr):
            outcomes[row.id] = ("failed", None, "адрес вне зарезервированных доменов: "
                                "в тестовом режиме письма только на example.org и *.test")
        else:
            sendable.append(row)
    messages = [_message(rt, row, files) for row in sendable]
    results = await send_messages(smtp_config(rt), messages, rt.settings.mail_concurrency)
    for row, res in zip(sendable, results, strict=True):
        outcomes[row.id] = (res.status, res.code, res.detail)
    _record(rt, rows, outcomes, report)


def _record(rt: Runtime, rows: list[OutboxEmail], outcomes: dict, report: DrainReport) -> None:
    now = rt.clock.now()
    settings = rt.settings
    with rt.transaction() as tx:
        for row in rows:
            status, code, detail = outcomes[row.id]
            row = tx.session.merge(row)
            row.attempts += 1
            row.last_code, row.claimed_at = code, None
            row.last_error = "" if status == "sent" else detail
            if status == "sent":
                row.status, row.sent_at = MailStatus.SENT, now
                report.sent.append(row.id)
            elif status == "retry" and row.attempts < settings.mail_max_attempts:
                delay = settings.mail_retry_base_seconds * 2 ** (row.attempts - 1)
                row.status = MailStatus.QUEUED
                row.next_attempt_at = now + timedelta(seconds=min(delay, 6 * 3600))
                report.retry.append(row.id)
            else:
                row.status = MailStatus.FAILED
                report.failed.append(row.id)
            tx.session.add(row)


def _message(rt: Runtime, row: OutboxEmail, files: dict):
    return build_message(
        message_id=message_id(rt, row), sender=rt.settings.mail_from, to_addr=row.to_addr,
        to_name=row.to_name or None, subject=row.subject, text=row.text_body,
        html=row.html_body or None, attachments=[files[i] for i in row.attachment_ids],
        headers={"X-IMC-Key": row.key}, date=rt.clock.now())


def message_id(rt: Runtime, row: OutboxEmail) -> str:
    """Stable per outbox row, so a resend after a crash is recognisable as the same mail."""
    domain = parseaddr(rt.settings.mail_from)[1].rpartition("@")[2] or "imc.local"
    digest = hashlib.sha256(row.key.encode()).hexdigest()[:16]
    return f"<imc.{row.id}.{digest}@{domain}>"


def _allowed_recipient(rt: Runtime, addr: str) -> bool:
    if rt.settings.environment == "production":
        return True
    domain = addr.rpartition("@")[2].lower()
    return any(domain == s.lstrip(".") or domain.endswith(s if s.startswith(".") else "." + s)
               or domain == s for s in RESERVED_SUFFIXES)
