"""Draining the outbox: claim due mail within the rate limits, send, record the outcome."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from sqlmodel import select

from adapters.mail_message import build_message
from adapters.smtp_sender import SendOutcome, SmtpConfig, send_messages
from models import Document, MailStatus, OutboxEmail
from services.db import advisory_lock
from services.documents import read_bytes
from services.runtime import Runtime

# A message claimed longer ago than this is assumed lost with its sender and tried again.
CLAIM_TIMEOUT = timedelta(minutes=15)
# While the SMTP server cannot be reached, queued mail is looked at again this often at most.
CONNECTION_RETRY_MAX = timedelta(minutes=10)
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
    """How many messages the provider's limits allow right now (claimed ones count as sent)."""
    with rt.session() as s:
        return _budget(s, rt.settings, rt.clock.now())


def _budget(session, settings, now: datetime) -> int:
    def used_since(delta: timedelta) -> int:
        stmt = select(sa.func.count()).select_from(OutboxEmail).where(
            (OutboxEmail.sent_at > now - delta) | _in_flight(now))
        return int(session.exec(stmt).one())

    per_minute = settings.mail_rate_per_minute - used_since(timedelta(minutes=1))
    per_day = settings.mail_rate_per_day - used_since(timedelta(days=1))
    return max(0, min(per_minute, per_day))


def _in_flight(now: datetime):
    """Claimed by a drain that is still within its time: about to be sent."""
    return (OutboxEmail.status == MailStatus.SENDING) & (
        OutboxEmail.claimed_at >= now - CLAIM_TIMEOUT)


def _claimable(now: datetime):
    due = (OutboxEmail.status == MailStatus.QUEUED) & (OutboxEmail.next_attempt_at <= now)
    stale = (OutboxEmail.status == MailStatus.SENDING) & (
        OutboxEmail.claimed_at < now - CLAIM_TIMEOUT)
    return (due | stale) & _unexpired(now)


def _unexpired(now: datetime):
    return OutboxEmail.expires_at.is_(None) | (OutboxEmail.expires_at > now)


def _withdraw_expired(session, now: datetime) -> None:
    """Mail past its deadline that no drain will send any more (queued, or claimed by a drain
    that died) is marked withdrawn: one UPDATE over the few rows with a deadline."""
    abandoned = (OutboxEmail.status == MailStatus.SENDING) & (
        OutboxEmail.claimed_at < now - CLAIM_TIMEOUT)
    session.execute(
        sa.update(OutboxEmail)
        .where(OutboxEmail.expires_at <= now,
               (OutboxEmail.status == MailStatus.QUEUED) | abandoned)
        .values(status=MailStatus.WITHDRAWN, claimed_at=None)
        .execution_options(synchronize_session=False))


def claim(rt: Runtime, limit: int) -> list[int]:
    """Mark up to `limit` due messages as being sent by this drain, within the rate limits.

    Claims are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory
    lock), so the budget and the rows taken are decided by one drain at a time; the update
    re-checks the status, so a row is never taken twice even without that lock. Mail whose
    `expires_at` has come is never taken: the same transaction marks it withdrawn.
    """
    now = rt.clock.now()
    with rt.transaction() as tx:
        postgres = advisory_lock(tx.session, "mail-claim")  # one claim at a time
        _withdraw_expired(tx.session, now)
        limit = min(limit, _budget(tx.session, rt.settings, now))
        if limit <= 0:
            return []
        stmt = (select(OutboxEmail.id).where(_claimable(now)).order_by(OutboxEmail.id)
                .limit(limit))
        if postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(tx.session.exec(stmt))
        if not ids:
            return []
        taken = tx.session.execute(
            sa.update(OutboxEmail).where(OutboxEmail.id.in_(ids), _claimable(now))
            .values(status=MailStatus.SENDING, claimed_at=now).returning(OutboxEmail.id)
            .execution_options(synchronize_session=False))
        return sorted(taken.scalars())


def due_count(rt: Runtime) -> int:
    now = rt.clock.now()
    with rt.session() as s:
        stmt = select(sa.func.count()).select_from(OutboxEmail).where(
            OutboxEmail.status == MailStatus.QUEUED, OutboxEmail.next_attempt_at <= now,
            _unexpired(now))
        return int(s.exec(stmt).one())


async def drain(rt: Runtime, *, chunk: int = 500) -> DrainReport:
    """Send every due message the rate limits allow; retries are scheduled, not waited for."""
    report = DrainReport()
    while True:
        ids = claim(rt, chunk)
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
    files: dict[int, tuple | str] = {}  # document id: attachment, or why it is unavailable
    sendable, messages, outcomes = [], [], {}
    for row in rows:
        if not _allowed_recipient(rt, row.to_addr):
            outcomes[row.id] = ("failed", None, "адрес вне зарезервированных доменов: "
                                "в тестовом режиме письма только на example.org и *.test")
            continue
        attachments = [_attachment(rt, i, docs, files) for i in row.attachment_ids]
        problem = next((a for a in attachments if isinstance(a, str)), None)
        if problem is None:
            try:
                messages.append(_message(rt, row, attachments))
            except Exception as exc:  # one malformed message must not hold back the others
                problem = f"письмо не удалось сформировать: {exc}"
            else:
                sendable.append(row)
        if problem is not None:
            outcomes[row.id] = ("failed", None, problem)
    try:
        results = await send_messages(smtp_config(rt), messages, rt.settings.mail_concurrency)
    except Exception as exc:  # give the chunk back at once rather than after CLAIM_TIMEOUT
        results = [SendOutcome("retry", None, f"Сбой при отправке: {exc!r}")] * len(messages)
    for row, res in zip(sendable, results, strict=True):
        outcomes[row.id] = (res.status, res.code, res.detail)
    _record(rt, rows, outcomes, report)


def _attachment(rt: Runtime, doc_id: int, docs: dict, files: dict) -> tuple | str:
    """(filename, bytes, media type) of one attachment, or a Russian reason it is missing."""
    if doc_id not in files:
        doc = docs.get(doc_id)
        if doc is None:
            files[doc_id] = f"вложение №{doc_id} недоступно: документ не найден в базе"
        else:
            try:
                files[doc_id] = (doc.filename, read_bytes(rt, doc), doc.media_type)
            except OSError as exc:
                files[doc_id] = f"вложение «{doc.filename}» недоступно: {_os_reason(exc)}"
    return files[doc_id]


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "файл не найден в хранилище документов"
    if isinstance(exc, PermissionError):
        return "нет прав на чтение файла"
    return f"файл не удалось прочитать ({exc.strerror or exc})"


def _record(rt: Runtime, rows: list[OutboxEmail], outcomes: dict, report: DrainReport) -> None:
    now = rt.clock.now()
    settings = rt.settings
    with rt.transaction() as tx:
        for row in rows:
            status, code, detail = outcomes[row.id]
            row = tx.session.merge(row)
            row.last_code, row.claimed_at = code, None
            row.last_error = "" if status == "sent" else detail
            if status == "retry" and code is None:
                # The server was not reached: not the message's fault, so no attempt is spent
                # and the message waits for the server however long it takes.
                row.status = MailStatus.QUEUED
                row.next_attempt_at = now + _connection_retry_delay(settings)
                report.retry.append(row.id)
                tx.session.add(row)
                continue
            row.attempts += 1
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


def _connection_retry_delay(settings) -> timedelta:
    return min(timedelta(seconds=settings.mail_retry_base_seconds), CONNECTION_RETRY_MAX)


def _message(rt: Runtime, row: OutboxEmail, attachments: list[tuple]):
    return build_message(
        message_id=message_id(rt, row), sender=rt.settings.mail_from, to_addr=row.to_addr,
        to_name=row.to_name or None, subject=row.subject, text=row.text_body,
        html=row.html_body or None, attachments=attachments,
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
