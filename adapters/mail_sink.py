"""Local SMTP sink: keeps every received message as an .eml file for staff to read."""

from __future__ import annotations

import argparse
import itertools
import os
import re
import tempfile
import time
from datetime import datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from adapters.clock import MOSCOW

_UNSAFE = re.compile(r"[^\w.@+-]+")


def _safe_name(address: str) -> str:
    """A file-name-safe form of a recipient address."""
    return _UNSAFE.sub("_", address).strip("._")[:80] or "unknown"


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so readers never see half a message."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class SinkHandler:
    """aiosmtpd handler writing one .eml per recipient under <dir>/<YYYY-MM-DD>/."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._counter = itertools.count(1)

    def _target(self, now: datetime, rcpt: str) -> Path:
        """A new file name that does not exist yet."""
        day = self.directory / now.strftime("%Y-%m-%d")
        day.mkdir(parents=True, exist_ok=True)
        while True:
            path = day / f"{now:%H%M%S}-{next(self._counter):06d}-{_safe_name(rcpt)}.eml"
            if not path.exists():  # the counter restarts with the process
                return path

    def save(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> list[Path]:
        """Store a message once per recipient, with delivery headers like a mailbox."""
        now, paths = datetime.now(MOSCOW), []  # folders by the staff's calendar day
        for rcpt in rcpt_tos:
            head = f"Return-Path: <{mail_from}>\r\nDelivered-To: {rcpt}\r\n".encode()
            path = self._target(now, rcpt)
            _atomic_write(path, head + content)
            paths.append(path)
        return paths

    async def handle_DATA(self, server, session, envelope):
        self.save(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        return "250 2.0.0 Сохранено"


def start_sink(directory: str | os.PathLike[str], host: str = "127.0.0.1",
               port: int = 8025) -> Controller:
    """Start the sink in a background thread; call .stop() on the result to end it."""
    controller = Controller(SinkHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> None:
    """Run the sink until Ctrl+C."""
    parser = argparse.ArgumentParser(description="Локальный SMTP-приёмник писем в .eml")
    parser.add_argument("--dir", default="var/mail", help="каталог для писем")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args(argv)
    directory = Path(args.dir).resolve()
    controller = start_sink(directory, args.host, args.port)
    where = f"{args.host}:{args.port}"
    print(f"Почтовый приёмник слушает {where}, письма сохраняются в {directory}", flush=True)
    print("Остановить: Ctrl+C", flush=True)
    try:
        while True:
            time.sleep(1)  # a plain sleep loop stays interruptible on Windows too
    except KeyboardInterrupt:
        print("Почтовый приёмник остановлен")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
