"""The local mail sink stores what it receives as readable .eml files."""

from __future__ import annotations

import asyncio
import email
import re
import subprocess
import sys
from email import policy
from pathlib import Path

from adapters.mail_message import build_message
from adapters.mail_sink import start_sink
from adapters.smtp_sender import SmtpConfig, send_messages
from tests.smtp_server import free_port

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^\d{6}-\d{6}-[\w.@+-]+\.eml$")


def make(i: int):
    return build_message(
        message_id=f"sink-{i}@imc.test", sender="imc@imc.test", to_addr=f"ivanov+{i}@school.test",
        to_name="Иванов Иван", subject=f"Приглашение на вебинар № {i}", text="Текст письма\n",
        html=None, attachments=[("Программа вебинара.pdf", b"%PDF-1.4", "application/pdf")],
    )


def test_messages_land_as_eml_files(tmp_path):
    port = free_port()
    controller = start_sink(tmp_path, port=port)
    try:
        config = SmtpConfig(host="127.0.0.1", port=port, timeout=5)
        outcomes = asyncio.run(send_messages(config, [make(i) for i in range(5)]))
    finally:
        controller.stop()
    assert [o.status for o in outcomes] == ["sent"] * 5
    (day,) = tmp_path.iterdir()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day.name)
    files = sorted(day.iterdir())
    assert len(files) == 5
    assert all(NAME.match(f.name) for f in files), [f.name for f in files]
    parsed = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(str(m["Subject"]) for m in parsed) == sorted(
        f"Приглашение на вебинар № {i}" for i in range(5))
    for msg in parsed:
        assert msg["Delivered-To"] == msg["To"].addresses[0].addr_spec
        assert msg["Return-Path"] == "<imc@imc.test>"
        (att,) = msg.iter_attachments()
        assert att.get_filename() == "Программа вебинара.pdf"


def test_module_runs_and_stops(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "adapters.mail_sink", "--dir", str(tmp_path), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        first_line = proc.stdout.readline()
        assert str(port) in first_line and str(tmp_path) in first_line
        config = SmtpConfig(host="127.0.0.1", port=port, timeout=5)
        assert asyncio.run(send_messages(config, [make(1)]))[0].status == "sent"
        assert len(list(tmp_path.rglob("*.eml"))) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
