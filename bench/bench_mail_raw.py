"""Mail throughput: plain aiosmtplib against send_messages, to a server in another process."""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from adapters.mail_message import build_message
from adapters.smtp_sender import SmtpConfig, send_messages

ROOT = Path(__file__).resolve().parent.parent
READY = "READY"


class _Discard:
    """aiosmtpd handler that accepts and forgets every message."""

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def _serve(port: int) -> None:
    """Run a discarding SMTP server until killed, announcing readiness on stdout."""
    from aiosmtpd.controller import Controller

    controller = Controller(_Discard(), hostname="127.0.0.1", port=port)
    controller.start()
    print(READY, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


def start_sink_process(port: int, timeout: float = 30.0) -> subprocess.Popen:
    """Start the discarding server in another process; return once it accepts mail."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_mail_raw", "--serve", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    # readline blocks, so wait for READY in a thread to keep the timeout honest.
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not lines or lines[0].strip() != READY:
        proc.kill()
        raise RuntimeError(f"SMTP-сервер для замера не запустился: {lines!r}")
    return proc


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _plain_messages(n: int) -> list[EmailMessage]:
    """Small Russian messages built the plain way."""
    result = []
    for i in range(n):
        msg = EmailMessage()
        msg["From"] = "imc@imc.test"
        msg["To"] = f"user{i}@school.test"
        msg["Subject"] = f"Приглашение на вебинар № {i}"
        msg.set_content(f"Здравствуйте!\nПриглашаем вас на вебинар № {i}.\n")
        result.append(msg)
    return result


def _adapter_messages(n: int) -> list[EmailMessage]:
    """The same messages built by the adapter."""
    return [
        build_message(
            message_id=f"bench-{i}@imc.test", sender="imc@imc.test",
            to_addr=f"user{i}@school.test", to_name=None,
            subject=f"Приглашение на вебинар № {i}",
            text=f"Здравствуйте!\nПриглашаем вас на вебинар № {i}.\n", html=None, attachments=[],
        )
        for i in range(n)
    ]


async def raw_send(n: int, port: int, concurrency: int = 20) -> float:
    """Seconds for aiosmtplib.send per message (a connection each), `concurrency` at once."""
    messages = _plain_messages(n)
    gate = asyncio.Semaphore(concurrency)

    async def one(msg: EmailMessage) -> None:
        async with gate:
            await aiosmtplib.send(msg, hostname="127.0.0.1", port=port, start_tls=False)

    started = time.perf_counter()
    await asyncio.gather(*(one(m) for m in messages))
    return time.perf_counter() - started


async def adapter_send(n: int, port: int, concurrency: int = 20) -> float:
    """Seconds for send_messages over a pool of `concurrency` persistent connections."""
    messages = _adapter_messages(n)
    config = SmtpConfig(host="127.0.0.1", port=port, timeout=30)
    started = time.perf_counter()
    outcomes = await send_messages(config, messages, concurrency=concurrency)
    elapsed = time.perf_counter() - started
    failed = [o for o in outcomes if o.status != "sent"]
    if failed:
        raise RuntimeError(f"Не отправлено {len(failed)} писем: {failed[0].detail}")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    """Print both rates, or serve the discarding server with --serve PORT."""
    parser = argparse.ArgumentParser(description="Замер скорости отправки почты")
    parser.add_argument("--serve", type=int, help="только запустить сервер на этом порту")
    parser.add_argument("-n", type=int, default=1000, help="число писем")
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve)
        return
    port = _free_port()
    proc = start_sink_process(port)
    try:
        raw = asyncio.run(raw_send(args.n, port, args.concurrency))
        pooled = asyncio.run(adapter_send(args.n, port, args.concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"aiosmtplib.send, соединение на письмо: {args.n / raw:.0f} писем/с ({raw:.2f} с)")
    print(f"send_messages, пул соединений:        {args.n / pooled:.0f} писем/с ({pooled:.2f} с)")


if __name__ == "__main__":
    main()
