"""Webinar invitations by segment, registration with the .ics, waiting list, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlmodel import select

from models import (
    Agreement,
    AgreementState,
    Document,
    Outcome,
    Person,
    PersonRole,
    Registration,
    RegistrationState,
    WebinarSession,
)
from models.fsm import transition_scope
from services import documents
from services.audit import trail
from services.errors import IllegalTransition
from services.webinar_invitations import announce
from services.webinar_plan import load_plan
from services.webinar_registration import cancel, register
from tests.factories import emails, link_token, make_partner, make_school, staff_actor
from tests.test_webinar_plan import plan, session


def _in_force(rt, org_id: int) -> None:
    with rt.transaction() as tx:
        ag = Agreement(partner_id=org_id, subject="сетевое взаимодействие",
                       created_at=tx.now, updated_at=tx.now)
        with transition_scope():
            ag.state = AgreementState.REGISTERED
        tx.session.add(ag)


def _deputy(rt, org_id: int, n: int) -> int:
    with rt.transaction() as tx:
        p = Person(organisation_id=org_id, role=PersonRole.DEPUTY, last_name="Заместитель",
                   first_name="Ольга", middle_name="Петровна", gender="female",
                   email=f"deputy{n}@example.org", created_at=tx.now)
        tx.session.add(p)
        tx.session.flush()
        return p.id


def _cycle(rt, *, capacity: int = 100) -> list[int]:
    text = plan(session("Первый", "2024-10-15 15:00", segment="heads", capacity=capacity),
                session("Второй", "2024-10-29 15:00", segment="deputies", capacity=capacity))
    cycle_id = load_plan(rt, text, actor=staff_actor(rt))
    with rt.session() as s:
        rows = s.exec(select(WebinarSession).where(WebinarSession.cycle_id == cycle_id)
                      .order_by(WebinarSession.position))
        return [cycle_id, *[r.id for r in rows]]


def _person_id(rt, email: str) -> int:
    with rt.session() as s:
        return s.exec(select(Person.id).where(Person.email == email)).one()


def _invitation(rt, session_id: int, email: str):
    mails = [m for m in emails(rt, template="webinar_invitation", object_id=session_id)
             if m.to_addr == email]
    assert len(mails) == 1
    return mails[0]


@pytest.fixture
def audience(rt):
    school = make_school(rt, 1)
    _in_force(rt, school)  # the school's head is a head and a partner at once
    partner = make_partner(rt, 2)
    _in_force(rt, partner)
    make_partner(rt, 3)  # no agreement: not invited
    _deputy(rt, school, 1)
    return school


def test_invitations_once_per_person_per_session(rt, audience):
    cycle_id, first, second = _cycle(rt)
    invited = announce(rt, cycle_id, actor=staff_actor(rt))
    assert invited == {first: 2, second: 3}
    by_session = {sid: sorted(m.to_addr for m in emails(rt, template="webinar_invitation",
                                                        object_id=sid))
                  for sid in (first, second)}
    assert by_session[first] == ["director@sosh1.example.org", "head2@school2.example.org"]
    assert by_session[second] == ["deputy1@example.org", "director@sosh1.example.org",
                                  "head2@school2.example.org"]
    mail = _invitation(rt, first, "director@sosh1.example.org")
    assert "/l/" in mail.text_body and "15.10.2024 15:00" in mail.text_body
    with rt.session() as s:
        states = {r.state for r in s.exec(select(WebinarSession))}
    assert {str(x) for x in states} == {"registration_open"}


def _registered_ics(rt, mail) -> Calendar:
    assert len(mail.attachment_ids) == 1
    with rt.session() as s:
        doc = s.get(Document, mail.attachment_ids[0])
    return Calendar.from_ical(documents.read_bytes(rt, doc))


def test_registration_sends_ics_and_refuses_duplicates_and_late(rt, audience):
    cycle_id, first, _ = _cycle(rt)
    announce(rt, cycle_id, actor=staff_actor(rt))
    token = link_token(_invitation(rt, first, "director@sosh1.example.org"))
    assert register(rt, token) == "registered"
    [mail] = emails(rt, template="webinar_registered")
    assert mail.to_addr == "director@sosh1.example.org"
    cal = _registered_ics(rt, mail)
    assert str(cal["METHOD"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"webinar-session-{first}@imc-vyselki"
    assert int(event["SEQUENCE"]) == 0
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (15, 0, "Europe/Moscow")
    assert start == datetime(2024, 10, 15, 12, 0, tzinfo=UTC)
    assert "imc@example.org" in str(event["ORGANIZER"])
    assert "https://meet.example.org/" in str(event["URL"])

    with pytest.raises(IllegalTransition, match="уже зарегистрированы"):
        register(rt, token)
    refused = [e for e in trail(rt, "webinar_session", first) if e.outcome == Outcome.REFUSED]
    assert [e.action for e in refused] == ["register"]
    assert len(emails(rt, template="webinar_registered")) == 1

    late = link_token(_invitation(rt, first, "head2@school2.example.org"))
    rt.clock.set(datetime(2024, 10, 15, 12, 5, tzinfo=UTC))
    with pytest.raises(IllegalTransition, match="уже начался"):
        register(rt, late)
    with rt.session() as s:
        assert len(s.exec(select(Registration)).all()) == 1


def test_capacity_waiting_list_and_moving_up(rt, audience):
    cycle_id, first, _ = _cycle(rt, capacity=1)
    announce(rt, cycle_id, actor=staff_actor(rt))
    a = link_token(_invitation(rt, first, "director@sosh1.example.org"))
    b = link_token(_invitation(rt, first, "head2@school2.example.org"))
    assert register(rt, a) == "registered"
    assert register(rt, b) == "waiting"
    [waiting] = emails(rt, template="webinar_waiting")
    assert waiting.to_addr == "head2@school2.example.org" and not waiting.attachment_ids
    assert "лист ожидания" in waiting.text_body

    rt.clock.advance(timedelta(days=1))
    assert cancel(rt, a) == "cancelled"
    confirmations = emails(rt, template="webinar_registered")
    assert [m.to_addr for m in confirmations] == ["director@sosh1.example.org",
                                                  "head2@school2.example.org"]
    cal = _registered_ics(rt, confirmations[1])
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"webinar-session-{first}@imc-vyselki"
    with rt.session() as s:
        states = {r.person_id: r.state for r in s.exec(select(Registration))}
    assert states == {_person_id(rt, "director@sosh1.example.org"): RegistrationState.CANCELLED,
                      _person_id(rt, "head2@school2.example.org"): RegistrationState.REGISTERED}


def test_registering_again_after_a_cancel_gets_a_new_confirmation(rt):
    from tests.webinar_factories import announced_cycle, invitation_token, registration_of

    _, [first, _second] = announced_cycle(rt, 1)
    token = invitation_token(rt, first, "director@sosh1.example.org")
    assert register(rt, token) == "registered"
    assert cancel(rt, token) == "cancelled"
    assert register(rt, token) == "registered"
    assert registration_of(rt, first, "director@sosh1.example.org").round == 2
    assert len(emails(rt, template="webinar_registered")) == 2
    with pytest.raises(IllegalTransition, match="уже зарегистрированы"):
        register(rt, token)
    actions = [e.action for e in trail(rt, "webinar_registration",
                                       registration_of(rt, first,
                                                       "director@sosh1.example.org").id)]
    assert actions == ["register", "cancel", "register_again"]


def test_two_people_racing_for_the_last_place_do_not_overfill_it(rt, monkeypatch):
    """Both count the free places before either writes (forced by a barrier): on PostgreSQL
    the session row is locked, so the second waits and goes to the waiting list."""
    import threading

    from services import webinar_registration
    from tests.test_webinar_plan import session as block
    from tests.webinar_factories import invitation_token, make_cycle

    for n in (1, 2):
        make_school(rt, n)
    cycle_id, [sid] = make_cycle(rt, block("Один", "2024-10-15 15:00", segment="heads",
                                           capacity=1))
    announce(rt, cycle_id, actor=staff_actor(rt))
    tokens = [invitation_token(rt, sid, f"director@sosh{n}.example.org") for n in (1, 2)]
    barrier, original = threading.Barrier(2, timeout=1), webinar_registration._taken

    def counted_together(tx, session_id):
        n = original(tx, session_id)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # the other one is waiting for the lock: as it should
        return n

    monkeypatch.setattr(webinar_registration, "_taken", counted_together)
    results: list[str] = []
    threads = [threading.Thread(target=lambda t=t: results.append(register(rt, t)))
               for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["registered", "waiting"]


def test_cancelling_sends_the_calendar_cancellation(rt):
    from tests.webinar_factories import announced_cycle, invitation_token

    _, [first, _second] = announced_cycle(rt, 1)
    token = invitation_token(rt, first, "director@sosh1.example.org")
    register(rt, token)
    cancel(rt, token)
    [mail] = emails(rt, template="webinar_unregistered")
    cal = _registered_ics(rt, mail)
    assert str(cal["METHOD"]) == "CANCEL"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"webinar-session-{first}@imc-vyselki"
    assert "отменена по вашей просьбе" in mail.text_body


def test_a_session_past_before_the_announcement_is_cancelled_not_announced(rt):
    from tests.webinar_factories import make_cycle

    make_school(rt, 1)
    cycle_id, [first, second] = make_cycle(rt)
    rt.clock.set(datetime(2024, 10, 18, 7, 0, tzinfo=UTC))  # the first was on the 15th
    invited = announce(rt, cycle_id, actor=staff_actor(rt))
    assert invited == {second: 1}
    assert emails(rt, template="webinar_invitation", object_id=first) == []
    with rt.session() as s:
        row = s.get(WebinarSession, first)
        assert (str(row.state), row.cancel_reason) == (
            "cancelled", "вебинар не был объявлен до своего начала")


def test_a_reminder_queued_before_the_person_cancels_is_withdrawn(rt, smtp):
    import asyncio

    from models import MailStatus
    from services.mail_delivery import drain
    from services.sweep import fire_timers
    from tests.webinar_factories import announced_cycle, invitation_token

    _, [first, _second] = announced_cycle(rt, 1)
    token = invitation_token(rt, first, "director@sosh1.example.org")
    register(rt, token)
    rt.clock.set(datetime(2024, 10, 15, 11, 1, tzinfo=UTC))  # 59 minutes before 15:00 MSK
    fire_timers(rt)  # the 1-hour wave is queued…
    cancel(rt, token)  # …and the person cancels before the mail goes out
    smtp.clear()
    asyncio.run(drain(rt))
    [reminder] = emails(rt, template="webinar_reminder")
    assert reminder.status == MailStatus.WITHDRAWN
    assert [m["Subject"] for m in smtp.messages
            if m["Subject"].startswith("Напоминание")] == []


def test_one_address_in_two_organisations_is_invited_once(rt, audience):
    """The head of a school who also heads a partner organisation, with one e-mail in both
    cards, gets one invitation per session, not two."""
    partner = make_partner(rt, 4)
    _in_force(rt, partner)
    with rt.transaction() as tx:
        head = tx.session.exec(select(Person).where(Person.organisation_id == partner)).one()
        head.email = "Director@SOSH1.example.org"
        tx.session.add(head)
    cycle_id, first, second = _cycle(rt)
    invited = announce(rt, cycle_id, actor=staff_actor(rt))
    assert invited == {first: 2, second: 3}
    addresses = [m.to_addr.lower() for m in emails(rt, template="webinar_invitation",
                                                   object_id=first)]
    assert sorted(addresses) == ["director@sosh1.example.org", "head2@school2.example.org"]


def test_a_topic_that_ends_with_a_quoted_name_stays_whole_in_the_subjects(rt):
    """Topics are free text: «Подготовка к конкурсу «Учитель года»» is not a contest title
    to cut down to its quoted part."""
    from services.outbox import base_context

    topic = "Подготовка к конкурсу «Учитель года»"
    with rt.transaction() as tx:
        person = tx.session.exec(select(Person).where(Person.login == "ivanova")).one()
        context = {**base_context(tx), "person": person, "link": "http://imc.test/l/x",
                   "cycle": {"title": "Цикл"}, "waiting": False, "invited": False,
                   "reason": "", "old_start": "", "when": "завтра в 15:00", "webinar": {
                       "topic": topic, "start": "15.10.2024 15:00", "speaker": "Иванова",
                       "duration": 60, "link": "https://meet.example.org/1", "id": 1,
                       "segment": "руководители"}}
        for template in ("webinar_invitation", "webinar_registered", "webinar_reminder",
                         "webinar_rescheduled", "webinar_cancelled", "webinar_waiting"):
            mail = rt.mail_templates.render(template, context)
            assert topic in mail.subject, (template, mail.subject)
