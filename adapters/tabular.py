"""Reading a table file (CSV or XLSX) into rows with the line numbers people see."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath

from models.problems import Problem

DELIMITERS = (";", "\t", ",")  # on a tie the earlier wins: «;» is what Russian Excel writes

MSG_ENCODING = "Не удалось определить кодировку файла: сохраните его в UTF-8 или Windows-1251"
MSG_EMPTY = "Файл пуст"
MSG_NO_DATA = "В файле есть только заголовок, строк с данными нет"
MSG_XLS = "Формат .xls не поддерживается: сохраните файл как .xlsx или .csv"
MSG_BAD_XLSX = "Не удалось прочитать файл Excel «{name}»: файл повреждён или это не .xlsx"
MSG_NO_SHEET = "В файле Excel нет ни одного листа"
MSG_MISSING = "Нет обязательного столбца «{header}»"
MSG_DOUBLE = "Столбец «{header}» встречается в заголовке дважды (столбцы {first} и {second})"
MSG_EXTRA = ("значений в строке больше ({count}), чем столбцов в заголовке ({width}); "
             "возможно, в значении есть разделитель ({delimiter}) без кавычек")
DELIMITER_NAMES = {";": "точка с запятой", ",": "запятая", "\t": "табуляция"}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RUSSIAN_LETTER = re.compile(r"[А-Яа-яЁё]")
_ZEROS_FORMAT = re.compile(r"^0+$")
_SEPARATORS = str.maketrans("", "", "".join(DELIMITERS) + '"')


@dataclass(frozen=True)
class Row:
    """One data row: its line as the user sees it, and values by canonical field name."""

    line: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Table:
    """The rows of a file, its problems and the headers nobody asked for."""

    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # canonical fields found in the header
    header_line: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def normalize_header(text: str) -> str:
    """Case, spaces, punctuation and ё do not matter: «E-mail:» == «email»."""
    text = text.casefold().replace("ё", "е")
    return "".join(ch for ch in text if ch.isalnum())


def read_table(data: bytes, filename: str, columns: dict[str, list[str]], *,
               required: Collection[str] = ()) -> Table:
    """Read CSV/XLSX bytes; `columns` maps a field to its header spellings, the first is shown."""
    aliases = _alias_map(columns)
    unknown_required = set(required) - set(columns)
    if unknown_required:
        raise ValueError(f"required fields not in columns: {sorted(unknown_required)}")
    if not data.strip():
        return Table(problems=[Problem(None, MSG_EMPTY)])
    if data.startswith(_OLE_MAGIC):
        return Table(problems=[Problem(None, MSG_XLS)])
    try:
        if data.startswith(_ZIP_MAGIC):
            return _build(_xlsx_records(data, filename), columns, aliases, required, None)
        text = _decode(data)
        if text is None:
            return Table(problems=[Problem(None, MSG_ENCODING)])
        if not text.translate(_SEPARATORS).strip():  # only blank lines and «;;;»
            return Table(problems=[Problem(None, MSG_EMPTY)])
        delimiter = _sniff(text, aliases)
        return _build(_csv_records(text, delimiter), columns, aliases, required, delimiter)
    except _Unreadable as err:
        return Table(problems=[Problem(None, str(err))])


class _Unreadable(Exception):
    pass


def _alias_map(columns: dict[str, list[str]]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name, spellings in columns.items():
        for spelling in [name, *spellings]:
            key = normalize_header(spelling)
            if aliases.get(key, name) != name:
                raise ValueError(f"header «{spelling}» is claimed by {aliases[key]} and {name}")
            aliases[key] = name
    return aliases


def _label(columns: dict[str, list[str]], name: str) -> str:
    return (columns.get(name) or [name])[0]


def _build(records: Iterable[tuple[int, list[str]]], columns: dict[str, list[str]],
           aliases: dict[str, str], required: Collection[str], delimiter: str | None) -> Table:
    table = Table()
    mapping: dict[int, str] = {}  # cell index → canonical field
    width = 0
    for line, cells in records:
        if not any(cells):
            continue
        if table.header_line is None:
            table.header_line = line
            mapping = _map_header(cells, columns, aliases, table)
            width = max((i + 1 for i, c in enumerate(cells) if c), default=0)
            continue
        values = {name: "" for name in columns}
        for index, name in mapping.items():
            if index < len(cells):
                values[name] = cells[index]
        filled = max((i + 1 for i, c in enumerate(cells) if c), default=0)
        if delimiter and filled > width:  # in a spreadsheet, cells beyond the header are notes
            extra = MSG_EXTRA.format(count=filled, width=width,
                                     delimiter=DELIMITER_NAMES[delimiter])
            table.problems.append(Problem(line, extra))
        table.rows.append(Row(line, values))
    if table.header_line is None:
        table.problems.append(Problem(None, MSG_EMPTY))
        return table
    missing = [_label(columns, n) for n in columns if n in required and n not in table.present]
    table.problems[:0] = [Problem(None, MSG_MISSING.format(header=h)) for h in missing]
    if not table.rows:
        table.problems.append(Problem(None, MSG_NO_DATA))
    return table


def _map_header(cells: list[str], columns: dict[str, list[str]], aliases: dict[str, str],
                table: Table) -> dict[int, str]:
    mapping: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if not cell:
            continue
        name = aliases.get(normalize_header(cell))
        if name is None:
            table.unknown_headers.append(cell)
        elif name in seen:
            table.problems.append(Problem(table.header_line, MSG_DOUBLE.format(
                header=_label(columns, name), first=seen[name] + 1, second=index + 1)))
        else:
            seen[name] = index
            mapping[index] = name
    table.present = set(seen)
    return mapping


# --- CSV -------------------------------------------------------------------------------

def _decode(data: bytes) -> str | None:
    """BOM → its encoding; else strict UTF-8; else cp1251 if it reads as Russian; else None."""
    if data.startswith(codecs.BOM_UTF8):
        text = _try(data, "utf-8-sig")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try(data, "utf-16")
    else:
        text = _try(data, "utf-8")
        if text is None:
            text = _try(data, "cp1251")
            if text is not None and not _plausibly_russian(text):
                text = None
    if text is None or _CONTROL.search(text):
        return None
    return text


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _plausibly_russian(text: str) -> bool:
    # cp1251 decodes almost any bytes; real Russian text is mostly letters among non-ASCII.
    non_ascii = [ch for ch in text if ord(ch) > 127]
    letters = sum(1 for ch in non_ascii if _RUSSIAN_LETTER.match(ch))
    return bool(non_ascii) and letters >= 0.8 * len(non_ascii)


def _sniff(text: str, aliases: dict[str, str]) -> str:
    """The delimiter whose header row names the most known columns, then the most cells."""
    def score(delimiter: str) -> tuple[int, int, int]:
        header = next((cells for _, cells in _csv_records(text, delimiter) if any(cells)), [])
        known = sum(1 for cell in header if normalize_header(cell) in aliases)
        return known, len(header), -DELIMITERS.index(delimiter)

    return max(DELIMITERS, key=score)


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, [c.strip() for c in cells]
            start = reader.line_num + 1
    except csv.Error as err:
        raise _Unreadable(f"строка {start}: не удалось разобрать CSV ({err})") from err


# --- XLSX ------------------------------------------------------------------------------

def _xlsx_records(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = PurePath(filename).name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and the like
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise _Unreadable(MSG_BAD_XLSX.format(name=name)) from err
    try:
        if not book.worksheets:
            raise _Unreadable(MSG_NO_SHEET)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not a possibly stale dimension tag
        for index, cells in enumerate(sheet.iter_rows(), start=1):
            line = next((c.row for c in cells if getattr(c, "row", None)), index)
            yield line, [cell_text(c.value, getattr(c, "number_format", "")) for c in cells]
    finally:
        book.close()


def cell_text(value, number_format: str | None = "") -> str:
    """A cell as the trimmed text a person typed: 2335012345.0 → «2335012345»."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ИСТИНА" if value else "ЛОЖЬ"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds").removesuffix(" 00:00:00")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        text = _number_text(value)
        # A «0000000000» format shows the leading zeros Excel dropped (ИНН of region 01–09).
        if number_format and _ZEROS_FORMAT.match(number_format) and text.isdigit():
            text = text.zfill(len(number_format))
        return text
    return str(value).replace("\xa0", " ").strip()


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)
