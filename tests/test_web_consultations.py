"""Consultations on request: the page (/consultations) and the JSON API (/api/consultations) —
what is stored, what is refused in Russian, and that a refusal stores nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models import Consultation, Outcome, Person, PersonRole
from services.audit import trail
from services.consultations import DUPLICATE_TEXT
from tests.factories import emails, make_school
from web.app import create_app

FORM = {
    "organisation": "мбоу сош №1 ст. выселки",  # the registry's «МБОУ СОШ № 1 ст. Выселки»
    "requester_name": "Смирнова Елена Викторовна",
    "email": "Smirnova@Sosh1.example.org",
    "phone": "8 (86157) 7-11-11",
    "topic": "Оформление инновационного проекта",
    "question": "Как описать ожидаемые результаты?\nИ какие показатели выбрать?",
    "form": "in_person",
    "preferred_dates": "среда после 14:00",
    "consent": "да",
}
STAFF = ["ivanova@imc-vyselki.example.org", "remel@imc-vyselki.example.org"]


@pytest.fixture
def client(rt) -> TestClient:
    with TestClient(create_app(rt)) as c:
        yield c


@pytest.fixture
def school(rt) -> int:
    return make_school(rt, 1)


def count(rt, model) -> int:
    with rt.session() as s:
        return len(s.exec(select(model)).all())


def stored(rt) -> tuple[int, int, int]:
    return count(rt, Consultation), count(rt, Person), len(emails(rt))


def test_the_page_asks_for_everything_and_the_consent(client):
    page = client.get("/consultations")
    assert page.status_code == 200
    for name in ("organisation", "requester_name", "email", "phone", "topic", "preferred_dates"):
        assert f'name="{name}"' in page.text
    assert '<textarea id="f-question" name="question"' in page.text
    for value, label in (("in_person", "очно"), ("online", "онлайн"), ("phone", "по телефону"),
                         ("written", "письменно")):
        assert f'name="form" value="{value}"' in page.text and label in page.text
    assert 'name="consent" value="да" required' in page.text
    assert "152-ФЗ" in page.text and "консультаци" in page.text


def test_a_request_through_the_page_is_stored_and_thanked(rt, client, school):
    r = client.post("/consultations", data=FORM, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/consultations/received?n=1"
    thanks = client.get(r.headers["location"])
    assert thanks.status_code == 200 and "Спасибо" in thanks.text and "№ 1" in thanks.text
    assert client.get("/consultations/received?n=x", follow_redirects=False).status_code == 303

    with rt.session() as s:
        c = s.get(Consultation, 1)
        person = s.get(Person, c.person_id)
    assert (str(c.state), c.source, c.organisation_id, str(c.form)) == (
        "submitted", "page", school, "in_person")
    assert c.question == FORM["question"] and c.organisation_name == FORM["organisation"]
    assert c.consent_at == rt.clock.now()
    assert (person.full_name, person.role, person.organisation_id) == (
        FORM["requester_name"], PersonRole.CONTACT, school)
    assert [m.to_addr for m in emails(rt, template="consultation_received")] == [
        "smirnova@sosh1.example.org"]
    assert sorted(m.to_addr for m in emails(rt, template="consultation_staff_notice")) == STAFF


def test_bad_fields_come_back_in_russian_and_nothing_is_stored(rt, client, school):
    before = stored(rt)
    bad = {**FORM, "requester_name": "Смирнова", "email": "x@", "topic": " ", "form": "голубь"}
    page = client.post("/consultations", data=bad)
    assert page.status_code == 400
    for text in ("Запрос не принят", "в поле «ФИО» укажите фамилию и имя",
                 "«x@» не похож на адрес электронной почты",
                 "не заполнено поле «Тема консультации»",
                 "форма консультации «голубь» не распознана: укажите очно, онлайн, "
                 "по телефону, письменно"):
        assert text in page.text
    assert page.text.count('aria-invalid="true"') == 4  # each field at fault is marked
    assert 'value="Смирнова"' in page.text and "среда после 14:00" in page.text
    assert '<a href="#f-requester_name">в поле «ФИО» укажите' in page.text
    assert '<a href="#f-form-in_person">форма консультации «голубь»' in page.text
    assert 'aria-describedby="consent-text" checked>' in page.text  # the consent stays ticked

    nothing = client.post("/consultations", data={"consent": "да"})
    assert nothing.status_code == 400
    for text in ("не заполнено поле «Организация»", "не заполнено поле «ФИО»",
                 "не заполнено поле «E-mail»", "не выбрана форма консультации"):
        assert text in nothing.text
    assert stored(rt) == before
    entries = trail(rt, "consultation", 0)
    assert [(e.action, e.outcome) for e in entries] == [("submit", Outcome.REFUSED)] * 2
    assert entries[0].details["fields"] == ["email", "form", "requester_name", "topic"]
    assert "Смирнова" not in str(entries[0].details) and "голубь" not in str(entries[0].details)


def test_a_request_without_consent_is_refused(rt, client, school):
    form = {k: v for k, v in FORM.items() if k != "consent"}
    page = client.post("/consultations", data=form)
    assert page.status_code == 400
    assert "без согласия на обработку персональных данных запрос не принимается" in page.text
    assert 'aria-describedby="consent-text" checked>' not in page.text
    assert re.search(r'value="in_person"\s+required checked>', page.text)  # the form kept
    api = client.post("/api/consultations", json={**form, "consent": False})
    assert api.status_code == 422 and api.json()["fields"] == ["consent"]
    assert stored(rt)[0] == 0 and emails(rt) == []


def test_the_api_answers_in_json(rt, client, school):
    body = {**FORM, "form": "по телефону", "email": "DIRECTOR@sosh1.example.org",
            "organisation": "Первая школа", "consent": True}
    people = count(rt, Person)
    r = client.post("/api/consultations", json=body)
    assert r.status_code == 201 and r.json() == {"id": 1, "state": "submitted"}
    with rt.session() as s:
        c = s.get(Consultation, 1)
    assert (c.source, str(c.form), c.organisation_id, c.email) == (
        "api", "phone", school, "director@sosh1.example.org")
    assert count(rt, Person) == people  # the head was known by the e-mail

    again = client.post("/api/consultations", json={**body, "topic": body["topic"].upper()})
    assert again.status_code == 409
    assert again.json() == {
        "error": f"Запрос уже получен: {DUPLICATE_TEXT}", "problems": [DUPLICATE_TEXT],
        "fields": ["topic"]}
    assert "№1" not in again.text and "Оформление" not in again.text

    before = stored(rt)
    bad = client.post("/api/consultations", json={**body, "email": "nope", "form": ""})
    assert bad.status_code == 422
    assert bad.json()["problems"] == ["не выбрана форма консультации",
                                      "«nope» не похож на адрес электронной почты"]
    assert bad.json()["fields"] == ["form", "email"]
    shape = client.post("/api/consultations", json={**body, "topic": ["список"]})
    assert shape.status_code == 400
    assert shape.json()["problems"] == ["текстом должно быть поле «Тема консультации» (topic)"]
    broken = client.post("/api/consultations", content=b"[1]")
    assert broken.status_code == 400 and "ожидается JSON-объект" in broken.json()["problems"][0]
    assert stored(rt) == before


def test_a_repeated_request_gets_a_neutral_page_and_the_owner_a_letter(rt, client, school):
    assert client.post("/consultations", data=FORM, follow_redirects=False).status_code == 303
    again = client.post("/consultations", data={**FORM, "requester_name": "Чужой Иван Иванович",
                                                 "question": "чей это запрос?"})
    assert again.status_code == 200
    assert title(again) == "Запрос уже получен — МКУ ИМЦ Выселковский район"
    assert "Запрос с этого адреса по этой теме уже получен" in again.text
    for secret in ("№ 1", "№1", FORM["topic"], "получен запрос", "Смирнова"):
        assert secret not in again.text
    assert count(rt, Consultation) == 1
    [letter] = emails(rt, template="consultation_duplicate")
    assert letter.to_addr == "smirnova@sosh1.example.org" and "№1" in letter.subject


def title(page) -> str:
    return re.search(r"<title>(.*?)</title>", page.text, re.S).group(1).strip()


def test_a_refused_page_names_each_error_once_and_ties_it_to_its_field(client):
    page = client.get("/consultations")
    assert title(page) == "Запрос на консультацию — МКУ ИМЦ Выселковский район"
    assert 'role="alert"' not in page.text and 'aria-invalid="true"' not in page.text
    # a 300-character address: «not an address» and «too long» at once
    page = client.post("/consultations", data={**FORM, "email": "x" * 300, "topic": ""})
    assert page.status_code == 400
    assert title(page) == "Ошибка: Запрос на консультацию — МКУ ИМЦ Выселковский район"
    assert page.text.count('id="email-error"') == 1
    error = re.search(r'<p class="field-error" id="email-error">(.*?)</p>', page.text).group(1)
    assert "не похож на адрес электронной почты; поле «E-mail» длиннее 254 символов" in error
    email = re.search(r'<input type="email"[^>]*>', page.text).group(0)
    assert 'aria-describedby="email-hint email-error" aria-invalid="true"' in email
    assert "aria-errormessage" not in page.text
    topic = re.search(r'<input type="text" id="f-topic"[^>]*>', page.text).group(0)
    assert 'aria-describedby="topic-error" aria-invalid="true"' in topic
    summary = re.search(r'<section class="card notice bad"[^>]*>', page.text).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    organisation = re.search(r'<input type="text" id="f-organisation"[^>]*>', page.text).group(0)
    assert 'aria-describedby="organisation-hint"' in organisation
    assert "aria-invalid" not in organisation
