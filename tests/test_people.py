"""People of organisations: adding a deputy (or head, contact), importing a file, listing."""

from __future__ import annotations

import pytest
from rich.console import Console
from sqlmodel import func, select
from typer.testing import CliRunner

from config.settings import PROJECT_ROOT
from models import AuditEntry, Organisation, OrgKind, Person, PersonRole
from services.audit import trail
from services.errors import DomainError, ImportRefused
from services.partners import import_partners
from services.people import add_person, list_people
from services.people_card import position_genitive
from services.people_import import import_people
from services.webinar_invitations import announce
from tests.factories import emails, make_partner, make_school, staff_actor
from tests.test_webinar_plan import session
from tests.webinar_factories import make_cycle, register_by_email

SAMPLES = PROJECT_ROOT / "data" / "samples"
HEADER = "Организация;Роль;Фамилия;Имя;Отчество;Должность;Email;Телефон"
SCHOOL_1 = "МБОУ СОШ № 1 ст. Выселки"  # tests.factories.make_school(rt, 1)
UVR = "Заместитель директора по УВР"


def deputy(**changes) -> dict:
    values = dict(organisation_id=SCHOOL_1, role="deputy", last_name="Смирнова",
                  first_name="Елена", middle_name="Викторовна", position=UVR,
                  email="smirnova@sosh1.example.org", phone="+7 900 111-22-33", gender=None)
    return {**values, **changes}


def person(rt, person_id: int) -> Person:
    with rt.session() as s:
        return s.get(Person, person_id)


def stored(rt) -> tuple[int, int]:
    """People, and audit entries about people."""
    with rt.session() as s:
        return (s.exec(select(func.count(Person.id))).one(),
                s.exec(select(func.count(AuditEntry.id))
                       .where(AuditEntry.object_kind == "person")).one())


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


def test_a_deputy_is_added_with_the_declined_fio_and_an_audit_entry(rt):
    org_id = make_school(rt, 1)
    actor = staff_actor(rt)

    new_id = add_person(rt, actor=actor, **deputy(email=" Smirnova@Sosh1.Example.org "))

    p = person(rt, new_id)
    assert (p.organisation_id, p.role, p.email) == (org_id, PersonRole.DEPUTY,
                                                    "smirnova@sosh1.example.org")
    assert (p.fio_genitive, p.fio_dative) == ("Смирновой Елены Викторовны",
                                              "Смирновой Елене Викторовне")
    assert p.gender == "female" and p.position_genitive == "заместителя директора по УВР"
    [entry] = trail(rt, "person", new_id)
    assert (entry.action, entry.actor_id) == ("create", actor.person_id)
    assert entry.details["role"] == "deputy" and entry.details["organisation_id"] == org_id
    # By number, a Russian role word, a given gender; a position with no certain genitive.
    contact = add_person(rt, actor=actor, **deputy(
        organisation_id=str(org_id), role="контакт", last_name="Ким", first_name="Саша",
        middle_name="", gender="male", position="Педагог-психолог", email="kim@sosh1.example.org"))
    assert person(rt, contact).role == PersonRole.CONTACT
    assert person(rt, contact).fio_dative == "Киму Саше"
    assert person(rt, contact).position_genitive == ""


def test_position_genitive_only_where_certain():
    assert position_genitive(UVR) == "заместителя директора по УВР"
    assert position_genitive("Директор") == "директора"
    assert position_genitive("Заведующая") == "заведующей"
    assert position_genitive("Старший методист") == ""


def test_every_problem_is_named_and_nothing_is_stored(rt):
    make_school(rt, 1)
    actor = staff_actor(rt)
    before = stored(rt)

    with pytest.raises(DomainError) as exc:
        add_person(rt, actor=actor, **deputy(organisation_id="Школа, которой нет", last_name=" ",
                                              first_name="", email="smirnova(at)sosh1",
                                              gender="средний"))
    message = exc.value.message
    assert message.startswith("Человек не добавлен")
    for part in ("Фамилия: не заполнено", "Имя: не заполнено",
                 "«smirnova(at)sosh1» не похож на адрес электронной почты",
                 "пол «средний» не распознан",
                 "организация «Школа, которой нет» не найдена"):
        assert part in message
    assert stored(rt) == before


@pytest.mark.parametrize(("changes", "expected"), [
    ({"role": "expert"}, "роль «expert» здесь не добавляется"),
    ({"role": "staff"}, "роль «staff» здесь не добавляется"),
    ({"role": "завуч"}, "роль «завуч» неизвестна"),
    ({"organisation_id": "1"}, "в МКУ ИМЦ люди здесь не добавляются"),
    ({"organisation_id": "999"}, "организация «999» не найдена"),
    ({"email": "DIRECTOR@sosh1.example.org", "role": "deputy"},
     "уже есть Кузнецова Мария Ивановна"),
    ({"role": "head", "email": "new@sosh1.example.org"}, "уже есть руководитель"),
    ({"position": ""}, "Должность: не заполнено"),
])
def test_refusals(rt, changes, expected):
    make_school(rt, 1)
    before = stored(rt)
    with pytest.raises(DomainError) as exc:
        add_person(rt, actor=staff_actor(rt), **deputy(**changes))
    assert expected in exc.value.message
    assert stored(rt) == before


def test_the_same_address_in_another_organisation_is_accepted(rt):
    make_school(rt, 1)
    other = make_school(rt, 2)
    add_person(rt, actor=staff_actor(rt), **deputy())
    again = add_person(rt, actor=staff_actor(rt), **deputy(organisation_id=other))
    assert person(rt, again).organisation_id == other


def schools(rt) -> None:
    data = (SAMPLES / "schools.csv").read_bytes()
    import_partners(rt, data, "schools.csv", actor=staff_actor(rt), kind=OrgKind.SCHOOL)


def test_the_sample_deputies_load_for_the_sample_schools(rt):
    schools(rt)
    report = import_people(rt, (SAMPLES / "deputies.csv").read_bytes(), "deputies.csv",
                           actor=staff_actor(rt))
    assert report.created == 6 and report.by_role == {"deputy": 6}
    rows = list_people(rt, role="deputy")
    assert len(rows) == 6 and {r["role_label"] for r in rows} == {"заместитель"}
    first = person(rt, int(next(r["id"] for r in rows if r["full_name"].startswith("Осипова"))))
    assert first.fio_genitive == "Осиповой Натальи Геннадьевны"
    assert first.position_genitive == ("заместителя директора по учебно-воспитательной "
                                       "работе")
    entries = trail(rt, "person", first.id)
    assert entries[0].details["source"] == "import" and entries[0].details["line"] == 2
    # The school's list: its head first, then the deputy.
    school = list_people(rt, organisation="МБОУ СОШ № 1 им. А.С. Пушкина ст. Выселки")
    assert [r["role"] for r in school] == ["head", "deputy"]


def test_a_bad_file_is_refused_whole_with_every_line(rt):
    schools(rt)
    before = stored(rt)
    data = csv_bytes(
        f"МБОУ СОШ № 2 им. М.Ю. Лермонтова ст. Выселки;заместитель;Рябов;Денис;Олегович;{UVR};"
        "ryabov@sosh2.example.org;",  # a good line: not stored either
        f"СОШ № 99;заместитель;Петров;Иван;;{UVR};petrov@sosh99.example.org;",
        f"2328013036;завуч;Гусева;;Анатольевна;{UVR};guseva@sosh3.example.org;",
        f"2328014047;заместитель;Мельник;Оксана;;{UVR};melnik@sosh4.example.org;",
        "2328014047;контакт;Мельник;Оксана;;Секретарь;MELNIK@sosh4.example.org;",
        "2328015058;руководитель;Зайцев;Роман;;Директор;zaytsev@sosh5.example.org;",
    )
    with pytest.raises(ImportRefused) as exc:
        import_people(rt, data, "zam.csv", actor=staff_actor(rt))
    problems = [(p.line, p.message) for p in exc.value.problems]
    assert exc.value.message.startswith(
        "Файл с людьми организаций не загружен, ничего не изменено")
    assert [line for line, _ in problems] == [3, 4, 4, 6, 7]
    assert "организация «СОШ № 99» не найдена" in problems[0][1]
    assert problems[1][1] == "Имя: не заполнено"
    assert "роль «завуч» неизвестна" in problems[2][1]
    assert "повторяется: он уже указан в строке 5" in problems[3][1]
    assert "уже есть руководитель: Кравченко Татьяна Ивановна" in problems[4][1]
    assert stored(rt) == before


def test_a_cp1251_file_and_a_missing_column(rt):
    org_id = make_school(rt, 1)
    data = csv_bytes(f"{SCHOOL_1};заместитель;Смирнова;Елена;Викторовна;{UVR};"
                     "smirnova@sosh1.example.org;+7 900 111-22-33", encoding="cp1251")
    report = import_people(rt, data, "заместители.csv", actor=staff_actor(rt))
    p = person(rt, report.ids[0])
    assert (p.organisation_id, p.last_name, p.fio_genitive) == (
        org_id, "Смирнова", "Смирновой Елены Викторовны")

    no_email = "\r\n".join(["Организация;Роль;Фамилия;Имя;Должность",
                            f"{SCHOOL_1};заместитель;Петрова;Ирина;{UVR}"]).encode()
    with pytest.raises(ImportRefused) as exc:
        import_people(rt, no_email, "zam.csv", actor=staff_actor(rt))
    assert [str(p) for p in exc.value.problems] == ["Нет обязательного столбца «Email»"]


def test_an_added_deputy_is_invited_to_the_deputies_webinar(rt):
    school = make_school(rt, 1)
    make_school(rt, 2)
    make_partner(rt, 3)
    actor = staff_actor(rt)
    add_person(rt, actor=actor, **deputy(organisation_id=school))
    add_person(rt, actor=actor, **deputy(organisation_id=school, role="contact",
                                         email="secretary@sosh1.example.org",
                                         position="Секретарь", last_name="Орлова"))
    with rt.session() as s:  # a partner's deputy is not in the schools' deputies segment
        partner = s.exec(select(Organisation).where(Organisation.kind == OrgKind.PARTNER)).one()
    add_person(rt, actor=actor, **deputy(organisation_id=partner.id,
                                         email="zam@partner.example.org"))
    cycle_id, [session_id] = make_cycle(
        rt, session("Роль заместителя", "2024-10-29 15:00", segment="deputies"))

    announce(rt, cycle_id, actor=actor)

    invited = [m.to_addr for m in emails(rt, template="webinar_invitation")]
    assert invited == ["smirnova@sosh1.example.org"]
    assert register_by_email(rt, session_id, "smirnova@sosh1.example.org") == "registered"


def test_the_command_line_adds_imports_and_lists(rt, monkeypatch, tmp_path):
    import cli.person
    from cli.main import app

    monkeypatch.setattr(cli.person, "rt", lambda: rt)
    monkeypatch.setattr(cli.person, "console", Console(width=400))
    schools(rt)
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}

    out = runner.invoke(app, ["person", "import", str(SAMPLES / "deputies.csv")], env=env)
    assert out.exit_code == 0, out.output
    assert "Загружено людей: 6 (заместитель — 6)" in out.output
    added = runner.invoke(app, [
        "person", "add", "--org", "МБОУ СОШ № 7 ст. Бузиновской", "--role", "deputy",
        "--last-name", "Назаренко", "--first-name", "Павел", "--middle-name", "Игоревич",
        "--position", UVR, "--email", "nazarenko@sosh7.example.org", "--phone", "+7 900 1"],
        env=env)
    assert added.exit_code == 0, added.output
    assert "Человек добавлен: №" in added.output and "Назаренко Павел Игоревич" in added.output
    refused = runner.invoke(app, ["person", "add", "--org", "Нет такой", "--role", "expert",
                                  "--last-name", "Х", "--first-name", "У", "--position", "П",
                                  "--email", "плохой"], env=env)
    assert refused.exit_code == 1
    for part in ("организация «Нет такой» не найдена", "роль «expert» здесь не добавляется",
                 "не похож на адрес"):
        assert part in refused.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(f"СОШ № 99;заместитель;Петров;Иван;;{UVR};p@x.example.org;"))
    out = runner.invoke(app, ["person", "import", str(bad)], env=env)
    assert out.exit_code == 1 and "строка 2: организация «СОШ № 99» не найдена" in out.output

    listing = runner.invoke(app, ["person", "list", "--org", "МБОУ СОШ № 7 ст. Бузиновской"])
    assert listing.exit_code == 0, listing.output
    assert "Назаренко Павел Игоревич" in listing.output and "Захарченко" in listing.output
    deputies = runner.invoke(app, ["person", "list", "--role", "deputy"]).output
    assert "Назаренко" in deputies and "Осипова" in deputies and "Захарченко" not in deputies
    unknown = runner.invoke(app, ["person", "list", "--org", "999"])
    assert unknown.exit_code == 1 and "не найдена" in unknown.output
