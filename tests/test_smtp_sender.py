"""send_messages against a real aiosmtpd server."""

from __future__ import annotations

import asyncio
import socket

import pytest

from adapters.mail_message import build_message
from adapters.smtp_sender import SendOutcome, SmtpConfig, _Connection, _Pool, send_messages
from tests.smtp_server import TestSmtpServer, free_port


@pytest.fixture(scope="module")
def server():
    with TestSmtpServer() as smtp:
        yield smtp


@pytest.fixture
def smtp(server):
    server.start()
    server.clear()
    yield server
    server.clear()


def config_for(server: TestSmtpServer) -> SmtpConfig:
    return SmtpConfig(host=server.host, port=server.port, timeout=5)


def messages(n: int, prefix: str = "user") -> list:
    return [
        build_message(
            message_id=f"outbox-{i}@imc.test", sender="МКУ ИМЦ <imc@imc.test>",
            to_addr=f"{prefix}{i}@school.test", to_name=f"Участник конкурса № {i}",
            subject=f"Результаты конкурса «Педагог года — 2025» для участника № {i}",
            text=f"Здравствуйте!\nНомер вашей заявки: {i}.\n", html=f"<p>Заявка {i}</p>",
            attachments=[(f"Диплом № {i}.pdf", b"%PDF" + bytes([i % 256]), "application/pdf")],
        )
        for i in range(n)
    ]


def send(server: TestSmtpServer, msgs: list, concurrency: int = 10) -> list[SendOutcome]:
    return asyncio.run(send_messages(config_for(server), msgs, concurrency=concurrency))


def test_all_sent_and_received_intact(smtp):
    msgs = messages(30)
    outcomes = send(smtp, msgs, concurrency=4)
    assert [o.status for o in outcomes] == ["sent"] * 30
    assert all(o.code == 250 for o in outcomes)
    received = {m["Message-ID"]: m for m in smtp.messages}
    assert len(received) == 30
    for original in msgs:
        got = received[original["Message-ID"]]
        assert got.envelope_rcpt == (original["To"].addresses[0].addr_spec,)
        assert got.envelope_from == "imc@imc.test"
        assert str(got["Subject"]) == str(original["Subject"])
        assert got["To"].addresses[0].display_name == original["To"].addresses[0].display_name
        (att,) = got.iter_attachments()
        (orig_att,) = original.iter_attachments()
        assert att.get_filename() == orig_att.get_filename()
        assert att.get_payload(decode=True) == orig_att.get_payload(decode=True)


def test_permanent_refusal_fails_only_that_recipient(smtp):
    smtp.replies = {"user3@school.test": "550 5.1.1 Нет такого ящика"}
    outcomes = send(smtp, messages(6), concurrency=2)
    assert [o.status for o in outcomes] == ["sent"] * 3 + ["failed"] + ["sent"] * 2
    assert outcomes[3].code == 550
    assert "Нет такого ящика" in outcomes[3].detail
    assert sorted(m.envelope_rcpt[0] for m in smtp.messages) == sorted(
        f"user{i}@school.test" for i in (0, 1, 2, 4, 5))


def test_temporary_refusal_is_retry(smtp):
    smtp.replies = lambda addr: "451 4.3.0 Попробуйте позже" if addr.startswith("user1@") else None
    outcomes = send(smtp, messages(3))
    assert [o.status for o in outcomes] == ["sent", "retry", "sent"]
    assert outcomes[1].code == 451


def test_temporary_data_failure_is_retry(smtp):
    smtp.fail_next_n = 2
    outcomes = send(smtp, messages(5), concurrency=1)
    assert [o.status for o in outcomes] == ["retry", "retry", "sent", "sent", "sent"]
    assert {o.code for o in outcomes[:2]} == {451}
    assert len(smtp.messages) == 3


def test_server_down_then_back(smtp):
    smtp.stop()
    outcomes = send(smtp, messages(12), concurrency=3)
    assert [o.status for o in outcomes] == ["retry"] * 12
    assert all(o.code is None for o in outcomes)
    smtp.start()
    outcomes = send(smtp, messages(12), concurrency=3)
    assert [o.status for o in outcomes] == ["sent"] * 12
    assert len(smtp.messages) == 12


def test_nothing_listening_is_retry():
    config = SmtpConfig(host="127.0.0.1", port=free_port(), timeout=2)
    outcomes = asyncio.run(send_messages(config, messages(3)))
    assert [o.status for o in outcomes] == ["retry"] * 3


def test_concurrency_above_message_count(smtp):
    outcomes = send(smtp, messages(3), concurrency=50)
    assert [o.status for o in outcomes] == ["sent"] * 3
    assert asyncio.run(send_messages(config_for(smtp), [], concurrency=5)) == []


def test_message_without_single_recipient_fails_alone(smtp):
    msgs = messages(3)
    del msgs[1]["To"]
    msgs[1]["To"] = "a@school.test, b@school.test"
    outcomes = send(smtp, msgs)
    assert [o.status for o in outcomes] == ["sent", "failed", "sent"]
    assert len(smtp.messages) == 2


def test_stale_pooled_connection_is_replaced(smtp):
    async def scenario():
        config = config_for(smtp)
        conn, pool = _Connection(config), _Pool(config, workers=1)
        await conn.ensure()
        smtp.stop()  # drops the open session, like a server's idle timeout
        smtp.start()
        try:
            return await pool.deliver(conn, messages(1)[0])
        finally:
            await conn.quit()

    assert asyncio.run(scenario()).status == "sent"
    assert len(smtp.messages) == 1


def test_silent_server_times_out_as_retry():
    with socket.socket() as silent:  # accepts connections but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        config = SmtpConfig(host="127.0.0.1", port=silent.getsockname()[1], timeout=0.3)
        outcomes = asyncio.run(send_messages(config, messages(4), concurrency=2))
    assert [o.status for o in outcomes] == ["retry"] * 4
