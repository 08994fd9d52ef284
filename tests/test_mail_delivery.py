"""The outbox drained through a real SMTP server: once per key, retries, failures, limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from models import MailStatus
from services import agreements
from services.mail_delivery import drain
from services.outbox import queue_email
from tests.factories import director_actor, emails, make_partner, staff_actor

LONG_SUBJECT = ("Приглашение к участию в межмуниципальном конкурсе на статус «Лидер "
                "межмуниципального взаимодействия» и в сетевых методических вебинарах "
                "инновационной площадки МКУ ИМЦ Выселковский район")


def run(rt):
    return asyncio.run(drain(rt))


def queue(rt, n: int, *, addr="person{i}@example.org", subject="Тема {i}") -> list[int]:
    ids = []
    with rt.transaction() as tx:
        for i in range(n):
            row = queue_email(tx, key=f"test:{i}", template="agreement_declined",
                              to_addr=addr.format(i=i), context=_ctx(tx))
            row.subject = subject.format(i=i)
            ids.append(row.id)
    return ids


def _ctx(tx):
    from sqlmodel import select

    from models import Agreement

    ag = tx.session.exec(select(Agreement)).first()
    from services.agreement_context import mail_context
    from services.org import staff

    return mail_context(tx, ag, staff=staff(tx)[0])


def started(rt) -> int:
    return agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))


def test_agreement_mail_arrives_once_with_its_attachment(rt, smtp):
    ag_id = started(rt)
    agreements.approve(rt, ag_id, actor=director_actor(rt))
    first = run(rt)
    second = run(rt)
    assert len(first.sent) == 2 and second.attempted == 0
    assert len(smtp.messages) == 2
    invitation = next(m for m in smtp.messages if m.envelope_rcpt == ("head1@school1.example.org",))
    (attachment,) = list(invitation.iter_attachments())
    assert attachment.get_filename() == ("Проект договора о сетевом взаимодействии — "
                                         "МБОУ СОШ № 1.docx")
    row = emails(rt, template="agreement_partner_invitation")[0]
    assert invitation["Message-ID"].startswith(f"<imc.{row.id}.")
    assert invitation["Subject"] == row.subject
    assert row.status == MailStatus.SENT


def test_long_russian_subject_arrives_intact(rt, smtp):
    started(rt)
    queue(rt, 1, subject=LONG_SUBJECT)
    run(rt)
    assert [m["Subject"] for m in smtp.messages if m["Subject"] == LONG_SUBJECT]


def test_smtp_down_then_up_loses_nothing(rt, smtp, clock):
    started(rt)
    smtp.stop()
    report = run(rt)
    assert report.retry and not report.sent
    assert all(m.status == MailStatus.QUEUED for m in emails(rt))
    smtp.start()
    assert run(rt).attempted == 0  # not due until the backoff passes
    clock.advance(timedelta(seconds=rt.settings.mail_retry_base_seconds + 1))
    assert len(run(rt).sent) == 1
    assert len(smtp.messages) == 1


def test_permanent_failure_is_kept_and_others_still_go(rt, smtp):
    started(rt)
    queue(rt, 3)
    smtp.replies = {"person1@example.org": "550 5.1.1 Нет такого ящика"}
    report = run(rt)
    assert len(report.failed) == 1 and len(report.sent) == 3
    (failed,) = emails(rt, status=MailStatus.FAILED)
    assert failed.to_addr == "person1@example.org" and failed.last_code == 550


def test_temporary_failure_is_retried_with_backoff(rt, smtp, clock):
    started(rt)
    smtp.replies = {"director@imc-vyselki.example.org": "451 4.3.0 Попробуйте позже"}
    assert run(rt).retry
    smtp.replies = None
    clock.advance(timedelta(seconds=29))
    assert run(rt).attempted == 0
    clock.advance(timedelta(seconds=2))
    assert len(run(rt).sent) == 1


def test_rate_limit_holds_mail_back_without_dropping_it(tmp_path, smtp):
    from services.seed import load_centre
    from tests.conftest import make_runtime

    rt = make_runtime(tmp_path, smtp_port=smtp.port, mail_rate_per_minute=2)
    load_centre(rt)
    started(rt)
    queue(rt, 4)
    first = run(rt)
    assert len(first.sent) == 2 and first.waiting == 3
    rt.clock.advance(timedelta(seconds=61))
    assert len(run(rt).sent) == 2
    rt.clock.advance(timedelta(seconds=61))
    assert len(run(rt).sent) == 1
    assert len(smtp.messages) == 5


def test_real_addresses_are_refused_outside_production(rt, smtp):
    started(rt)
    queue(rt, 1, addr="someone@mail.ru")
    report = run(rt)
    assert len(report.failed) == 1
    assert "зарезервированных" in emails(rt, status=MailStatus.FAILED)[0].last_error
