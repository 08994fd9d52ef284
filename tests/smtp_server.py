"""A reusable in-process SMTP server for tests, with scripted per-recipient replies."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller

Replies = Mapping[str, str] | Callable[[str], str | None] | None

TEMPORARY_FAILURE = "451 4.3.0 Временная ошибка, попробуйте позже"


class ReceivedMessage(EmailMessage):
    """A parsed received message that also carries its SMTP envelope."""

    envelope_from: str = ""
    envelope_rcpt: tuple[str, ...] = ()
    raw: bytes = b""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class _Handler:
    """aiosmtpd handler that consults the owning server for replies and stores mail."""

    def __init__(self, owner: TestSmtpServer) -> None:
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.owner.reply_for(address)
        if reply is not None and not reply.startswith("2"):
            return reply
        envelope.rcpt_tos.append(address)
        return reply or "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.owner.take_failure():
            return TEMPORARY_FAILURE
        self.owner.store(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.content)
        return "250 2.0.0 Принято"


class TestSmtpServer:
    """aiosmtpd on 127.0.0.1 with replies settable at runtime; stop/start keeps the port."""

    __test__ = False  # not a pytest test class despite the name

    def __init__(self, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or free_port(host)
        self.replies: Replies = None
        self.fail_next_n = 0
        self._lock = threading.Lock()
        self._messages: list[ReceivedMessage] = []
        self._controller: Controller | None = None

    def start(self) -> TestSmtpServer:
        """Start listening (again) on the same port."""
        if self._controller is None:
            controller = Controller(_Handler(self), hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        """Stop listening and drop open sessions, as a crashed server would."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        """Whether the server is accepting connections."""
        return self._controller is not None

    @property
    def messages(self) -> list[ReceivedMessage]:
        """A snapshot of messages received so far, in arrival order."""
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        """Forget received messages and scripted failures."""
        with self._lock:
            self._messages.clear()
            self.replies = None
            self.fail_next_n = 0

    def reply_for(self, address: str) -> str | None:
        """The scripted RCPT reply for an address, or None for the default 250."""
        replies = self.replies
        if replies is None:
            return None
        if callable(replies):
            return replies(address)
        return replies.get(address) or replies.get(address.lower())

    def take_failure(self) -> bool:
        """Consume one scripted temporary DATA failure if any remain."""
        with self._lock:
            if self.fail_next_n > 0:
                self.fail_next_n -= 1
                return True
            return False

    def store(self, mail_from: str, rcpt: tuple[str, ...], raw: bytes) -> None:
        """Parse and keep a received message."""
        msg = BytesParser(_class=ReceivedMessage, policy=policy.default).parsebytes(raw)
        msg.envelope_from, msg.envelope_rcpt, msg.raw = mail_from, rcpt, raw
        with self._lock:
            self._messages.append(msg)

    def __enter__(self) -> TestSmtpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
