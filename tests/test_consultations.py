"""Consultations on request (plan item pract-2): submitted → assigned → held with letters over a
real SMTP server, reassigning, declining, cancelling, refusals audited and changing nothing,
the monitoring's `held_between`, the command line."""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from models import Consultation, Document, OutboxEmail, Outcome, Person
from services.audit import inconsistencies, trail
from services.consultation_decisions import assign, cancel, decline, hold, parse_moment
from services.consultation_queries import held_between
from services.consultations import DUPLICATE_TEXT, DuplicateConsultation, submit_consultation
from services.documents import read_bytes
from services.errors import DomainError, GuardRefused, IllegalTransition, NotFound
from services.mail_delivery import drain
from tests.factories import emails, make_school, staff_actor

REQUEST = {
    "organisation": "МБОУ СОШ №1 ст. Выселки",
    "requester_name": "Смирнова Елена Викторовна",
    "email": "Smirnova@Sosh1.example.org",
    "phone": "8 (86157) 7-11-11",
    "topic": "Оформление инновационного проекта",
    "question": "Как описать ожидаемые результаты?",
    "form": "онлайн",
    "preferred_dates": "среда после 14:00",
    "consent": True,
}
REQUESTER = "smirnova@sosh1.example.org"
STAFF = ["ivanova@imc-vyselki.example.org", "remel@imc-vyselki.example.org"]
PDF = b"%PDF-1.4\n% consultation notes\n"
AT = datetime(2024, 4, 5, 14, 0)  # Moscow


@pytest.fixture
def school(rt) -> int:
    return make_school(rt, 1)


def submit(rt, **changes) -> int:
    return submit_consultation(rt, **{**REQUEST, **changes}, source="api")


def load(rt, consultation_id: int) -> Consultation:
    with rt.session() as s:
        return s.get(Consultation, consultation_id)


def count(rt, model) -> int:
    with rt.session() as s:
        return len(s.exec(select(model)).all())


def delivered(rt, smtp) -> dict[str, list]:
    """Push the outbox to the SMTP server; {recipient: [message, ...]} (any order)."""
    asyncio.run(drain(rt))
    got: dict[str, list] = {}
    for m in smtp.messages:
        for rcpt in m.envelope_rcpt:
            got.setdefault(rcpt, []).append(m)
    return got


def actions(rt, consultation_id: int) -> list[tuple[str, Outcome]]:
    return [(e.action, e.outcome) for e in trail(rt, "consultation", consultation_id)]


# ---- the whole path ---------------------------------------------------------------------------


def test_a_consultation_is_asked_for_assigned_held_and_logged(rt, school, smtp):
    consultation_id = submit(rt)
    c = load(rt, consultation_id)
    assert (str(c.state), c.organisation_id, c.organisation_name, c.email, str(c.form)) == (
        "submitted", school, REQUEST["organisation"], REQUESTER, "online")
    assert c.consent_at == rt.clock.now() == c.submitted_at
    [entry] = trail(rt, "consultation", consultation_id)
    consent = entry.details["consent_text"]
    for text in ("152-ФЗ", "оператору — Муниципальное казенное учреждение информационно-"
                 "методический центр Выселковский район (МКУ ИМЦ Выселковский район), адрес: "
                 "353100, Краснодарский край, ст. Выселки, ул. Ленина, 37",
                 "сбор, запись, хранение, использование и удаление",
                 "действует три года", "отозвано в любой момент письменным заявлением"):
        assert text in consent
    got = delivered(rt, smtp)
    assert sorted(got) == sorted([REQUESTER, *STAFF])
    assert [m["Subject"] for m in got[REQUESTER]] == [
        "Запрос на консультацию №1 получен: «Оформление инновационного проекта»"]
    [notice, _] = emails(rt, template="consultation_staff_notice")
    for text in ("в реестре: МБОУ СОШ № 1 ст. Выселки", "Как описать ожидаемые результаты?",
                 "онлайн", "imc consult assign 1 ЛОГИН"):
        assert text in notice.text_body
    smtp.clear()

    ivanova = staff_actor(rt, "ivanova")
    assert assign(rt, consultation_id, "ivanova", scheduled_at=AT,
                  actor=staff_actor(rt, "verzunova")) == ivanova.person_id
    c = load(rt, consultation_id)
    assert (str(c.state), c.methodologist_id) == ("assigned", ivanova.person_id)
    assert c.scheduled_at == datetime(2024, 4, 5, 11, 0, tzinfo=UTC)
    got = delivered(rt, smtp)
    [to_methodologist] = got["ivanova@imc-vyselki.example.org"]
    assert to_methodologist["Subject"] == ("Вам назначена консультация №1 на 05.04.2024 14:00: "
                                           "«Оформление инновационного проекта»")
    [to_requester] = got[REQUESTER]
    assert to_requester["Subject"] == ("Консультация по вашему запросу №1 назначена на "
                                       "05.04.2024 14:00")
    [letter] = emails(rt, template="consultation_scheduled")
    for text in ("Уважаемая Елена Викторовна", "Консультирует: Иванова Наталья Анатольевна, "
                 "методист МКУ ИМЦ Выселковский район", "Форма: онлайн", "05.04.2024 14:00"):
        assert text in letter.text_body
    smtp.clear()

    rt.clock.set(datetime(2024, 4, 5, 12, 0, tzinfo=UTC))
    hold(rt, consultation_id, result="Разобрали структуру проекта.\nРекомендовано: описать "
         "результаты в измеримых показателях.", duration_minutes=45,
         file=("итоги.pdf", PDF), actor=ivanova)
    c = load(rt, consultation_id)
    assert (str(c.state), c.held_at, c.duration_minutes) == (
        "held", rt.clock.now(), 45)
    assert c.result.startswith("Разобрали структуру проекта.")
    with rt.session() as s:
        doc = s.get(Document, c.result_document_id)
    assert (doc.filename, doc.object_kind, doc.object_id) == ("итоги.pdf", "consultation", 1)
    assert read_bytes(rt, doc) == PDF
    got = delivered(rt, smtp)
    assert list(got) == [REQUESTER]
    [summary] = got[REQUESTER]
    assert summary["Subject"] == "Консультация по вашему запросу №1 проведена: итоги"
    body = summary.get_body(("plain",)).get_content()
    for text in ("проведена 5 апреля 2024 г. (45 мин.)", "Рекомендовано: описать результаты",
                 "Консультировала: Иванова Наталья Анатольевна", "итоги.pdf"):
        assert text in body
    assert "Консультировал(а)" not in body
    [attachment] = list(summary.iter_attachments())
    assert attachment.get_content() == PDF

    assert actions(rt, consultation_id) == [("submit", Outcome.DONE), ("assign", Outcome.DONE),
                                            ("hold", Outcome.DONE)]
    hold_entry = trail(rt, "consultation", consultation_id)[-1]
    assert hold_entry.document_ids == [doc.id] and len(hold_entry.email_ids) == 1
    assert inconsistencies(rt, "consultation", Consultation) == []
    with rt.transaction() as tx:
        assert [x.id for x in held_between(tx, date(2024, 4, 5), date(2024, 4, 5))] == [1]
        assert held_between(tx, date(2024, 4, 6), date(2024, 12, 31)) == []


def test_an_unknown_requester_is_a_new_contact_and_the_typed_organisation_is_kept(rt, school):
    people = count(rt, Person)
    consultation_id = submit(rt, organisation="ООО «Новая школа»", email="new@example.org")
    c = load(rt, consultation_id)
    assert (c.organisation_id, c.organisation_name) == (None, "ООО «Новая школа»")
    assert count(rt, Person) == people + 1
    assert "в реестре не найдена" in emails(rt, template="consultation_staff_notice")[0].text_body
    # a known person's organisation wins over what was typed
    known = submit(rt, organisation="Первая школа", email="DIRECTOR@sosh1.example.org")
    c = load(rt, known)
    assert (c.organisation_id, c.organisation_name) == (school, "Первая школа")
    assert count(rt, Person) == people + 1


def test_the_same_open_request_is_refused_without_telling_whose_it_is(rt, school):
    first = submit(rt)
    assign(rt, first, "ivanova", scheduled_at=AT, actor=staff_actor(rt))
    with pytest.raises(DuplicateConsultation) as refused:
        submit(rt, topic="  оформление   ИННОВАЦИОННОГО проекта ", form="phone",
               requester_name="Посторонний Пётр Петрович")
    # whoever typed the address learns nothing of the request it repeats
    message = refused.value.message
    assert message == f"Запрос уже получен: {DUPLICATE_TEXT}"
    for secret in ("№1", "1", "Оформление", "назначен", "Иванова", "05.04"):
        assert secret not in message
    assert refused.value.fields == ["topic"]
    assert count(rt, Consultation) == 1
    assert actions(rt, first)[-1] == ("submit", Outcome.REFUSED)
    # the address's owner is told which request it is and where it stands
    [letter] = emails(rt, template="consultation_duplicate")
    assert (letter.to_addr, letter.key, letter.subject) == (
        REQUESTER, "consultation:1:duplicate:2024-04-01",
        "Ваш запрос на консультацию №1 уже получен")
    for text in ("Уважаемая Елена Викторовна!", "по той же теме, что и ваш запрос №1 "
                 "(«Оформление инновационного проекта»)", "его состояние — «назначен методист»",
                 "Консультирует: Иванова Наталья Анатольевна, 05.04.2024 14:00",
                 "Если запрос отправляли не вы, ничего делать не нужно"):
        assert text in letter.text_body
    assert trail(rt, "consultation", first)[-1].details["email_id"] == letter.id
    # at most one such letter a day, however often the form is sent
    with pytest.raises(DuplicateConsultation):
        submit(rt)
    assert len(emails(rt, template="consultation_duplicate")) == 1
    rt.clock.advance(timedelta(days=1))
    with pytest.raises(DuplicateConsultation):
        submit(rt)
    assert [m.key for m in emails(rt, template="consultation_duplicate")] == [
        "consultation:1:duplicate:2024-04-01", "consultation:1:duplicate:2024-04-02"]
    # another topic, or the same one once the first is closed, is a new request
    assert submit(rt, topic="Наставничество") == 2
    cancel(rt, first, reason="Заявитель отозвал запрос", actor=staff_actor(rt))
    assert submit(rt) == 3


def test_subjects_keep_the_whole_topic_and_shorten_a_long_one(rt, school):
    quoted = "Оформление заявки на конкурс «Инновационный поиск 2024»"
    first = submit(rt, topic=quoted)
    long = ("Как описать ожидаемые результаты инновационного проекта и выбрать показатели "
            "для мониторинга его реализации в течение трёх лет")
    second = submit(rt, topic=long)
    [one, two] = emails(rt, template="consultation_received")
    assert one.subject == f"Запрос на консультацию №{first} получен: «{quoted}»"
    assert two.subject == (f"Запрос на консультацию №{second} получен: «Как описать ожидаемые "
                           "результаты инновационного проекта и выбрать показатели…»")
    who = staff_actor(rt)
    assign(rt, first, "ivanova", actor=who)
    assign(rt, first, "remel", actor=who)
    assert emails(rt, template="consultation_assigned")[0].subject.endswith(f": «{quoted}»")
    assert emails(rt, template="consultation_unassigned")[0].subject.endswith(f": «{quoted}»")


@pytest.mark.parametrize("name, greeting", [
    ("Смирнова Анна", "Уважаемая Анна!"), ("Петров Никита", "Уважаемый Никита!"),
    ("Черных Саша", "Здравствуйте, Саша!")])
def test_a_requester_without_a_patronymic_is_greeted_by_the_name(rt, school, name, greeting):
    submit(rt, requester_name=name, email="new@example.org")
    [receipt] = emails(rt, template="consultation_received")
    assert receipt.text_body.splitlines()[1] == greeting
    assert f"<p>{greeting}</p>" in receipt.html_body


def test_a_double_click_stores_one_request(rt, school, monkeypatch):
    """The same request sent twice at once. The first to get past the duplicate check waits
    (up to half a second) in `requester` for the second to get past it as well: without the
    per-e-mail serialisation both do, and two requests are stored."""
    import services.consultations as module

    real, arrived, second = module.requester, [], threading.Event()

    def requester(*args, **kwargs):
        arrived.append(threading.get_ident())
        if len(arrived) > 1:
            second.set()
        else:
            second.wait(timeout=0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "requester", requester)
    outcomes = []

    def click():
        try:
            outcomes.append(submit(rt))
        except DuplicateConsultation as refused:
            outcomes.append(refused.fields)

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert sorted(outcomes, key=str) == [1, ["topic"]]
    assert count(rt, Consultation) == 1 and not second.is_set()
    assert len(emails(rt, template="consultation_received")) == 1
    assert actions(rt, 1) == [("submit", Outcome.DONE), ("submit", Outcome.REFUSED)]


# ---- refusals ---------------------------------------------------------------------------------


def test_refusals_are_audited_and_change_nothing(rt, school):
    consultation_id = submit(rt)
    who = staff_actor(rt)
    with rt.session() as s:
        head = s.exec(select(Person).where(Person.email == "director@sosh1.example.org")).one()
    mail_before = count(rt, OutboxEmail)

    with pytest.raises(GuardRefused, match="Кузнецова Мария Ивановна — не сотрудник МКУ ИМЦ"):
        assign(rt, consultation_id, head.id, actor=who)
    with pytest.raises(NotFound, match="«petrov» не найден"):
        assign(rt, consultation_id, "petrov", actor=who)
    with pytest.raises(GuardRefused, match=re.escape("31.03.2024 15:00 уже прошло")):
        assign(rt, consultation_id, "ivanova", scheduled_at=datetime(2024, 3, 31, 15, 0),
               actor=who)
    with pytest.raises(IllegalTransition, match="в состоянии «получен запрос»"):
        hold(rt, consultation_id, result="итоги", actor=who)
    with pytest.raises(GuardRefused, match="укажите причину"):
        decline(rt, consultation_id, reason="  ", actor=who)
    assert str(load(rt, consultation_id).state) == "submitted"

    assign(rt, consultation_id, "ivanova", actor=who)
    mail_before = count(rt, OutboxEmail)
    with pytest.raises(GuardRefused, match="опишите результат"):
        hold(rt, consultation_id, result=" \n ", actor=who)
    with pytest.raises(GuardRefused, match="ещё не наступило"):
        hold(rt, consultation_id, result="итоги", held_at=datetime(2024, 4, 1, 18, 0), actor=who)
    with pytest.raises(GuardRefused, match="раньше, чем поступил запрос"):
        hold(rt, consultation_id, result="итоги", held_at=date(2024, 3, 29), actor=who)
    with pytest.raises(GuardRefused, match="от 1 до 480 минут"):
        hold(rt, consultation_id, result="итоги", duration_minutes=0, actor=who)
    with pytest.raises(DomainError, match="допустимы только"):
        hold(rt, consultation_id, result="итоги", file=("итоги.exe", b"MZ\x90"), actor=who)
    with pytest.raises(IllegalTransition, match="в состоянии «назначен методист»"):
        decline(rt, consultation_id, reason="нет методиста", actor=who)
    with pytest.raises(GuardRefused, match="уже назначена: методист Иванова"):
        assign(rt, consultation_id, "ivanova", actor=who)
    c = load(rt, consultation_id)
    assert (str(c.state), c.held_at, c.result, c.result_document_id) == (
        "assigned", None, "", None)
    assert count(rt, OutboxEmail) == mail_before and count(rt, Document) == 0

    cancel(rt, consultation_id, reason="Заявитель отозвал запрос", actor=who)
    with pytest.raises(IllegalTransition, match="в состоянии «отменена»"):
        hold(rt, consultation_id, result="итоги", actor=who)
    declined = submit(rt, topic="Другая тема")
    decline(rt, declined, reason="Вопрос не по профилю центра", actor=who)
    with pytest.raises(IllegalTransition, match="в состоянии «отклонён»"):
        hold(rt, declined, result="итоги", actor=who)
    assert str(load(rt, declined).state) == "declined"

    refused = [(a, o) for a, o in actions(rt, consultation_id) if o == Outcome.REFUSED]
    assert refused == [("assign", Outcome.REFUSED)] * 3 + [
        ("hold", Outcome.REFUSED), ("decline", Outcome.REFUSED)] + [
        ("hold", Outcome.REFUSED)] * 5 + [("decline", Outcome.REFUSED),
                                          ("reassign", Outcome.REFUSED),
                                          ("hold", Outcome.REFUSED)]
    assert actions(rt, declined)[-1] == ("hold", Outcome.REFUSED)
    assert inconsistencies(rt, "consultation", Consultation) == []


# ---- reassigning, declining, cancelling -------------------------------------------------------


def test_reassigning_tells_both_methodologists_and_cancelling_tells_both(rt, school, smtp):
    consultation_id = submit(rt)
    who = staff_actor(rt)
    assign(rt, consultation_id, "ivanova", actor=who)
    [first] = emails(rt, template="consultation_scheduled")
    assert "Методист свяжется с вами" in first.text_body
    assign(rt, consultation_id, "remel", scheduled_at=AT, actor=who)
    c = load(rt, consultation_id)
    assert (str(c.state), c.methodologist_id) == ("assigned", staff_actor(rt, "remel").person_id)
    assigned = emails(rt, template="consultation_assigned")
    assert [(m.to_addr, m.key) for m in assigned] == [
        ("ivanova@imc-vyselki.example.org",
         f"consultation:1:assigned:1:to:{who.person_id}"),
        ("remel@imc-vyselki.example.org",
         f"consultation:1:assigned:2:to:{staff_actor(rt, 'remel').person_id}")]
    assert assigned[1].subject.startswith("Вам передана консультация №1 на 05.04.2024 14:00")
    second = emails(rt, template="consultation_scheduled")[1]
    assert second.subject.endswith("(изменение)") and "Ремель Ольга Леонидовна" in second.text_body
    # the previous methodologist learns it went to a colleague
    [unassigned] = emails(rt, template="consultation_unassigned")
    assert (unassigned.to_addr, unassigned.key) == (
        "ivanova@imc-vyselki.example.org", f"consultation:1:unassigned:2:to:{who.person_id}")
    assert unassigned.subject == ("Консультация №1 передана другому методисту: "
                                  "«Оформление инновационного проекта»")
    assert ("назначенная вам, передана коллеге: Ремель Ольга Леонидовна"
            in unassigned.text_body)
    # the same methodologist, another time: the letters say it moved, nobody is unassigned
    assign(rt, consultation_id, "remel", scheduled_at=AT + timedelta(days=1), actor=who)
    moved = emails(rt, template="consultation_assigned")[2]
    assert moved.subject == ("Консультация №1 перенесена на 06.04.2024 14:00: "
                             "«Оформление инновационного проекта»")
    assert "перенесена: было 05.04.2024 14:00, теперь 06.04.2024 14:00" in moved.text_body
    assert "передана" not in moved.text_body + moved.html_body
    to_requester = emails(rt, template="consultation_scheduled")[2]
    assert to_requester.subject == ("Консультация по вашему запросу №1 перенесена на "
                                    "06.04.2024 14:00")
    assert "перенесена: было 05.04.2024 14:00, теперь 06.04.2024 14:00" in to_requester.text_body
    assert len(emails(rt, template="consultation_unassigned")) == 1
    assert [a for a, _ in actions(rt, consultation_id)] == [
        "submit", "assign", "reassign", "reassign"]

    cancel(rt, consultation_id, reason="Заявитель отозвал запрос", actor=who)
    c = load(rt, consultation_id)
    assert (str(c.state), c.decline_reason) == ("cancelled", "Заявитель отозвал запрос")
    letters = {m.to_addr: m for m in emails(rt, template="consultation_cancelled")}
    assert sorted(letters) == ["remel@imc-vyselki.example.org", REQUESTER]
    assert "назначенная вам, отменена" in letters["remel@imc-vyselki.example.org"].text_body
    assert "Причина: Заявитель отозвал запрос" in letters[REQUESTER].text_body
    with pytest.raises(IllegalTransition):
        cancel(rt, consultation_id, reason="ещё раз", actor=who)
    assert len(emails(rt, template="consultation_cancelled")) == 2
    got = delivered(rt, smtp)
    assert "Консультация №1 отменена" in [m["Subject"] for m in got[REQUESTER]]
    assert len(got[REQUESTER]) == 5  # receipt, three changes, the cancellation
    assert sorted(m["Subject"] for m in got["ivanova@imc-vyselki.example.org"]) == [
        "Вам назначена консультация №1: «Оформление инновационного проекта»",
        "Консультация №1 передана другому методисту: «Оформление инновационного проекта»",
        "Новый запрос на консультацию №1: МБОУ СОШ №1 ст. Выселки"]
    with rt.transaction() as tx:
        assert held_between(tx, date(2024, 1, 1), date(2024, 12, 31)) == []


def test_a_time_set_later_for_the_same_methodologist_is_not_a_handover(rt, school):
    consultation_id = submit(rt)
    who = staff_actor(rt)
    assign(rt, consultation_id, "ivanova", actor=who)
    assign(rt, consultation_id, "ivanova", scheduled_at=AT, actor=who)
    letter = emails(rt, template="consultation_assigned")[1]
    assert (letter.key, letter.subject) == (
        f"consultation:1:assigned:2:to:{who.person_id}",
        "Консультация №1 назначена на 05.04.2024 14:00: «Оформление инновационного проекта»")
    assert "назначенная вам, назначена на 05.04.2024 14:00" in letter.text_body
    to_requester = emails(rt, template="consultation_scheduled")[1]
    assert to_requester.subject == "Консультация по вашему запросу №1 назначена на 05.04.2024 14:00"
    assert "изменения" not in to_requester.text_body
    assert emails(rt, template="consultation_unassigned") == []


def test_declining_tells_the_requester_why(rt, school):
    consultation_id = submit(rt)
    decline(rt, consultation_id, reason="Тема войдёт в осенний вебинар", actor=staff_actor(rt))
    c = load(rt, consultation_id)
    assert (str(c.state), c.decline_reason, c.decided_by) == (
        "declined", "Тема войдёт в осенний вебинар", staff_actor(rt).person_id)
    [letter] = emails(rt, template="consultation_declined")
    assert letter.to_addr == REQUESTER and letter.key == "consultation:1:declined"
    assert "Причина: Тема войдёт в осенний вебинар" in letter.text_body


# ---- what the monitoring counts ---------------------------------------------------------------


def test_held_between_counts_moscow_days_inclusive(rt, school):
    rt.clock.set(datetime(2024, 3, 30, 9, 0, tzinfo=UTC))
    late, early, other = submit(rt), submit(rt, topic="Вторая"), submit(rt, topic="Третья")
    for n in (late, early, other):
        assign(rt, n, "ivanova", actor=staff_actor(rt))
    rt.clock.set(datetime(2024, 4, 2, 9, 0, tzinfo=UTC))
    who = staff_actor(rt)
    hold(rt, late, result="итоги", held_at=datetime(2024, 3, 31, 23, 30), actor=who)
    hold(rt, early, result="итоги", held_at=datetime(2024, 4, 1, 0, 10), actor=who)
    cancel(rt, other, reason="отозван", actor=who)
    assert load(rt, late).held_at == datetime(2024, 3, 31, 20, 30, tzinfo=UTC)
    with rt.transaction() as tx:
        def ids(start, end):
            return [c.id for c in held_between(tx, start, end)]

        assert ids(date(2024, 3, 31), date(2024, 3, 31)) == [late]
        assert ids(date(2024, 4, 1), date(2024, 4, 1)) == [early]
        assert ids(date(2024, 3, 1), date(2024, 4, 30)) == [late, early]
        with pytest.raises(DomainError, match="заканчивается раньше"):
            held_between(tx, date(2024, 4, 2), date(2024, 4, 1))


def test_a_day_without_a_time_dates_the_consultation_by_that_day(rt, school):
    consultation_id = submit(rt)
    assign(rt, consultation_id, "ivanova", actor=staff_actor(rt))
    assert parse_moment("01.04.2024", day_allowed=True) == date(2024, 4, 1)
    with pytest.raises(DomainError, match="не распознано"):
        parse_moment("01.04.2024")
    hold(rt, consultation_id, result="итоги", held_at=date(2024, 4, 1), actor=staff_actor(rt))
    assert load(rt, consultation_id).held_at == rt.clock.now()  # today, before noon: now


# ---- the command line -------------------------------------------------------------------------


def test_the_command_line_lists_assigns_holds_declines_and_cancels(rt, school, monkeypatch,
                                                                   tmp_path):
    import cli.consultation
    from cli.main import app

    monkeypatch.setattr(cli.consultation, "rt", lambda: rt)
    monkeypatch.setattr(cli.consultation, "console", Console(width=400))
    runner = CliRunner()

    def imc(*args, ok=True, login="ivanova"):
        out = runner.invoke(app, ["consult", *args], env={"IMC_STAFF_LOGIN": login})
        assert (out.exit_code == 0) == ok, out.output
        return out.output

    assert "Запросов на консультацию нет" in imc("list")
    first = submit(rt)
    second = submit(rt, topic="Наставничество", email="other@example.org",
                    organisation="Неизвестная организация", form="письменно")
    third = submit(rt, topic="Третья тема", email="third@example.org")
    listing = imc("list")
    for text in ("01.04.2024 10:00", "Оформление инновационного проекта", "онлайн",
                 "письменно", "получен запрос", "Неизвестная организация"):
        assert text in listing
    assert "Смирнова Елена Викторовна" in imc("show", str(first))

    assert "не распознано" in imc("assign", str(first), "ivanova", "--at", "5 апреля",
                                  ok=False)
    out = imc("assign", str(first), "remel", "--at", "05.04.2024 14:00", "--as", "verzunova")
    assert "на 05.04.2024 14:00 (МСК): методист — Ремель Ольга Леонидовна" in out
    entry = trail(rt, "consultation", first)[-1]
    assert entry.actor_id == staff_actor(rt, "verzunova").person_id
    assert "не сотрудник" not in imc("show", str(first))

    notes = tmp_path / "итоги.pdf"
    notes.write_bytes(PDF)
    rt.clock.set(datetime(2024, 4, 5, 12, 0, tzinfo=UTC))
    assert "ещё не наступило" in imc("hold", str(first), "--result", "итоги", "--at",
                                     "06.04.2024", ok=False)
    out = imc("hold", str(first), "--result", "Рекомендовано описать результаты",
              "--at", "05.04.2024 14:00", "--minutes", "40", "--file", str(notes))
    assert "проведена 05.04.2024 14:00 (МСК)" in out
    shown = imc("show", str(first))
    assert "Проведена 05.04.2024 14:00 (МСК), 40 мин." in shown and "итоги.pdf" in shown

    assert "укажите причину" in imc("decline", str(second), "--reason", "", ok=False)
    imc("decline", str(second), "--reason", "Вопрос не по профилю центра")
    imc("cancel", str(third), "--reason", "Заявитель отозвал запрос")
    assert "Укажите, кто выполняет действие" in imc("cancel", str(third), "--reason", "x",
                                                    ok=False, login="")
    held = imc("list", "--state", "held", "--year", "2024")
    assert "Оформление инновационного проекта" in held and "Наставничество" not in held
    assert "отклонён" in imc("list", "--state", "отклонён")
    assert "Запросов на консультацию нет" in imc("list", "--year", "2023")
    assert "не распознано" in imc("list", "--state", "готово", ok=False)
    assert "не найден" in imc("show", "9", ok=False)
