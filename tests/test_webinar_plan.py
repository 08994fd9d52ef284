"""A webinar cycle from its YAML plan: the sample, refusals with every problem, the defaults."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from config.settings import PROJECT_ROOT
from models import (
    CertificateRule,
    CycleState,
    Segment,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from models.fsm import DirectStateWriteError
from models.labels import action_label, state_label
from services.audit import trail
from services.errors import ImportRefused
from services.webinar_plan import load_plan, parse_plan
from tests.factories import staff_actor

SAMPLE = PROJECT_ROOT / "data" / "samples" / "webinars-autumn-2024.yaml"


def plan(*sessions: str, head: str = "") -> str:
    """A plan's YAML from session blocks (each the lines after «- »)."""
    text = head or ('title: "Осенний цикл"\ngoal: "Цель"\nyear: 2024\n'
                    "certificate:\n  rule: per_session\n")
    text += "sessions:\n"
    for block in sessions:
        lines = block.strip("\n").splitlines()
        text += "  - " + lines[0].strip() + "\n"
        text += "".join(f"    {line.strip()}\n" for line in lines[1:])
    return text


def session(topic: str = "Тема", start: str = "2024-10-15 15:00", *, segment: str = "",
            duration: int = 90, capacity: int = 100) -> str:
    block = f'topic: "{topic}"\nspeaker: "Иванова Н. А."\n'
    block += f"segment: {segment}\n" if segment else ""
    block += (f'start: "{start}"\nduration: {duration}\n'
              f'link: "https://meet.example.org/{abs(hash(topic)) % 1000}"\n'
              f"capacity: {capacity}\n")
    return block


def stored(rt) -> tuple[list[WebinarCycle], list[WebinarSession]]:
    with rt.session() as s:
        return (list(s.exec(select(WebinarCycle))),
                list(s.exec(select(WebinarSession).order_by(WebinarSession.position))))


def refusal(rt, text: str) -> list[str]:
    with pytest.raises(ImportRefused) as err:
        load_plan(rt, text, actor=staff_actor(rt))
    assert stored(rt) == ([], [])
    assert "ничего не изменено" in err.value.message
    return [str(p) for p in err.value.problems]


def test_the_autumn_sample_loads_with_three_sessions_in_moscow_time(rt):
    cycle_id = load_plan(rt, SAMPLE, actor=staff_actor(rt))
    cycles, sessions = stored(rt)
    assert [c.id for c in cycles] == [cycle_id]
    cycle = cycles[0]
    assert cycle.state == CycleState.DRAFT and cycle.year == 2024
    assert cycle.certificate_rule == CertificateRule.PER_SESSION and cycle.min_sessions is None
    assert "межмуниципального взаимодействия" in cycle.goal
    assert cycle.source_name == "webinars-autumn-2024.yaml"
    assert [s.segment for s in sessions] == [Segment.HEADS, Segment.DEPUTIES, Segment.PARTNERS]
    assert [s.position for s in sessions] == [1, 2, 3]
    # 15:00 in Moscow (UTC+3, no summer time) is 12:00 UTC; read back aware, in UTC.
    assert [s.starts_at for s in sessions] == [
        datetime(2024, 10, 15, 12, 0, tzinfo=UTC), datetime(2024, 10, 29, 12, 0, tzinfo=UTC),
        datetime(2024, 11, 12, 11, 0, tzinfo=UTC)]
    assert all(s.state == SessionState.PLANNED and s.sequence == 0 for s in sessions)
    assert all(s.meeting_url.startswith("https://meet.example.org/") for s in sessions)
    assert [s.capacity for s in sessions] == [100, 150, 200]
    assert sessions[2].duration_minutes == 60
    entries = trail(rt, "webinar_cycle", cycle_id)
    assert [(e.action, e.to_state) for e in entries] == [("create", "draft")]
    assert entries[0].actor_label and entries[0].details["sessions"] == 3
    for s in sessions:
        assert [e.action for e in trail(rt, "webinar_session", s.id)] == ["create"]
    assert action_label("webinar_session", "create") == "создание вебинара"
    assert state_label("webinar_session", "registration_open") == "идёт регистрация"


def test_a_bad_plan_is_refused_with_every_problem_and_nothing_stored(rt):
    text = plan(
        session("Прошедший", "2024-03-01 15:00"),                      # before 1 April 2024
        session("Первый", "2024-10-15 15:00"),
        session("Пересекается", "2024-10-15 16:00"),                   # 15:00–16:30 overlap
        session("Аудитория", "2024-10-22 15:00", segment="teachers"),
        session("Без мест", "2024-10-29 15:00", capacity=0),
        session("Без длительности", "2024-11-05 15:00", duration=-5),
        'speaker: "Иванова Н. А."\nstart: "2024-11-12 15:00"\nduration: 60\n'
        'link: "https://meet.example.org/x"\ncapacity: 10',           # no topic
        session("Время", "15.11.2024 15:00"),
    )
    problems = refusal(rt, text)
    joined = "\n".join(problems)
    assert len(problems) == 7, joined
    assert any(p.startswith("строка 9:") and "01.03.2024 15:00 уже прошло" in p
               for p in problems), joined
    assert any(p.startswith("строка 21:") and "пересекается с вебинаром № 2" in p
               for p in problems), joined
    assert any(p.startswith("строка 27:") and "неизвестная аудитория «teachers»" in p
               for p in problems), joined
    assert any(p.startswith("строка 37:") and "число мест (capacity)" in p
               and "больше нуля" in p for p in problems), joined
    assert any(p.startswith("строка 41:") and "продолжительность, минут (duration)" in p
               for p in problems), joined
    assert any(p.startswith("строка 44:") and "вебинар № 7" in p
               and "«тема» (topic)" in p for p in problems), joined
    assert any(p.startswith("строка 51:") and "ГГГГ-ММ-ДД ЧЧ:ММ" in p
               and "«15.11.2024 15:00»" in p for p in problems), joined


def test_broken_yaml_is_refused_with_its_line(rt):
    text = plan(session("Первый")) + '  - topic: "Второй\n    speaker: x\n'
    problems = refusal(rt, text)
    assert len(problems) == 1 and "ошибка синтаксиса YAML" in problems[0]
    assert problems[0].startswith("строка ")


def test_plan_level_problems_are_listed_too(rt):
    head = ("goal: 1\nyear: 1999\ncertificate:\n  rule: min_sessions\n  min_sessions: 3\n"
            "extra: да\n")
    problems = refusal(rt, plan(session("Один"), head=head))
    joined = "\n".join(problems)
    assert "не указано обязательное поле «название цикла» (title)" in joined
    assert "год (year): должно быть не меньше 2000" in joined
    assert "требуется посетить 3 вебинаров, а в цикле их 1" in joined
    assert "«extra»: неизвестное поле" in joined
    assert "цель (goal): ожидается текст" in joined


def test_segments_default_to_the_passports_order(rt):
    # Listed out of order: the earliest session is the first, for heads; later ones deputies.
    text = plan(session("Второй", "2024-10-29 15:00"), session("Первый", "2024-10-15 15:00"),
                session("Партнёрам", "2024-11-12 15:00", segment="partners"),
                session("Третий", "2024-11-19 15:00"))
    spec = parse_plan(text, now=datetime(2024, 4, 1, tzinfo=UTC))
    assert {s.topic: s.segment for s in spec.sessions} == {
        "Второй": Segment.DEPUTIES, "Первый": Segment.HEADS, "Партнёрам": Segment.PARTNERS,
        "Третий": Segment.DEPUTIES}
    assert spec.partners_in_parallel is True
    cycle_id = load_plan(rt, text, actor=staff_actor(rt))
    cycles, sessions = stored(rt)
    assert cycles[0].id == cycle_id and cycles[0].partners_in_parallel
    assert [(s.position, s.topic, s.segment) for s in sessions] == [
        (1, "Первый", Segment.HEADS), (2, "Второй", Segment.DEPUTIES),
        (3, "Партнёрам", Segment.PARTNERS), (4, "Третий", Segment.DEPUTIES)]


def test_back_to_back_sessions_do_not_overlap_and_min_sessions_is_kept(rt):
    head = ('title: "Цикл"\nyear: 2024\ncertificate:\n  rule: min_sessions\n'
            "  min_sessions: 2\n")
    text = plan(session("А", "2024-10-15 15:00", duration=60),
                session("Б", "2024-10-15 16:00", duration=60), head=head)
    load_plan(rt, text, actor=staff_actor(rt))
    (cycle,), sessions = stored(rt)
    assert cycle.certificate_rule == CertificateRule.MIN_SESSIONS and cycle.min_sessions == 2
    assert cycle.certificate_label == "за посещение не менее 2 вебинаров цикла"
    assert len(sessions) == 2


def test_state_columns_are_written_only_by_transitions(rt):
    load_plan(rt, SAMPLE, actor=staff_actor(rt))
    with rt.session() as s:
        session_row = s.exec(select(WebinarSession)).first()
        with pytest.raises(DirectStateWriteError):
            session_row.state = SessionState.HELD
        cycle = s.exec(select(WebinarCycle)).first()
        with pytest.raises(DirectStateWriteError):
            cycle.state = CycleState.CLOSED
    from models import Registration, RegistrationState

    reg = Registration(session_id=1, person_id=1, registered_at=datetime(2024, 4, 1, tzinfo=UTC))
    assert reg.state == RegistrationState.REGISTERED
    with pytest.raises(DirectStateWriteError):
        reg.state = RegistrationState.ATTENDED


def test_the_command_line_plans_lists_and_shows_a_cycle(rt, monkeypatch):
    import cli.webinar
    from cli.main import app

    monkeypatch.setattr(cli.webinar, "rt", lambda: rt)
    monkeypatch.setattr(cli.webinar, "console", Console(width=400))  # the shared one may be narrow
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}
    out = runner.invoke(app, ["webinar", "plan", str(SAMPLE)], env=env)
    assert out.exit_code == 0, out.output
    assert "Цикл №1" in out.output and "вебинаров: 3" in out.output
    listing = runner.invoke(app, ["webinar", "list"], env=env)
    assert listing.exit_code == 0 and "15.10.2024 15:00" in listing.output
    shown = runner.invoke(app, ["webinar", "show", "1"], env=env)
    assert shown.exit_code == 0, shown.output
    for text in ("руководители", "заместители", "сетевые партнёры", "29.10.2024 15:00",
                 "12.11.2024 14:00", "запланирован", "за каждый посещённый вебинар"):
        assert text in shown.output
    missing = runner.invoke(app, ["webinar", "show", "9"], env=env)
    assert missing.exit_code == 1


def test_one_bad_session_is_not_reported_as_no_sessions(rt):
    problems = refusal(rt, plan(session("Тема").replace('link: "https://', 'link: "ftp://')))
    assert not any("нет ни одного вебинара" in p for p in problems)
    assert any("ссылка" in p for p in problems)
