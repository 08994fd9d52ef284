"""The wording of the contest letters and of the Положение's generated sentences.

Letters are rendered from templates/email with the contexts the services pass
(services/contest_intake.mail_applicant, contests._invite, contest_review._mail_assignments
and remind_experts, contest_documents.mail_result and mail_status_expiry).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from adapters.mail_templates import MailTemplates
from config.settings import PROJECT_ROOT
from models import (
    Application,
    ApplicationState as A,
    Contest,
    Organisation,
    Person,
    StatusEntry,
)
from services.contest_context import spread_text, winners_text
from services.contest_rules import parse_rules
from services.contest_rules_spec import AwardRule

RULES = PROJECT_ROOT / "data" / "contests"
FULL_TITLE = "Муниципальный образовательный конкурс «Инновационный поиск 2024»"
CENTRE = {"full_name": "Муниципальное казенное учреждение информационно-методический центр "
                       "Выселковский район",
          "short_name": "МКУ ИМЦ Выселковский район",
          "legal_address": "353100, Краснодарский край, ст. Выселки, ул. Ленина, 37",
          "phone": "8 (86157) 70-0-32"}


def spec_of(name: str):
    return parse_rules((RULES / name).read_text(encoding="utf-8"), name)


@pytest.fixture(scope="module")
def mail() -> MailTemplates:
    return MailTemplates(PROJECT_ROOT / "templates" / "email")


@pytest.fixture(scope="module")
def spec():
    return spec_of("innovative-search-2024.yaml")


@pytest.fixture
def contest(spec) -> Contest:
    return Contest(id=7, rules_id=1, code=spec.code, title=spec.title, year=spec.year,
                   results_order_number="45-ОД", results_order_date=date(2024, 4, 16))


def application(state=A.SUBMITTED, **fields) -> SimpleNamespace:
    """An application as the letters see it. A real Application's state changes only
    through a transition (models/fsm.py), so the letters get a stand-in with its fields."""
    values = dict(id=3, contest_id=7, organisation_id=2, number="ИП-3/2024", state=state,
                  project_title="Цифровая образовательная среда сельской школы",
                  head_name="Орлова Анна Петровна", head_position="директор",
                  contact_name="Анна Петровна", contact_email="orlova@sosh.example.org",
                  submitted_at=datetime(2024, 3, 5, 9, 0, tzinfo=UTC), return_reasons="",
                  reject_reason="", total=None, rank=None)
    assert set(values) <= set(Application.model_fields)
    return SimpleNamespace(**{**values, **fields})


def person(gender="female", middle_name="Анатольевна") -> Person:
    return Person(id=5, last_name="Иванова", first_name="Наталья", middle_name=middle_name,
                  gender=gender, email="ivanova@imc.example.org")


ORGANISATION = Organisation(id=2, short_name="МБОУ СОШ № 2 ст. Выселки",
                            full_name="Муниципальное бюджетное общеобразовательное учреждение "
                                      "средняя общеобразовательная школа № 2 ст. Выселки")
ITEMS = [{"number": "ИП-3/2024", "organisation": "МБОУ СОШ № 2 ст. Выселки",
          "project_title": "Цифровая образовательная среда сельской школы",
          "link": "http://imc.test/l/abc"}]


def render(mail, name: str, context: dict):
    return mail.render(name, {"centre": CENTRE, "base_url": "http://imc.test",
                              "today": datetime(2024, 4, 1, 7, 0, tzinfo=UTC), **context})


def texts(rendered) -> list[str]:
    return [rendered.subject, rendered.text, rendered.html]


def assert_clean(rendered) -> None:
    for text in texts(rendered):
        assert "г.." not in text
        assert "конкурс «Муниципальный" not in text and "конкурса «Муниципальный" not in text
        assert " !" not in text


def applicant_context(contest, spec, app, **extra) -> dict:
    return {"application": app, "contest": contest, "spec": spec,
            "link": "http://imc.test/l/xyz", "state_label": app.state.label, **extra}


@pytest.mark.parametrize("name, extra", [
    ("contest_application_receipt", {}),
    ("contest_application_receipt", {"resubmitted": True}),
    ("contest_application_accepted", {}),
    ("contest_application_rejected", {}),
    ("contest_application_returned", {"deadline": "10 апреля 2024 г."}),
])
def test_applicant_letters_name_the_contest_once(mail, contest, spec, name, extra):
    app = application(reject_reason="Заявка не доработана в срок.",
                      return_reasons="Нет плана-графика.")
    rendered = render(mail, name, applicant_context(contest, spec, app, **extra))
    assert_clean(rendered)
    for text in texts(rendered):
        assert "конкурс «Инновационный поиск 2024»" in text


def test_receipt_and_acceptance_dates_end_the_sentence_once(mail, contest, spec):
    app = application()
    receipt = render(mail, "contest_application_receipt", applicant_context(contest, spec, app))
    assert "зарегистрирована 5 марта 2024 г. под номером ИП-3/2024." in receipt.text
    again = render(mail, "contest_application_receipt",
                   applicant_context(contest, spec, app, resubmitted=True))
    assert "получена 5 марта 2024 г. и будет проверена повторно." in again.text
    assert "<p>Доработанная заявка ИП-3/2024" in again.html
    accepted = render(mail, "contest_application_accepted",
                      applicant_context(contest, spec, application(state=A.ACCEPTED)))
    for text in (accepted.text, accepted.html):
        assert "будут подведены 15 апреля 2024 г., о результате мы сообщим письмом." in text


def test_invitation(mail, contest, spec):
    rendered = render(mail, "contest_invitation", {
        "contest": contest, "spec": spec, "head": person(gender="male", middle_name=""),
        "organisation": ORGANISATION, "link": "http://imc.test/l/apply"})
    assert_clean(rendered)
    assert rendered.subject == "Приглашение к участию в конкурсе «Инновационный поиск 2024»"
    assert rendered.text.startswith("Уважаемый Наталья!\n")
    for text in (rendered.text, rendered.html):
        assert "принять участие в конкурсе «Инновационный поиск 2024»." in text
        assert "статус «Муниципальная инновационная площадка» сроком на 3 года." in text
        assert "с 4 марта 2024 г. по 22 марта 2024 г. включительно." in text


@pytest.mark.parametrize("years, words", [(1, "1 год"), (2, "2 года"), (5, "5 лет")])
def test_invitation_term_in_years(mail, contest, spec, years, words):
    rendered = render(mail, "contest_invitation", {
        "contest": contest, "spec": spec.model_copy(update={"status_validity_years": years}),
        "head": person(), "organisation": ORGANISATION, "link": "http://imc.test/l/apply"})
    assert f"сроком на {words}." in rendered.text
    assert " г.." not in rendered.text


def test_expert_letters(mail, contest, spec):
    expert = person()
    assignments = render(mail, "contest_expert_assignments",
                         {"contest": contest, "spec": spec, "expert": expert, "items": ITEMS})
    assert_clean(assignments)
    assert assignments.subject == ("Экспертиза заявок конкурса «Инновационный поиск 2024»: "
                                   "1 заявка для оценки")
    assert "Уважаемая Наталья Анатольевна!" in assignments.html
    assert "Срок экспертизы — до 10 апреля 2024 г.\nвключительно." in assignments.text
    assert "Срок экспертизы — до 10 апреля 2024 г. включительно." in assignments.html
    for overdue in (False, True):
        reminder = render(mail, "contest_expert_reminder", {
            "contest": contest, "spec": spec, "expert": expert, "overdue": overdue,
            "items": ITEMS})
        assert_clean(reminder)
        assert reminder.subject.endswith(": конкурс «Инновационный поиск 2024»")
        if not overdue:
            assert ("экспертизу нужно завершить до 10 апреля 2024 г. включительно. "
                    "Ещё не оценены:") in reminder.text


def test_intake_closed(mail, contest):
    rendered = render(mail, "contest_intake_closed", {
        "contest": contest, "staff": person(), "counts": {"total": 4, "submitted": 3}})
    assert_clean(rendered)
    assert rendered.subject == "Приём заявок на конкурс «Инновационный поиск 2024» закрыт"
    assert "Приём заявок на конкурс «Инновационный поиск 2024» закрыт." in rendered.text


@pytest.mark.parametrize("rules, status, term", [
    ("innovative-search-2024.yaml", "Муниципальная инновационная площадка", "3 года"),
    ("network-leader-2024.yaml", "Лидер межмуниципального взаимодействия", "2 года"),
])
def test_result_for_a_winner(mail, rules, status, term):
    spec = spec_of(rules)
    contest = Contest(id=7, rules_id=1, code=spec.code, title=spec.title, year=spec.year,
                      results_order_number="45-ОД")
    app = application(state=A.WINNER, rank=1, total=43.83)
    rendered = render(mail, "contest_result", {
        "application": app, "contest": contest, "spec": spec, "outcome": "победитель",
        "order_number": "45-ОД"})
    assert_clean(rendered)
    title = spec.title[spec.title.index("«"):]
    assert rendered.subject == f"Итоги конкурса {title}: заявка ИП-3/2024"
    for text in (rendered.text, rendered.html):
        assert f"Подведены итоги конкурса {title} (приказ № 45-ОД)." in text
        assert f"присвоен статус «{status}» сроком на {term}." in text
        assert "Обязательства, связанные со статусом, перечислены в приказе." in text
        assert "обязательства площадки" not in text.lower()
    assert "победитель, 1-е место рейтинга, 43,83 балла." in rendered.text


def test_result_for_a_participant(mail, contest, spec):
    app = application(state=A.PARTICIPANT, rank=5, total=28.5)
    rendered = render(mail, "contest_result", {
        "application": app, "contest": contest, "spec": spec, "outcome": "участник",
        "order_number": "45-ОД"})
    assert_clean(rendered)
    assert "участник, 5-е место рейтинга, 28,50 балла." in rendered.text
    assert "статус" not in rendered.text
    assert "Сертификат участника и приказ об итогах — во вложении." in rendered.text


def test_status_expiring(mail):
    entry = StatusEntry(id=1, organisation_id=2, contest_id=7, application_id=3,
                        status="Лидер межмуниципального взаимодействия", order_number="45-ОД",
                        order_date=date(2024, 10, 31), valid_from=date(2024, 10, 31),
                        valid_to=date(2026, 10, 30),
                        created_at=datetime(2024, 10, 31, 9, 0, tzinfo=UTC))
    rendered = render(mail, "status_expiring",
                      {"entry": entry, "organisation": ORGANISATION, "staff": person()})
    assert_clean(rendered)
    for text in (rendered.text, rendered.html):
        assert ("(приказ № 45-ОД от 31 октября 2024 г.) действует до 30 октября 2026 г. "
                "включительно.") in text
        assert "отчёт площадки" not in text


# -- the Положение's generated sentences (services/contest_context.py) ---------------------


def test_winners_text_of_the_real_rules(spec):
    assert winners_text(spec) == (
        "Победителями Конкурса признаются заявки, занявшие 1 место рейтинга. Лауреатами "
        "признаются следующие за победителями 2 заявки рейтинга. Победителям присваивается "
        "статус «Муниципальная инновационная площадка»."
    )


@pytest.mark.parametrize("top, expected", [
    (1, "Лауреатом признаётся следующая за победителями заявка рейтинга, набравшая не менее "
        "21 балла."),
    (3, "Лауреатами признаются следующие за победителями 3 заявки рейтинга, набравшие не менее "
        "21 балла."),
    (5, "Лауреатами признаются следующие за победителями 5 заявок рейтинга, набравшие не менее "
        "21 балла."),
    (None, "Лауреатами признаются следующие за победителями заявки рейтинга, набравшие "
           "не менее 21 балла."),
])
def test_laureates_sentence_agrees_with_the_number(spec, top, expected):
    changed = spec.model_copy(update={"laureates": AwardRule(top=top, min_total=21)})
    assert expected in winners_text(changed)


@pytest.mark.parametrize("minimum, words", [
    (40, "не менее 40 баллов"), (41, "не менее 41 балла"), (Decimal("42.5"),
                                                           "не менее 42,5 балла"),
])
def test_winners_minimum_agrees_with_the_number(spec, minimum, words):
    changed = spec.model_copy(update={"winners": AwardRule(top=3, min_total=minimum)})
    assert winners_text(changed).startswith(
        f"Победителями Конкурса признаются заявки, занявшие 1–3 места рейтинга и набравшие {words}."
    )


def test_spread_text_agrees_with_the_maximum(spec):
    assert spread_text(spec) == (
        "Если итоговые баллы экспертов по одной заявке расходятся более чем на 30 % "
        "максимально возможной суммы (60 баллов), заявка отмечается для рассмотрения жюри."
    )
    half = spec.criteria[-1].model_copy(update={"weight": Decimal("0.15")})
    changed = spec.model_copy(update={"criteria": (*spec.criteria[:-1], half)})
    assert "(51,5 балла)" in spread_text(changed)
