"""Reading CSV/XLSX tables: encodings, delimiters, header spellings, line numbers."""

from __future__ import annotations

import codecs
import io

import pytest
from openpyxl import Workbook

from adapters.tabular import MSG_ENCODING, cell_text, read_table

COLUMNS = {
    "name": ["ФИО", "Участник", "name"],
    "email": ["Email", "Электронная почта", "e-mail"],
    "minutes": ["Минуты", "Время на вебинаре, мин"],
    "inn": ["ИНН", "inn"],
}

TEXT = (
    "ФИО;Email;Минуты;ИНН\r\n"
    "Петрова Анна Сергеевна;petrova@example.org;45;2335012347\r\n"
    "\r\n"
    "Ёлкина Дарья Игоревна;\"elkina@example.org\";60;\r\n"
)
EXPECTED = [
    (2, {"name": "Петрова Анна Сергеевна", "email": "petrova@example.org", "minutes": "45",
         "inn": "2335012347"}),
    (4, {"name": "Ёлкина Дарья Игоревна", "email": "elkina@example.org", "minutes": "60",
         "inn": ""}),
]


def rows(table):
    return [(row.line, row.values) for row in table.rows]


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("cp1251"),
    codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
], ids=["utf-8", "utf-8-bom", "cp1251", "utf-16-bom"])
def test_encodings_give_the_same_rows(data):
    table = read_table(data, "attendance.csv", COLUMNS, required=["name", "email"])
    assert table.problems == []
    assert rows(table) == EXPECTED


def test_comma_delimiter_with_quoted_commas():
    text = ('name,e-mail,Минуты\n'
            '"Петрова, Анна Сергеевна",petrova@example.org,45\n')
    table = read_table(text.encode(), "a.csv", COLUMNS)
    assert table.rows[0].values["name"] == "Петрова, Анна Сергеевна"
    assert table.rows[0].get("email") == "petrova@example.org"


def test_tab_delimiter():
    table = read_table("ФИО\tEmail\nИванов Иван\tivanov@example.org\n".encode(), "a.txt", COLUMNS)
    assert rows(table) == [(2, {"name": "Иванов Иван", "email": "ivanov@example.org",
                                "minutes": "", "inn": ""})]


def test_headers_in_another_order_and_spelling():
    text = ("  ЭЛЕКТРОННАЯ   почта: ;время на вебинаре, мин;участник;Комментарий\n"
            "a@example.org;30;Семёнов Пётр;ok\n")
    table = read_table(text.encode(), "a.csv", COLUMNS, required=["name"])
    assert table.problems == []
    assert table.rows[0].values == {"name": "Семёнов Пётр", "email": "a@example.org",
                                    "minutes": "30", "inn": ""}
    assert table.unknown_headers == ["Комментарий"]
    assert table.present == {"name", "email", "minutes"}


def test_missing_required_column_named_in_russian():
    table = read_table("ФИО;ИНН\nИванов;\n".encode(), "a.csv", COLUMNS,
                       required=["name", "email", "minutes"])
    assert [p.message for p in table.problems] == [
        "Нет обязательного столбца «Email»",
        "Нет обязательного столбца «Минуты»",
    ]
    assert len(table.rows) == 1  # the rows are still read, for the caller's other checks


def test_multiline_quoted_cell_keeps_the_line_where_the_record_starts():
    text = 'ФИО;Email\n"Иванов\nИван";i@example.org\nПетров;p@example.org\n'
    table = read_table(text.encode(), "a.csv", COLUMNS)
    assert [row.line for row in table.rows] == [2, 4]


def test_unquoted_delimiter_in_a_value_is_a_problem_of_its_line():
    text = "ФИО;Email\nИванов;i@example.org\nПетров;p@example.org;лишнее\n"
    table = read_table(text.encode(), "a.csv", COLUMNS)
    assert [p.line for p in table.problems] == [3]
    assert "точка с запятой" in table.problems[0].message


def test_duplicate_header_is_a_problem():
    table = read_table("ФИО;Участник\nА;Б\n".encode(), "a.csv", COLUMNS)
    assert "встречается в заголовке дважды" in table.problems[0].message


def test_xlsx_first_sheet_first_non_empty_row_numbers_as_text():
    book = Workbook()
    sheet = book.active
    sheet["B3"] = "Участник"
    sheet["C3"] = "ИНН"
    sheet["D3"] = "Минуты"
    sheet["B4"], sheet["C4"], sheet["D4"] = "  Петрова Анна  ", 2335012347, 45.0
    sheet["B6"], sheet["C6"], sheet["D6"] = "Ли Ён", 233501234712, 12.5
    sheet["C7"] = 123456789  # an ИНН of region 01–09 shown with its zero by the cell format
    sheet["C7"].number_format = "0000000000"
    book.create_sheet("Другой лист")["A1"] = "не читается"
    buf = io.BytesIO()
    book.save(buf)

    table = read_table(buf.getvalue(), "Посещаемость.xlsx", COLUMNS)

    assert table.header_line == 3
    assert table.problems == []
    assert [(row.line, row.get("name"), row.get("inn"), row.get("minutes"))
            for row in table.rows] == [
        (4, "Петрова Анна", "2335012347", "45"),
        (6, "Ли Ён", "233501234712", "12.5"),
        (7, "", "0123456789", ""),
    ]


@pytest.mark.parametrize("value, expected", [
    (2335012347.0, "2335012347"),
    (1.5e20, "150000000000000000000"),
    (0.1, "0.1"),
    (1e-07, "0.0000001"),
    (True, "ИСТИНА"),
    (None, ""),
    ("\xa0 текст \xa0", "текст"),
])
def test_cell_text(value, expected):
    assert cell_text(value) == expected


@pytest.mark.parametrize("data", [
    bytes(range(128, 256)) * 4,  # 0x98 is not cp1251 at all
    b"\x8a\x8c\x9a\xa4\xb6\xb1" * 30,  # cp1251 symbols, not letters: not Russian text
    b"\x00\x01\x02\xfa\xfb" * 30,  # control characters
], ids=["undecodable", "not-russian", "binary"])
def test_garbage_bytes_are_an_encoding_problem(data):
    table = read_table(data, "a.csv", COLUMNS)
    assert [p.message for p in table.problems] == [MSG_ENCODING]
    assert table.rows == []


@pytest.mark.parametrize("data, filename, fragment", [
    (b"", "a.csv", "Файл пуст"),
    (b" \r\n;;\r\n", "a.csv", "Файл пуст"),
    ("ФИО;Email\n".encode(), "a.csv", "только заголовок"),
    (b"PK\x03\x04 not really a zip", "a.xlsx", "Не удалось прочитать файл Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "a.xls", ".xls не поддерживается"),
])
def test_empty_and_unreadable_files(data, filename, fragment):
    table = read_table(data, filename, COLUMNS)
    assert len(table.problems) == 1 and fragment in table.problems[0].message
    assert not table.ok
