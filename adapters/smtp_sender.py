"""Send single-recipient messages over a small pool of persistent SMTP connections."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

import aiosmtplib

from adapters.mail_message import message_bytes

Status = Literal["sent", "retry", "failed"]

# Connection-level trouble: the message may be fine, the server or network is not.
_CONNECTION_ERRORS = (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPConnectError,
                      aiosmtplib.SMTPTimeoutError, ConnectionError, TimeoutError, OSError)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to connect; starttls upgrades a plain connection, use_tls is port 465."""

    host: str = "127.0.0.1"
    port: int = 8025
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0
    use_tls: bool = False


@dataclass(frozen=True)
class SendOutcome:
    """Result for one message: sent, retry later, or failed for good."""

    status: Status
    code: int | None
    detail: str


def _by_code(code: int, text: str) -> SendOutcome:
    """Classify an SMTP reply code."""
    if 200 <= code < 300:
        return SendOutcome("sent", code, f"Принято сервером: {code} {text}".strip())
    if 400 <= code < 500:
        return SendOutcome("retry", code, f"Временный отказ сервера: {code} {text}".strip())
    if 500 <= code < 600:
        return SendOutcome("failed", code, f"Сервер отказал: {code} {text}".strip())
    return SendOutcome("retry", code, f"Непонятный ответ сервера: {code} {text}".strip())


def _connection_outcome(exc: BaseException) -> SendOutcome:
    """Outcome for a connection problem: always worth a retry."""
    reason = str(exc) or type(exc).__name__
    return SendOutcome("retry", None, f"Нет связи с SMTP-сервером: {reason}")


def _envelope(msg: EmailMessage) -> tuple[str, str] | SendOutcome:
    """Envelope sender and the single recipient, or a failed outcome explaining why not."""
    to_header, from_header = msg["To"], msg["From"]
    recipients = list(getattr(to_header, "addresses", ()))
    senders = list(getattr(from_header, "addresses", ()))
    if len(recipients) != 1 or msg["Cc"] or msg["Bcc"]:
        return SendOutcome("failed", None, "В письме должен быть ровно один получатель (To)")
    if len(senders) != 1:
        return SendOutcome("failed", None, "В письме должен быть ровно один отправитель (From)")
    return senders[0].addr_spec, recipients[0].addr_spec


class _Connection:
    """One pooled connection: connects lazily, drops itself after connection errors."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.smtp: aiosmtplib.SMTP | None = None

    async def ensure(self) -> bool:
        """Connect if needed; True when the connection was already open."""
        if self.smtp is not None and self.smtp.is_connected:
            return True
        c = self.config
        self.smtp = aiosmtplib.SMTP(
            # Empty strings from settings mean "no login", not a login with an empty name.
            hostname=c.host, port=c.port, username=c.user or None, password=c.password or None,
            start_tls=c.starttls, use_tls=c.use_tls, timeout=c.timeout,
        )
        try:
            await self.smtp.connect()
        except BaseException:
            self.smtp = None
            raise
        return False

    def drop(self) -> None:
        """Forget the connection without waiting for a polite goodbye."""
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            smtp.close()

    async def quit(self) -> None:
        """Close politely at the end of the batch."""
        smtp, self.smtp = self.smtp, None
        if smtp is not None and smtp.is_connected:
            try:
                await smtp.quit()
            except Exception:
                smtp.close()

    async def send(self, sender: str, rcpt: str, data: bytes) -> SendOutcome:
        """Run one mail transaction and classify the result."""
        assert self.smtp is not None
        try:
            errors, reply = await self.smtp.sendmail(sender, [rcpt], data)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0]
            return _by_code(refused.code, refused.message)
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code == 421:  # the server is closing this session
                self.drop()
            return _by_code(exc.code, exc.message)
        except (ValueError, aiosmtplib.SMTPNotSupported) as exc:  # e.g. a non-ASCII mailbox
            return SendOutcome("failed", None, f"Адрес нельзя использовать: {exc}")
        if rcpt in errors:
            return _by_code(errors[rcpt].code, errors[rcpt].message)
        return SendOutcome("sent", 250, f"Принято сервером: {reply}".strip())


class _Pool:
    """Shared state of one send_messages call."""

    def __init__(self, config: SmtpConfig, workers: int) -> None:
        self.config = config
        # After this many connect failures in a row the server is down: stop trying.
        self.connect_failures_allowed = max(2, workers)
        self.connect_failures = 0

    @property
    def server_down(self) -> bool:
        """Whether enough connects failed in a row to give up on this batch."""
        return self.connect_failures >= self.connect_failures_allowed

    async def deliver(self, conn: _Connection, msg: EmailMessage) -> SendOutcome:
        """Send one message, reconnecting once if a reused connection went stale."""
        envelope = _envelope(msg)
        if isinstance(envelope, SendOutcome):
            return envelope
        try:
            data = message_bytes(msg)
        except Exception as exc:
            return SendOutcome("failed", None, f"Письмо не удалось сформировать: {exc}")
        for attempt in range(2):
            if self.server_down:
                return SendOutcome("retry", None, "SMTP-сервер недоступен, письмо не отправлялось")
            try:
                reused = await conn.ensure()
            except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException) as exc:
                # Login or STARTTLS refusals land here too: the setup is wrong, not the
                # message, so it stays queued for a retry instead of failing for good.
                self.connect_failures += 1
                return _connection_outcome(exc)
            self.connect_failures = 0
            try:
                return await conn.send(*envelope, data)
            except _CONNECTION_ERRORS as exc:
                conn.drop()
                # A pooled connection may have been closed by the server while idle; a
                # timeout is not retried at once, as the server may still accept the message.
                if not reused or attempt or not isinstance(exc, ConnectionError):
                    return _connection_outcome(exc)
        raise AssertionError("unreachable")


async def send_messages(
    config: SmtpConfig, messages: list[EmailMessage], concurrency: int = 10
) -> list[SendOutcome]:
    """Send each single-recipient message; outcomes come back in the same order."""
    outcomes: list[SendOutcome | None] = [None] * len(messages)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(messages)):
        queue.put_nowait(index)
    workers = max(1, min(concurrency, len(messages)))
    pool = _Pool(config, workers)

    async def worker() -> None:
        conn = _Connection(config)
        try:
            while not queue.empty():
                index = queue.get_nowait()
                try:
                    outcomes[index] = await pool.deliver(conn, messages[index])
                except Exception as exc:  # never let one message stop the others
                    conn.drop()
                    # Not a known network failure: count it as an attempt (code 0), so a
                    # message that always breaks the sender ends as failed, not retried forever.
                    outcomes[index] = SendOutcome("retry", 0, f"Сбой при отправке: {exc!r}")
        finally:
            await conn.quit()

    if messages:
        await asyncio.gather(*(worker() for _ in range(workers)))
    lost = SendOutcome("retry", None, "Отправка прервана")
    return [outcome or lost for outcome in outcomes]
