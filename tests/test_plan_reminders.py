"""The sweep reminds the responsible person before each due date of the annual plan (7 and 1
days before by default, the nearest wave only, each once), tells the director when nobody is
responsible, and from the day after the due date marks the occurrence overdue and escalates
it once: one digest letter to the director per sweep run and one notice per responsible
person, never lost nor repeated when the sweep fails half-way. Closed and cancelled
occurrences are left alone."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest
from pydantic import ValidationError
from sqlmodel import select

from adapters.clock import MOSCOW
from adapters.russian import date_long
from config.settings import PROJECT_ROOT, Settings
from models import ActorKind, OccurrenceState, OutboxEmail, Person
from models.plan import PlanItem, PlanOccurrence
from services import plan_reminders
from services.audit import inconsistencies, trail
from services.mail_delivery import drain
from services.plan import assign, load_plan_file
from services.plan_reminders import digest_key, wave_due
from services.plan_results import cancel, close
from services.sweep import fire_timers, summary
from tests.factories import emails, staff_actor

SHIPPED = PROJECT_ROOT / "data" / "plan" / "plan-2024.yaml"
DIRECTOR = "director@imc-vyselki.example.org"
REMEL = "remel@imc-vyselki.example.org"


def msk(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=MOSCOW)


def load_2024(rt) -> int:
    return load_plan_file(rt, SHIPPED, year=2024, actor=staff_actor(rt))


def occurrence(rt, code: str, position: int = 1) -> PlanOccurrence:
    with rt.session() as s:
        return s.exec(select(PlanOccurrence).join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                      .where(PlanItem.code == code, PlanOccurrence.position == position)).one()


def mail_of(rt, occ_id: int) -> list:
    return [m for m in emails(rt, object_kind="plan_occurrence") if m.object_id == occ_id]


def sweep_at(rt, moment: datetime) -> dict:
    rt.clock.set(moment)
    return fire_timers(rt)


def escalation_mail(rt, occ_id: int) -> list[OutboxEmail]:
    """The letters the occurrence's `escalate` step queued (a digest may name several)."""
    (entry,) = [e for e in trail(rt, "plan_occurrence", occ_id) if e.action == "escalate"]
    with rt.session() as s:
        return [s.get(OutboxEmail, i) for i in entry.email_ids]


def mail_ids(rt, occ_id: int) -> list[int]:
    return [m.id for m in escalation_mail(rt, occ_id)]


def past_occurrences(rt, day: date) -> list[PlanOccurrence]:
    with rt.session() as s:
        return list(s.exec(select(PlanOccurrence).where(PlanOccurrence.due < day)
                           .order_by(PlanOccurrence.due, PlanOccurrence.id)))


def test_the_waves_come_at_their_day_once_each_then_overdue_escalates_once(rt):
    plan_id = load_2024(rt)
    assign(rt, plan_id, "theor-1", "remel", actor=staff_actor(rt))
    occ = occurrence(rt, "theor-1")  # «Апрель-август 2024»: due 31.08.2024
    assert occ.due == date(2024, 8, 31)

    sweep_at(rt, msk(2024, 8, 23, 23, 59))  # 8 days before: not yet
    assert mail_of(rt, occ.id) == []

    report = sweep_at(rt, msk(2024, 8, 24, 0, 0))  # 7 days before
    (week,) = mail_of(rt, occ.id)
    assert (week.key, week.to_addr, week.template) == (
        f"plan:occ:{occ.id}:remind:7", REMEL, "plan_reminder")
    assert report["plan_reminders"]["reminders"] == [occ.id]
    assert "напоминаний по плану: 1" in summary(report, 0)
    assert week.subject == ("Напоминание: срок пункта плана «Заключение договоров потенциальными "
                            "партнерами проекта» — 31 августа 2024 г.")
    for text in ("Уважаемая Ольга Леонидовна!",
                 "через 7 дней (31 августа 2024 г.) истекает срок",
                 "Раздел: Теоретическая деятельность",
                 "Пункт theor-1: Заключение договоров потенциальными партнерами проекта",
                 "Сроки по плану: Апрель-август 2024",
                 "Ожидаемый результат: Документы, регламентирующие деятельность (договора о "
                 "сетевом взаимодействии)", "imc plan close 2024 theor-1 --text"):
        assert text in week.text_body, text
    assert "--occurrence" not in week.text_body  # the item has one due date only
    assert "imc plan close 2024 theor-1" in week.html_body
    assert occurrence(rt, "theor-1").last_reminded_at is not None

    sweep_at(rt, msk(2024, 8, 24, 18))  # again the same day
    sweep_at(rt, msk(2024, 8, 28))  # between the waves
    assert len(mail_of(rt, occ.id)) == 1

    sweep_at(rt, msk(2024, 8, 30, 9))  # 1 day before
    sweep_at(rt, msk(2024, 8, 30, 15))
    week, day = mail_of(rt, occ.id)
    assert (day.key, day.to_addr) == (f"plan:occ:{occ.id}:remind:1", REMEL)
    assert "завтра (31 августа 2024 г.)" in day.text_body
    sweep_at(rt, msk(2024, 8, 31, 23, 59))  # the due day itself: still not overdue
    assert len(mail_of(rt, occ.id)) == 2
    assert occurrence(rt, "theor-1").state == OccurrenceState.PLANNED

    report = sweep_at(rt, msk(2024, 9, 1, 0, 1))  # the day after
    assert report["plan_reminders"]["overdue"] == [occ.id]
    assert report["plan_reminders"]["escalations"] == [occ.id]
    got = mail_of(rt, occ.id)[2:]
    assert sorted((m.template, m.to_addr) for m in got) == [
        ("plan_escalation", DIRECTOR), ("plan_overdue", REMEL)]
    escalation = next(m for m in got if m.template == "plan_escalation")
    assert escalation.subject == ("Просрочен пункт плана «Заключение договоров потенциальными "
                                  "партнерами проекта»: срок 31 августа 2024 г.")
    for text in ("Уважаемая Ольга Александровна!", "прошёл 1 день назад (31 августа 2024 г.)",
                 "Ответственный: Ремель Ольга Леонидовна, специалист, " + REMEL,
                 "Ей направлено уведомление", "imc plan close 2024 theor-1",
                 "imc plan cancel 2024 theor-1"):
        assert text in escalation.text_body, text
    row = occurrence(rt, "theor-1")
    assert row.state == OccurrenceState.OVERDUE and row.escalated_at is not None

    for moment in (msk(2024, 9, 1, 12), msk(2024, 9, 15), msk(2024, 12, 31)):
        again = sweep_at(rt, moment)
        assert occ.id not in again["plan_reminders"]["escalations"]
    assert len(mail_of(rt, occ.id)) == 4

    entries = trail(rt, "plan_occurrence", occ.id)
    assert [e.action for e in entries] == ["create", "remind", "remind", "mark_overdue",
                                           "escalate"]
    assert all(e.actor_kind == ActorKind.SCHEDULER for e in entries[1:])
    assert [e.details["offset_days"] for e in entries[1:3]] == [7, 1]
    assert entries[3].details["day"] == "01.09.2024"
    assert len(entries[4].email_ids) == 2 and entries[4].details["days_late"] == 1
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []


def test_a_sweep_that_first_runs_on_the_due_day_sends_only_the_nearest_wave(rt):
    plan_id = load_2024(rt)
    assign(rt, plan_id, "theor-1", "remel", actor=staff_actor(rt))
    occ = occurrence(rt, "theor-1")
    sweep_at(rt, msk(2024, 8, 31, 16))
    sweep_at(rt, msk(2024, 8, 31, 17))
    (only,) = mail_of(rt, occ.id)
    assert only.key == f"plan:occ:{occ.id}:remind:1"
    assert "сегодня (31 августа 2024 г.)" in only.text_body
    assert [e.action for e in trail(rt, "plan_occurrence", occ.id)] == ["create", "remind"]


def test_with_nobody_responsible_the_director_is_reminded_and_told_how_to_assign(rt):
    load_2024(rt)
    occ = occurrence(rt, "diag-2", 2)  # «Июнь, декабрь 2024»: 31.12.2024, nobody assigned
    sweep_at(rt, msk(2024, 12, 26))
    (mail,) = mail_of(rt, occ.id)
    assert (mail.to_addr, mail.key) == (DIRECTOR, f"plan:occ:{occ.id}:remind:7")
    assert mail.subject == ("Пункт плана без ответственного: «Участие в мониторинге "
                            "«Эффективность сетевого взаимодействия»», срок 31 декабря 2024 г.")
    for text in ("Через 5 дней (31 декабря 2024 г.) истекает срок",
                 "ответственный за него не назначен",
                 "imc plan assign 2024 diag-2 ЛОГИН", "Сроки по плану: Июнь, декабрь 2024",
                 "(срок 2 из 2)", "imc plan close 2024 diag-2 --occurrence 2 --text",
                 "Ожидаемый результат: Диагностические материалы"):
        assert text in mail.text_body, text
    (entry,) = [e for e in trail(rt, "plan_occurrence", occ.id) if e.action == "remind"]
    assert entry.details["unassigned"] is True
    # Overdue with nobody responsible: the director's digest of 3 January names it, no notice.
    sweep_at(rt, msk(2025, 1, 3))
    (escalation,) = escalation_mail(rt, occ.id)
    assert (escalation.template, escalation.to_addr) == ("plan_escalation", DIRECTOR)
    assert emails(rt, template="plan_overdue") == []
    assert ("пункт diag-2: Участие в мониторинге «Эффективность сетевого взаимодействия»\n"
            "   Сроки по плану: Июнь, декабрь 2024\n"
            "   Срок исполнения: 31 декабря 2024 г. (срок 2 из 2), прошёл 3 дня назад\n"
            "   Ответственный: не назначен\n") in escalation.text_body
    assert "imc plan assign ГОД ПУНКТ ЛОГИН" in escalation.text_body


def test_closed_and_cancelled_occurrences_are_never_reminded_nor_escalated(rt):
    plan_id = load_2024(rt)
    assign(rt, plan_id, "theor-1", "remel", actor=staff_actor(rt))
    rt.clock.set(msk(2024, 8, 20))
    close(rt, 2024, "theor-1", text="Заключено 3 договора", actor=staff_actor(rt, "remel"))
    cancel(rt, 2024, "diag-2", occurrence=1, reason="Мониторинг перенесён краевым центром",
           actor=staff_actor(rt))
    closed, cancelled = occurrence(rt, "theor-1"), occurrence(rt, "diag-2", 1)
    for moment in (msk(2024, 8, 24), msk(2024, 8, 30), msk(2024, 9, 1), msk(2024, 10, 1)):
        report = sweep_at(rt, moment)
        touched = {i for ids in report["plan_reminders"].values() for i in ids}
        assert not touched & {closed.id, cancelled.id}
    assert mail_of(rt, closed.id) == [] and mail_of(rt, cancelled.id) == []
    assert occurrence(rt, "theor-1").state == OccurrenceState.DONE
    assert occurrence(rt, "diag-2", 1).state == OccurrenceState.CANCELLED
    assert [e.action for e in trail(rt, "plan_occurrence", closed.id)] == [
        "create", "close_on_time"]


def test_a_plan_loaded_late_escalates_every_past_due_date_in_one_digest(rt, monkeypatch):
    monkeypatch.setattr(plan_reminders, "BATCH", 2)  # marked in two transactions
    load_2024(rt)  # at 01.04.2024: January and March meetings, the March contest are past
    report = sweep_at(rt, msk(2024, 4, 1, 12))["plan_reminders"]
    past = [occurrence(rt, "theor-2", 1), occurrence(rt, "theor-2", 2),
            occurrence(rt, "pract-3", 1)]
    assert sorted(report["overdue"]) == sorted(report["escalations"]) == sorted(
        o.id for o in past)
    assert report["reminders"] == []
    (digest,) = emails(rt, template="plan_escalation")
    assert digest.key == digest_key("escalation", [o.id for o in past], digest.person_id)
    assert digest.subject == "Просрочены пункты плана: 3"
    assert "По пунктам плана работы на 2024 год просрочены 3 срока" in digest.text_body
    assert all(mail_ids(rt, o.id) == [digest.id] for o in past)
    assert sweep_at(rt, msk(2024, 4, 2))["plan_reminders"] == {
        "reminders": [], "overdue": [], "escalations": []}
    assert len(emails(rt, template="plan_escalation")) == 1


def test_the_plan_loaded_on_1_december_sends_the_director_one_letter_then_nothing(rt):
    rt.clock.set(msk(2024, 12, 1, 8))
    load_2024(rt)  # nobody assigned
    past = past_occurrences(rt, date(2024, 12, 1))
    assert len(past) >= 10
    report = sweep_at(rt, msk(2024, 12, 1, 9))["plan_reminders"]
    assert sorted(report["escalations"]) == sorted(o.id for o in past)
    (letter,) = emails(rt, template="plan_escalation")
    assert emails(rt, template="plan_overdue") == []
    assert letter.to_addr == DIRECTOR
    assert letter.subject == f"Просрочены пункты плана: {len(past)}"
    for occ in past:
        assert f"Срок исполнения: {date_long(occ.due)}" in letter.text_body, occ.due
        assert mail_ids(rt, occ.id) == [letter.id]
    assert all(o.escalated_at is not None for o in past_occurrences(rt, date(2024, 12, 1)))
    assert letter.text_body.count("Ответственный: не назначен") == len(past)
    before = len(emails(rt))
    for moment in (msk(2024, 12, 1, 18), msk(2024, 12, 2)):
        assert sweep_at(rt, moment)["plan_reminders"]["escalations"] == []
    assert len(emails(rt)) == before
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []


def test_each_responsible_person_gets_one_notice_of_their_own_items(rt):
    plan_id = load_2024(rt)
    for code in ("theor-1", "theor-2"):
        assign(rt, plan_id, code, "remel", actor=staff_actor(rt))
    sweep_at(rt, msk(2024, 9, 1))  # Jan, Mar, Apr meetings, March contest, June, 31.08
    mine = [occurrence(rt, "theor-2", 1), occurrence(rt, "theor-2", 2),
            occurrence(rt, "theor-2", 3), occurrence(rt, "theor-1")]
    (digest,) = emails(rt, template="plan_escalation")
    (notice,) = emails(rt, template="plan_overdue")
    assert (digest.subject, notice.subject, notice.to_addr) == (
        "Просрочены пункты плана: 6", "Прошли сроки пунктов плана: 4", REMEL)
    assert "просрочено 6 сроков" in digest.text_body
    assert "за которые вы отвечаете, просрочены 4 срока" in notice.text_body
    assert "pract-3" not in notice.text_body and "diag-2" not in notice.text_body
    assert "Ответственный: Ремель Ольга Леонидовна" in digest.text_body
    assert "Ответственным направлены уведомления" in digest.text_body
    assert all(mail_ids(rt, o.id) == [digest.id, notice.id] for o in mine)
    assert mail_ids(rt, occurrence(rt, "pract-3").id) == [digest.id]


def test_a_sweep_failing_half_way_loses_and_repeats_no_letter(rt, monkeypatch):
    monkeypatch.setattr(plan_reminders, "BATCH", 2)
    load_2024(rt)
    past = [occurrence(rt, "theor-2", 1), occurrence(rt, "theor-2", 2),
            occurrence(rt, "pract-3", 1)]
    real, escalated = plan_reminders.transition, []

    def failing(tx, machine, obj, name, **kwargs):
        if name == "escalate":
            escalated.append(obj.id)
            if len(escalated) == 2:
                raise RuntimeError("сбой посреди эскалации")
        return real(tx, machine, obj, name, **kwargs)

    monkeypatch.setattr(plan_reminders, "transition", failing)
    rt.clock.set(msk(2024, 4, 1, 12))
    with pytest.raises(RuntimeError):
        plan_reminders.sweep(rt)
    # The marks of both batches stay; the escalation and its letter were undone together.
    assert [occurrence(rt, "theor-2", 1).state, occurrence(rt, "pract-3").state] == [
        OccurrenceState.OVERDUE] * 2
    assert all(occurrence(rt, "theor-2", p).escalated_at is None for p in (1, 2))
    assert emails(rt, object_kind="plan_occurrence") == []
    monkeypatch.setattr(plan_reminders, "transition", real)
    report = sweep_at(rt, msk(2024, 4, 1, 13))["plan_reminders"]
    assert report["overdue"] == [] and sorted(report["escalations"]) == sorted(
        o.id for o in past)
    (digest,) = emails(rt, template="plan_escalation")
    assert digest.subject == "Просрочены пункты плана: 3"
    assert sweep_at(rt, msk(2024, 4, 2))["plan_reminders"]["escalations"] == []
    assert len(emails(rt, template="plan_escalation")) == 1
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []


def test_the_offsets_are_settings_and_only_the_nearest_wave_is_due():
    assert Settings(_env_file=None).plan_reminder_offsets_days == [7, 1]
    assert Settings(_env_file=None, plan_reminder_offsets_days=[1, 14, 7, 7]) \
        .plan_reminder_offsets_days == [14, 7, 1]
    with pytest.raises(ValidationError, match="IMC_PLAN_REMINDER_OFFSETS_DAYS"):
        Settings(_env_file=None, plan_reminder_offsets_days=[7, -1])
    due = date(2024, 8, 31)
    cases = {date(2024, 8, 23): None, date(2024, 8, 24): 7, date(2024, 8, 29): 7,
             date(2024, 8, 30): 1, date(2024, 8, 31): 1, date(2024, 9, 1): None}
    assert {day: wave_due(due, day, [7, 1]) for day in cases} == cases
    assert wave_due(due, date(2024, 8, 31), [3, 0]) == 0


def test_custom_offsets_are_honoured_by_the_sweep(rt):
    rt.settings.plan_reminder_offsets_days = [3]
    plan_id = load_2024(rt)
    assign(rt, plan_id, "theor-1", "remel", actor=staff_actor(rt))
    occ = occurrence(rt, "theor-1")
    sweep_at(rt, msk(2024, 8, 27))
    assert mail_of(rt, occ.id) == []
    sweep_at(rt, msk(2024, 8, 28))
    assert [m.key for m in mail_of(rt, occ.id)] == [f"plan:occ:{occ.id}:remind:3"]


def test_the_reminder_and_the_escalation_are_delivered_through_smtp(rt, smtp):
    plan_id = load_2024(rt)
    assign(rt, plan_id, "theor-1", "remel", actor=staff_actor(rt))
    occ = occurrence(rt, "theor-1")
    sweep_at(rt, msk(2024, 8, 30))
    sweep_at(rt, msk(2024, 9, 2))
    delivered = asyncio.run(drain(rt))
    assert len(delivered.sent) >= 3
    with rt.session() as s:
        director = s.exec(select(Person).where(Person.login == "verzunova")).one()
    got = {(m.envelope_rcpt[0], str(m["Subject"])): m for m in smtp.messages
           if "пункт" in str(m["Subject"])}
    reminder = got[(REMEL, "Напоминание: срок пункта плана «Заключение договоров "
                           "потенциальными партнерами проекта» — 31 августа 2024 г.")]
    text = reminder.get_body(preferencelist=("plain",)).get_content()
    assert "завтра (31 августа 2024 г.)" in text and "imc plan close 2024 theor-1" in text
    html = reminder.get_body(preferencelist=("html",)).get_content()
    assert "Апрель-август 2024" in html
    escalation = got[(director.email, "Просрочен пункт плана «Заключение договоров "
                                      "потенциальными партнерами проекта»: срок 31 августа "
                                      "2024 г.")]
    body = escalation.get_body(preferencelist=("plain",)).get_content()
    assert "прошёл 2 дня назад" in body and "Ремель Ольга Леонидовна" in body
    assert len(mail_of(rt, occ.id)) == 3
