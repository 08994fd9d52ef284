"""Partners: adding one, importing a whole file or nothing, listing them."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from config.settings import PROJECT_ROOT
from models import AuditEntry, Organisation, OrgKind, Person, PersonRole
from services import org as orgs
from services.actors import Actor
from services.audit import trail
from services.errors import DomainError, ImportRefused
from services.partner_input import PartnerInput, parse_partner, position_genitive
from services.partners import add_partner, import_partners, list_partners

SAMPLE = PROJECT_ROOT / "data" / "samples" / "partners.csv"

HEADER = ["Полное наименование", "Краткое наименование", "Муниципальное образование",
          "Юридический адрес", "ИНН", "ОГРН", "Фамилия руководителя", "Имя руководителя",
          "Отчество руководителя", "Должность руководителя", "Email руководителя"]
ROW_A = ["МБОУ СОШ № 1 ст. Платнировской", "СОШ № 1", "Кореновский район",
         "353160, Краснодарский край, ст. Платнировская, ул. Школьная, 1", "2335012347",
         "1022301551238", "Петрова", "Анна", "Сергеевна", "Директор", "petrova@school1.test"]
ROW_B = ["МБОУ СОШ № 2 г. Тихорецка", "СОШ № 2", "Тихорецкий район",
         "352120, Краснодарский край, г. Тихорецк, ул. Мира, 2", "2321012347", "",
         "Соколов", "Игорь", "Викторович", "Заведующий", "sokolov@school2.test"]
ROW_C = ["МБОУ ООШ № 3 г. Усть-Лабинска", "ООШ № 3", "Усть-Лабинский район",
         "352330, Краснодарский край, г. Усть-Лабинск, ул. Садовая, 3", "", "",
         "Кузнецова", "Марина", "Павловна", "Руководитель", "kuznetsova@school3.test"]


def csv_bytes(header, *rows, encoding="utf-8") -> bytes:
    lines = [";".join(header), *(";".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def card(**changes) -> PartnerInput:
    values = dict(zip(
        ["full_name", "short_name", "municipality", "legal_address", "inn", "ogrn",
         "head_last_name", "head_first_name", "head_middle_name", "head_position",
         "head_email"], ROW_A, strict=True))
    return PartnerInput(**{**values, **changes})


@pytest.fixture
def actor(rt) -> Actor:
    with rt.transaction() as tx:
        return Actor.person(orgs.staff_by_login(tx, "ivanova"))


def counts(rt) -> tuple[int, int, int]:
    with rt.session() as s:
        return tuple(s.exec(select(func.count()).select_from(model)).one()
                     for model in (Organisation, Person, AuditEntry))


def head(rt, org_id: int) -> Person:
    with rt.transaction() as tx:
        return orgs.head_of(tx, org_id)


# --- the card --------------------------------------------------------------------------

@pytest.mark.parametrize("position, expected", [
    ("Директор", "директора"), ("Заведующий", "заведующего"), ("Заведующая", "заведующей"),
    ("Начальник", "начальника"), ("руководитель", "руководителя"),
    ("И.о. директора", "и.о. директора"), ("Ректор", "ректор"),
])
def test_position_genitive_only_where_certain(position, expected):
    assert position_genitive(position) == expected


def test_card_checks_inn_ogrn_and_email_in_russian():
    with pytest.raises(DomainError) as exc:
        parse_partner({**card().model_dump(), "inn": "2335012340", "ogrn": "1022301551230",
                       "head_email": "не адрес", "short_name": " "})
    text = exc.value.message
    assert "ИНН 2335012340 неверный" in text
    assert "ОГРН 1022301551230 неверный" in text
    assert "Email руководителя: «не адрес» не похож на адрес" in text
    assert "Краткое наименование: не заполнено" in text


def test_card_accepts_a_12_digit_inn_and_lower_cases_emails():
    partner = card(inn="5001 0073 2259", head_email="Petrova@School1.TEST", ogrn=None)
    assert (partner.inn, partner.head_email) == ("500100732259", "petrova@school1.test")
    assert partner.head_position_genitive == "директора"
    assert partner.kind == OrgKind.PARTNER


# --- adding one ------------------------------------------------------------------------

def test_add_partner_creates_the_organisation_its_head_and_an_audit_entry(rt, actor):
    org_id = add_partner(rt, card(), actor=actor)

    with rt.session() as s:
        org = s.get(Organisation, org_id)
    assert (org.kind, org.short_name, org.inn, org.ogrn) == (
        OrgKind.PARTNER, "СОШ № 1", "2335012347", "1022301551238")
    person = head(rt, org_id)
    assert person.role == PersonRole.HEAD
    assert person.gender == "female"
    assert person.fio_genitive == "Петровой Анны Сергеевны"
    assert person.fio_dative == "Петровой Анне Сергеевне"
    assert person.position_genitive == "директора"
    assert person.email == "petrova@school1.test"
    entries = trail(rt, "organisation", org_id)
    assert [(e.action, e.actor_id) for e in entries] == [("create", actor.person_id)]


@pytest.mark.parametrize("changes, fragment", [
    ({"full_name": "Другая школа", "head_email": "other@school.test"},
     "организация с ИНН 2335012347 уже есть в базе: «СОШ № 1»"),
    ({"full_name": "Другая школа", "inn": None, "head_email": "PETROVA@school1.test"},
     "адрес petrova@school1.test уже есть в базе: Петрова Анна Сергеевна, «СОШ № 1»"),
    ({"full_name": "мбоу  сош №1 ст. Платнировской", "inn": None,
      "head_email": "other@school.test"},
     "организация «МБОУ СОШ № 1 ст. Платнировской» уже есть в базе"),
])
def test_duplicate_partner_refused_naming_the_existing_one(rt, actor, changes, fragment):
    org_id = add_partner(rt, card(), actor=actor)
    before = counts(rt)

    with pytest.raises(DomainError) as exc:
        add_partner(rt, card(**changes), actor=actor)

    assert exc.value.message.startswith("Организация не добавлена: ")
    assert fragment in exc.value.message
    assert exc.value.obj.id == org_id
    assert counts(rt) == before


# --- importing a file ------------------------------------------------------------------

def test_import_of_the_sample_file(rt, actor):
    report = import_partners(rt, SAMPLE.read_bytes(), SAMPLE.name, actor=actor)

    assert report.created == 3
    assert report.by_kind == {"partner": 3}
    rows = list_partners(rt)
    assert {r["municipality"] for r in rows} == {
        "Кореновский район", "Тихорецкий район", "Усть-Лабинский район"}
    assert all(r["head_email"].endswith(".example.org") for r in rows)
    for org_id in report.ids:
        entries = trail(rt, "organisation", org_id)
        assert [e.action for e in entries] == ["create"]
        assert entries[0].details["source"] == "import"
    assert head(rt, report.ids[0]).fio_genitive == "Петровой Анны Сергеевны"


def test_import_cp1251_xlsx_and_a_single_fio_column(rt, actor):
    header = [h for h in HEADER if "руководителя" not in h or h.startswith(("Должн", "Email"))]
    header = [*header, "ФИО руководителя", "Вид организации"]
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row, kind in ((ROW_A, "школа"), (ROW_B, "партнёр")):
        values = [v for h, v in zip(HEADER, row, strict=True) if h in header]
        values[4] = int(values[4])  # ИНН typed as a number
        sheet.append([*values, " ".join(row[6:9]), kind])
    buf = io.BytesIO()
    book.save(buf)

    report = import_partners(rt, buf.getvalue(), "партнёры.xlsx", actor=actor)

    assert report.by_kind == {"school": 1, "partner": 1}
    school = list_partners(rt, kind="school")
    assert [(r["inn"], r["head"]) for r in school] == [("2335012347", "Петрова Анна Сергеевна")]
    assert head(rt, report.ids[1]).position_genitive == "заведующего"


def test_import_cp1251_csv(rt, actor):
    data = csv_bytes(HEADER, ROW_A, ROW_C, encoding="cp1251")
    report = import_partners(rt, data, "partners.csv", actor=actor)
    assert report.created == 2
    assert head(rt, report.ids[1]).fio_genitive == "Кузнецовой Марины Павловны"


def refused(rt, actor, data: bytes) -> list[tuple[int | None, str]]:
    before = counts(rt)
    with pytest.raises(ImportRefused) as exc:
        import_partners(rt, data, "partners.csv", actor=actor)
    assert counts(rt) == before, "a refused file must change nothing"
    assert exc.value.message.startswith("Файл партнёров не загружен, ничего не изменено")
    return [(p.line, p.message) for p in exc.value.problems]


def test_missing_column(rt, actor):
    header = [h for h in HEADER if h != "Юридический адрес"]
    rows = [[v for h, v in zip(HEADER, r, strict=True) if h != "Юридический адрес"]
            for r in (ROW_A, ROW_B)]
    assert refused(rt, actor, csv_bytes(header, *rows)) == [
        (None, "Нет обязательного столбца «Юридический адрес»")]


def test_missing_fio_columns(rt, actor):
    keep = [i for i, h in enumerate(HEADER) if h not in ("Фамилия руководителя",
                                                         "Имя руководителя")]
    data = csv_bytes([HEADER[i] for i in keep], [ROW_A[i] for i in keep])
    problems = refused(rt, actor, data)
    assert len(problems) == 1 and "Нет столбцов с ФИО руководителя" in problems[0][1]


def test_broken_encoding(rt, actor):
    data = csv_bytes(HEADER, ROW_A) + bytes(range(0x80, 0xA0))
    assert refused(rt, actor, data) == [(None, "Не удалось определить кодировку файла: "
                                               "сохраните его в UTF-8 или Windows-1251")]


def test_duplicate_inn_within_the_file_names_both_lines(rt, actor):
    dup = [*ROW_B[:4], ROW_A[4], *ROW_B[5:]]
    assert refused(rt, actor, csv_bytes(HEADER, ROW_A, ROW_C, dup)) == [
        (4, "ИНН 2335012347 повторяется: он уже указан в строке 2")]


def test_duplicate_email_against_the_database(rt, actor):
    add_partner(rt, card(), actor=actor)
    other = [*ROW_B[:-1], "Petrova@School1.test"]
    problems = refused(rt, actor, csv_bytes(HEADER, ROW_C, other))
    assert len(problems) == 1 and problems[0][0] == 3
    assert "адрес petrova@school1.test уже есть в базе: " in problems[0][1]


def test_empty_name_and_bad_inn(rt, actor):
    empty = ["", *ROW_B[1:]]
    bad = [*ROW_C[:4], "2356012340", *ROW_C[5:]]
    assert refused(rt, actor, csv_bytes(HEADER, ROW_A, empty, bad)) == [
        (3, "Полное наименование: не заполнено"),
        (4, "ИНН 2356012340 неверный: не сходится контрольное число"),
    ]


def test_every_problem_of_every_line_at_once(rt, actor):
    add_partner(rt, card(), actor=actor)
    rows = [
        ROW_B,
        [*ROW_C[:4], "12345", *ROW_C[5:-1], "kuznetsova(at)school3.test"],
        ["", "", *ROW_B[2:]],
        [*ROW_A[:6], "", "", "", "Директор", "new@school1.test"],
    ]
    problems = refused(rt, actor, csv_bytes(HEADER, *rows))
    lines = [line for line, _ in problems]
    assert lines == sorted(lines) and set(lines) == {3, 4, 5}
    text = "\n".join(f"{line}: {message}" for line, message in problems)
    assert "3: ИНН должен содержать 10 или 12 цифр" in text
    assert "3: Email руководителя: «kuznetsova(at)school3.test» не похож" in text
    assert "4: Полное наименование: не заполнено" in text
    assert "4: Краткое наименование: не заполнено" in text
    assert "4: ИНН 2321012347 повторяется: он уже указан в строке 2" in text
    assert "4: Email руководителя sokolov@school2.test повторяется" in text
    assert "5: Фамилия руководителя: не заполнено" in text
    assert "5: организация с ИНН 2335012347 уже есть в базе" in text
    assert "5: организация «МБОУ СОШ № 1 ст. Платнировской» уже есть в базе" in text


def test_list_partners_excludes_the_centre_and_filters_by_kind(rt, actor):
    add_partner(rt, card(), actor=actor)
    add_partner(rt, card(full_name="Школа района", short_name="Школа", inn=None,
                         head_email="head@vyselki-school.test", kind="школа"), actor=actor)
    assert [r["short_name"] for r in list_partners(rt)] == ["СОШ № 1", "Школа"]
    assert [r["short_name"] for r in list_partners(rt, OrgKind.PARTNER)] == ["СОШ № 1"]
    assert list_partners(rt, "school")[0]["kind_label"] == "образовательная организация района"
