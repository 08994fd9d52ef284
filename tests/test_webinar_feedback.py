"""The feedback form of a webinar behind the materials letter's personal link."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models import Outcome, Person, Registration
from models.webinar_followup import Feedback
from models.webinar_machine import registration_machine
from services.audit import trail
from services.errors import DomainError, IllegalTransition, LinkRefused
from services.links import make_token
from services.transitions import transition
from services.webinar_feedback import PURPOSE_FEEDBACK, feedback_view, submit_feedback
from services.webinar_materials import feedback_link
from tests.factories import staff_actor
from tests.webinar_factories import announced_cycle, register_by_email, registration_of
from web.app import create_app

HEAD1, HEAD2 = "director@sosh1.example.org", "director@sosh2.example.org"


@pytest.fixture
def client(rt) -> TestClient:
    with TestClient(create_app(rt)) as c:
        yield c


def held(rt, email: str, *moves: str) -> Registration:
    """`email` registered for the first session, then marked by staff (`moves`)."""
    _, [first, _] = announced_cycle(rt, 2)
    register_by_email(rt, first, email)
    reg = registration_of(rt, first, email)
    actor = staff_actor(rt)
    with rt.transaction() as tx:
        reg = tx.session.get(Registration, reg.id)
        for name in moves:
            with transition(tx, registration_machine, reg, name, actor=actor):
                pass
    return registration_of(rt, first, email)


def token_for(rt, reg: Registration, person_id: int | None = None) -> str:
    """The feedback link as the materials letter makes it (or one for another person)."""
    if person_id is not None:
        return make_token(rt, person_id=person_id, object_kind="webinar_registration",
                          object_id=reg.id, purpose=PURPOSE_FEEDBACK)
    with rt.transaction() as tx:
        url = feedback_link(tx, reg, tx.session.get(Person, reg.person_id))
    return url.rsplit("/l/", 1)[1]


def answers(rt) -> list[Feedback]:
    with rt.session() as s:
        return list(s.exec(select(Feedback).order_by(Feedback.id)))


def feedback_events(rt, reg: Registration) -> list:
    return [e for e in trail(rt, "webinar_registration", reg.id)
            if e.action.startswith("feedback")]


def test_feedback_is_stored_and_a_second_answer_replaces_the_first(rt):
    reg = held(rt, HEAD1, "mark_attended")
    token = token_for(rt, reg)
    view = feedback_view(rt, token)
    assert view["can_answer"] and view["feedback"] is None
    assert view["webinar"]["topic"] == "Первый"

    first = submit_feedback(rt, token, rating=4, usefulness=5, comment="  Полезно  ")
    assert (first["rating"], first["usefulness"], first["comment"], first["replaced"]) == (
        4, 5, "Полезно", False)
    second = submit_feedback(rt, token, rating=2, usefulness=None, comment="")
    assert second["replaced"] is True
    [answer] = answers(rt)
    assert (answer.registration_id, answer.session_id) == (reg.id, reg.session_id)
    assert (answer.rating, answer.usefulness, answer.comment) == (2, None, "")
    events = feedback_events(rt, reg)
    assert [e.action for e in events] == ["feedback", "feedback_replaced"]
    assert events[1].details["previous"]["rating"] == 4
    assert events[1].details["previous"]["comment"] == "Полезно"
    assert feedback_view(rt, token)["feedback"]["rating"] == 2


def test_a_certificate_holder_may_answer_too(rt):
    reg = held(rt, HEAD1, "mark_attended", "issue_certificate")
    assert submit_feedback(rt, token_for(rt, reg), rating=5, usefulness=5,
                           comment="")["rating"] == 5


def test_a_no_show_is_refused_and_audited(rt, client):
    reg = held(rt, HEAD1, "mark_no_show")
    token = token_for(rt, reg)
    page = client.get(f"/l/{token}")
    assert page.status_code == 200 and "Отзыв оставить нельзя" in page.text
    assert 'name="rating"' not in page.text
    with pytest.raises(IllegalTransition, match="только участники вебинара"):
        submit_feedback(rt, token, rating=5, usefulness=None, comment="")
    refused = client.post(f"/api/links/{token}/feedback", json={"rating": 5})
    assert refused.status_code == 409 and "«не участвовал»" in refused.json()["error"]
    entries = [e for e in trail(rt, "webinar_registration", reg.id)
               if e.outcome == Outcome.REFUSED]
    assert [e.action for e in entries] == ["feedback", "feedback"]
    assert answers(rt) == []


@pytest.mark.parametrize("rating, usefulness, message", [
    (0, None, "Оценка вебинара — целое число от 1 до 5, а указано «0»"),
    (6, 3, "Оценка вебинара — целое число от 1 до 5, а указано «6»"),
    (None, 3, "укажите оценку вебинара от 1 до 5"),
    ("отлично", None, "а указано «отлично»"),
    (True, None, "а указано «True»"),
    (5, 7, "Полезность — целое число от 1 до 5, а указано «7»"),
], ids=["zero", "six", "missing", "text", "bool", "usefulness"])
def test_a_score_out_of_range_is_refused(rt, rating, usefulness, message):
    reg = held(rt, HEAD1, "mark_attended")
    with pytest.raises(DomainError, match=message):
        submit_feedback(rt, token_for(rt, reg), rating=rating, usefulness=usefulness,
                        comment="")
    assert answers(rt) == []
    [entry] = [e for e in trail(rt, "webinar_registration", reg.id)
               if e.outcome == Outcome.REFUSED]
    assert entry.action == "feedback"


def test_someone_elses_link_is_refused(rt):
    reg = held(rt, HEAD1, "mark_attended")
    with rt.session() as s:
        stranger = s.exec(select(Person.id).where(Person.email == HEAD2)).one()
    with pytest.raises(LinkRefused, match="другому лицу"):
        submit_feedback(rt, token_for(rt, reg, stranger), rating=5, usefulness=None,
                        comment="")
    assert answers(rt) == []


def test_feedback_through_the_page_and_the_api(rt, client):
    reg = held(rt, HEAD1, "mark_attended")
    token = token_for(rt, reg)
    page = client.get(f"/l/{token}")
    assert page.status_code == 200
    assert "Отзыв о вебинаре «Первый»" in page.text and 'name="rating"' in page.text

    wrong = client.post(f"/l/{token}/feedback", data={"rating": "9", "comment": "Черновик"})
    assert wrong.status_code == 400 and "а указано «9»" in wrong.text
    assert "Черновик" in wrong.text  # the typed comment is kept
    done = client.post(f"/l/{token}/feedback", data={"rating": "5", "usefulness": "4",
                                                     "comment": "Спасибо"},
                       follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, f"/l/{token}?done=feedback")
    shown = client.get(done.headers["location"])
    assert "Ваш отзыв сохранён" in shown.text and "Изменить отзыв" in shown.text
    assert [(a.rating, a.usefulness, a.comment) for a in answers(rt)] == [(5, 4, "Спасибо")]

    api = client.post(f"/api/links/{token}/feedback",
                      json={"rating": 3, "usefulness": None, "comment": "Иначе"})
    assert api.status_code == 200 and api.json()["replaced"] is True
    assert [(a.rating, a.usefulness, a.comment) for a in answers(rt)] == [(3, None, "Иначе")]
    bad = client.post(f"/api/links/{token}/feedback", content=b"not json")
    assert bad.status_code == 400 and "JSON-объект" in bad.json()["error"]
    assert client.get(f"/api/links/{token}").json()["feedback"]["rating"] == 3
