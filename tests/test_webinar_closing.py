"""Closing by the sweep: ended sessions held, long finished ones closed, then their cycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from models import ActorKind, WebinarCycle, WebinarSession
from models.webinar_machine import session_machine
from services.audit import trail
from services.sweep import fire_timers, summary
from services.transitions import transition
from services.webinar_attendance import mark
from services.webinar_certificates import issue_certificates
from services.webinar_invitations import announce
from services.webinar_schedule import cancel_session, reschedule
from tests.factories import make_school, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import announced_cycle, make_cycle, register_by_email

FIRST_END = datetime(2024, 10, 15, 13, 30, tzinfo=UTC)  # 15:00–16:30 in Moscow
SECOND_START = datetime(2024, 10, 29, 12, 0, tzinfo=UTC)


def _states(rt, cycle_id: int) -> tuple[str, list[str]]:
    with rt.session() as s:
        cycle = s.get(WebinarCycle, cycle_id)
        rows = s.exec(select(WebinarSession).where(WebinarSession.cycle_id == cycle_id)
                      .order_by(WebinarSession.position))
        return str(cycle.state), [str(r.state) for r in rows]


def _issue_certificates(rt, session_id: int) -> None:
    """What the certificates step does to the session (its own service is tested elsewhere)."""
    actor = staff_actor(rt)
    with rt.transaction() as tx:
        row = tx.session.get(WebinarSession, session_id)
        with transition(tx, session_machine, row, "issue_certificates", actor=actor):
            pass


def test_the_sweep_holds_closes_and_closes_the_cycle(rt, clock):
    cycle_id, [first, second] = announced_cycle(rt, 1)
    register_by_email(rt, first, "director@sosh1.example.org")
    reschedule(rt, second, start=SECOND_START + timedelta(days=30), reason="Праздники",
               actor=staff_actor(rt))

    clock.set(FIRST_END - timedelta(minutes=1))  # started, not ended
    fire_timers(rt)
    assert _states(rt, cycle_id) == ("announced", ["registration_open", "rescheduled"])

    clock.set(FIRST_END)
    report = fire_timers(rt)
    assert report["webinar_closing"] == {"held": [first], "closed": [], "cycles_closed": []}
    assert "вебинаров проведено: 1" in summary(report, 0)
    assert _states(rt, cycle_id) == ("announced", ["held", "rescheduled"])
    [held] = [e for e in trail(rt, "webinar_session", first) if e.action == "hold"]
    assert held.actor_kind == ActorKind.SYSTEM
    assert fire_timers(rt)["webinar_closing"]["held"] == []  # once

    _issue_certificates(rt, first)
    clock.set(FIRST_END + timedelta(days=14))  # not more than 14 days yet
    fire_timers(rt)
    assert _states(rt, cycle_id)[1][0] == "certificates_issued"
    clock.advance(timedelta(minutes=1))
    assert fire_timers(rt)["webinar_closing"]["closed"] == [first]
    assert _states(rt, cycle_id) == ("announced", ["closed", "rescheduled"])

    # the second one, rescheduled, is not over at its old time; once cancelled, the cycle closes
    cancel_session(rt, second, reason="Ведущий заболел", actor=staff_actor(rt))
    report = fire_timers(rt)
    assert report["webinar_closing"]["cycles_closed"] == [cycle_id]
    assert _states(rt, cycle_id) == ("closed", ["closed", "cancelled"])
    assert fire_timers(rt)["webinar_closing"] == {"held": [], "closed": [], "cycles_closed": []}
    assert [e.action for e in trail(rt, "webinar_cycle", cycle_id)][-1] == "close"


def test_a_rescheduled_session_is_held_after_its_new_end(rt, clock):
    cycle_id, [first, _second] = announced_cycle(rt, 1)
    reschedule(rt, first, start=datetime(2024, 10, 16, 12, 0, tzinfo=UTC), reason="Перенос",
               actor=staff_actor(rt))
    clock.set(FIRST_END + timedelta(hours=1))  # the old end: still waiting
    fire_timers(rt)
    assert _states(rt, cycle_id)[1][0] == "rescheduled"
    clock.set(datetime(2024, 10, 16, 13, 30, tzinfo=UTC))
    assert fire_timers(rt)["webinar_closing"]["held"] == [first]
    assert _states(rt, cycle_id)[1][0] == "held"


def test_close_after_days_comes_from_the_settings(rt, clock):
    _, [first, _second] = announced_cycle(rt, 1)
    clock.set(FIRST_END)
    fire_timers(rt)
    _issue_certificates(rt, first)
    rt.settings.webinar_close_after_days = 2
    clock.set(FIRST_END + timedelta(days=2, seconds=1))
    assert fire_timers(rt)["webinar_closing"]["closed"] == [first]


def _three_sessions(rt, third: str = "2024-10-29 15:00", **rule) -> tuple[int, list[int]]:
    for n in (1, 2):
        make_school(rt, n)
    cycle_id, ids = make_cycle(rt, session("Первый", "2024-10-15 15:00", segment="heads"),
                               session("Второй", "2024-10-22 15:00", segment="heads"),
                               session("Третий", third, segment="heads"), **rule)
    announce(rt, cycle_id, actor=staff_actor(rt))
    return cycle_id, ids


def _mark(rt, clock, session_id: int, *emails: str) -> None:
    with rt.session() as s:
        clock.set(s.get(WebinarSession, session_id).ends_at)
    mark(rt, session_id, attended=list(emails), absent=[], actor=staff_actor(rt))


def test_held_sessions_with_nobody_awaiting_a_certificate_close_too(rt, clock):
    cycle_id, (first, second, third) = _three_sessions(rt)
    register_by_email(rt, first, "director@sosh1.example.org")
    register_by_email(rt, second, "director@sosh2.example.org")  # attendance never marked
    _mark(rt, clock, first, "director@sosh1.example.org")  # nobody registers for the third
    clock.set(datetime(2024, 10, 30, 12, 0, tzinfo=UTC))
    assert fire_timers(rt)["webinar_closing"]["held"] == [second, third]

    clock.set(datetime(2024, 11, 12, 13, 31, tzinfo=UTC))  # 14 days and a minute after the last
    assert fire_timers(rt)["webinar_closing"] == {"held": [], "closed": [second, third],
                                                  "cycles_closed": []}
    # the first still has an attendee awaiting the certificate: it waits for them
    assert _states(rt, cycle_id) == ("announced", ["held", "closed", "closed"])
    assert fire_timers(rt)["webinar_closing"]["closed"] == []

    issue_certificates(rt, cycle_id, actor=staff_actor(rt))
    assert fire_timers(rt)["webinar_closing"] == {"held": [], "closed": [first],
                                                  "cycles_closed": [cycle_id]}
    assert _states(rt, cycle_id) == ("closed", ["closed", "closed", "closed"])
    [closed] = [e for e in trail(rt, "webinar_session", third) if e.action == "close"]
    assert (closed.from_state, closed.actor_kind) == ("held", ActorKind.SYSTEM)


def test_under_min_sessions_held_sessions_wait_for_the_cycle(rt, clock):
    cycle_id, (first, second, third) = _three_sessions(rt, "2024-11-26 15:00",
                                                       rule="min_sessions", min_sessions=2)
    register_by_email(rt, first, "director@sosh1.example.org")
    register_by_email(rt, first, "director@sosh2.example.org")
    register_by_email(rt, second, "director@sosh1.example.org")
    _mark(rt, clock, first, "director@sosh1.example.org", "director@sosh2.example.org")
    clock.set(datetime(2024, 11, 10, tzinfo=UTC))  # both ended over 14 days ago, nobody
    fire_timers(rt)  # qualifies yet, but the third may still make someone qualify
    assert _states(rt, cycle_id) == ("announced", ["held", "held", "registration_open"])

    mark(rt, second, attended=["director@sosh1.example.org"], absent=[], actor=staff_actor(rt))
    clock.set(datetime(2024, 12, 11, tzinfo=UTC))  # all over; the first head now qualifies
    fire_timers(rt)
    fire_timers(rt)
    assert _states(rt, cycle_id) == ("announced", ["held", "held", "held"])

    assert issue_certificates(rt, cycle_id, actor=staff_actor(rt)).issued == 1
    # the second head attended one of two: awaits nothing, so nothing is held back for them
    assert fire_timers(rt)["webinar_closing"] == {"held": [], "closed": [first, second, third],
                                                  "cycles_closed": [cycle_id]}
