"""The cycle report: figures by session, organisation and municipality, the .xlsx, the command.

One cycle, built by hand (the expected figures are counted in the comments of `cycle`):
schools 1 and 2 in Выселковский район, school 3 in Кореновский район, each with its head
(H1–H3) and deputy (D1–D3), and a guest G without an organisation (registered on the open page).

  S1 heads, 15.10 — invited H1 H2 H3; registered H1 H2 G, H3 cancelled; H1 and G attended
     (H1's certificate issued), H2 no-show; held. Certificates H1, G. Feedback H1 5/4
     «Полезно», G 4/—. Attendance files: x@ and y@ unknown, x@ again in a second file.
  S2 deputies, 29.10, 2 places — invited D1 D2 D3; registered D1 D2, D3 on the waiting list;
     D1 attended, D2 not marked; held. Certificate D1. Feedback D1 3/5 «Мало времени».
     One unknown person without an e-mail.
  S3 heads, 12.11 — invited H1 H2 H3; registered H1 H2; not held yet.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from models import (
    AttendanceImport,
    AuditEntry,
    Certificate,
    Feedback,
    Person,
    PersonRole,
    Registration,
    WebinarSession,
)
from models.webinar_machine import registration_machine, session_machine
from services import documents
from services.actors import Actor
from services.audit import trail
from services.errors import NotFound
from services.org import fill_cases
from services.transitions import transition
from services.webinar_invitations import announce
from services.webinar_registration import cancel, enrol
from services.webinar_report import cycle_report
from services.webinar_report_xlsx import export_report, report_xlsx
from tests.factories import make_school, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import (
    invitation_token,
    make_cycle,
    make_deputy,
    register_by_email,
    registration_of,
)

H1, H2, H3 = (f"director@sosh{n}.example.org" for n in (1, 2, 3))
D1, D2, D3 = (f"deputy{n}@example.org" for n in (1, 2, 3))
GUEST = "guest@example.org"
AFTER_S2 = datetime(2024, 10, 29, 14, 0, tzinfo=UTC)  # 17:00 in Moscow: S2 is over, S3 ahead


def _mark(rt, session_id: int, email: str, *actions: str) -> int:
    reg_id, staff = registration_of(rt, session_id, email).id, staff_actor(rt)
    with rt.transaction() as tx:
        reg = tx.session.get(Registration, reg_id)
        for action in actions:
            with transition(tx, registration_machine, reg, action, actor=staff):
                pass
    return reg_id


def _hold(rt, session_id: int) -> None:
    staff = staff_actor(rt)
    with rt.transaction() as tx:
        row = tx.session.get(WebinarSession, session_id)
        with transition(tx, session_machine, row, "hold", actor=staff, now=tx.now):
            pass


def _guest_on_the_open_page(rt, session_id: int) -> None:
    with rt.transaction() as tx:
        guest = fill_cases(Person(role=PersonRole.CONTACT, last_name="Гостева", first_name="Нина",
                                  middle_name="Петровна", email=GUEST, created_at=tx.now))
        tx.session.add(guest)
        tx.session.flush()
        reg = Registration(session_id=session_id, person_id=guest.id, source="page",
                           registered_at=tx.now, created_at=tx.now, updated_at=tx.now)
        enrol(tx, tx.session.get(WebinarSession, session_id), guest, reg,
              actor=Actor.participant(guest), source="page", consent=True)


def _person(rt, email: str) -> int:
    with rt.session() as s:
        return s.exec(select(Person.id).where(Person.email == email)).one()


@pytest.fixture
def cycle(rt):
    s1 = make_school(rt, 1)
    s2 = make_school(rt, 2)
    s3 = make_school(rt, 3, municipality="Кореновский район")
    for n, org in enumerate((s1, s2, s3), start=1):
        make_deputy(rt, org, n)
    cycle_id, (a, b, c) = make_cycle(
        rt, session("Первый", "2024-10-15 15:00", segment="heads"),
        session("Второй", "2024-10-29 15:00", segment="deputies", capacity=2),
        session("Третий", "2024-11-12 15:00", segment="heads"))
    announce(rt, cycle_id, actor=staff_actor(rt))
    for email in (H1, H2, H3):
        assert register_by_email(rt, a, email) == "registered"
    assert cancel(rt, invitation_token(rt, a, H3)) == "cancelled"
    _guest_on_the_open_page(rt, a)
    assert [register_by_email(rt, b, e) for e in (D1, D2, D3)] == [
        "registered", "registered", "waiting"]
    for email in (H1, H2):
        register_by_email(rt, c, email)

    rt.clock.set(AFTER_S2)
    h1 = _mark(rt, a, H1, "mark_attended", "issue_certificate")
    guest = _mark(rt, a, GUEST, "mark_attended")
    _mark(rt, a, H2, "mark_no_show")
    d1 = _mark(rt, b, D1, "mark_attended")
    _hold(rt, a)
    _hold(rt, b)
    people = {email: _person(rt, email) for email in (H1, GUEST, D1)}
    with rt.transaction() as tx:
        for n, (email, sid) in enumerate(((H1, a), (GUEST, a), (D1, b)), start=1):
            tx.session.add(Certificate(cycle_id=cycle_id, person_id=people[email],
                                       session_id=sid, scope=f"session:{sid}",
                                       number=f"С-{n}/2024", sessions_attended=1,
                                       issued_at=tx.now))
        for reg, sid, rating, useful, comment in ((h1, a, 5, 4, "Полезно"), (guest, a, 4, None, ""),
                                                  (d1, b, 3, 5, "Мало времени")):
            tx.session.add(Feedback(registration_id=reg, session_id=sid, rating=rating,
                                    usefulness=useful, comment=comment, submitted_at=tx.now))
        unknown = [{"line": 5, "name": "Сидоров С. С.", "email": "x@example.org", "minutes": 40},
                   {"line": 6, "name": "Петров П. П.", "email": "y@example.org", "minutes": 50}]
        tx.session.add(AttendanceImport(session_id=a, filename="s1.csv", rows=6,
                                        unknown=unknown, imported_at=tx.now))
        tx.session.add(AttendanceImport(session_id=a, filename="s1-again.xlsx", rows=4,
                                        unknown=[{"line": 2, "name": "Сидоров",
                                                  "email": "X@Example.org", "minutes": 45}],
                                        imported_at=tx.now))
        tx.session.add(AttendanceImport(session_id=b, filename="s2.csv", rows=3,
                                        unknown=[{"line": 3, "name": "Без Почты", "email": "",
                                                  "minutes": 60}], imported_at=tx.now))
    return cycle_id, (a, b, c)


def _figures(f) -> tuple:
    return (f.invited, f.registered, f.waiting, f.cancelled, f.attended, f.no_show, f.unmarked,
            f.rate, f.certificates)


def _group(g) -> tuple:
    return (g.name, g.invited_people, *_figures(g.figures), g.participants)


SOSH = "МБОУ СОШ № {} ст. Выселки"


def test_figures_by_session_and_for_the_whole_cycle(rt, cycle):
    cycle_id, (a, b, c) = cycle
    report = cycle_report(rt, cycle_id)
    assert (report.cycle_id, report.title, report.year) == (cycle_id, "Осенний цикл", 2024)
    assert report.as_of == AFTER_S2
    #            invited reg wait canc att no-show unmarked rate certificates
    assert [(s.id, s.position, s.start, s.held, _figures(s.figures)) for s in report.sessions] == [
        (a, 1, "15.10.2024 15:00", True, (3, 3, 0, 1, 2, 1, 0, 66.7, 2)),
        (b, 2, "29.10.2024 15:00", True, (3, 2, 1, 0, 1, 0, 1, 50.0, 1)),
        (c, 3, "12.11.2024 15:00", False, (3, 2, 0, 0, 0, 0, 0, None, 0)),
    ]
    assert [s.state for s in report.sessions] == ["проведён", "проведён", "идёт регистрация"]
    assert [s.segment for s in report.sessions] == [
        "руководители образовательных организаций", "заместители руководителей",
        "руководители образовательных организаций"]
    # rate of the cycle: 3 attendances of the 5 registrations of the two held sessions
    assert _figures(report.total) == (9, 7, 1, 1, 3, 1, 1, 60.0, 3)
    assert (report.invited_people, report.registered_people, report.participants) == (6, 5, 3)
    assert report.held == 2
    assert [(s.feedback.count, s.feedback.rating, s.feedback.usefulness)
            for s in report.sessions] == [(2, 4.5, 4.0), (1, 3.0, 5.0), (0, None, None)]
    fb = report.feedback  # the average of the answers: (5 + 4 + 3) / 3 and (4 + 5) / 2
    assert (fb.count, fb.rating, fb.usefulness) == (3, 4.0, 4.5)
    assert [s.unknown for s in report.sessions] == [2, 1, 0] and report.unknown == 3
    assert [(c.position, c.rating, c.usefulness, c.text) for c in report.comments] == [
        (1, 5, 4, "Полезно"), (2, 3, 5, "Мало времени")]


def test_figures_by_organisation_and_municipality(rt, cycle):
    report = cycle_report(rt, cycle[0])
    #   name, invited people, invited, reg, wait, canc, att, no-show, unmarked, rate, cert, people
    assert [_group(g) for g in report.organisations] == [
        (SOSH.format(1), 2, 3, 3, 0, 0, 2, 0, 0, 100.0, 2, 2),
        (SOSH.format(2), 2, 3, 3, 0, 0, 0, 1, 1, 0.0, 0, 0),
        (SOSH.format(3), 2, 3, 0, 1, 1, 0, 0, 0, None, 0, 0),
        ("Без организации", 0, 0, 1, 0, 0, 1, 0, 0, 100.0, 1, 1),
    ]
    assert [g.municipality for g in report.organisations] == [
        "Выселковский район", "Выселковский район", "Кореновский район", "Без организации"]
    assert [_group(g) for g in report.municipalities] == [
        ("Выселковский район", 4, 6, 6, 0, 0, 2, 1, 1, 50.0, 2, 2),
        ("Кореновский район", 2, 3, 0, 1, 1, 0, 0, 0, None, 0, 0),
        ("Без организации", 0, 0, 1, 0, 0, 1, 0, 0, 100.0, 1, 1),
    ]


def test_a_cycle_without_registrations_and_an_unknown_cycle(rt):
    make_school(rt, 1)
    cycle_id, _ = make_cycle(rt)
    report = cycle_report(rt, cycle_id)  # planned, nobody invited yet
    assert [_figures(s.figures) for s in report.sessions] == [(0, 0, 0, 0, 0, 0, 0, None, 0)] * 2
    assert _figures(report.total) == (0, 0, 0, 0, 0, 0, 0, None, 0)
    assert report.organisations == [] and report.municipalities == []
    assert report.feedback.rating is None and report.comments == []
    with pytest.raises(NotFound, match="Цикл вебинаров №99 не найден"):
        cycle_report(rt, 99)


def _sheet(wb, name: str) -> list[tuple]:
    return [row for row in wb[name].iter_rows(values_only=True)]


def _table(rows: list[tuple], first_header: str) -> tuple[tuple, list[tuple]]:
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    body = []
    for row in rows[start + 1:]:
        if all(v is None for v in row):
            break
        body.append(row)
    return rows[start], body


def test_the_workbook_has_five_sheets_with_numbers_and_percents(rt, cycle):
    import io

    cycle_id, _ = cycle
    wb = load_workbook(io.BytesIO(report_xlsx(cycle_report(rt, cycle_id))))
    assert wb.sheetnames == ["Итоги", "Вебинары", "Организации", "Муниципалитеты", "Отзывы"]

    summary = wb["Итоги"]
    assert summary["A1"].value == f"Отчёт по циклу вебинаров № {cycle_id}" and summary["A1"].font.b
    header, body = _table(_sheet(wb, "Итоги"), "Показатель")
    assert header == ("Показатель", "Значение")
    values = dict(body)
    assert values["Приглашено, чел."] == 6 and values["Регистраций (человек × вебинар)"] == 7
    assert values["Участий (человек × вебинар)"] == 3 and values["Неявок"] == 1
    assert values["Сертификатов выдано"] == 3 and values["Неизвестных в файлах посещаемости"] == 3
    assert values["Доля участия (по состоявшимся вебинарам)"] == pytest.approx(0.6)
    assert values["Средняя оценка (1–5)"] == 4.0 and values["Средняя полезность (1–5)"] == 4.5
    rate_cell = next(row[1] for row in summary.iter_rows() if row[0].value and
                     row[0].value.startswith("Доля участия"))
    assert rate_cell.number_format == "0.0%"
    header_row = next(row for row in summary.iter_rows() if row[0].value == "Показатель")
    assert all(cell.font.b for cell in header_row)
    assert any("Данные на 29.10.2024 17:00" in str(r[0]) for r in _sheet(wb, "Итоги"))

    header, body = _table(_sheet(wb, "Вебинары"), "№")
    assert header[:7] == ("№", "Начало (МСК)", "Тема", "Аудитория", "Состояние", "Приглашено",
                          "Регистраций")
    first = dict(zip(header, body[0], strict=True))
    assert first["Начало (МСК)"] == datetime(2024, 10, 15, 15, 0)  # a date, Moscow time
    assert (first["Приглашено"], first["Регистраций"], first["Участий"], first["Неявок"],
            first["Сертификатов"], first["Отзывов"], first["Неизвестных в файлах"]) == (
        3, 3, 2, 1, 2, 2, 2)
    assert first["Доля участия"] == pytest.approx(0.667)
    assert first["Средняя оценка"] == 4.5
    third = dict(zip(header, body[2], strict=True))
    assert third["Доля участия"] == "—" and third["Средняя оценка"] == "—"
    total = dict(zip(header, body[3], strict=True))
    assert total["Тема"] == "Итого" and total["Регистраций"] == 7 and total["Участий"] == 3
    sessions = wb["Вебинары"]
    rate_col = header.index("Доля участия") + 1
    first_row = next(r for r in sessions.iter_rows() if r[0].value == 1)
    assert first_row[rate_col - 1].number_format == "0.0%"
    assert first_row[1].number_format == "DD.MM.YYYY HH:MM"

    header, body = _table(_sheet(wb, "Организации"), "Организация")
    assert header == ("Организация", "Муниципалитет", "Приглашено, чел.", "Приглашений",
                      "Регистраций", "Участий", "Участников, чел.", "Неявок", "Не отмечены",
                      "Доля участия", "Сертификатов")
    assert body[0][:9] == (SOSH.format(1), "Выселковский район", 2, 3, 3, 2, 2, 0, 0)
    assert body[0][9] == pytest.approx(1.0) and body[0][10] == 2
    assert body[-1][:9] == ("Итого", None, 6, 9, 7, 3, 3, 1, 1)

    header, body = _table(_sheet(wb, "Муниципалитеты"), "Муниципалитет")
    assert [r[0] for r in body] == ["Выселковский район", "Кореновский район",
                                    "Без организации", "Итого"]
    assert body[0][1:9] == (4, 6, 6, 2, 2, 1, 1, pytest.approx(0.5))

    header, body = _table(_sheet(wb, "Отзывы"), "№")
    assert header == ("№", "Тема", "Отзывов", "Средняя оценка", "Средняя полезность")
    assert body == [(1, "Первый", 2, 4.5, 4.0), (2, "Второй", 1, 3.0, 5.0),
                    (3, "Третий", 0, "—", "—"), (None, "Итого", 3, 4.0, 4.5)]
    header, body = _table(_sheet(wb, "Отзывы"), "№ вебинара")
    assert [r[:4] for r in body] == [(1, 5, 4, "Полезно"), (2, 3, 5, "Мало времени")]


def test_the_export_is_stored_once_per_state_of_the_figures(rt, cycle):
    cycle_id, (_a, b, _c) = cycle
    first = export_report(rt, cycle_id, actor=staff_actor(rt))
    assert (first.kind, first.object_kind, first.object_id, first.version) == (
        "webinar_report", "webinar_cycle", cycle_id, 1)
    assert first.filename == f"Отчёт по циклу вебинаров № {cycle_id}.xlsx"
    path = documents.absolute_path(rt, first)
    assert load_workbook(path).sheetnames[0] == "Итоги"

    rt.clock.advance(timedelta(days=1))  # nothing changed: the same document
    again = export_report(rt, cycle_id, actor=staff_actor(rt))
    assert (again.id, again.key) == (first.id, first.key)

    _mark(rt, b, D2, "mark_no_show")  # a later day's figures: the next version
    second = export_report(rt, cycle_id, actor=staff_actor(rt))
    assert second.id != first.id and second.version == 2
    assert documents.absolute_path(rt, second) != path and path.exists()
    values = dict(_table(_sheet(load_workbook(documents.absolute_path(rt, second)), "Итоги"),
                         "Показатель")[1])
    assert values["Неявок"] == 2 and values["Не отмечены (вебинар состоялся)"] == 0
    audited = [e for e in trail(rt, "webinar_cycle", cycle_id) if e.action == "report"]
    assert [(e.document_ids, e.details["version"]) for e in audited] == [
        ([first.id], 1), ([second.id], 2)]
    assert all(isinstance(e, AuditEntry) and e.actor_label.startswith("Иванова")
               for e in audited)


def test_the_command_prints_the_report_and_copies_the_workbook(rt, cycle, monkeypatch,
                                                                 tmp_path):
    import cli.webinar_report
    from cli.main import app

    monkeypatch.setattr(cli.webinar_report, "rt", lambda: rt)
    monkeypatch.setattr(cli.webinar_report, "console", Console(width=400))
    cycle_id, _ = cycle
    target = tmp_path / "out" / "отчёт.xlsx"
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}
    out = runner.invoke(app, ["webinar", "report", str(cycle_id), "--xlsx", str(target)], env=env)
    assert out.exit_code == 0, out.output
    text = out.output
    for expected in (f"Отчёт по циклу вебинаров № {cycle_id}", "Итоги цикла", "Вебинары цикла",
                     "По организациям", "По муниципалитетам", "66,7 %", "60,0 %", "50,0 %",
                     "4,50", "15.10.2024 15:00", SOSH.format(3), "Кореновский район",
                     "Без организации", "версия 1"):
        assert expected in text, expected
    stored = export_report(rt, cycle_id, actor=staff_actor(rt))
    assert str(documents.absolute_path(rt, stored)) in text.replace("\n", "")
    assert target.read_bytes() == documents.read_bytes(rt, stored)

    missing = runner.invoke(app, ["webinar", "report", "99"], env=env)
    assert missing.exit_code == 1 and "не найден" in missing.output
    nobody = runner.invoke(app, ["webinar", "report", str(cycle_id)], env={"IMC_STAFF_LOGIN": ""})
    assert nobody.exit_code == 1
