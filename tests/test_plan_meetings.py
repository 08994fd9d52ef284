"""Creative-group meetings (plan item theor-2): scheduled into their plan month with the agenda
mailed to every member; refusals audited and changing nothing; moved and cancelled with the
members told; the minutes recorded from a YAML file whole or not at all."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest
from sqlmodel import select

from adapters.clock import MOSCOW
from config.settings import PROJECT_ROOT
from models import MailStatus, Organisation, Outcome, Person, PersonRole
from models.labels import action_label, state_label
from models.plan import PlanItem, PlanOccurrence
from models.plan_meeting import MeetingAttendee, MeetingState, PlanMeeting
from services import mail_delivery, plan_meetings
from services.audit import inconsistencies, trail
from services.errors import DomainError, GuardRefused, ImportRefused
from services.org import fill_cases
from services.plan import load_plan_file
from services.plan_closing import close_with_result
from services.plan_meeting_minutes import record_minutes
from tests.factories import emails, make_school, staff_actor

SHIPPED = PROJECT_ROOT / "data" / "plan" / "plan-2024.yaml"
SAMPLE = PROJECT_ROOT / "data" / "samples" / "meeting-minutes.yaml"
AGENDA = ["О ходе реализации инновационного проекта в I полугодии 2024/2025 учебного года",
          "О подготовке сетевого методического вебинара для заместителей руководителей"]
NOVEMBER = datetime(2024, 11, 15, 14, 0, tzinfo=MOSCOW)
PLACE = "МКУ ИМЦ, кабинет 5"
STAFF = {"director@imc-vyselki.example.org", "ivanova@imc-vyselki.example.org",
         "remel@imc-vyselki.example.org"}
GUEST = "osipova@sosh1.vyselki-edu.example.org"


# -- helpers shared with tests/test_plan_meeting_protocol.py ------------------------------


def load_plan(rt) -> int:
    return load_plan_file(rt, SHIPPED, year=2024, actor=staff_actor(rt))


def schedule(rt, starts_at=NOVEMBER, **kwargs) -> dict:
    kwargs.setdefault("agenda", AGENDA)
    return plan_meetings.schedule(rt, plan=2024, starts_at=starts_at, place=PLACE,
                                  actor=staff_actor(rt), **kwargs)


def add_guest(rt) -> int:
    """Осипова Н.Г., a deputy head of school № 1: the sample minutes' guest."""
    org_id = make_school(rt, 1)
    with rt.transaction() as tx:
        person = fill_cases(Person(
            organisation_id=org_id, role=PersonRole.DEPUTY, last_name="Осипова",
            first_name="Наталья", middle_name="Геннадьевна", email=GUEST,
            position="Заместитель директора по УВР",
            position_genitive="заместителя директора по УВР", created_at=tx.now))
        tx.session.add(person)
        tx.session.flush()
        return person.id


def rows(rt, model, *where):
    with rt.session() as s:
        return list(s.exec(select(model).where(*where).order_by(model.id)))


def occurrence(rt, month: int) -> PlanOccurrence:
    with rt.session() as s:
        return s.exec(select(PlanOccurrence).join(PlanItem).where(
            PlanItem.code == "theor-2", PlanOccurrence.due >= date(2024, month, 1))
            .order_by(PlanOccurrence.due)).first()


def people_by_login(rt) -> dict[str, int]:
    with rt.session() as s:
        return {p.login: p.id for p in s.exec(select(Person).where(Person.login.is_not(None)))}


def drain(rt):
    return asyncio.run(mail_delivery.drain(rt))


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


# -- scheduling ---------------------------------------------------------------------------


def test_a_meeting_lands_in_the_november_window_and_every_member_gets_the_agenda(rt, smtp):
    load_plan(rt)
    result = schedule(rt)
    assert (result["start"], result["period"], result["members"], result["invited"]) == (
        "15.11.2024 14:00", "ноябрь 2024", 3, 3)
    (meeting,) = rows(rt, PlanMeeting)
    november = occurrence(rt, 11)
    assert (november.start, november.due) == (date(2024, 11, 1), date(2024, 11, 30))
    logins = people_by_login(rt)
    assert (meeting.occurrence_id, meeting.state, meeting.agenda, meeting.place) == (
        november.id, MeetingState.SCHEDULED, AGENDA, PLACE)
    # Chair: the director; secretary: the staff member who scheduled it.
    assert (meeting.chair_id, meeting.secretary_id) == (logins["verzunova"], logins["ivanova"])
    members = rows(rt, MeetingAttendee, MeetingAttendee.meeting_id == meeting.id)
    assert {m.person_id for m in members} == set(logins.values())
    assert not any(m.present or m.guest for m in members)  # «не отмечено» until the minutes
    (entry,) = trail(rt, "plan_meeting", meeting.id)
    assert (entry.action, entry.to_state, len(entry.email_ids)) == ("schedule", "scheduled", 3)
    assert entry.details["occurrence_id"] == november.id
    assert state_label("plan_meeting", "held") == "проведено"
    assert action_label("plan_meeting", "hold") == "проведение заседания и протокол"

    report = drain(rt)
    assert len(report.sent) == 3
    got = smtp.messages
    assert {m.envelope_rcpt[0] for m in got} == STAFF
    for message in got:
        assert "повестка дня" in str(message["Subject"])
        body = text_of(message)
        assert f"1. {AGENDA[0]}" in body and f"2. {AGENDA[1]}" in body
        assert "15 ноября 2024 г., 14:00" in body and PLACE in body
        assert "Председатель: О.А. Верзунова" in body and "Секретарь: Н.А. Иванова" in body
    assert {m.envelope_rcpt[0]: "Уважаемая Наталья Анатольевна!" in text_of(m)
            for m in got}["ivanova@imc-vyselki.example.org"]


def test_members_chair_and_secretary_can_be_named(rt):
    load_plan(rt)
    guest_id = add_guest(rt)
    result = schedule(rt, members=["remel", GUEST], chair="ivanova@imc-vyselki.example.org",
                      secretary="remel")
    (meeting,) = rows(rt, PlanMeeting)
    logins = people_by_login(rt)
    assert (meeting.chair_id, meeting.secretary_id) == (logins["ivanova"], logins["remel"])
    assert {m.person_id for m in rows(rt, MeetingAttendee)} == {
        logins["ivanova"], logins["remel"], guest_id}
    assert result["invited"] == 3


def test_refusals_are_audited_and_store_nothing(rt):
    plan_id = load_plan(rt)
    april, ivanova = occurrence(rt, 4).id, staff_actor(rt)
    with rt.transaction() as tx:  # April's meeting item closed by hand
        close_with_result(tx, tx.session.get(PlanOccurrence, april), actor=ivanova,
                          text="заседание проведено", day=date(2024, 4, 1))
    schedule(rt)  # November's
    attempts = [
        (dict(starts_at=datetime(2024, 5, 15, 14, 0, tzinfo=MOSCOW)),
         "15.05.2024 не попадает ни в один срок пункта плана theor-2"),
        (dict(starts_at=datetime(2024, 3, 20, 14, 0, tzinfo=MOSCOW)), "это время уже прошло"),
        (dict(starts_at=datetime(2024, 9, 20, 14, 0, tzinfo=MOSCOW), agenda=["", "  "]),
         "Повестка дня пуста"),
        (dict(starts_at=datetime(2024, 4, 20, 14, 0, tzinfo=MOSCOW)),
         "за апрель 2024 уже «выполнено»"),
        (dict(starts_at=datetime(2024, 11, 25, 10, 0, tzinfo=MOSCOW)),
         "За ноябрь 2024 уже есть заседание №1 (15.11.2024 14:00, назначено)"),
        (dict(starts_at=datetime(2024, 8, 20, 14, 0, tzinfo=MOSCOW), occurrence=4),
         "Заседание за сентябрь 2024 не может пройти раньше 01.09.2024"),
        (dict(starts_at=datetime(2024, 9, 20, 14, 0, tzinfo=MOSCOW), members=["petrov"]),
         "«petrov» не найден среди людей реестра"),
    ]
    for kwargs, message in attempts:
        with pytest.raises(DomainError) as err:
            schedule(rt, **kwargs)
        assert message in err.value.message
    assert len(rows(rt, PlanMeeting)) == 1 and len(rows(rt, MeetingAttendee)) == 3
    assert len(emails(rt, template="plan_meeting_invitation")) == 3
    with rt.session() as s:
        item = s.exec(select(PlanItem).where(PlanItem.plan_id == plan_id,
                                             PlanItem.code == "theor-2")).one()
    refused = [e for e in trail(rt, "plan_item", item.id) if e.outcome == Outcome.REFUSED]
    assert [e.action for e in refused] == ["schedule_meeting"] * len(attempts)
    assert refused[0].details["error"].startswith("15.05.2024 не попадает")
    assert action_label("plan_item", "schedule_meeting") == "назначение заседания творческой группы"


def test_a_move_tells_the_members_once_and_a_cancellation_frees_the_month(rt, smtp):
    load_plan(rt)
    meeting_id = schedule(rt)["id"]
    later = datetime(2024, 11, 20, 15, 0, tzinfo=MOSCOW)
    moved = plan_meetings.reschedule(rt, meeting_id, starts_at=later, place="Актовый зал",
                                     reason="совпадает с семинаром", actor=staff_actor(rt))
    assert (moved["changed"], moved["invited"], moved["start"]) == (True, 3, "20.11.2024 15:00")
    again = plan_meetings.reschedule(rt, meeting_id, starts_at=later, place="Актовый зал",
                                     actor=staff_actor(rt))
    assert (again["changed"], again["invited"]) == (False, 0)
    drain(rt)  # the first invitations were withdrawn by the move: only the move goes out
    subjects = [str(m["Subject"]) for m in smtp.messages]
    assert len(subjects) == 3
    assert all("перенесено на 20.11.2024 15:00" in s for s in subjects)
    moved_text = text_of(smtp.messages[0])
    assert "Было: 15.11.2024 14:00" in moved_text and "совпадает с семинаром" in moved_text
    smtp.clear()
    for when, message in ((datetime(2024, 3, 1, 10, 0, tzinfo=MOSCOW), "уже прошло"),
                          (datetime(2024, 10, 20, 10, 0, tzinfo=MOSCOW),
                           "не может пройти раньше 01.11.2024")):
        with pytest.raises(GuardRefused) as err:
            plan_meetings.reschedule(rt, meeting_id, starts_at=when, actor=staff_actor(rt))
        assert message in err.value.message
    with pytest.raises(GuardRefused, match="укажите причину"):
        plan_meetings.cancel(rt, meeting_id, reason=" ", actor=staff_actor(rt))
    assert plan_meetings.cancel(rt, meeting_id, reason="карантин",
                                actor=staff_actor(rt))["notified"] == 3
    assert plan_meetings.cancel(rt, meeting_id, reason="карантин",
                                actor=staff_actor(rt))["changed"] is False
    (meeting,) = rows(rt, PlanMeeting)
    assert (meeting.state, meeting.starts_at, meeting.place, meeting.cancel_reason) == (
        MeetingState.CANCELLED, later, "Актовый зал", "карантин")
    actions = [(e.action, e.outcome) for e in trail(rt, "plan_meeting", meeting_id)]
    assert actions == [("schedule", Outcome.DONE), ("reschedule", Outcome.DONE),
                       ("reschedule", Outcome.REFUSED), ("reschedule", Outcome.REFUSED),
                       ("cancel", Outcome.REFUSED), ("cancel", Outcome.DONE)]
    keys = [m.key for m in emails(rt, template="plan_meeting_invitation")]
    assert len(keys) == 9 and len(set(keys)) == 9
    assert sum(":invitation:v2:" in k for k in keys) == 3

    drain(rt)
    subjects = [str(m["Subject"]) for m in smtp.messages]
    assert len(subjects) == 3 and all("отменено" in s for s in subjects)
    # The month is free again: a new meeting for November is accepted.
    assert schedule(rt, starts_at=datetime(2024, 11, 27, 14, 0, tzinfo=MOSCOW))["id"] == 2
    assert inconsistencies(rt, "plan_meeting", PlanMeeting) == []


def test_invitations_not_yet_sent_are_withdrawn_by_a_move_or_a_cancellation(rt, smtp):
    load_plan(rt)
    meeting_id = schedule(rt)["id"]
    later = datetime(2024, 11, 20, 10, 0, tzinfo=MOSCOW)
    plan_meetings.reschedule(rt, meeting_id, starts_at=later, actor=staff_actor(rt))
    letters = emails(rt, template="plan_meeting_invitation")
    status = {m.key.split(":")[3]: set() for m in letters}
    for m in letters:
        status[m.key.split(":")[3]].add(m.status)
        assert m.expires_at == (NOVEMBER if ":v1:" in m.key else later)
    assert status == {"v1": {MailStatus.WITHDRAWN}, "v2": {MailStatus.QUEUED}}
    (moved,) = [e for e in trail(rt, "plan_meeting", meeting_id) if e.action == "reschedule"]
    assert moved.details["withdrawn"] == 3
    plan_meetings.cancel(rt, meeting_id, reason="карантин", actor=staff_actor(rt))
    drain(rt)
    to_director = [str(m["Subject"]) for m in smtp.messages
                   if m.envelope_rcpt == ("director@imc-vyselki.example.org",)]
    assert to_director == ["Заседание творческой группы 20.11.2024 10:00 отменено"]
    cancelled = [m for m in emails(rt, template="plan_meeting_invitation")
                 if ":cancelled:" in m.key]
    assert {(m.status, m.expires_at) for m in cancelled} == {(MailStatus.SENT, None)}


def test_an_invitation_never_leaves_after_the_meeting_began(rt, smtp):
    load_plan(rt)
    schedule(rt)
    rt.clock.set(NOVEMBER)  # the drain did not run before the start (e.g. the SMTP was down)
    report = drain(rt)
    assert report.sent == [] and smtp.messages == []
    assert {m.status for m in emails(rt, template="plan_meeting_invitation")} == {
        MailStatus.WITHDRAWN}


# -- the minutes --------------------------------------------------------------------------


def test_the_sample_minutes_are_recorded_and_replaced_before_the_meeting(rt):
    load_plan(rt)
    guest_id = add_guest(rt)
    meeting_id = schedule(rt)["id"]
    result = record_minutes(rt, meeting_id, SAMPLE, actor=staff_actor(rt))
    assert result == {"id": meeting_id, "replaced": False, "present": 2, "absent": 1,
                      "guests": 1, "questions": 2}
    logins = people_by_login(rt)
    attendance = {a.person_id: (a.present, a.absence_reason, a.guest)
                  for a in rows(rt, MeetingAttendee)}
    assert attendance == {logins["verzunova"]: (True, "", False),
                          logins["ivanova"]: (True, "", False),
                          logins["remel"]: (False, "отпуск", False),
                          guest_id: (True, "", True)}
    (meeting,) = rows(rt, PlanMeeting)
    assert [(d["question"], d["speaker_id"], d["responsible"], d["due"])
            for d in meeting.decisions] == [(1, logins["ivanova"], "Н.А. Иванова", "постоянно"),
                                            (2, guest_id, "Н.А. Иванова", "20.12.2024")]
    assert meeting.decisions[0]["decision"] == ("Информацию принять к сведению. Продолжить "
                                                "работу по плану реализации проекта.")

    everyone = """\
present: [verzunova, ivanova, Ремель О. Л.]
decisions:
  - {question: 1, speaker: ivanova, heard: о ходе проекта, decided: Принять к сведению}
  - {question: 2, speaker: remel, heard: о вебинаре, decided: Провести вебинар}
"""
    replaced = record_minutes(rt, meeting_id, everyone, actor=staff_actor(rt))
    assert (replaced["replaced"], replaced["present"], replaced["guests"]) == (True, 3, 0)
    assert {a.person_id: a.present for a in rows(rt, MeetingAttendee)} == {
        p: True for p in logins.values()}
    actions = [e.action for e in trail(rt, "plan_meeting", meeting_id)]
    assert actions == ["schedule", "record_minutes", "replace_minutes"]
    assert action_label("plan_meeting", "replace_minutes").startswith("замена протокола")
    assert inconsistencies(rt, "plan_meeting", PlanMeeting) == []


BAD = """\
present:
  - verzunova
  - petrov
absent:
  - who: ivanova
    reason: ""
guests:
  - nobody@example.org
decisions:
  - question: 1
    speaker: remel
    heard: о плане
    decided: Принять к сведению
  - question: 5
    speaker: Верзунова О.А.
    heard: о разном
    decided: Принять
    colour: red
"""


def test_a_bad_minutes_file_is_refused_whole_with_each_problem_on_its_line(rt):
    load_plan(rt)
    meeting_id = schedule(rt)["id"]
    with pytest.raises(ImportRefused) as err:
        record_minutes(rt, meeting_id, BAD, actor=staff_actor(rt))
    found = [(p.line, p.message) for p in err.value.problems]
    expected = [
        (1, "не отмечены члены группы: Ремель Ольга Леонидовна"),
        (3, "«petrov» — не член творческой группы этого заседания"),
        (5, "секретарь Иванова Наталья Анатольевна отмечен(а) отсутствующим"),
        (6, "причина (reason): укажите причину отсутствия"),
        (8, "«nobody@example.org» нет среди людей реестра"),
        (9, "нет решения по вопросу 2 «О подготовке сетевого методического вебинара"),
        (11, "«remel» — не среди присутствующих и приглашённых"),
        (14, "в повестке дня 2 вопрос(а), вопроса 5 нет"),
        (18, "неизвестное поле"),
    ]
    assert [line for line, _ in found] == [line for line, _ in expected]
    for (line, message), (_, part) in zip(found, expected, strict=True):
        assert part in message, (line, message)
    assert "Протокол заседания не загружен, ничего не изменено" in err.value.message
    (meeting,) = rows(rt, PlanMeeting)
    assert meeting.decisions == []
    assert not any(a.present for a in rows(rt, MeetingAttendee))
    (refused,) = [e for e in trail(rt, "plan_meeting", meeting_id)
                  if e.outcome == Outcome.REFUSED]
    assert refused.action == "record_minutes" and "строка 3" in refused.details["error"]

    with pytest.raises(ImportRefused) as err:
        record_minutes(rt, meeting_id, "present:\n  - verzunova\n decisions: []\n",
                       actor=staff_actor(rt))
    (problem,) = err.value.problems
    assert problem.line == 3 and "ошибка синтаксиса YAML" in problem.message


def test_minutes_name_members_by_login_email_or_name_and_refuse_an_ambiguous_one(rt):
    load_plan(rt)
    with rt.transaction() as tx:  # a second «Иванова Н.А.» in the group
        tx.session.add(fill_cases(Person(
            organisation_id=tx.session.exec(select(Organisation.id)).first(),
            role=PersonRole.STAFF, last_name="Иванова", first_name="Нина",
            middle_name="Алексеевна", position="Методист", email="nina@imc-vyselki.example.org",
            login="ivanova2", created_at=tx.now)))
    meeting_id = schedule(rt)["id"]
    text = """\
present: [О.А. Верзунова, Иванова Н.А., ivanova2, REMEL@imc-vyselki.example.org]
decisions:
  - {question: 1, speaker: verzunova, heard: о ходе проекта, decided: Принять}
  - {question: 2, speaker: remel, heard: о вебинаре, decided: Провести}
"""
    with pytest.raises(ImportRefused) as err:
        record_minutes(rt, meeting_id, text, actor=staff_actor(rt))
    messages = [str(p) for p in err.value.problems]
    assert any("«Иванова Н.А.» — подходит нескольким" in m for m in messages)
    fixed = text.replace("Иванова Н.А.", "Иванова Наталья Анатольевна")
    assert record_minutes(rt, meeting_id, fixed, actor=staff_actor(rt))["present"] == 4
