"""Reminder waves by the sweep, moving the clock: each once, at its moment, only to the
registered; a late sweep sends the nearest wave only; a reschedule starts the waves again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from adapters.clock import MOSCOW
from models import ReminderWave
from services.audit import trail
from services.mail_delivery import drain
from services.sweep import fire_timers, summary
from services.webinar_invitations import announce
from services.webinar_registration import cancel
from services.webinar_reminders import withdraw_reminders
from services.webinar_schedule import cancel_session, reschedule
from tests.factories import emails, link_token, make_school, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import (
    invitation_token,
    make_cycle,
    register_by_email,
    registration_of,
)

FIRST = datetime(2024, 10, 15, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
SOSH = "director@sosh{}.example.org"


def _cycle(rt, schools: int = 4, capacity: int = 2) -> int:
    """Schools 1 and 3 registered, 2 cancelled, 4 waiting for the first session."""
    for n in range(1, schools + 1):
        make_school(rt, n)
    cycle_id, [first, _second] = make_cycle(
        rt, session("Первый", "2024-10-15 15:00", segment="heads", capacity=capacity),
        session("Второй", "2024-10-29 15:00", segment="heads"))
    announce(rt, cycle_id, actor=staff_actor(rt))
    if schools >= 4:
        for n in (1, 2, 3, 4):
            register_by_email(rt, first, SOSH.format(n))
        cancel(rt, invitation_token(rt, first, SOSH.format(2)))  # school 3 moves up
    return first


def _reminders(rt) -> list:
    return emails(rt, template="webinar_reminder")


def _waves(rt, session_id: int) -> list[tuple[int, int, bool, int]]:
    with rt.session() as s:
        rows = s.exec(select(ReminderWave).where(ReminderWave.session_id == session_id)
                      .order_by(ReminderWave.sequence, ReminderWave.offset_minutes.desc()))
        return [(w.offset_minutes, w.sequence, w.skipped, w.sent) for w in rows]


def test_each_wave_once_at_its_moment_only_to_the_registered(rt, clock, smtp):
    first = _cycle(rt)
    clock.set(FIRST - timedelta(hours=24, minutes=1))
    fire_timers(rt)
    assert _reminders(rt) == []  # not before its moment

    clock.set(FIRST - timedelta(hours=24))
    report = fire_timers(rt)
    day = _reminders(rt)
    assert sorted(m.to_addr for m in day) == [SOSH.format(1), SOSH.format(3)]
    assert report["webinar_reminders"]["sent"] == 2
    assert "напоминаний о вебинарах: 2" in summary(report, 0)
    mail = next(m for m in day if m.to_addr == SOSH.format(1))
    assert "Напоминание: вебинар «Первый» завтра в 15:00" == mail.subject
    assert "15.10.2024 15:00" in mail.text_body
    assert "https://meet.example.org/" in mail.text_body and "/l/" in mail.text_body

    clock.advance(timedelta(minutes=30))
    fire_timers(rt)
    fire_timers(rt)
    assert len(_reminders(rt)) == 2  # never twice

    clock.set(FIRST - timedelta(minutes=61))
    fire_timers(rt)
    assert len(_reminders(rt)) == 2
    clock.set(FIRST - timedelta(minutes=60))
    fire_timers(rt)
    fire_timers(rt)
    hour = _reminders(rt)[2:]
    assert sorted(m.to_addr for m in hour) == [SOSH.format(1), SOSH.format(3)]
    assert all("сегодня в 15:00" in m.subject for m in hour)
    delivered = asyncio.run(drain(rt))
    assert len(delivered.sent) >= 4

    clock.set(FIRST + timedelta(minutes=5))
    fire_timers(rt)
    assert len(_reminders(rt)) == 4
    assert _waves(rt, first) == [(1440, 0, False, 2), (60, 0, False, 2)]
    assert [e.action for e in trail(rt, "webinar_session", first)].count("remind") == 2
    got = [m for m in smtp.messages if "Напоминание" in str(m["Subject"])]
    assert sorted(m.envelope_rcpt[0] for m in got) == sorted([SOSH.format(1), SOSH.format(3)] * 2)


def test_the_reminder_link_cancels_and_no_more_reminders_follow(rt, clock):
    first = _cycle(rt)
    clock.set(FIRST - timedelta(hours=23))
    fire_timers(rt)
    mail = next(m for m in _reminders(rt) if m.to_addr == SOSH.format(1))
    assert cancel(rt, link_token(mail)) == "cancelled"
    assert str(registration_of(rt, first, SOSH.format(4)).state) == "registered"  # moved up
    clock.set(FIRST - timedelta(minutes=30))
    fire_timers(rt)
    hour = sorted(m.to_addr for m in _reminders(rt)[2:])
    assert hour == [SOSH.format(3), SOSH.format(4)]


def test_a_late_sweep_sends_only_the_nearest_wave(rt, clock):
    first = _cycle(rt)
    clock.set(FIRST - timedelta(minutes=30))  # both 24 h and 1 h are due: only 1 h is sent
    report = fire_timers(rt)
    fire_timers(rt)
    mails = _reminders(rt)
    assert len(mails) == 2 and all("сегодня в 15:00" in m.subject for m in mails)
    assert report["webinar_reminders"]["waves"] == [
        {"session_id": first, "offset_minutes": 60, "sequence": 0, "sent": 2,
         "skipped": [1440]}]
    assert _waves(rt, first) == [(1440, 0, True, 0), (60, 0, False, 2)]


def test_after_a_reschedule_the_waves_fire_again_for_the_new_time(rt, clock):
    first = _cycle(rt)
    clock.set(FIRST - timedelta(hours=24))
    fire_timers(rt)
    assert len(_reminders(rt)) == 2
    new = datetime(2024, 10, 22, 15, 0, tzinfo=MOSCOW)
    reschedule(rt, first, start=new, reason="Болезнь ведущего", actor=staff_actor(rt))

    clock.set(FIRST - timedelta(minutes=60))  # the old time: nothing fires
    fire_timers(rt)
    clock.set(FIRST + timedelta(minutes=10))
    fire_timers(rt)
    assert len(_reminders(rt)) == 2

    clock.set(new - timedelta(hours=24))
    fire_timers(rt)
    clock.set(new - timedelta(minutes=59))
    fire_timers(rt)
    fire_timers(rt)
    mails = _reminders(rt)
    assert len(mails) == 6
    assert all(":seq:1:" in m.key for m in mails[2:])
    assert "22.10.2024 15:00" in mails[2].text_body and "завтра в 15:00" in mails[2].subject
    assert _waves(rt, first) == [(1440, 0, False, 2), (1440, 1, False, 2), (60, 1, False, 2)]


def test_a_cancelled_session_gets_no_reminders(rt, clock):
    first = _cycle(rt)
    cancel_session(rt, first, reason="Ведущий не сможет провести вебинар",
                   actor=staff_actor(rt))
    for moment in (FIRST - timedelta(hours=24), FIRST - timedelta(minutes=60)):
        clock.set(moment)
        assert fire_timers(rt)["webinar_reminders"] == {"waves": [], "sent": 0}
    assert _reminders(rt) == [] and _waves(rt, first) == []


def test_offsets_come_from_the_settings(rt, clock):
    first = _cycle(rt)
    rt.settings.webinar_reminder_offsets_minutes = [180]
    clock.set(FIRST - timedelta(hours=24))
    fire_timers(rt)
    assert _reminders(rt) == []
    clock.set(FIRST - timedelta(hours=3))
    fire_timers(rt)
    assert len(_reminders(rt)) == 2 and _waves(rt, first) == [(180, 0, False, 2)]


def _statuses(rt) -> list[tuple[str, str]]:
    return sorted((m.to_addr, str(m.status)) for m in _reminders(rt))


def _delivered_reminders(smtp) -> list[str]:
    return sorted(m.envelope_rcpt[0] for m in smtp.messages
                  if "Напоминание" in str(m["Subject"]))


def test_a_reminder_still_queued_at_the_start_is_withdrawn_not_sent(rt, clock, smtp):
    first = _cycle(rt)
    asyncio.run(drain(rt))
    rt.settings = rt.settings.model_copy(update={"mail_rate_per_minute": 1})
    clock.set(FIRST - timedelta(minutes=2))
    fire_timers(rt)  # the 1-hour wave, late: the provider's limit lets one letter out now
    smtp.clear()
    report = asyncio.run(drain(rt))
    assert (len(report.sent), report.waiting) == (1, 1)

    clock.set(FIRST)  # «сегодня в 15:00» makes no sense from 15:00 on
    late = asyncio.run(drain(rt))
    assert (late.attempted, late.waiting) == (0, 0)
    assert len(_delivered_reminders(smtp)) == 1
    assert sorted(status for _addr, status in _statuses(rt)) == ["sent", "withdrawn"]
    assert _waves(rt, first) == [(1440, 0, True, 0), (60, 0, False, 2)]


def test_moving_or_cancelling_the_session_withdraws_its_queued_reminders(rt, clock, smtp):
    first = _cycle(rt)
    asyncio.run(drain(rt))
    clock.set(FIRST - timedelta(hours=23))
    fire_timers(rt)  # the 24-hour wave queued; mail-send has not run yet
    new = FIRST + timedelta(days=3)
    moved = reschedule(rt, first, start=new, reason="Болезнь ведущего", actor=staff_actor(rt))
    assert moved["registered"] == 2
    assert _statuses(rt) == [(SOSH.format(1), "withdrawn"), (SOSH.format(3), "withdrawn")]

    clock.set(new - timedelta(hours=23))
    fire_timers(rt)  # the wave of the new day, queued again
    assert [status for _addr, status in _statuses(rt)].count("queued") == 2
    cancel_session(rt, first, reason="Ведущий не сможет провести вебинар",
                   actor=staff_actor(rt))
    smtp.clear()
    asyncio.run(drain(rt))
    assert _delivered_reminders(smtp) == []
    assert {status for _addr, status in _statuses(rt)} == {"withdrawn"}
    assert len([m for m in smtp.messages if "отменён" in str(m["Subject"])]) == 3
    [entry] = [e for e in trail(rt, "webinar_session", first) if e.action == "cancel"]
    assert entry.details["reminders_withdrawn"] == 2


def test_withdrawing_the_reminders_of_one_registration(rt, clock, smtp):
    first = _cycle(rt)
    clock.set(FIRST - timedelta(hours=23))
    fire_timers(rt)
    reg = registration_of(rt, first, SOSH.format(1)).id
    with rt.transaction() as tx:
        assert withdraw_reminders(tx, session_id=first, registration_id=reg) == 1
    with rt.transaction() as tx:
        assert withdraw_reminders(tx, session_id=first, registration_id=reg) == 0
    asyncio.run(drain(rt))
    assert _delivered_reminders(smtp) == [SOSH.format(3)]
    assert _statuses(rt) == [(SOSH.format(1), "withdrawn"), (SOSH.format(3), "sent")]
    with rt.transaction() as tx:  # mail already sent stays as it is
        assert withdraw_reminders(tx, session_id=first) == 0
    assert _statuses(rt) == [(SOSH.format(1), "withdrawn"), (SOSH.format(3), "sent")]


def test_a_wave_sent_before_a_small_move_is_not_sent_again(rt, clock):
    first = _cycle(rt)
    clock.set(FIRST - timedelta(hours=23, minutes=59))
    fire_timers(rt)  # the 24-hour wave
    clock.set(FIRST - timedelta(hours=23))
    later = FIRST + timedelta(minutes=30)
    reschedule(rt, first, start=later, reason="Накладка", actor=staff_actor(rt))
    clock.advance(timedelta(minutes=5))
    fire_timers(rt)
    assert len(_reminders(rt)) == 2  # «завтра в 15:00» is not followed by «завтра в 15:30»
    clock.set(later - timedelta(minutes=60))
    fire_timers(rt)
    hour = _reminders(rt)[2:]
    assert len(hour) == 2 and all("сегодня в 15:30" in m.subject for m in hour)
    assert _waves(rt, first) == [(1440, 0, False, 2), (1440, 1, True, 0), (60, 1, False, 2)]

    # moved to another day: its own 24-hour reminder is needed and sent
    new = later + timedelta(days=3)
    reschedule(rt, first, start=new, reason="Карантин", actor=staff_actor(rt))
    clock.set(new - timedelta(hours=24))
    fire_timers(rt)
    day = _reminders(rt)[4:]
    assert len(day) == 2 and all("завтра в 15:30" in m.subject for m in day)
    assert all("18.10.2024 15:30" in m.text_body for m in day)
