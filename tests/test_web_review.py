"""Expert review through the personal-link pages and the JSON API, over HTTP: access control
(an expert's link opens only their own assignment and never another expert's scores) and the
applicant's page (no scores before the award)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models import Application, Assignment, Review
from services import contest_results as results
from services.audit import trail
from services.contest_intake import PURPOSE_APPLICATION
from services.contest_review import PURPOSE_REVIEW
from services.links import make_token, read_token
from tests import test_contest_review as contest_review_tests
from tests.factories import emails, link_token, staff_actor
from tests.test_contest_review import CRITERIA, _review_all, scores, tokens
from web.app import create_app

reviewing = contest_review_tests.reviewing  # the contest in review: five schools, four experts

COMMENT_A = "Сильная сторона — сетевое партнёрство с ДШИ (эксперт А)"


@pytest.fixture
def client(rt) -> TestClient:
    with TestClient(create_app(rt)) as c:
        yield c


def form(*values, comment: str = "Обоснованный проект") -> dict:
    return {**{f"score_{code}": str(v) for code, v in zip(CRITERIA, values, strict=True)},
            "comment": comment}


def shared_application(rt) -> tuple[str, str, str]:
    """An application two experts review: (number, expert A's token, expert B's token)."""
    links = {n: tokens(rt, n) for n in range(1, 5)}
    for a in range(1, 5):
        for b in range(a + 1, 5):
            common = sorted(set(links[a]) & set(links[b]))
            if common:
                number = common[0]
                return number, links[a][number], links[b][number]
    raise AssertionError("no application with two experts")


def assignment_of(rt, token: str) -> Assignment:
    with rt.session() as s:
        return s.get(Assignment, read_token(rt, token).object_id)


def stored_reviews(rt) -> list[Review]:
    with rt.session() as s:
        return list(s.exec(select(Review).order_by(Review.id)))


def refusals(rt, kind: str, object_id: int) -> list:
    return [e for e in trail(rt, kind, object_id) if e.outcome == "refused"]


def receipt_token(rt, n: int) -> str:
    """The applicant's link (contest.application) from school n's receipt email."""
    mail = next(m for m in emails(rt, template="contest_application_receipt")
                if m.to_addr == f"orlova{n}@sosh.example.org")
    return link_token(mail)


# ---- the expert's page -------------------------------------------------------------------------


def test_the_page_shows_the_application_the_criteria_and_an_empty_form(rt, client, reviewing):
    number, token = next(iter(tokens(rt, 2).items()))
    page = client.get(f"/l/{token}")
    assert page.status_code == 200
    text = page.text
    assert f"Экспертиза заявки № {number}" in text
    assert "Проект о развитии внеурочной деятельности." in text
    assert "общеобразовательная школа №" in text
    assert "до 10 апреля 2024 г. включительно" in text
    assert "Новизна" in text and "Новые для района содержание" in text
    for code in CRITERIA:
        assert (f'name="score_{code}" required\n             min="0" max="10" step="0.5"'
                in text)
    assert text.count('value=""') == len(CRITERIA)
    assert '<textarea id="review-comment" name="comment" required' in text
    assert text.count('method="post"') == 1 and f'action="/l/{token}/review"' in text
    assert stored_reviews(rt) == []
    entry = trail(rt, "application", assignment_of(rt, token).application_id)[-1]
    assert (entry.action, entry.outcome) == ("link_opened", "done")


def test_a_valid_post_saves_and_a_second_makes_revision_2(rt, client, reviewing):
    number, token = next(iter(tokens(rt, 3).items()))
    r = client.post(f"/l/{token}/review", data=form(8, 7.5, 9, 6, 10),
                    follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/l/{token}/done?action=review"
    done = client.get(r.headers["location"])
    assert done.status_code == 200 and "Оценка сохранена (редакция 1)" in done.text
    assert number in done.text

    page = client.get(f"/l/{token}").text  # prefilled with the expert's own review
    for value in ("8", "7.5", "9", "6", "10"):
        assert f'value="{value}"' in page
    assert "Обоснованный проект</textarea>" in page and "редакция 1" in page

    r = client.post(f"/l/{token}/review", data=form(8, 8, 9, 6, 10, comment="Уточнено"))
    assert r.status_code == 200 and "Оценка сохранена (редакция 2)" in r.text
    [review] = stored_reviews(rt)
    assert review.revision == 2 and review.comment == "Уточнено"
    assert review.scores == {"relevance": 8, "novelty": 8, "practical_value": 9,
                             "feasibility": 6, "scalability": 10}
    actions = [e.action for e in trail(rt, "application", assignment_of(rt, token).application_id)]
    assert "review_submitted" in actions and "review_revised" in actions


def test_scores_out_of_range_are_refused_with_the_criterion_and_the_values_kept(
        rt, client, reviewing):
    _, token = next(iter(tokens(rt, 2).items()))
    r = client.post(f"/l/{token}/review",
                    data=form(11, 5, 5.5, 5, 5, comment="Комментарий & «кавычки»"))
    assert r.status_code == 400
    assert "Оценка не сохранена" in r.text
    assert "балл по критерию «Актуальность» должен быть от 0 до 10, указано 11" in r.text
    assert 'value="11"' in r.text and 'value="5.5"' in r.text  # what was typed is kept
    assert "Комментарий &amp; «кавычки»</textarea>" in r.text
    r = client.post(f"/l/{token}/review", data={**form(5, 5, 5, 5, 5), "comment": " ",
                                                "score_novelty": ""})
    assert r.status_code == 400
    assert "не указан балл по критерию «Новизна»" in r.text and "комментарий" in r.text
    assert stored_reviews(rt) == []
    app_id = assignment_of(rt, token).application_id
    assert [e.action for e in refusals(rt, "application", app_id)] == ["review", "review"]


# ---- access control ---------------------------------------------------------------------------


def test_an_expert_never_sees_another_experts_scores(rt, client, reviewing):
    number, token_a, token_b = shared_application(rt)
    r = client.post(f"/l/{token_a}/review", data=form(9.5, 9.5, 9.5, 9.5, 9.5, comment=COMMENT_A),
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/l/{token_b}")
    assert page.status_code == 200 and f"Экспертиза заявки № {number}" in page.text
    assert COMMENT_A not in page.text and "эксперт А" not in page.text
    # (not a bare "9.5": a token in the page's links may contain those characters)
    assert 'value="9.5"' not in page.text and 'value="9,5"' not in page.text
    assert ">9,5<" not in page.text
    assert page.text.count('value=""') == len(CRITERIA)  # B's form is empty
    assert "редакция" not in page.text
    view = client.get(f"/api/links/{token_b}").json()
    assert (view["scores"], view["comment"], view["revision"]) == ({}, "", None)
    assert COMMENT_A not in str(view)
    # the done page of B's link shows nothing of A's either
    assert COMMENT_A not in client.get(f"/l/{token_b}/done?action=review").text


def test_a_forged_or_foreign_link_is_refused_and_audited(rt, client, reviewing):
    experts = reviewing["experts"]
    _, token_a, token_b = shared_application(rt)
    client.post(f"/l/{token_a}/review", data=form(9, 9, 9, 9, 9, comment=COMMENT_A))
    own = assignment_of(rt, token_a)
    other_expert = next(e for e in experts if e != own.expert_id)
    # expert B's identity with expert A's assignment: signed, but not B's assignment
    forged = make_token(rt, person_id=other_expert, object_kind="assignment",
                        object_id=own.id, purpose=PURPOSE_REVIEW)
    page = client.get(f"/l/{forged}")
    assert page.status_code == 403 and "выдана другому лицу" in page.text
    assert COMMENT_A not in page.text and 'method="post"' not in page.text
    [entry] = refusals(rt, "assignment", own.id)
    assert (entry.action, entry.actor_id) == ("open", other_expert)

    r = client.post(f"/l/{forged}/review", data=form(1, 1, 1, 1, 1, comment="Подмена"))
    assert r.status_code == 403 and "выдана другому лицу" in r.text
    r = client.post(f"/api/links/{forged}/review",
                    json={"scores": scores(1, 1, 1, 1, 1), "comment": "Подмена"})
    assert r.status_code == 403 and "выдана другому лицу" in r.json()["error"]
    assert r.json().keys() == {"error"}
    assert [e.action for e in refusals(rt, "assignment", own.id)] == ["open", "review", "review"]

    # a token edited by hand does not verify at all
    tampered = token_b[:-4] + ("AAAA" if not token_b.endswith("AAAA") else "BBBB")
    r = client.get(f"/l/{tampered}")
    assert r.status_code == 403 and "недействительна" in r.text
    # the applicant's own link cannot be used to review (or to see the review)
    applicant = receipt_token(rt, 1)
    assert read_token(rt, applicant).purpose == PURPOSE_APPLICATION
    r = client.post(f"/l/{applicant}/review", data=form(1, 1, 1, 1, 1))
    assert r.status_code == 403 and "предназначена для другого действия" in r.text

    [review] = stored_reviews(rt)  # A's review alone, untouched
    assert (review.assignment_id, review.comment, review.revision) == (own.id, COMMENT_A, 1)


def test_after_deliberation_starts_the_review_is_read_only(rt, client, reviewing):
    _review_all(rt, reviewing)
    _, token = next(iter(tokens(rt, 4).items()))
    results.start_deliberation(rt, reviewing["contest"], actor=staff_actor(rt))

    page = client.get(f"/l/{token}")
    assert page.status_code == 200
    assert "Экспертиза завершена" in page.text and 'method="post"' not in page.text
    assert "Комментарий эксперта 4" in page.text and "<td class=\"num\">7</td>" in page.text

    r = client.post(f"/l/{token}/review", data=form(1, 2, 3, 4, 5, comment="Поздно"))
    assert r.status_code == 409
    assert "экспертиза завершена" in r.text and "оценку изменить нельзя" in r.text
    assert 'method="post"' not in r.text
    assert "Поздно" in r.text  # shown to copy, though not sendable
    r = client.post(f"/api/links/{token}/review",
                    json={"scores": scores(1, 2, 3, 4, 5), "comment": "Поздно"})
    assert r.status_code == 409 and "экспертиза завершена" in r.json()["error"]
    mine = [rv for rv in stored_reviews(rt) if rv.assignment_id == assignment_of(rt, token).id]
    assert [(rv.revision, rv.comment) for rv in mine] == [(1, "Комментарий эксперта 4")]
    app_id = assignment_of(rt, token).application_id
    assert [e.action for e in refusals(rt, "application", app_id)] == ["review", "review"]


# ---- the applicant's page ---------------------------------------------------------------------


def test_the_applicant_sees_no_scores_before_the_award_and_sees_them_after(
        rt, client, reviewing):
    token = receipt_token(rt, 1)
    contest_id = reviewing["contest"]

    def applicant_page():
        page = client.get(f"/l/{token}")
        assert page.status_code == 200 and "ИП-1/2024" in page.text
        return page.text, client.get(f"/api/links/{token}").json()

    def assert_hidden():
        text, view = applicant_page()
        assert "Итоги конкурса" not in text and "Итоговый балл" not in text
        assert "Место в рейтинге" not in text and "Комментарий эксперта" not in text
        assert (view["total"], view["rank"], view["outcome"]) == (None, None, None)
        assert view["results_published"] is False

    assert_hidden()
    _review_all(rt, reviewing, {"ИП-1/2024": scores(10, 10, 10, 10, 10),
                                "ИП-2/2024": scores(8, 10, 8, 8, 8),
                                "ИП-3/2024": scores(8, 8, 10, 8, 8)})
    assert_hidden()
    results.start_deliberation(rt, contest_id, actor=staff_actor(rt))
    assert_hidden()
    results.approve_results(rt, contest_id, actor=staff_actor(rt))
    with rt.session() as s:  # the jury's figures exist, yet the applicant sees none of them
        app = s.exec(select(Application).where(Application.number == "ИП-1/2024")).one()
        assert (app.rank, app.total) == (1, 60.0)
    assert_hidden()

    results.award(rt, contest_id, actor=staff_actor(rt))
    text, view = applicant_page()
    assert "Итоги конкурса" in text and "победитель" in text
    assert "Место в рейтинге</dt><dd>1</dd>" in text
    assert "Итоговый балл</dt><dd>60" in text and "из 60" in text
    assert (view["total"], view["rank"], view["outcome"]) == (60.0, 1, "победитель")
    assert view["max_total"] == 60.0 and view["results_published"] is True
    assert "Комментарий эксперта" not in text  # the experts' own words are never shown


# ---- JSON API -----------------------------------------------------------------------------------


def test_api_review_happy_path(rt, client, reviewing):
    number, token = next(iter(tokens(rt, 1).items()))
    view = client.get(f"/api/links/{token}").json()
    assert view["purpose"] == PURPOSE_REVIEW and view["number"] == number
    assert view["can_review"] is True and view["scores"] == {} and view["revision"] is None
    assert [c["code"] for c in view["criteria"]] == list(CRITERIA)
    assert view["criteria"][0]["max_score"] == 10.0 and view["due"] == "10 апреля 2024 г."
    body = {"scores": scores(7, 8.5, 9, 6, 5), "comment": "Через API"}
    r = client.post(f"/api/links/{token}/review", json=body)
    assert r.status_code == 200 and r.json() == {"revision": 1}
    r = client.post(f"/api/links/{token}/review", json={**body, "comment": "Уточнено"})
    assert r.json() == {"revision": 2}
    view = client.get(f"/api/links/{token}").json()
    assert view["scores"]["novelty"] == 8.5 and view["comment"] == "Уточнено"
    assert view["revision"] == 2


def test_api_review_errors_are_russian_json(rt, client, reviewing):
    _, token = next(iter(tokens(rt, 1).items()))
    app_id = assignment_of(rt, token).application_id
    r = client.post(f"/api/links/{token}/review",
                    json={"scores": scores(7, 12, 9, 6, 5), "comment": "x"})
    assert r.status_code == 400
    assert "«Новизна» должен быть от 0 до 10, указано 12" in r.json()["error"]
    r = client.post(f"/api/links/{token}/review", json={"scores": [7, 8], "comment": "x"})
    assert r.status_code == 400 and "ожидается JSON-объект" in r.json()["error"]
    r = client.post(f"/api/links/{token}/review",
                    json={"scores": {**scores(7, 7, 7, 7, 7), "novelty": [7]}, "comment": "x"})
    assert r.status_code == 400 and "novelty" in r.json()["error"]
    assert stored_reviews(rt) == []
    assert len(refusals(rt, "application", app_id)) == 1  # the service's refusal
    assert len(refusals(rt, "assignment", assignment_of(rt, token).id)) == 2  # the shapes
