"""Build outgoing e-mail messages that survive any RFC-compliant reader intact."""

from __future__ import annotations

import base64
import email.utils
import re
from datetime import datetime
from email.headerregistry import Address, AddressHeader, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy

_EW_PREFIX = "=?utf-8?b?"
_EW_SUFFIX = "?="
# 45 bytes -> 60 base64 chars -> a 72-char encoded word, under RFC 2047's 75 limit.
_EW_MAX_BYTES = 45
_LINE_BREAKS = re.compile(r"[\r\n]+")


def _chunks(text: str, first_budget: int) -> list[str]:
    """Split text at character boundaries into pieces that fit one encoded word each."""
    pieces: list[str] = []
    budget, current, size = first_budget, [], 0
    for char in text:
        width = len(char.encode("utf-8"))
        if current and size + width > budget:
            pieces.append("".join(current))
            budget, current, size = _EW_MAX_BYTES, [], 0
        current.append(char)
        size += width
    pieces.append("".join(current))
    return pieces


def _encoded_word(text: str) -> str:
    """Return one base64 RFC 2047 encoded word for text."""
    return _EW_PREFIX + base64.b64encode(text.encode("utf-8")).decode("ascii") + _EW_SUFFIX


def _fold_unstructured(name: str, text: str, linesep: str) -> str:
    """Fold a non-ASCII unstructured header, every space kept inside an encoded word."""
    # Python 3.11's folder may put a space between two encoded words, where readers
    # must drop it; keeping all text inside the words makes the split lossless.
    first_room = 78 - len(name) - 2 - len(_EW_PREFIX) - len(_EW_SUFFIX)
    first_budget = max(12, first_room // 4 * 3)
    words = [_encoded_word(piece) for piece in _chunks(text, first_budget)]
    return f"{name}: " + (linesep + " ").join(words) + linesep


def _format_address(address: Address) -> str:
    """Render one address, a non-ASCII display name as a single encoded word."""
    if address.display_name.isascii():
        return str(address)
    # One word even past 75 chars: readers accept it, while Python's own parser
    # inserts a space between adjacent encoded words inside a display name.
    return f"{_encoded_word(address.display_name)} <{address.addr_spec}>"


def _fold_addresses(name: str, header: AddressHeader, linesep: str) -> str | None:
    """Fold an address header with non-ASCII display names, or None to use the default."""
    if any(group.display_name for group in header.groups):
        return None
    if not all(a.addr_spec.isascii() for a in header.addresses):
        return None
    line, lines = f"{name}:", []
    for index, address in enumerate(header.addresses):
        item = _format_address(address) + ("," if index < len(header.addresses) - 1 else "")
        if len(item) > 900:  # SMTP caps lines at 998: let the stock folder split it
            return None
        if line.strip().endswith(":") or len(line) + 1 + len(item) <= 78:
            line += " " + item
        else:
            lines.append(line)
            line = " " + item
    lines.append(line)
    return linesep.join(lines) + linesep


class _MailPolicy(EmailPolicy):
    """SMTP policy that folds non-ASCII headers without losing or adding spaces."""

    def _custom_fold(self, name: str, value: object) -> str | None:
        """Return our folding for non-ASCII headers, None for the stock one."""
        text = str(value)
        if text.isascii():
            return None
        if isinstance(value, AddressHeader):
            return _fold_addresses(name, value, self.linesep)
        if isinstance(value, UnstructuredHeader):
            return _fold_unstructured(name, text, self.linesep)
        return None

    def fold(self, name, value):
        """Fold a header for text output."""
        folded = self._custom_fold(name, value)
        return folded if folded is not None else super().fold(name, value)

    def fold_binary(self, name, value):
        """Fold a header for byte output."""
        folded = self._custom_fold(name, value)
        return folded.encode("ascii") if folded is not None else super().fold_binary(name, value)


# 7bit keeps every message ASCII-clean, so any relay accepts it without 8BITMIME.
MAIL_POLICY = _MailPolicy(linesep="\r\n", cte_type="7bit")


def _one_line(text: str) -> str:
    """Replace line breaks (e.g. a trailing newline from a template) with spaces."""
    return _LINE_BREAKS.sub(" ", text)


def ascii_address(addr: str) -> str:
    """Return the address with an internationalized domain (e.g. школа.рф) in IDNA form."""
    local, at, domain = addr.strip().rpartition("@")
    if not at or domain.isascii():
        return addr.strip()
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def build_message(
    *,
    message_id: str,
    sender: str,
    to_addr: str,
    to_name: str | None,
    subject: str,
    text: str,
    html: str | None,
    attachments: list[tuple[str, bytes, str]],
    headers: dict[str, str] | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """Build a single-recipient message: text (+HTML alternative) and attachments."""
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Message-ID"] = message_id if message_id.startswith("<") else f"<{message_id}>"
    msg["Date"] = email.utils.format_datetime(date or datetime.now().astimezone())
    msg["From"] = sender
    # Readers collapse runs of spaces in a display name, so do it up front.
    name = " ".join((to_name or "").split())
    msg["To"] = Address(display_name=name, addr_spec=ascii_address(to_addr))
    msg["Subject"] = _one_line(subject)
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        del msg[name]
        msg[name] = _one_line(value)
    msg.set_content(text, subtype="plain", charset="utf-8")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    for _filename, data, mime_type in attachments:
        _add_inline_calendar(msg, data, mime_type)
    for filename, data, mime_type in attachments:
        maintype, _, subtype = mime_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    for part in msg.walk():
        if part is not msg:
            # The email package repeats MIME-Version on subparts; it belongs on top only.
            del part["MIME-Version"]
    return msg


def _add_inline_calendar(msg: EmailMessage, data: bytes, mime_type: str) -> None:
    """An invitation (.ics with a METHOD) goes in twice: as the file, and as an inline
    text/calendar alternative of the text, which is what makes desktop Outlook and others
    show «Принять / Отклонить» instead of a mere attachment."""
    kind, *params = [p.strip() for p in mime_type.split(";")]
    method = next((p.partition("=")[2] for p in params if p.lower().startswith("method=")), "")
    if kind.lower() != "text/calendar" or not method:
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    msg.add_alternative(text, subtype="calendar", charset="utf-8",
                        params={"method": method.upper()})


def message_bytes(msg: EmailMessage) -> bytes:
    """Serialize a message exactly as it goes over SMTP (CRLF line ends)."""
    return msg.as_bytes(policy=MAIL_POLICY)
