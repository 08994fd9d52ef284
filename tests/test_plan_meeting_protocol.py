"""Holding a creative-group meeting: refused before its minutes and its time; then a numbered
protocol (.docx, read back), the meeting held, the protocol mailed once, the plan occurrence
closed on time or late — and holding again changes nothing. The command line does the same."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest
from rich.console import Console
from typer.testing import CliRunner

from adapters.clock import MOSCOW
from adapters.docx_render import DocxRenderer, docx_text
from models import Document, Outcome
from models.plan import OccurrenceState, PlanOccurrence
from models.plan_meeting import MeetingState, PlanMeeting
from scripts.build_plan_templates import EXAMPLE_CONTEXTS, example_context
from services.audit import inconsistencies, trail
from services.documents import read_bytes
from services.errors import DomainError, GuardRefused
from services.numbering import peek
from services.plan_meeting_minutes import record_minutes
from services.plan_meeting_protocol import hold
from tests.factories import emails, staff_actor
from tests.test_plan_meetings import (
    AGENDA,
    NOVEMBER,
    SAMPLE,
    STAFF,
    add_guest,
    drain,
    load_plan,
    occurrence,
    rows,
    schedule,
)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "docx"


def ready_meeting(rt, starts_at=NOVEMBER, **kwargs) -> int:
    """The plan loaded, the guest in the registry, a meeting scheduled with the sample minutes."""
    load_plan(rt)
    add_guest(rt)
    meeting_id = schedule(rt, starts_at=starts_at, **kwargs)["id"]
    record_minutes(rt, meeting_id, SAMPLE, actor=staff_actor(rt))
    return meeting_id


def protocol_text(rt, meeting_id: int) -> tuple[str, docx.Document]:
    with rt.session() as s:
        doc = s.get(Document, s.get(PlanMeeting, meeting_id).protocol_document_id)
    data = read_bytes(rt, doc)
    return docx_text(data), docx.Document(io.BytesIO(data))


def test_hold_is_refused_before_the_minutes_and_before_the_meeting_time(rt):
    load_plan(rt)
    add_guest(rt)
    meeting_id = schedule(rt)["id"]
    rt.clock.set(datetime(2024, 11, 15, 15, 0, tzinfo=MOSCOW))
    with pytest.raises(GuardRefused) as err:
        hold(rt, meeting_id, actor=staff_actor(rt))
    assert "протокол не заполнен" in err.value.message
    assert "ещё не началось" not in err.value.message
    rt.clock.set(datetime(2024, 11, 15, 13, 0, tzinfo=MOSCOW))  # an hour before
    record_minutes(rt, meeting_id, SAMPLE, actor=staff_actor(rt))  # drafted ahead: allowed
    with pytest.raises(GuardRefused) as err:
        hold(rt, meeting_id, actor=staff_actor(rt))
    assert "назначено на 15.11.2024 в 14:00 (МСК) и ещё не началось" in err.value.message
    (meeting,) = rows(rt, PlanMeeting)
    assert (meeting.state, meeting.number, meeting.protocol_document_id) == (
        MeetingState.SCHEDULED, None, None)
    with rt.transaction() as tx:
        assert peek(tx, "plan_meeting", 2024) == 0
    assert rows(rt, Document) == [] and emails(rt, template="plan_meeting_protocol") == []
    assert occurrence(rt, 11).state == OccurrenceState.PLANNED
    refused = [e for e in trail(rt, "plan_meeting", meeting_id) if e.outcome == Outcome.REFUSED]
    assert [e.action for e in refused] == ["hold", "hold"]


def test_hold_numbers_the_protocol_mails_it_once_and_closes_the_month_on_time(rt, smtp):
    meeting_id = ready_meeting(rt)
    rt.clock.set(datetime(2024, 11, 15, 16, 0, tzinfo=MOSCOW))
    result = hold(rt, meeting_id, actor=staff_actor(rt))
    assert (result["number"], result["changed"], result["mailed"], result["date"]) == (
        1, True, 3, "15.11.2024")
    assert result["occurrence"] == "ноябрь 2024: выполнено"

    text, document = protocol_text(rt, meeting_id)
    lines = text.splitlines()
    assert lines[:5] == [
        "Муниципальное казенное учреждение информационно-методический центр Выселковский район",
        "ПРОТОКОЛ", "15.11.2024\t№ 1", "ст. Выселки",
        "заседания творческой группы по вопросам реализации инновационного проекта"]
    for line in ("Место проведения: МКУ ИМЦ, кабинет 5; начало в 14:00.",
                 "Председатель — О.А. Верзунова", "Секретарь — Н.А. Иванова",
                 "Присутствовали: 2 человека",
                 "1. Верзунова Ольга Александровна, директор;",
                 "2. Иванова Наталья Анатольевна, методист.",
                 "Отсутствовали: 1 человек", "1. Ремель Ольга Леонидовна, специалист (отпуск).",
                 "Приглашённые:",
                 "1. Осипова Наталья Геннадьевна, заместитель директора по УВР, МБОУ СОШ № 1 "
                 "ст. Выселки.",
                 "ПОВЕСТКА ДНЯ:", f"1. {AGENDA[0]}.", f"2. {AGENDA[1]}.",
                 "1. СЛУШАЛИ: Н.А. Иванову, методиста, — о ходе реализации инновационного "
                 "проекта в I полугодии 2024/2025 учебного года.",
                 "РЕШИЛИ: Информацию принять к сведению. Продолжить работу по плану реализации "
                 "проекта.",
                 "Ответственный: Н.А. Иванова; срок: постоянно.",
                 "2. СЛУШАЛИ: Н.Г. Осипову, заместителя директора по УВР, — о подготовке "
                 "сетевого методического вебинара для заместителей руководителей.",
                 "РЕШИЛИ: Провести вебинар для заместителей руководителей образовательных "
                 "организаций.",
                 "Ответственный: Н.А. Иванова; срок: 20.12.2024.",
                 "Председатель\t____________ О.А. Верзунова",
                 "Секретарь\t____________ Н.А. Иванова"):
        assert line in lines, line
    assert lines.index("ПОВЕСТКА ДНЯ:") < lines.index("Председатель\t____________ О.А. Верзунова")
    assert document.sections[0].left_margin.cm == pytest.approx(3, abs=0.01)

    (meeting,) = rows(rt, PlanMeeting)
    november = occurrence(rt, 11)
    assert (meeting.state, meeting.number, meeting.held_at) == (
        MeetingState.HELD, 1, datetime(2024, 11, 15, 16, 0, tzinfo=MOSCOW))
    assert (november.state, november.result_document_id, november.result_text) == (
        OccurrenceState.DONE, meeting.protocol_document_id,
        "Протокол №1 заседания творческой группы от 15.11.2024")
    held = [e for e in trail(rt, "plan_meeting", meeting_id) if e.action == "hold"]
    assert len(held) == 1 and held[0].document_ids == [meeting.protocol_document_id]
    assert trail(rt, "plan_occurrence", november.id)[-1].action == "close_on_time"

    drain(rt)
    protocols = [m for m in smtp.messages if "Протокол № 1" in str(m["Subject"])]
    assert {m.envelope_rcpt[0] for m in protocols} == STAFF and len(protocols) == 3
    for message in protocols:
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename().endswith(".docx")
        assert docx_text(attachment.get_content()) == text

    again = hold(rt, meeting_id, actor=staff_actor(rt))
    assert (again["changed"], again["number"], again["mailed"]) == (False, 1, 0)
    with rt.transaction() as tx:
        assert peek(tx, "plan_meeting", 2024) == 1
    assert len(rows(rt, Document)) == 1
    assert len(emails(rt, template="plan_meeting_protocol")) == 3
    smtp.clear()
    drain(rt)
    assert smtp.messages == []
    assert inconsistencies(rt, "plan_meeting", PlanMeeting) == []
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []


def test_a_meeting_after_its_month_closes_it_late_and_numbers_run_on(rt):
    meeting_id = ready_meeting(rt, starts_at=datetime(2024, 12, 5, 11, 0, tzinfo=MOSCOW),
                               occurrence=5)  # November's, held in December
    second = schedule(rt, starts_at=datetime(2024, 12, 6, 11, 0, tzinfo=MOSCOW),
                      occurrence=4)["id"]  # September's
    record_minutes(rt, second, SAMPLE, actor=staff_actor(rt))
    rt.clock.set(datetime(2024, 12, 10, 9, 0, tzinfo=MOSCOW))
    assert hold(rt, second, actor=staff_actor(rt))["number"] == 1
    result = hold(rt, meeting_id, actor=staff_actor(rt))
    assert (result["number"], result["occurrence"]) == (2, "ноябрь 2024: выполнено с опозданием")
    november = occurrence(rt, 11)
    assert november.result_text == "Протокол №2 заседания творческой группы от 05.12.2024"
    assert trail(rt, "plan_occurrence", november.id)[-1].details["day"] == "05.12.2024"
    text, _ = protocol_text(rt, meeting_id)
    assert "05.12.2024\t№ 2" in text.splitlines()


def test_minutes_are_refused_once_the_meeting_is_held(rt):
    meeting_id = ready_meeting(rt)
    rt.clock.set(datetime(2024, 11, 16, 9, 0, tzinfo=MOSCOW))
    hold(rt, meeting_id, actor=staff_actor(rt))
    with pytest.raises(DomainError) as err:
        record_minutes(rt, meeting_id, SAMPLE, actor=staff_actor(rt))
    assert "«проведено»: протокол вносится только в назначенное заседание до его" in (
        err.value.message)
    assert [e.action for e in trail(rt, "plan_meeting", meeting_id)
            if e.outcome == Outcome.REFUSED] == ["record_minutes"]


# -- the Word template ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXAMPLE_CONTEXTS))
def test_the_template_renders_its_example_alike_on_both_paths_with_no_tag_left(name):
    renderer = DocxRenderer(TEMPLATES)
    context = example_context(name)
    context["guests"][0]["position"] = 'директор, ООО «Рога & Копыта» <филиал> "Север"'
    context["absent"], context["questions"][0]["due"] = [], "до 1 марта"
    fast, plain = renderer.render(name, context), renderer.render_plain(name, context)
    assert docx_text(fast) == docx_text(plain)
    text = docx_text(fast)
    assert 'ООО «Рога & Копыта» <филиал> "Север"' in text
    assert "Отсутствовали" not in text and "Срок: до 1 марта." in text
    raw = zipfile.ZipFile(io.BytesIO(fast)).read("word/document.xml").decode()
    for mark in ("{{", "}}", "{%", "%}"):
        assert mark not in raw


# -- the command line -----------------------------------------------------------------------


def test_the_command_line_schedules_records_holds_lists_and_shows(rt, monkeypatch):
    import cli.plan_meeting
    from cli.main import app

    monkeypatch.setattr(cli.plan_meeting, "rt", lambda: rt)
    monkeypatch.setattr(cli.plan_meeting, "console", Console(width=400))
    load_plan(rt)
    add_guest(rt)
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}

    def imc(*args: str, code: int = 0):
        out = runner.invoke(app, ["plan", "meeting", *args], env=env)
        assert out.exit_code == code, out.output
        return out.output

    out = imc("schedule", "--year", "2024", "--start", "15.11.2024 14:00", "--place",
              "МКУ ИМЦ", "--agenda", AGENDA[0], "--agenda", AGENDA[1])
    assert "Заседание №1 назначено на 15.11.2024 14:00 (МСК), срок плана — ноябрь 2024" in out
    assert "не попадает ни в один срок" in imc(
        "schedule", "--year", "2024", "--start", "15.05.2024 14:00", "--place", "МКУ ИМЦ",
        "--agenda", "Вопрос", code=1)
    assert "внесён: присутствовали 2 человека" in imc("minutes", "1", str(SAMPLE))
    assert "ещё не началось" in imc("hold", "1", code=1)
    rt.clock.set(datetime(2024, 11, 15, 16, 0, tzinfo=MOSCOW))
    out = imc("hold", "1")
    assert "Заседание №1 проведено: протокол № 1 от 15.11.2024" in out
    assert "ноябрь 2024: выполнено" in out
    assert "уже проведено" in imc("hold", "1")
    listing = imc("list", "--year", "2024")
    assert "ноябрь 2024" in listing and "проведено" in listing
    show = imc("show", "1")
    for part in (f"1. {AGENDA[0]}", "Ремель Ольга Леонидовна (Специалист) — отсутствовала: "
                 "отпуск", "Иванова Наталья Анатольевна (Методист) — присутствовала",
                 "приглашён(а): Осипова Наталья Геннадьевна", "РЕШИЛИ: Провести вебинар",
                 "Протокол № 1: ", ".docx"):
        assert part in show, part
