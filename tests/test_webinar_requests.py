"""Webinars on request: the page and the API, staff scheduling (a cycle announced to the
organisation's people) or declining, refusals audited, the command line."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from models import (
    Outcome,
    Person,
    PersonRole,
    WebinarCycle,
    WebinarRequest,
    WebinarSession,
)
from services.audit import trail
from services.errors import DomainError, GuardRefused, IllegalTransition
from services.mail_delivery import drain
from services.org import fill_cases
from services.webinar_registration import register
from services.webinar_request_decisions import decline_request, schedule_request
from services.webinar_requests import RequestRefused, submit_request
from tests.factories import emails, link_token, make_school, staff_actor
from tests.webinar_factories import make_deputy
from web.app import create_app

FORM = {
    "organisation": "мбоу сош №1 ст. выселки",  # the registry's «МБОУ СОШ № 1 ст. Выселки»
    "requester_name": "Смирнова Елена Викторовна",
    "email": "Smirnova@Sosh1.example.org",
    "phone": "8 (86157) 7-11-11",
    "topic": "Формирующее оценивание на уроке",
    "audience": "учителя начальных классов, около 20 человек",
    "preferred_dates": "вторая половина октября, после 14:00",
    "comment": "Лучше во вторник",
    "consent": "да",
}
STAFF = ["ivanova@imc-vyselki.example.org", "remel@imc-vyselki.example.org"]
START = datetime(2024, 10, 15, 15, 0)  # Moscow


@pytest.fixture
def client(rt) -> TestClient:
    with TestClient(create_app(rt)) as c:
        yield c


@pytest.fixture
def school(rt) -> int:
    """School 1 with its head, a deputy, an inactive teacher and one without an address;
    school 2, whose people have nothing to do with the request."""
    org = make_school(rt, 1)
    make_deputy(rt, org, 1)
    with rt.transaction() as tx:
        for n, (active, email) in enumerate([(False, "gone@sosh1.example.org"), (True, "")]):
            tx.session.add(fill_cases(Person(
                organisation_id=org, role=PersonRole.CONTACT, last_name="Учитель",
                first_name="Пётр", middle_name=f"Иванович{n}", email=email, active=active,
                created_at=tx.now)))
    make_school(rt, 2)
    return org


def submit(rt, **changes) -> int:
    data = {**FORM, **changes}
    data["consent"] = data["consent"] == "да"
    return submit_request(rt, **data, source="api")


def load(rt, request_id: int) -> WebinarRequest:
    with rt.session() as s:
        return s.get(WebinarRequest, request_id)


def count(rt, model) -> int:
    with rt.session() as s:
        return len(s.exec(select(model)).all())


def delivered(rt, smtp) -> dict[str, list[str]]:
    """Push the outbox to the SMTP server; {recipient: [subject, ...]}."""
    asyncio.run(drain(rt))
    got: dict[str, list[str]] = {}
    for m in smtp.messages:
        for rcpt in m.envelope_rcpt:
            got.setdefault(rcpt, []).append(m["Subject"])
    return got


def schedule(rt, request_id: int, **changes) -> int:
    args = dict(start=START, duration_minutes=90, meeting_url="https://meet.example.org/req",
                speaker="Иванова Наталья Анатольевна", capacity=50, actor=staff_actor(rt))
    return schedule_request(rt, request_id, **{**args, **changes})


# ---- the page and the API ---------------------------------------------------------------------


def test_the_page_asks_for_everything_and_the_consent(client):
    page = client.get("/webinar-requests")
    assert page.status_code == 200
    for name in ("organisation", "requester_name", "email", "phone", "topic", "audience",
                 "preferred_dates", "comment"):
        assert f'name="{name}"' in page.text
    assert 'name="consent" value="да" required' in page.text
    assert "152-ФЗ" in page.text and "МКУ ИМЦ Выселковский район" in page.text


def test_a_request_through_the_page_is_stored_and_staff_are_told(rt, client, school, smtp):
    r = client.post("/webinar-requests", data=FORM, follow_redirects=False)
    assert r.status_code == 303
    thanks = client.get(r.headers["location"])
    assert thanks.status_code == 200 and "№ 1" in thanks.text and "Спасибо" in thanks.text

    req = load(rt, 1)
    assert (str(req.state), req.source, req.organisation_id) == ("submitted", "page", school)
    assert req.organisation_name == FORM["organisation"]  # as typed, even when matched
    assert req.consent_at == rt.clock.now() and req.email == "smirnova@sosh1.example.org"
    with rt.session() as s:
        person = s.get(Person, req.person_id)
    assert (person.full_name, person.role, person.organisation_id) == (
        FORM["requester_name"], PersonRole.CONTACT, school)
    assert person.fio_dative == "Смирновой Елене Викторовне"
    assert [e.action for e in trail(rt, "webinar_request", 1)] == ["submit"]

    got = delivered(rt, smtp)
    assert sorted(got) == sorted(["smirnova@sosh1.example.org", *STAFF])
    assert got["smirnova@sosh1.example.org"] == [
        "Запрос на вебинар №1 получен: «Формирующее оценивание на уроке»"]
    [receipt] = emails(rt, template="webinar_request_received")
    for text in ("Уважаемая Елена Викторовна", "Формирующее оценивание на уроке",
                 "учителя начальных классов", "вторая половина октября", "ответят"):
        assert text in receipt.text_body
    notices = emails(rt, template="webinar_request_new")
    assert sorted(m.to_addr for m in notices) == STAFF
    assert "в реестре: МБОУ СОШ № 1 ст. Выселки" in notices[0].text_body
    assert "imc webinar request-schedule 1" in notices[0].text_body


def test_the_api_matches_a_known_person_by_email(rt, client, school):
    people = count(rt, Person)
    body = {**FORM, "organisation": "Первая школа", "email": "DIRECTOR@sosh1.example.org",
            "consent": True}
    r = client.post("/api/webinar-requests", json=body)
    assert r.status_code == 201 and r.json() == {"id": 1, "state": "submitted"}
    req = load(rt, 1)
    assert (req.source, req.organisation_id, req.organisation_name) == (
        "api", school, "Первая школа")
    with rt.session() as s:
        assert s.get(Person, req.person_id).email == "director@sosh1.example.org"
    assert count(rt, Person) == people  # nobody new
    assert [m.to_addr for m in emails(rt, template="webinar_request_received")] == [
        "director@sosh1.example.org"]


def test_an_unknown_organisation_is_kept_as_typed(rt, school):
    request_id = submit(rt, organisation="ООО «Новая школа»", email="new@example.org")
    req = load(rt, request_id)
    assert (req.organisation_id, req.organisation_name) == (None, "ООО «Новая школа»")
    with rt.session() as s:
        assert s.get(Person, req.person_id).organisation_id is None
    assert "в реестре не найдена" in emails(rt, template="webinar_request_new")[0].text_body


def test_the_receipt_subject_keeps_a_quoted_topic_whole(rt, school):
    topic = "Подготовка к конкурсу «Учитель года» и «Педагог-наставник»"
    submit(rt, topic=topic)
    [receipt] = emails(rt, template="webinar_request_received")
    assert receipt.subject == f"Запрос на вебинар №1 получен: «{topic}»"


def test_every_problem_is_listed_and_nothing_is_stored(rt, client, school):
    people = count(rt, Person)
    bad = {"organisation": " ", "requester_name": "", "email": "not-an-email", "topic": "",
           "consent": False}
    r = client.post("/api/webinar-requests", json={**FORM, **bad})
    assert r.status_code == 400
    problems = r.json()["problems"]
    assert r.json()["error"].startswith("Запрос не принят")
    assert problems == ["не заполнено поле «Организация»", "не заполнено поле «ФИО»",
                        "не заполнено поле «Тема вебинара»",
                        "«not-an-email» не похож на адрес электронной почты",
                        "без согласия на обработку персональных данных запрос не принимается"]
    shape = client.post("/api/webinar-requests", json={**FORM, "topic": ["список"]})
    assert shape.status_code == 400 and "Тема вебинара" in shape.json()["problems"][0]
    assert client.post("/api/webinar-requests", content=b"[1]").status_code == 400

    page = client.post("/webinar-requests", data={**FORM, "email": "x@", "topic": ""})
    assert page.status_code == 400
    assert "«x@» не похож на адрес электронной почты" in page.text
    assert "не заполнено поле «Тема вебинара»" in page.text
    assert f'value="{FORM["requester_name"]}"' in page.text  # what was typed is kept
    assert " checked>" in page.text
    assert (count(rt, WebinarRequest), count(rt, Person), len(emails(rt))) == (0, people, 0)


def test_consent_is_required(rt, client, school):
    form = {k: v for k, v in FORM.items() if k != "consent"}
    page = client.post("/webinar-requests", data=form)
    assert page.status_code == 400
    assert "без согласия на обработку персональных данных" in page.text
    assert " checked>" not in page.text  # left unticked, as it was sent
    with pytest.raises(RequestRefused) as refused:
        submit_request(rt, **{**form, "consent": False}, source="api")
    assert len(refused.value.problems) == 1
    assert count(rt, WebinarRequest) == 0 and emails(rt) == []


def test_a_refused_request_is_audited_naming_the_fields_only(rt, client, school):
    typed = {"requester_name": "Смирнова", "email": "smirnova-at-sosh1", "topic": "",
             "phone": "8" * 60, "consent": False}
    with pytest.raises(RequestRefused):
        submit_request(rt, **{**FORM, **typed}, source="api")
    assert client.post("/webinar-requests", data={**FORM, "organisation": ""}).status_code == 400
    entries = trail(rt, "webinar_request", 0)
    assert [(e.action, e.outcome, e.details["source"]) for e in entries] == [
        ("submit", Outcome.REFUSED, "api"), ("submit", Outcome.REFUSED, "page")]
    assert entries[0].details["fields"] == ["consent", "email", "phone", "requester_name",
                                            "topic"]
    assert entries[1].details["fields"] == ["organisation"]
    assert entries[0].actor_id is None and entries[0].actor_label == "API запросов на вебинар"
    assert entries[1].details["error"] == "Запрос не принят, ошибки в полях: «Организация»"
    recorded = " ".join(f"{e.details} {e.reason} {e.actor_label}" for e in entries)
    for value in ("Смирнова", "smirnova", "sosh1", "8888", "Формирующее", "мбоу"):
        assert value not in recorded
    assert count(rt, WebinarRequest) == 0


# ---- scheduling -------------------------------------------------------------------------------


def test_scheduling_creates_and_announces_a_webinar_for_the_organisation(rt, school, smtp):
    request_id = submit(rt)
    requester = load(rt, request_id).person_id
    smtp_before = delivered(rt, smtp)
    assert smtp_before  # the receipt and staff notices
    smtp.clear()

    session_id = schedule(rt, request_id)

    with rt.session() as s:
        row = s.get(WebinarSession, session_id)
        cycle = s.get(WebinarCycle, row.cycle_id)
    assert cycle.title == "Вебинар по запросу: Формирующее оценивание на уроке"
    assert (cycle.year, str(cycle.certificate_rule), cycle.partners_in_parallel) == (
        2024, "per_session", False)
    assert str(cycle.state) == "announced"
    assert (str(row.segment), str(row.state), row.capacity, row.duration_minutes) == (
        "on_request", "registration_open", 50, 90)
    assert row.starts_at == datetime(2024, 10, 15, 12, 0, tzinfo=UTC)
    req = load(rt, request_id)
    assert (str(req.state), req.session_id) == ("scheduled", session_id)
    assert req.decided_by == staff_actor(rt).person_id
    assert [e.action for e in trail(rt, "webinar_request", request_id)] == ["submit", "schedule"]

    invitations = {m.to_addr: m for m in emails(rt, template="webinar_invitation")}
    # the school's active people with an address and the requester; nobody from school 2
    assert sorted(invitations) == ["deputy1@example.org", "director@sosh1.example.org",
                                   "smirnova@sosh1.example.org"]
    [letter] = emails(rt, template="webinar_request_scheduled")
    assert letter.to_addr == "smirnova@sosh1.example.org"
    for text in ("15.10.2024 15:00", "Формирующее оценивание на уроке",
                 "Иванова Наталья Анатольевна", "/l/"):
        assert text in letter.text_body
    # the personal links register their own person
    assert register(rt, link_token(invitations["deputy1@example.org"])) == "registered"
    assert register(rt, link_token(letter)) == "registered"
    with rt.session() as s:
        from models import Registration

        assert sorted(r.person_id for r in s.exec(select(Registration))) == sorted(
            [requester, s.exec(select(Person.id).where(
                Person.email == "deputy1@example.org")).one()])

    got = delivered(rt, smtp)
    assert "Вебинар по вашему запросу №1 назначен на 15.10.2024 15:00" in got[
        "smirnova@sosh1.example.org"]
    assert "director@sosh1.example.org" in got and "director@sosh2.example.org" not in got


def test_a_webinar_cannot_be_scheduled_in_the_past_or_without_its_details(rt, school):
    request_id = submit(rt)
    with pytest.raises(DomainError) as refused:
        schedule(rt, request_id, start=datetime(2024, 3, 30, 10, 0), meeting_url="meet",
                 speaker=" ", capacity=0)
    message = refused.value.message
    for text in ("Вебинар не назначен", "30.03.2024 10:00 уже прошло", "https://",
                 "не указан ведущий", "не меньше 1"):
        assert text in message
    assert (count(rt, WebinarCycle), count(rt, WebinarSession)) == (0, 0)
    assert str(load(rt, request_id).state) == "submitted"
    entry = trail(rt, "webinar_request", request_id)[-1]
    assert (entry.outcome, entry.action) == (Outcome.REFUSED, "schedule")
    assert emails(rt, template="webinar_invitation") == []


def test_a_scheduled_request_is_not_decided_again(rt, school):
    request_id = submit(rt)
    schedule(rt, request_id)
    with pytest.raises(IllegalTransition, match=re.escape(
            "уже рассмотрен: вебинар уже назначен на 15.10.2024 15:00")):
        schedule(rt, request_id)
    with pytest.raises(IllegalTransition, match="уже рассмотрен"):
        decline_request(rt, request_id, reason="передумали", actor=staff_actor(rt))
    refused = [(e.action, e.outcome) for e in trail(rt, "webinar_request", request_id)][-2:]
    assert refused == [("schedule", Outcome.REFUSED), ("decline", Outcome.REFUSED)]
    assert (count(rt, WebinarCycle), len(emails(rt, template="webinar_request_scheduled"))) == (
        1, 1)


def test_a_failed_announcement_is_finished_by_scheduling_again(rt, school, monkeypatch):
    import services.webinar_request_decisions as decisions

    request_id = submit(rt)
    real = decisions.announce

    def broken(*args, **kwargs):
        raise RuntimeError("сбой")

    monkeypatch.setattr(decisions, "announce", broken)
    with pytest.raises(RuntimeError):
        schedule(rt, request_id)
    assert str(load(rt, request_id).state) == "scheduled"
    assert emails(rt, template="webinar_invitation") == []
    monkeypatch.setattr(decisions, "announce", real)
    session_id = schedule(rt, request_id)
    assert count(rt, WebinarCycle) == 1 and load(rt, request_id).session_id == session_id
    assert len(emails(rt, template="webinar_invitation")) == 3
    with pytest.raises(IllegalTransition):
        schedule(rt, request_id)


# ---- declining --------------------------------------------------------------------------------


def test_declining_needs_a_reason_and_tells_the_requester(rt, school, smtp):
    request_id = submit(rt)
    with pytest.raises(GuardRefused, match="укажите причину"):
        decline_request(rt, request_id, reason="  ", actor=staff_actor(rt))
    assert str(load(rt, request_id).state) == "submitted"
    decline_request(rt, request_id, reason="Тема войдёт в осенний цикл вебинаров",
                    actor=staff_actor(rt))
    req = load(rt, request_id)
    assert (str(req.state), req.decline_reason) == (
        "declined", "Тема войдёт в осенний цикл вебинаров")
    [letter] = emails(rt, template="webinar_request_declined")
    assert letter.to_addr == "smirnova@sosh1.example.org"
    assert "Причина: Тема войдёт в осенний цикл вебинаров" in letter.text_body

    with pytest.raises(IllegalTransition, match="уже отклонён"):
        schedule(rt, request_id)
    actions = [(e.action, e.outcome) for e in trail(rt, "webinar_request", request_id)]
    assert actions == [("submit", Outcome.DONE), ("decline", Outcome.REFUSED),
                       ("decline", Outcome.DONE), ("schedule", Outcome.REFUSED)]
    assert count(rt, WebinarCycle) == 0
    # the outbox delivers concurrently: the receipt and the refusal in any order
    assert sorted(delivered(rt, smtp)["smirnova@sosh1.example.org"]) == [
        "Запрос на вебинар №1 отклонён",
        "Запрос на вебинар №1 получен: «Формирующее оценивание на уроке»"]


# ---- the command line -------------------------------------------------------------------------


def test_the_command_line_lists_shows_schedules_and_declines(rt, school, monkeypatch):
    import cli.webinar
    from cli.main import app

    monkeypatch.setattr(cli.webinar, "rt", lambda: rt)
    monkeypatch.setattr(cli.webinar, "console", Console(width=400))
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}

    def imc(*args, ok=True):
        out = runner.invoke(app, ["webinar", *args], env=env)
        assert (out.exit_code == 0) == ok, out.output
        return out.output

    assert "Запросов, ждущих решения, нет" in imc("requests")
    first = submit(rt)
    second = submit(rt, topic="Наставничество", email="other@example.org",
                    organisation="Неизвестная организация")
    listing = imc("requests")
    for text in ("01.04.2024 10:00", "мбоу сош №1 ст. выселки (МБОУ СОШ № 1 ст. Выселки)",
                 "Формирующее оценивание на уроке", "учителя начальных классов",
                 "вторая половина октября", "Наставничество", "получен, на рассмотрении"):
        assert text in listing
    shown = imc("request-show", str(first))
    assert "Запрос на вебинар №1" in shown and "Смирнова Елена Викторовна" in shown

    assert "не распознано" in imc("request-schedule", str(first), "--start", "15 октября",
                                  "--link", "https://meet.example.org/x", "--speaker", "Иванова",
                                  ok=False)
    out = imc("request-schedule", str(first), "--start", "15.10.2024 15:00", "--duration", "60",
              "--link", "https://meet.example.org/x", "--speaker", "Иванова Н. А.",
              "--capacity", "30", "--topic", "Формирующее оценивание", "--by", "remel")
    assert "назначен на 15.10.2024 15:00" in out
    with rt.session() as s:
        row = s.exec(select(WebinarSession)).one()
    assert (row.topic, row.capacity, row.duration_minutes) == ("Формирующее оценивание", 30, 60)
    assert len(emails(rt, template="webinar_invitation")) == 3
    assert "вебинар №1" in imc("request-show", str(first))

    assert "укажите причину" in imc("request-decline", str(second), "--reason", "", ok=False)
    imc("request-decline", str(second), "--reason", "Нет свободного ведущего")
    assert "уже рассмотрен" in imc("request-decline", str(second), "--reason", "ещё раз",
                                   ok=False)
    assert "Запросов, ждущих решения, нет" in imc("requests")
    everything = imc("requests", "--all")
    assert "принят, вебинар назначен" in everything and "отклонён" in everything
    assert "Нет свободного ведущего" in imc("request-show", str(second))
    assert "не найден" in imc("request-show", "9", ok=False)
