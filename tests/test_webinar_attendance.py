"""Attendance of a webinar session: the platform's export (CSV in three encodings, XLSX) with
the minimum-minutes rule, unknown people listed, whole file or nothing; marking by hand."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time

import pytest
from openpyxl import Workbook
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from models import AttendanceImport, Outcome, Person, Registration, WebinarSession
from services.audit import trail
from services.errors import DomainError, IllegalTransition, ImportRefused
from services.webinar_attendance import attendees, import_attendance, mark
from services.webinar_attendance_file import parse_duration
from services.webinar_invitations import announce
from services.webinar_registration import cancel
from tests.factories import make_school, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import (
    announced_cycle,
    invitation_token,
    make_cycle,
    make_deputy,
    register_by_email,
    registration_of,
)

AFTER = datetime(2024, 10, 15, 14, 0, tzinfo=UTC)  # the first session began at 12:00 UTC
HEAD = "director@sosh{}.example.org"
NAMES = {2: ("Семёнова", "Алёна", "Викторовна"), 3: ("Орлов", "Пётр", "Ильич")}


@pytest.fixture
def held(rt):
    """Three heads (Кузнецова, Семёнова, Орлов) registered for the first session, now over."""
    _cycle_id, sessions = announced_cycle(rt, schools=3)
    with rt.transaction() as tx:
        for n, (last, first, middle) in NAMES.items():
            p = tx.session.exec(select(Person).where(Person.email == HEAD.format(n))).one()
            p.last_name, p.first_name, p.middle_name = last, first, middle
            tx.session.add(p)
    for n in (1, 2, 3):
        register_by_email(rt, sessions[0], HEAD.format(n))
    rt.clock.set(AFTER)
    return sessions[0]


def _import(rt, session_id, text: str, encoding: str = "utf-8", name: str = "export.csv",
            **kwargs):
    data = text.replace("\n", "\r\n").encode(encoding)
    return import_attendance(rt, session_id, data, name, actor=staff_actor(rt), **kwargs)


def _states(rt, session_id) -> dict[str, tuple[str, int | None]]:
    with rt.session() as s:
        rows = s.exec(select(Registration, Person).join(Person)
                      .where(Registration.session_id == session_id)).all()
        return {p.email: (str(r.state), r.minutes_attended) for r, p in rows}


def _imports(rt) -> list[AttendanceImport]:
    with rt.session() as s:
        return list(s.exec(select(AttendanceImport).order_by(AttendanceImport.id)))


def _session_state(rt, session_id) -> str:
    with rt.session() as s:
        return str(s.get(WebinarSession, session_id).state)


CSV = """ФИО;E-mail;Продолжительность
Кузнецова Мария Ивановна;director@sosh1.example.org;45
Семёнова Алёна Викторовна;;12
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_the_export_in_each_encoding_marks_attendance_and_no_shows(rt, held, encoding):
    result = _import(rt, held, CSV, encoding)
    assert (result.rows, result.attended, result.no_show, result.unknown) == (2, 1, 2, [])
    assert _states(rt, held) == {HEAD.format(1): ("attended", 45),
                                 HEAD.format(2): ("no_show", 12),  # below the cycle's 30
                                 HEAD.format(3): ("no_show", 0)}  # not in the file
    assert _session_state(rt, held) == "held"
    [record] = _imports(rt)
    assert (record.filename, record.min_minutes, record.attended, record.no_show) == \
        ("export.csv", 30, 1, 2)
    assert len(record.sha256) == 64 and record.imported_by is not None
    actions = [e.action for e in trail(rt, "webinar_registration",
                                       registration_of(rt, held, HEAD.format(1)).id)]
    assert actions[-1] == "mark_attended"


def test_xlsx_with_odd_headers_order_and_time_cells(rt, held):
    book = Workbook()
    sheet = book.active
    sheet.append(["Город", "Длительность, мин", "Электронная почта", "Участник"])
    sheet.append(["Выселки", 61.5, "DIRECTOR@SOSH1.example.org", "Кузнецова М. И."])
    sheet.append(["Выселки", time(0, 40, 30), "", "Орлов Пётр Ильич"])
    sheet.append(["Кореновск", "1 ч 5 мин", "guest@example.org", "Гость"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_attendance(rt, held, buffer.getvalue(), "Отчёт.xlsx", actor=staff_actor(rt))
    assert _states(rt, held) == {HEAD.format(1): ("attended", 61),
                                 HEAD.format(2): ("no_show", 0),
                                 HEAD.format(3): ("attended", 40)}
    assert result.unknown == [{"line": 4, "name": "Гость", "email": "guest@example.org",
                               "minutes": 65}]
    assert result.ignored_headers == ["Город"]


def test_csv_with_commas_english_headers_and_clock_durations(rt, held):
    text = ("Join time,Duration,Full name,Email\n"
            "15:01,0:45,  КУЗНЕЦОВА   мария ивановна ,\n"
            "15:02,00:31:10,Алена Семенова,\n"
            '15:03,"29,5",,director@sosh3.example.org\n')
    result = _import(rt, held, text)
    assert _states(rt, held) == {HEAD.format(1): ("attended", 45),  # name: case and spaces
                                 HEAD.format(2): ("attended", 31),  # ё/е, first name first
                                 HEAD.format(3): ("no_show", 29)}  # 29,5 < 30
    assert (result.attended, result.no_show) == (2, 1)


def test_a_missing_column_refuses_the_file_and_is_audited(rt, held):
    with pytest.raises(ImportRefused) as err:
        _import(rt, held, "ФИО;Email;Город\nКузнецова Мария Ивановна;;Выселки\n")
    assert "Нет обязательного столбца «Минуты»" in err.value.message
    assert "ничего не изменено" in err.value.message
    with pytest.raises(ImportRefused) as err:
        _import(rt, held, "Город;Минуты\nВыселки;45\n")
    assert "нужен «ФИО» или «E-mail»" in err.value.message
    assert _imports(rt) == []
    assert _session_state(rt, held) == "registration_open"
    assert {state for state, _ in _states(rt, held).values()} == {"registered"}
    refused = [e for e in trail(rt, "webinar_session", held) if e.outcome == Outcome.REFUSED]
    assert [e.action for e in refused] == ["attendance", "attendance"]
    assert "Минуты" in refused[0].details["error"]


def test_unparsable_rows_are_refused_with_their_lines_and_nothing_changes(rt, held):
    text = ("ФИО;Email;Минуты\n"
            "Кузнецова Мария Ивановна;director@sosh1.example.org;45\n"
            "Семёнова Алёна Викторовна;;сорок\n"
            ";;30\n"
            "Орлов Пётр Ильич;orlov-at-example.org;40\n"
            "Гость;;\n"
            "Гость два;;45:30\n")
    with pytest.raises(ImportRefused) as err:
        _import(rt, held, text)
    problems = [str(p) for p in err.value.problems]
    assert problems[0].startswith("строка 3: время присутствия «сорок» не распознано")
    assert problems[1] == "строка 4: нет ни ФИО, ни адреса электронной почты участника"
    assert problems[2] == "строка 5: «orlov-at-example.org» не похож на адрес электронной почты"
    assert problems[3] == "строка 6: не указано время присутствия (минуты)"
    assert problems[4].startswith("строка 7: время присутствия «45:30» больше суток")
    assert len(problems) == 5
    assert _imports(rt) == []
    assert _states(rt, held)[HEAD.format(1)] == ("registered", None)
    assert _session_state(rt, held) == "registration_open"


def test_unknown_people_are_listed_and_stored_not_dropped(rt, held):
    text = ("ФИО;E-mail;Минуты\n"
            "Кузнецова Мария Ивановна;director@sosh1.example.org;50\n"
            "Неизвестный Иван;ivan@example.org;40\n"
            "Без Почты Гость;;35\n"
            "Неизвестный Иван;IVAN@example.org;10\n")
    result = _import(rt, held, text)
    expected = [{"line": 3, "name": "Неизвестный Иван", "email": "ivan@example.org",
                 "minutes": 50},
                {"line": 4, "name": "Без Почты Гость", "email": "", "minutes": 35}]
    assert result.unknown == expected
    assert _imports(rt)[0].unknown == expected
    assert set(_states(rt, held)) == {HEAD.format(n) for n in (1, 2, 3)}


@pytest.mark.parametrize(("minutes", "state"), [
    ("29", "no_show"), ("29,9", "no_show"), ("0:29:59", "no_show"),
    ("30", "attended"), ("0:30", "attended"), ("30.0", "attended"),
])
def test_the_minimum_minutes_rule_at_the_boundary(rt, held, minutes, state):
    _import(rt, held, f"Email;Минуты\ndirector@sosh1.example.org;{minutes}\n")
    assert _states(rt, held)[HEAD.format(1)][0] == state


def test_a_threshold_given_for_the_import_overrides_the_cycle(rt, held):
    result = _import(rt, held, "Email;Минуты\ndirector@sosh1.example.org;45\n", min_minutes=60)
    assert (result.min_minutes, result.attended) == (60, 0)
    assert _states(rt, held)[HEAD.format(1)] == ("no_show", 45)
    assert _imports(rt)[0].min_minutes == 60


def test_a_person_who_rejoined_has_the_minutes_summed(rt, held):
    text = ("Участник;Почта;Время присутствия\n"
            "Семёнова Алёна Викторовна;director@sosh2.example.org;20\n"
            "Кузнецова Мария Ивановна;director@sosh1.example.org;25\n"
            "Семёнова Алёна Викторовна;;0:15\n")
    result = _import(rt, held, text)
    states = _states(rt, held)
    assert states[HEAD.format(2)] == ("attended", 35)
    assert states[HEAD.format(1)] == ("no_show", 25)
    assert (result.rows, result.attended, result.no_show) == (3, 1, 2)


def test_a_known_person_who_came_without_registering_is_registered_and_attended(rt, held):
    with rt.session() as s:
        school = s.exec(select(Person).where(Person.email == HEAD.format(1))).one()
    make_deputy(rt, school.organisation_id, 1)
    text = ("ФИО;Email;Минуты\n"
            "Заместитель Ольга Петровна;Deputy1@example.org;40\n"
            "Иванова;ivanova@imc-vyselki.example.org;5\n")
    result = _import(rt, held, text)
    assert result.registered == ["deputy1@example.org"]
    assert result.unknown == []
    assert any("регистрация не создана" in note for note in result.left_alone)
    reg = registration_of(rt, held, "deputy1@example.org")
    assert (str(reg.state), reg.source, reg.minutes_attended) == ("attended", "attendance", 40)
    assert [e.action for e in trail(rt, "webinar_registration", reg.id)] == \
        ["register", "mark_attended"]
    assert "ivanova@imc-vyselki.example.org" not in _states(rt, held)


def test_a_row_with_an_email_is_matched_by_that_email_only(rt, held):
    make_school(rt, 4)  # its head is another «Кузнецова Мария Ивановна», not registered
    text = ("ФИО;E-mail;Минуты\n"
            "Кузнецова Мария Ивановна;director@sosh1.example.org;10\n"  # left after 10 min
            "Кузнецова Мария Ивановна;director@sosh4.example.org;60\n"  # the namesake
            "Семёнова Алёна Викторовна;alena@home.example.org;50\n"  # an unknown address
            "Орлов Пётр Ильич;;40\n")  # no e-mail: by the name, one registration fits
    result = _import(rt, held, text)
    assert _states(rt, held) == {HEAD.format(1): ("no_show", 10),
                                 HEAD.format(2): ("no_show", 0),
                                 HEAD.format(3): ("attended", 40),
                                 HEAD.format(4): ("attended", 60)}
    assert result.registered == [HEAD.format(4)]
    assert result.unknown == [{"line": 4, "name": "Семёнова Алёна Викторовна",
                               "email": "alena@home.example.org", "minutes": 50}]
    # the registered namesake who is not in the file is pointed out, not credited
    [hint] = result.notes
    assert hint.startswith("строка 4: «Семёнова Алёна Викторовна» <alena@home.example.org>")
    assert f"<{HEAD.format(2)}>" in hint and "imc webinar mark" in hint


def test_a_name_without_email_fitting_two_registrations_is_unknown(rt):
    _cycle_id, sessions = announced_cycle(rt, schools=2)  # both heads: Кузнецова Мария Ивановна
    for n in (1, 2):
        register_by_email(rt, sessions[0], HEAD.format(n))
    rt.clock.set(AFTER)
    result = _import(rt, sessions[0], "ФИО;E-mail;Минуты\nМария Кузнецова;;45\n")
    assert result.unknown == [{"line": 2, "name": "Мария Кузнецова", "email": "",
                               "minutes": 45}]
    assert {state for state, _ in _states(rt, sessions[0]).values()} == {"no_show"}


def test_the_file_resets_earlier_marks_of_people_not_in_it_and_says_so(rt, held):
    mark(rt, held, attended=[HEAD.format(1), HEAD.format(3)], absent=[], actor=staff_actor(rt))
    result = _import(rt, held, "Email;Минуты\ndirector@sosh1.example.org;45\n")
    assert _states(rt, held)[HEAD.format(3)] == ("no_show", 0)
    [note] = result.notes
    assert note.startswith(f"Орлов Пётр Ильич <{HEAD.format(3)}>: был(а) отмечен(а) «участвовал»")
    assert "теперь «не участвовал»" in note
    [entry] = [e for e in trail(rt, "webinar_session", held) if e.action == "attendance"
               and e.details.get("import_id") == result.import_id]
    assert entry.details["notes"] == [note]
    assert _import(rt, held, "Email;Минуты\ndirector@sosh1.example.org;45\n").notes == []


def test_a_waiting_attendee_is_credited_a_cancelled_one_only_listed(rt):
    for n in (1, 2, 3):
        make_school(rt, n)
    cycle_id, (first, _second) = make_cycle(
        rt, session("Первый", "2024-10-15 15:00", segment="heads", capacity=1),
        session("Второй", "2024-10-29 15:00", segment="heads"))
    announce(rt, cycle_id, actor=staff_actor(rt))
    assert [register_by_email(rt, first, HEAD.format(n)) for n in (1, 2, 3)] == \
        ["registered", "waiting", "waiting"]
    cancel(rt, invitation_token(rt, first, HEAD.format(3)))
    rt.clock.set(AFTER)
    result = _import(rt, first, "Email;Минуты\ndirector@sosh2.example.org;45\n"
                                "director@sosh3.example.org;50\n")
    assert _states(rt, first) == {HEAD.format(1): ("no_show", 0),
                                  HEAD.format(2): ("attended", 45),
                                  HEAD.format(3): ("cancelled", None)}
    [note] = result.left_alone
    assert note == (f"Кузнецова Мария Ивановна <{HEAD.format(3)}>: регистрация отменена, но по "
                    "файлу присутствовал(а) 50 мин. — участие не засчитано (отменённую "
                    "регистрацию отметить нельзя)")


def test_reimport_is_idempotent_and_a_corrected_file_corrects(rt, held):
    first = _import(rt, held, CSV)
    reg = registration_of(rt, held, HEAD.format(1))
    transitions = len(trail(rt, "webinar_registration", reg.id))
    again = _import(rt, held, CSV)
    assert (again.attended, again.no_show, again.changed) == (1, 2, 0)
    assert first.changed == 3
    assert len(trail(rt, "webinar_registration", reg.id)) == transitions
    assert len(_imports(rt)) == 2
    assert _imports(rt)[0].sha256 == _imports(rt)[1].sha256
    corrected = _import(rt, held, "Email;Минуты\ndirector@sosh1.example.org;10\n"
                                  "director@sosh2.example.org;50\n")
    assert corrected.changed == 2
    assert _states(rt, held) == {HEAD.format(1): ("no_show", 10),
                                 HEAD.format(2): ("attended", 50),
                                 HEAD.format(3): ("no_show", 0)}


def test_import_before_the_start_or_for_a_cancelled_session_is_refused(rt, held):
    rt.clock.set(datetime(2024, 10, 15, 11, 59, tzinfo=UTC))
    with pytest.raises(IllegalTransition, match="ещё не начался"):
        _import(rt, held, CSV)
    assert _imports(rt) == []
    assert _session_state(rt, held) == "registration_open"
    from models.webinar_machine import session_machine
    from services.transitions import transition
    staff = staff_actor(rt)
    with rt.transaction() as tx:
        row = tx.session.get(WebinarSession, held)
        with transition(tx, session_machine, row, "cancel", actor=staff,
                        reason="болезнь ведущего"):
            pass
    rt.clock.set(AFTER)
    with pytest.raises(IllegalTransition, match="отменён"):
        _import(rt, held, CSV)
    refused = [e for e in trail(rt, "webinar_session", held) if e.outcome == Outcome.REFUSED]
    assert [e.action for e in refused] == ["attendance", "attendance"]


def test_staff_mark_attendance_by_hand(rt, held):
    with pytest.raises(DomainError) as err:
        mark(rt, held, attended=[HEAD.format(1), "nobody@example.org"],
             absent=["somebody@example.org"], actor=staff_actor(rt))
    assert "nobody@example.org, somebody@example.org" in err.value.message
    assert _states(rt, held)[HEAD.format(1)] == ("registered", None)
    assert _imports(rt) == []

    reg3 = registration_of(rt, held, HEAD.format(3))
    result = mark(rt, held, attended=[HEAD.format(1).upper(), str(reg3.id)],
                  absent=[HEAD.format(2)], actor=staff_actor(rt))
    assert (result.attended, result.no_show, result.changed) == (2, 1, 3)
    assert {e: s for e, (s, _) in _states(rt, held).items()} == {
        HEAD.format(1): "attended", HEAD.format(2): "no_show", HEAD.format(3): "attended"}
    assert _session_state(rt, held) == "held"
    [record] = _imports(rt)
    assert (record.filename, record.rows, record.attended, record.no_show) == ("", 3, 2, 1)
    # a correction: no-show → attended, attended → no-show
    mark(rt, held, attended=[HEAD.format(2)], absent=[HEAD.format(1)], actor=staff_actor(rt))
    assert _states(rt, held)[HEAD.format(1)][0] == "no_show"
    assert _states(rt, held)[HEAD.format(2)][0] == "attended"
    view = attendees(rt, held)
    assert {row["email"]: row["state"] for row in view["rows"]}[HEAD.format(3)] == "attended"


@pytest.mark.parametrize(("text", "seconds"), [
    ("45", 2700), ("45,5", 2730), ("45.5", 2730), ("0:45", 2700), ("00:45:30", 2730),
    ("1 ч 5 мин", 3900), ("1ч5м", 3900), ("90 мин.", 5400), ("1,5 ч", 5400),
    ("\xa045 ", 2700),
])
def test_minutes_formats(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["сорок", "-5", "0:75", "1 ч 5 лет", "45 минут примерно"])
def test_bad_minutes(text):
    with pytest.raises(ValueError, match="не распознано"):
        parse_duration(text)


def test_the_command_line_imports_prints_unknown_people_and_refusals(rt, held, tmp_path,
                                                                     monkeypatch):
    import cli.common
    import cli.webinar_attendance
    from cli.main import app

    monkeypatch.setattr(cli.webinar_attendance, "rt", lambda: rt)
    monkeypatch.setattr(cli.webinar_attendance, "console", Console(width=300))
    monkeypatch.setattr(cli.common, "err_console", Console(stderr=True, width=300))
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}
    good = tmp_path / "явка.csv"
    good.write_bytes((CSV + "Гость Петров;guest@example.org;44\n").encode("cp1251"))
    out = runner.invoke(app, ["webinar", "attendance", str(held), str(good)], env=env)
    assert out.exit_code == 0, out.output
    assert "строк в файле 3" in out.output
    assert "Участвовали: 1; не участвовали: 2" in out.output
    assert "Гость Петров" in out.output and "guest@example.org" in out.output
    assert "│ 4 " in out.output  # the unknown person's line

    bad = tmp_path / "bad.csv"
    bad.write_text("ФИО;Минуты\nКузнецова Мария Ивановна;много\n;30\n", encoding="utf-8")
    out = runner.invoke(app, ["webinar", "attendance", str(held), str(bad),
                              "--min-minutes", "20"], env=env)
    assert out.exit_code == 1
    assert "Файл явки не загружен, ничего не изменено" in out.stderr
    assert "строка 2: время присутствия «много»" in out.stderr
    assert "строка 3: нет ни ФИО" in out.stderr

    out = runner.invoke(app, ["webinar", "mark", str(held), "--attended",
                              f"{HEAD.format(2)},{HEAD.format(3)}", "--absent", HEAD.format(1)],
                        env=env)
    assert out.exit_code == 0, out.output
    assert "Участвовали: 2; не участвовали: 1" in out.output
    out = runner.invoke(app, ["webinar", "mark", str(held), "--attended", "x@example.org"],
                        env=env)
    assert out.exit_code == 1 and "x@example.org" in out.stderr

    out = runner.invoke(app, ["webinar", "attendees", str(held)], env=env)
    assert out.exit_code == 0, out.output
    for text in ("Семёнова Алёна Викторовна", "участвовал", "не участвовал", "45"):
        assert text in out.output
