"""Rescheduling and cancelling a session: the updated .ics parsed back (same UID, SEQUENCE up,
Moscow times, the cancellation form), letters once even when retried, refusals audited."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from rich.console import Console
from sqlalchemy import event
from typer.testing import CliRunner

from adapters.clock import MOSCOW
from models import Document, Outcome, WebinarSession
from services import documents
from services.audit import trail
from services.errors import GuardRefused, IllegalTransition
from services.mail_delivery import drain
from services.webinar_invitations import announce
from services.webinar_registration import register
from services.webinar_schedule import cancel_session, reschedule
from tests.factories import emails, link_token, make_school, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import invitation_token, make_cycle, register_by_email

SOSH = "director@sosh{}.example.org"
REASON = "Болезнь ведущего"
NEW = datetime(2024, 10, 16, 16, 30, tzinfo=MOSCOW)


@pytest.fixture
def first(rt) -> int:
    """Capacity 1: school 1 registered, school 2 on the waiting list, school 3 only invited."""
    for n in (1, 2, 3):
        make_school(rt, n)
    cycle_id, [first, _second] = make_cycle(
        rt, session("Первый", "2024-10-15 15:00", segment="heads", capacity=1),
        session("Второй", "2024-10-29 15:00", segment="heads"))
    announce(rt, cycle_id, actor=staff_actor(rt))
    assert register_by_email(rt, first, SOSH.format(1)) == "registered"
    assert register_by_email(rt, first, SOSH.format(2)) == "waiting"
    return first


def _ics(rt, mail) -> Calendar:
    [doc_id] = mail.attachment_ids
    with rt.session() as s:
        doc = s.get(Document, doc_id)
    return Calendar.from_ical(documents.read_bytes(rt, doc))


def _event(cal: Calendar):
    [event] = cal.walk("VEVENT")
    return event


def _row(rt, session_id: int) -> WebinarSession:
    with rt.session() as s:
        return s.get(WebinarSession, session_id)


def _mails(rt, template: str) -> dict[str, object]:
    found = emails(rt, template=template)
    by_addr = {m.to_addr: m for m in found}
    assert len(by_addr) == len(found)  # one letter per person
    return by_addr


def test_reschedule_then_cancel_sends_the_same_uid_with_a_rising_sequence(rt, first, smtp):
    [confirmation] = emails(rt, template="webinar_registered")
    uid = str(_event(_ics(rt, confirmation))["UID"])
    assert int(_event(_ics(rt, confirmation))["SEQUENCE"]) == 0

    result = reschedule(rt, first, start=NEW, duration_minutes=60,
                        meeting_url="https://meet.example.org/new", reason=REASON,
                        actor=staff_actor(rt))
    assert (result["changed"], result["registered"], result["waiting"]) == (True, 1, 1)
    row = _row(rt, first)
    assert (str(row.state), row.sequence, row.starts_at) == (
        "rescheduled", 1, datetime(2024, 10, 16, 13, 30, tzinfo=UTC))
    moved = _mails(rt, "webinar_rescheduled")
    assert set(moved) == {SOSH.format(1), SOSH.format(2), SOSH.format(3)}
    invited = moved[SOSH.format(3)]  # invited, never registered: the new time and a link
    assert invited.attachment_ids == [] and "Зарегистрироваться на новое время" in (
        invited.text_body) and "16.10.2024 16:30" in invited.text_body and link_token(invited)
    assert result["invited"] == 1
    cal = _ics(rt, moved[SOSH.format(1)])
    event = _event(cal)
    assert str(cal["METHOD"]) == "REQUEST"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 1)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, start.minute, str(start.tzinfo)) == (16, 30, "Europe/Moscow")
    assert (end.hour, end.minute) == (17, 30)
    assert str(event["URL"]) == "https://meet.example.org/new"
    text = moved[SOSH.format(1)].text_body
    assert "15.10.2024 15:00" in text and "16.10.2024 16:30" in text and REASON in text
    waiting = moved[SOSH.format(2)]
    assert waiting.attachment_ids == [] and "листе ожидания" in waiting.text_body

    # retried: nothing new
    again = reschedule(rt, first, start=NEW, duration_minutes=60,
                       meeting_url="https://meet.example.org/new", reason=REASON,
                       actor=staff_actor(rt))
    assert again["changed"] is False and again["notified"] == 0
    assert len(emails(rt, template="webinar_rescheduled")) == 3 and _row(rt, first).sequence == 1

    # someone registering after the reschedule gets the new time at the current sequence
    register(rt, invitation_token(rt, first, SOSH.format(3)))  # full: waiting list
    cancel_token = link_token(emails(rt, template="webinar_registered")[0])
    from services.webinar_registration import cancel

    cancel(rt, cancel_token)  # school 2 moves up with a confirmation at sequence 1
    moved_up = [m for m in emails(rt, template="webinar_registered")
                if m.to_addr == SOSH.format(2)]
    assert int(_event(_ics(rt, moved_up[0]))["SEQUENCE"]) == 1
    assert _event(_ics(rt, moved_up[0])).decoded("DTSTART").hour == 16

    cancelled = cancel_session(rt, first, reason="Ведущий уволился", actor=staff_actor(rt))
    assert (cancelled["registered"], cancelled["waiting"]) == (1, 1)
    assert cancel_session(rt, first, reason="Ведущий уволился",
                          actor=staff_actor(rt))["changed"] is False
    letters = _mails(rt, "webinar_cancelled")
    assert set(letters) == {SOSH.format(2), SOSH.format(3)}
    cal = _ics(rt, letters[SOSH.format(2)])
    event = _event(cal)
    assert (str(cal["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 2)
    assert letters[SOSH.format(3)].attachment_ids == []
    assert "Ведущий уволился" in letters[SOSH.format(3)].text_body
    row = _row(rt, first)
    assert (str(row.state), row.sequence, row.cancel_reason) == ("cancelled", 2,
                                                                  "Ведущий уволился")
    entries = [e for e in trail(rt, "webinar_session", first) if e.outcome == Outcome.DONE]
    assert [(e.action, e.reason) for e in entries[-2:]] == [("reschedule", REASON),
                                                           ("cancel", "Ведущий уволился")]
    assert len(entries[-1].email_ids) == 2 and len(entries[-1].document_ids) == 1

    asyncio.run(drain(rt))
    [got] = [m for m in smtp.messages
             if m.envelope_rcpt == (SOSH.format(2),) and "отменён" in str(m["Subject"])]
    parts = [p for p in got.walk() if p.get_content_type() == "text/calendar"]
    assert parts and all("method=CANCEL" in p["Content-Type"].replace('"', "") for p in parts)
    assert "SEQUENCE:2" in parts[0].get_content()


def _unchanged(rt, first) -> None:
    row = _row(rt, first)
    assert (str(row.state), row.sequence, row.starts_at) == (
        "registration_open", 0, datetime(2024, 10, 15, 12, 0, tzinfo=UTC))
    assert emails(rt, template="webinar_rescheduled") == []
    assert emails(rt, template="webinar_cancelled") == []


@pytest.mark.parametrize(("start", "reason", "message"), [
    (datetime(2024, 3, 30, 15, 0, tzinfo=MOSCOW), REASON, "01.04.2024|в прошлом|30.03.2024"),
    (datetime(2024, 10, 29, 14, 0, tzinfo=MOSCOW), REASON,
     "пересекается с вебинаром № 2 \\(29.10.2024 15:00–16:30\\)"),
    (NEW, "  ", "укажите причину"),
], ids=["past", "overlap", "no_reason"])
def test_reschedule_refusals_are_audited_and_change_nothing(rt, first, start, reason, message):
    with pytest.raises(GuardRefused, match=message):
        reschedule(rt, first, start=start, reason=reason, actor=staff_actor(rt))
    _unchanged(rt, first)
    refused = [e for e in trail(rt, "webinar_session", first) if e.outcome == Outcome.REFUSED]
    assert [e.action for e in refused] == ["reschedule"]
    assert refused[0].actor_id == staff_actor(rt).person_id


def test_cancel_refusals(rt, first):
    with pytest.raises(GuardRefused, match="укажите причину"):
        cancel_session(rt, first, reason="", actor=staff_actor(rt))
    _unchanged(rt, first)
    rt.clock.set(datetime(2024, 10, 15, 14, 0, tzinfo=UTC))
    from services.sweep import fire_timers

    fire_timers(rt)  # held
    with pytest.raises(IllegalTransition, match="проведён"):
        cancel_session(rt, first, reason="поздно", actor=staff_actor(rt))
    with pytest.raises(IllegalTransition, match="проведён"):
        reschedule(rt, first, start=NEW, reason="поздно", actor=staff_actor(rt))
    refused = [e.action for e in trail(rt, "webinar_session", first)
               if e.outcome == Outcome.REFUSED]
    assert refused == ["cancel", "cancel", "reschedule"]


def test_the_command_line_reschedules_and_cancels(rt, first, monkeypatch):
    import cli.webinar_schedule
    from cli.main import app

    monkeypatch.setattr(cli.webinar_schedule, "rt", lambda: rt)
    monkeypatch.setattr(cli.webinar_schedule, "console", Console(width=400))
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}
    out = runner.invoke(app, ["webinar", "reschedule", str(first), "--start", "16.10.2024 16:30",
                              "--reason", REASON], env=env)
    assert out.exit_code == 0, out.output
    assert "перенесён на 16.10.2024 16:30" in out.output and "уведомлено: 3 человека" in out.output
    assert "приглашённых без регистрации — 1" in out.output
    out = runner.invoke(app, ["webinar", "reschedule", str(first), "--start", "2024-10-17 10:00",
                              "--duration", "45", "--reason", REASON], env=env)
    assert out.exit_code == 0 and "17.10.2024 10:00" in out.output
    assert _row(rt, first).sequence == 2 and _row(rt, first).duration_minutes == 45
    bad = runner.invoke(app, ["webinar", "reschedule", str(first), "--start", "завтра",
                              "--reason", REASON], env=env)
    assert bad.exit_code == 1 and "не распознаны" in bad.output
    out = runner.invoke(app, ["webinar", "cancel", str(first), "--reason", "Карантин"], env=env)
    assert out.exit_code == 0 and "отменён" in out.output and "уведомлено: 3" in out.output
    missing = runner.invoke(app, ["webinar", "cancel", "999", "--reason", "x"], env=env)
    assert missing.exit_code == 1 and "не найден" in missing.output


def test_a_session_moved_before_the_announcement_is_announced_at_its_new_time(rt):
    make_school(rt, 1)
    cycle_id, [first, _second] = make_cycle(rt)
    moved = reschedule(rt, first, start=NEW, reason=REASON, actor=staff_actor(rt))
    assert moved["changed"] and moved["notified"] == 0
    assert str(_row(rt, first).state) == "planned"
    announce(rt, cycle_id, actor=staff_actor(rt))
    [mail] = [m for m in emails(rt, template="webinar_invitation", object_id=first)]
    assert "16.10.2024 16:30" in mail.text_body
    assert str(_row(rt, first).state) == "registration_open"
    actions = [e.action for e in trail(rt, "webinar_session", first)]
    assert actions == ["create", "move", "announce", "open_registration"]


@pytest.mark.parametrize(("moment", "message"), [
    (datetime(2024, 10, 15, 12, 10, tzinfo=UTC),
     r"вебинар уже идёт \(начался 15\.10\.2024 в 15:00 по Москве\)"),
    (datetime(2024, 10, 15, 14, 0, tzinfo=UTC),
     r"вебинар уже прошёл \(закончился 15\.10\.2024 в 16:30 по Москве\)"),
], ids=["started", "ended"])
def test_a_session_that_has_begun_is_neither_cancelled_nor_moved(rt, first, moment, message):
    rt.clock.set(moment)  # the sweep has not marked it held yet
    with pytest.raises(GuardRefused, match=message):
        cancel_session(rt, first, reason="Ошибка", actor=staff_actor(rt))
    with pytest.raises(GuardRefused, match=message):
        reschedule(rt, first, start=NEW, reason=REASON, actor=staff_actor(rt))
    _unchanged(rt, first)
    refused = [e.action for e in trail(rt, "webinar_session", first)
               if e.outcome == Outcome.REFUSED]
    assert refused == ["cancel", "reschedule"]


def test_a_planned_session_past_its_date_may_still_be_moved(rt):
    make_school(rt, 1)
    _cycle_id, [first, _second] = make_cycle(rt)
    rt.clock.set(datetime(2024, 10, 16, 9, 0, tzinfo=UTC))  # never announced: nothing took place
    moved = reschedule(rt, first, start=datetime(2024, 10, 22, 15, 0, tzinfo=MOSCOW),
                       reason=REASON, actor=staff_actor(rt))
    assert moved["changed"] and str(_row(rt, first).state) == "planned"


@contextmanager
def _statements(rt):
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(rt.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(rt.engine, "before_cursor_execute", count)


def test_many_registrants_cost_no_more_statements_than_a_few(rt):
    for n in range(1, 9):
        make_school(rt, n)
    cycle_id, [few, many] = make_cycle(
        rt, session("Первый", "2024-10-15 15:00", segment="heads", capacity=100),
        session("Второй", "2024-10-29 15:00", segment="heads", capacity=100))
    announce(rt, cycle_id, actor=staff_actor(rt))
    people = {few: [1, 2], many: list(range(1, 9))}
    for sid, schools in people.items():
        for n in schools:
            register_by_email(rt, sid, SOSH.format(n))
    staff = staff_actor(rt)
    counts = {}
    for sid, start in ((few, NEW), (many, datetime(2024, 10, 30, 16, 30, tzinfo=MOSCOW))):
        with _statements(rt) as moved:
            reschedule(rt, sid, start=start, reason=REASON, actor=staff)
        with _statements(rt) as cancelled:
            cancel_session(rt, sid, reason="Карантин", actor=staff)
        counts[sid] = (len(moved), len(cancelled))
    assert counts[few] == counts[many]
    for template, method in (("webinar_rescheduled", "REQUEST"), ("webinar_cancelled", "CANCEL")):
        letters = emails(rt, template=template, object_kind="webinar_registration")
        assert len(letters) == 10  # 2 + 8 people, each with an invite of their own
        assert len({d for m in letters for d in m.attachment_ids}) == 10
        for mail in letters:
            assert str(_ics(rt, mail)["METHOD"]) == method
            assert str(_event(_ics(rt, mail))["ATTENDEE"]) == f"mailto:{mail.to_addr}"


def _attendee(rt, mail) -> str | None:
    return str(_event(_ics(rt, mail))["ATTENDEE"]) if mail.attachment_ids else None
