"""Webinar registration over HTTP: the personal link's page and API, the open page."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import select

from models import Outcome, Person, PersonRole, Registration, WebinarSession
from models.webinar_machine import session_machine
from services.audit import trail
from services.mail_delivery import drain
from services.transitions import transition
from services.webinar_invitations import announce
from tests.factories import emails, link_token, make_school, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import (
    announced_cycle,
    invitation_token,
    make_cycle,
    registration_of,
)
from web.app import create_app

HEAD1, HEAD2, HEAD3 = (f"director@sosh{n}.example.org" for n in (1, 2, 3))
AFTER_START = datetime(2024, 10, 15, 12, 1, tzinfo=UTC)  # 15:01 in Moscow


@pytest.fixture
def client(rt) -> TestClient:
    with TestClient(create_app(rt)) as c:
        yield c


@pytest.fixture
def first(rt) -> int:
    """Three schools invited to a two-session cycle; the first session's id."""
    return announced_cycle(rt, 3)[1][0]


def small_session(rt) -> int:
    """A session with one place, three schools' heads invited."""
    for n in (1, 2, 3):
        make_school(rt, n)
    cycle_id, [sid] = make_cycle(rt, session("Малый", "2024-10-15 15:00", segment="heads",
                                             capacity=1))
    announce(rt, cycle_id, actor=staff_actor(rt))
    return sid


def registrations(rt) -> list[Registration]:
    with rt.session() as s:
        return list(s.exec(select(Registration).order_by(Registration.id)))


def refusals(rt, session_id: int, action: str) -> list:
    return [e for e in trail(rt, "webinar_session", session_id)
            if e.outcome == Outcome.REFUSED and e.action == action]


def cancel_session(rt, session_id: int, reason: str) -> None:
    actor = staff_actor(rt)
    with rt.transaction() as tx:
        row = tx.session.get(WebinarSession, session_id)
        with transition(tx, session_machine, row, "cancel", actor=actor, reason=reason):
            row.cancel_reason = reason


# ---- the personal link -------------------------------------------------------------------------


def test_link_page_shows_the_session_and_opening_changes_nothing(rt, client, first):
    token = invitation_token(rt, first, HEAD1)
    page = client.get(f"/l/{token}")
    assert page.status_code == 200
    for text in ("Первый", "Осенний цикл", "Иванова Н. А.", "15 октября 2024 г. (вторник)",
                 "15:00–16:30 по московскому времени", "Кузнецова Мария Ивановна",
                 "Вы пока не зарегистрированы", "Зарегистрироваться"):
        assert text in page.text
    assert "Отменить регистрацию" not in page.text
    view = client.get(f"/api/links/{token}").json()
    assert view["registration"] is None and view["can_register"] and not view["can_cancel"]
    assert view["webinar"]["start"] == "15.10.2024 15:00" and view["meeting_url"] == ""
    assert registrations(rt) == []
    assert emails(rt, template="webinar_registered") == []
    assert {e.action for e in trail(rt, "webinar_session", first)} >= {"link_opened"}
    bad = client.get(f"/l/{token[:-3]}xyz")
    assert bad.status_code == 403 and "Ссылка недействительна" in bad.text


def test_register_and_cancel_through_the_page(rt, client, first):
    token = invitation_token(rt, first, HEAD1)
    done = client.post(f"/l/{token}/register", follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, f"/l/{token}?done=register")
    page = client.get(done.headers["location"])
    assert "Вы зарегистрированы" in page.text and "Отменить регистрацию" in page.text
    assert "https://meet.example.org/" in page.text  # the meeting address, for those with a place
    reg = registration_of(rt, first, HEAD1)
    assert (reg.state, reg.source) == ("registered", "link")
    [mail] = emails(rt, template="webinar_registered")
    assert mail.to_addr == HEAD1 and len(mail.attachment_ids) == 1

    page = client.post(f"/l/{token}/cancel")
    assert page.status_code == 200 and "Регистрация отменена" in page.text
    assert "Зарегистрироваться" in page.text  # one may register again
    assert registration_of(rt, first, HEAD1).state == "cancelled"
    back = client.get(f"/l/{token}/done", follow_redirects=False)  # the agreements' done page
    assert (back.status_code, back.headers["location"]) == (303, f"/l/{token}")


def test_register_and_cancel_through_the_api(rt, client, first):
    token = invitation_token(rt, first, HEAD1)
    assert client.post(f"/api/links/{token}/register").json() == {"state": "registered"}
    assert registration_of(rt, first, HEAD1).source == "api"
    again = client.post(f"/api/links/{token}/register")
    assert again.status_code == 409
    assert again.json() == {"error": "Вы уже зарегистрированы на этот вебинар"}
    assert len(refusals(rt, first, "register")) == 1
    assert client.get(f"/api/links/{token}").json()["registration"]["state"] == "registered"
    assert client.post(f"/api/links/{token}/cancel").json() == {"state": "cancelled"}
    twice = client.post(f"/api/links/{token}/cancel")
    assert twice.status_code == 409 and "регистрация отменена" in twice.json()["error"]


def test_the_waiting_list_and_its_order_are_shown(rt, client):
    sid = small_session(rt)
    a, b, c = (invitation_token(rt, sid, email) for email in (HEAD1, HEAD2, HEAD3))
    assert client.post(f"/api/links/{a}/register").json() == {"state": "registered"}
    assert client.post(f"/api/links/{b}/register").json() == {"state": "waiting"}
    full = client.get(f"/l/{c}")
    assert "Все места заняты" in full.text and "Зарегистрироваться" in full.text
    page = client.get(client.post(f"/l/{c}/register",
                                  follow_redirects=False).headers["location"])
    assert "Вы в листе ожидания" in page.text
    assert "в листе ожидания" in page.text and "место в очереди — <strong>2</strong>" in page.text
    assert client.get(f"/api/links/{c}").json()["registration"]["queue_place"] == 2

    client.post(f"/api/links/{a}/cancel")  # b moves up, c becomes first in the queue
    assert client.get(f"/api/links/{b}").json()["registration"]["state"] == "registered"
    assert client.get(f"/api/links/{c}").json()["registration"]["queue_place"] == 1


def test_started_cancelled_and_duplicate_registrations_are_refused_and_audited(rt, client,
                                                                                first):
    token = invitation_token(rt, first, HEAD1)
    client.post(f"/l/{token}/register")
    duplicate = client.post(f"/l/{token}/register")
    assert duplicate.status_code == 409 and "Вы уже зарегистрированы" in duplicate.text
    assert len(refusals(rt, first, "register")) == 1

    second = first + 1
    other = invitation_token(rt, second, HEAD3)
    cancel_session(rt, second, "болезнь ведущего")
    assert "Вебинар отменён: болезнь ведущего" in client.get(f"/l/{other}").text
    closed = client.post(f"/api/links/{other}/register")
    assert closed.status_code == 409
    assert closed.json() == {"error": "Регистрация невозможна: вебинар «отменён»"}
    assert len(refusals(rt, second, "register")) == 1

    late = invitation_token(rt, first, HEAD2)
    rt.clock.set(AFTER_START)
    page = client.get(f"/l/{late}")
    assert "Регистрация закрыта: вебинар уже начался или прошёл" in page.text
    assert "Зарегистрироваться</button>" not in page.text
    refused = client.post(f"/l/{late}/register")
    assert refused.status_code == 409 and "вебинар уже начался" in refused.text
    assert len(refusals(rt, first, "register")) == 2
    assert [r.person_id for r in registrations(rt)] == [registration_of(rt, first,
                                                                        HEAD1).person_id]


# ---- the open page -----------------------------------------------------------------------------


def form(**overrides) -> dict:
    values = dict(last_name="Сидорова", first_name="Ирина", middle_name="Олеговна",
                  email="Irina.Sidorova@Example.org", organisation="МБОУ СОШ № 2 ст. Выселки",
                  position="Учитель математики", phone="+7 900 111-22-33", consent="да")
    return {k: v for k, v in {**values, **overrides}.items() if v is not None}


def people(rt) -> list[Person]:
    with rt.session() as s:
        return list(s.exec(select(Person).order_by(Person.id)))


def test_open_page_requires_the_consent(rt, client, first):
    page = client.get(f"/webinars/{first}")
    assert page.status_code == 200
    for text in ("Первый", "152-ФЗ", "МКУ ИМЦ Выселковский район", "сертификата участника",
                 "три года", 'name="consent"', 'name="website"'):
        assert text in page.text
    card = client.get(f"/api/webinars/{first}").json()
    assert (card["topic"], card["start"], card["open"]) == ("Первый", "15.10.2024 15:00", True)
    assert "152-ФЗ" in card["consent_text"] and "meeting" not in str(card)  # no meeting address
    before = len(people(rt))
    refused = client.post(f"/webinars/{first}", data=form(consent=None))
    assert refused.status_code == 400
    assert "без согласия на обработку персональных данных регистрация невозможна" in refused.text
    assert 'value="Сидорова"' in refused.text  # what was typed is not lost
    assert len(people(rt)) == before and registrations(rt) == []
    [entry] = refusals(rt, first, "register_open")
    assert entry.details["fields"] == ["consent"]
    assert "sidorova" not in str(entry.details).lower()  # no personal data without consent

    api = client.post(f"/api/webinars/{first}/registrations",
                      json={**form(), "consent": False})
    assert api.status_code == 400 and "без согласия" in api.json()["error"]
    assert registrations(rt) == []


def page_title(page) -> str:
    return re.search(r"<title>(.*?)</title>", page.text, re.S).group(1).strip()


def error_summary(page) -> str:
    return re.search(r'<section class="card notice bad"[^>]*>', page.text).group(0)


def test_a_refused_form_says_so_in_the_title_and_its_summary_takes_focus(client, first):
    shown = client.get(f"/webinars/{first}")
    assert page_title(shown) == "Регистрация на вебинар «Первый» — МКУ ИМЦ Выселковский район"
    refused = client.post(f"/webinars/{first}", data=form(consent=None))
    assert refused.status_code == 400
    assert page_title(refused) == ("Ошибка: Регистрация на вебинар «Первый» — "
                                   "МКУ ИМЦ Выселковский район")
    assert 'role="alert"' in error_summary(refused) and 'tabindex="-1"' in error_summary(refused)

    assert page_title(client.get("/webinar-requests")).startswith("Запрос на вебинар — ")
    request = client.post("/webinar-requests", data={"organisation": "Школа", "consent": "да"})
    assert request.status_code == 400
    assert page_title(request).startswith("Ошибка: Запрос на вебинар — ")
    assert 'role="alert"' in error_summary(request) and 'tabindex="-1"' in error_summary(request)


def test_open_page_creates_the_person_and_sends_the_confirmation_with_ics(rt, client, first,
                                                                          smtp):
    done = client.post(f"/webinars/{first}", data=form(), follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (
        303, f"/webinars/{first}/done?state=registered")
    assert "Регистрация принята" in client.get(done.headers["location"]).text
    person = people(rt)[-1]
    assert (person.full_name, person.email, person.role) == (
        "Сидорова Ирина Олеговна", "irina.sidorova@example.org", PersonRole.CONTACT)
    assert person.position == "Учитель математики" and person.fio_dative
    with rt.session() as s:
        school2 = s.exec(select(Person.organisation_id).where(Person.email == HEAD2)).one()
    assert person.organisation_id == school2  # matched by the short name
    reg = registration_of(rt, first, person.email)
    assert (reg.state, reg.source, reg.consent_at) == ("registered", "page", rt.clock.now())

    asyncio.run(drain(rt))
    [message] = [m for m in smtp.messages if m.envelope_rcpt == (person.email,)]
    [ics] = [p for p in message.iter_attachments() if p.get_filename().endswith(".ics")]
    cal = Calendar.from_ical(ics.get_content())
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal.walk("VEVENT")[0]["UID"]) == f"webinar-session-{first}@imc-vyselki"
    # The letter's personal link lets the new person cancel.
    token = link_token(emails(rt, template="webinar_registered", to_addr=person.email)[0])
    assert "Сидорова Ирина Олеговна" in client.get(f"/l/{token}").text
    assert client.post(f"/api/links/{token}/cancel").json() == {"state": "cancelled"}


def test_open_page_matches_a_known_person_by_email(rt, client, first):
    before = people(rt)
    state = client.post(f"/api/webinars/{first}/registrations",
                        json={**form(email="Director@SOSH1.example.org", organisation="Другая",
                                     last_name="Иная"), "consent": True})
    assert state.json() == {"state": "registered"}
    assert people(rt) == before  # nobody new, nobody changed
    reg = registration_of(rt, first, HEAD1)
    assert reg.source == "page" and reg.consent_at is not None



def test_the_open_page_does_not_tell_who_is_registered(rt, client, first):
    """A form sent again for a registered address is answered as a new registration would
    be; only the address's owner is told, by one letter a day with their personal link."""
    client.post(f"/api/webinars/{first}/registrations", json={**form(email=HEAD1),
                                                              "consent": True})
    reg = registration_of(rt, first, HEAD1)
    fresh = client.post(f"/webinars/{first}", data=form(email="new.person@example.org"),
                        follow_redirects=False)
    again = client.post(f"/webinars/{first}", data=form(email=HEAD1), follow_redirects=False)
    assert again.status_code == fresh.status_code == 303
    assert again.headers["location"] == fresh.headers["location"]  # …/done?state=registered
    client.post(f"/webinars/{first}", data=form(email=HEAD1))  # the same day: no more mail
    [letter] = emails(rt, template="webinar_already_registered")
    assert letter.to_addr == HEAD1 and letter.object_id == reg.id
    assert "Вы уже зарегистрированы на этот вебинар" in letter.text_body
    assert link_token(letter)  # their personal link to look or cancel
    assert not refusals(rt, first, "register_open")
    actions = [e.action for e in trail(rt, "webinar_registration", reg.id)]
    assert actions.count("register_open_again") == 2
    assert registration_of(rt, first, HEAD1).round == reg.round  # nothing else changed


def test_open_page_keeps_an_unknown_organisation_in_the_audit(rt, client, first):
    client.post(f"/webinars/{first}", data=form(organisation="ООО «Ромашка»"))
    person = people(rt)[-1]
    assert person.organisation_id is None
    reg = registration_of(rt, first, person.email)
    [event] = [e for e in trail(rt, "webinar_registration", reg.id)
               if e.action == "open_registration"]
    assert event.details["organisation"] == "ООО «Ромашка»" and event.details["consent_version"]


def test_open_page_refusals(rt, client, first):
    bad = client.post(f"/api/webinars/{first}/registrations",
                      json={**form(email="не-почта", first_name=""), "consent": True})
    assert bad.status_code == 400
    assert bad.json()["error"] == ("Регистрация не принята: не заполнено поле «Имя»; "
                                   "«не-почта» не похож на адрес электронной почты")
    robot = client.post(f"/webinars/{first}", data=form(website="http://spam.example"))
    assert robot.status_code == 400 and "Форма не принята" in robot.text
    assert client.post(f"/api/webinars/{first}/registrations", content=b"[1]").status_code == 400
    assert client.get("/webinars/999").status_code == 404
    assert client.get("/api/webinars/999").json() == {"error": "Вебинар №999 не найден"}
    assert registrations(rt) == []

    rt.clock.set(AFTER_START)
    page = client.get(f"/webinars/{first}")
    assert "Регистрация закрыта: вебинар уже начался или прошёл" in page.text
    assert 'name="consent"' not in page.text
    late = client.post(f"/api/webinars/{first}/registrations", json={**form(), "consent": True})
    assert late.status_code == 409
    assert late.json() == {"error": "Регистрация невозможна: вебинар уже начался или прошёл"}
    audited = refusals(rt, first, "register_open")  # the form, the robot, the late one
    assert [e.details.get("honeypot", False) for e in audited] == [False, True, False]
    assert registrations(rt) == [] and not emails(rt, template="webinar_registered")
