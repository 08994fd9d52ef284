"""The outbox drained through a real SMTP server: once per key, retries, failures, limits."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select
from typer.testing import CliRunner

from models import Document, MailStatus
from services import agreements, mail_delivery, mail_queries
from services.audit import trail
from services.documents import absolute_path
from services.mail_delivery import claim, drain
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


# --- Concurrency, outages, broken attachments, staff retries -------------------------------


def test_concurrent_claims_take_each_row_exactly_once(rt):
    started(rt)
    queue(rt, 150)
    barrier = threading.Barrier(6)

    def claim_all(_) -> list[int]:
        barrier.wait(30)
        taken = []
        while ids := claim(rt, 7):
            taken.extend(ids)
        return taken

    with ThreadPoolExecutor(6) as pool:
        flat = [i for ids in pool.map(claim_all, range(6)) for i in ids]
    assert len(flat) == len(set(flat)), "a row was claimed by two senders"
    assert set(flat) == {m.id for m in emails(rt)}


def test_concurrent_drains_send_each_message_once(rt, smtp):
    started(rt)
    queue(rt, 60)
    with ThreadPoolExecutor(4) as pool:
        reports = list(pool.map(lambda _: run(rt), range(4)))
    keys = [m["X-IMC-Key"] for m in smtp.messages]
    assert len(keys) == len(set(keys)) == len(emails(rt)) == 61
    assert sum(len(r.sent) for r in reports) == 61


def test_two_concurrent_drains_keep_the_rate_limit(rt, smtp, monkeypatch):
    rt.settings = rt.settings.model_copy(update={"mail_rate_per_minute": 10})
    started(rt)
    queue(rt, 30)
    real_send = mail_delivery.send_messages
    first_in, release = threading.Event(), threading.Event()

    async def held_send(config, messages, concurrency):
        if not first_in.is_set():  # the first drain stops mid-send, its chunk claimed
            first_in.set()
            await asyncio.to_thread(release.wait, 30)
        return await real_send(config, messages, concurrency)

    monkeypatch.setattr(mail_delivery, "send_messages", held_send)
    reports: dict = {}
    first = threading.Thread(target=lambda: reports.setdefault("first", run(rt)))
    first.start()
    assert first_in.wait(30)
    reports["second"] = run(rt)  # runs while the first drain is sending
    release.set()
    first.join(60)
    assert len(smtp.messages) == 10
    assert len(reports["first"].sent) + len(reports["second"].sent) == 10
    assert len(emails(rt, status=MailStatus.QUEUED)) == 21


def test_missing_attachment_fails_its_message_only(rt, smtp):
    ag_id = started(rt)
    agreements.approve(rt, ag_id, actor=director_actor(rt))
    queue(rt, 2)
    with rt.session() as s:
        docs = list(s.exec(select(Document)))
    for doc in docs:
        absolute_path(rt, doc).unlink()
    report = run(rt)
    with_draft = [m for m in emails(rt) if m.attachment_ids]
    assert with_draft and report.failed == [m.id for m in with_draft]
    for mail in with_draft:
        assert mail.status == MailStatus.FAILED
        assert mail.last_error.startswith("вложение «Проект договора о сетевом")
        assert "недоступно: файл не найден" in mail.last_error
    others = [m for m in emails(rt) if not m.attachment_ids]
    assert len(report.sent) == len(others) == len(smtp.messages) == 2
    assert all(m.status == MailStatus.SENT for m in others)
    assert not emails(rt, status=MailStatus.SENDING)
    assert run(rt).attempted == 0


def test_long_outage_keeps_everything_queued_without_spending_attempts(rt, smtp, clock):
    rt.settings = rt.settings.model_copy(update={"mail_retry_base_seconds": 3 * 3600})
    started(rt)
    queue(rt, 3)
    smtp.stop()
    for _ in range(30):  # five hours, a drain every ten minutes
        assert len(run(rt).retry) == 4
        # The pause before the next look is bounded, however large the retry base.
        assert emails(rt)[0].next_attempt_at == clock.now() + timedelta(minutes=10)
        clock.advance(timedelta(minutes=10))
    rows = emails(rt)
    assert all(m.status == MailStatus.QUEUED and m.attempts == 0 for m in rows)
    assert all(m.last_code is None and "SMTP" in m.last_error for m in rows)
    smtp.start()
    assert len(run(rt).sent) == len(rows) == 4
    keys = [m["X-IMC-Key"] for m in smtp.messages]
    assert len(keys) == len(set(keys)) == 4


def test_temporary_replies_count_as_attempts_until_failure(rt, smtp, clock):
    rt.settings = rt.settings.model_copy(update={"mail_max_attempts": 3})
    started(rt)
    smtp.replies = lambda addr: "451 4.3.0 Попробуйте позже"
    delays = []
    for attempt in (1, 2):
        assert run(rt).retry
        (row,) = emails(rt)
        assert row.attempts == attempt and row.last_code == 451
        delays.append(row.next_attempt_at - clock.now())
        clock.advance(delays[-1])
    assert delays == [timedelta(seconds=30), timedelta(seconds=60)]
    assert run(rt).failed
    assert emails(rt)[0].status == MailStatus.FAILED


def _imc_mail(rt, monkeypatch, *args: str):
    import cli.common
    import cli.mail

    monkeypatch.setattr(cli.mail, "rt", lambda: rt)
    monkeypatch.setattr(cli.common.console, "width", 250)
    monkeypatch.delenv("IMC_STAFF_LOGIN", raising=False)
    return CliRunner().invoke(cli.mail.app, list(args))


def test_retry_from_the_command_line_is_audited(rt, smtp, monkeypatch):
    started(rt)
    queue(rt, 3)
    smtp.replies = {f"person{i}@example.org": "550 5.1.1 Нет такого ящика" for i in (0, 2)}
    run(rt)
    first, second = emails(rt, status=MailStatus.FAILED)
    refused = _imc_mail(rt, monkeypatch, "retry", str(first.id))
    assert refused.exit_code == 1 and "Укажите, кто" in refused.output
    done = _imc_mail(rt, monkeypatch, "retry", str(first.id), "--by", "ivanova")
    assert done.exit_code == 0, done.output
    (entry,) = trail(rt, "email", first.id)
    staff = staff_actor(rt)
    assert (entry.action, entry.actor_id, entry.actor_label) == ("retry", staff.person_id,
                                                                 staff.label)
    assert entry.details["last_error"].startswith("Сервер отказал: 550")
    assert [m.id for m in emails(rt, status=MailStatus.QUEUED)] == [first.id]
    run(rt)  # fails again: the address is still wrong
    done = _imc_mail(rt, monkeypatch, "retry", "--all-failed", "--by", "ivanova")
    assert done.exit_code == 0, done.output
    assert "Возвращено в очередь: 2" in done.output
    assert not emails(rt, status=MailStatus.FAILED)
    assert [e.action for e in trail(rt, "email", first.id)] == ["retry", "retry"]
    assert [e.actor_id for e in trail(rt, "email", second.id)] == [staff.person_id]
    nothing = _imc_mail(rt, monkeypatch, "retry", "--all-failed", "--by", "ivanova")
    assert nothing.exit_code == 0 and "Недоставленных писем нет" in nothing.output
    both = _imc_mail(rt, monkeypatch, "retry", str(first.id), "--all-failed", "--by", "ivanova")
    assert both.exit_code == 1


def test_retry_failed_keeps_its_signature_and_audits(rt, smtp):
    started(rt)
    queue(rt, 1, addr="nobody{i}@example.org")
    smtp.replies = {"nobody0@example.org": "550 5.1.1 Нет такого ящика"}
    run(rt)
    (row,) = emails(rt, status=MailStatus.FAILED)
    mail_queries.retry_failed(rt, row.id)
    (entry,) = trail(rt, "email", row.id)
    assert entry.action == "retry" and entry.actor_kind == "system"
    assert mail_queries.retry_all_failed(rt, actor=staff_actor(rt)) == []


def test_mail_list_and_show_print_russian_statuses(rt, smtp, monkeypatch):
    started(rt)
    queue(rt, 2)
    smtp.replies = {"person0@example.org": "550 5.1.1 Нет такого ящика"}
    run(rt)
    with rt.transaction() as tx:
        queue_email(tx, key="later", template="agreement_declined",
                    to_addr="later@example.org", context=_ctx(tx))
    listing = _imc_mail(rt, monkeypatch, "list")
    assert listing.exit_code == 0, listing.output
    for label in ("не доставлено", "отправлено", "в очереди"):
        assert label in listing.output
    for raw in ("queued", "sent", "failed", "MailStatus"):
        assert raw not in listing.output
    (failed,) = emails(rt, status=MailStatus.FAILED)
    shown = _imc_mail(rt, monkeypatch, "show", str(failed.id)).output
    assert "Статус: не доставлено" in shown and "failed" not in shown
    only_failed = _imc_mail(rt, monkeypatch, "list", "--status", "failed").output
    assert "не доставлено" in only_failed and "отправлено" not in only_failed


# --- Mail with a deadline (expires_at): withdrawn, never sent late ----------------------------


def _expiring(rt, minutes: dict[int, int]) -> None:
    """Give queued messages a deadline: {row id: minutes from now}."""
    from models import OutboxEmail

    with rt.transaction() as tx:
        for mail_id, m in minutes.items():
            tx.session.get(OutboxEmail, mail_id).expires_at = tx.now + timedelta(minutes=m)


def test_mail_past_its_deadline_is_withdrawn_and_never_sent(rt, smtp, clock, monkeypatch):
    rt.settings = rt.settings.model_copy(update={"mail_rate_per_day": 5})
    started(rt)
    soon, later, flaky = queue(rt, 3)
    _expiring(rt, {soon: 1, later: 5, flaky: 5})
    smtp.replies = {"person2@example.org": "451 4.3.0 Попробуйте позже"}
    clock.advance(timedelta(minutes=2))
    report = run(rt)
    assert (len(report.sent), report.retry, report.failed) == (2, [flaky], [])
    clock.advance(timedelta(minutes=4))  # the retry is due after its deadline
    assert run(rt).attempted == 0
    statuses = {m.id: m.status for m in emails(rt)}
    assert (statuses[soon], statuses[later], statuses[flaky]) == (
        MailStatus.WITHDRAWN, MailStatus.SENT, MailStatus.WITHDRAWN)
    assert sorted(m["X-IMC-Key"] for m in smtp.messages if m["X-IMC-Key"].startswith("test:")) \
        == ["test:1"]
    assert mail_delivery.budget(rt) == 5 - 2  # withdrawn mail does not use the daily limit
    assert mail_delivery.due_count(rt) == 0

    listing = _imc_mail(rt, monkeypatch, "list", "--status", "withdrawn")
    assert listing.exit_code == 0, listing.output
    assert listing.output.count("отозвано: больше не нужно") == 2
    refused = _imc_mail(rt, monkeypatch, "retry", str(soon), "--by", "ivanova")
    assert refused.exit_code == 1 and "не в статусе «не доставлено»" in refused.output
    nothing = _imc_mail(rt, monkeypatch, "retry", "--all-failed", "--by", "ivanova")
    assert "Недоставленных писем нет" in nothing.output


def test_a_claim_abandoned_past_its_deadline_is_not_taken_again(rt, clock):
    started(rt)
    [mail_id] = queue(rt, 1)
    _expiring(rt, {mail_id: 5})
    assert mail_id in claim(rt, 10)  # the drain that took it dies before sending
    clock.advance(timedelta(minutes=20))  # past the claim timeout and the deadline
    assert mail_id not in claim(rt, 10)
    assert [m.status for m in emails(rt) if m.id == mail_id] == [MailStatus.WITHDRAWN]
