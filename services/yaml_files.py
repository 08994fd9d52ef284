"""Staff-edited YAML files (contest rules, webinar plans): read, locate lines, explain errors.

Shared by every loader that refuses a bad file as a whole with each problem and its line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models.problems import Problem
from services.errors import ImportRefused, NotFound

LinePath = tuple[str | int, ...]

TYPES = {  # pydantic error type → Russian message
    "missing": "не указано обязательное поле «{field}» ({key})",
    "extra_forbidden": "неизвестное поле: проверьте написание (допустимые поля — в образце)",
    "model_type": "ожидается набор полей «ключ: значение»",
    "dict_type": "ожидается набор полей «ключ: значение»",
    "tuple_type": "ожидается список (строки, начинающиеся с «- »)",
    "list_type": "ожидается список (строки, начинающиеся с «- »)",
    "date_type": "дата должна быть в виде ГГГГ-ММ-ДД, а указано «{input}»",
    "date_parsing": "дата должна быть в виде ГГГГ-ММ-ДД, а указано «{input}»",
    "date_from_datetime_parsing": "дата должна быть в виде ГГГГ-ММ-ДД, а указано «{input}»",
    "date_from_datetime_inexact": "укажите только дату, без времени",
    "int_type": "должно быть целым числом, а указано «{input}»",
    "int_parsing": "должно быть целым числом, а указано «{input}»",
    "int_from_float": "должно быть целым числом, а указано «{input}»",
    "greater_than_equal": "должно быть не меньше {ge}, а указано {input}",
    "less_than_equal": "должно быть не больше {le}, а указано {input}",
    "string_type": "ожидается текст, а указано «{input}»",
    "string_too_short": "не заполнено",
    "string_too_long": "слишком длинное значение (больше {max_length} символов)",
    "string_pattern_mismatch": "допустимы строчные латинские буквы, цифры, дефис и "
                               "подчёркивание, а указано «{input}»",
    "bool_type": "укажите true или false, а указано «{input}»",
    "bool_parsing": "укажите true или false, а указано «{input}»",
    "literal_error": "недопустимое значение «{input}»: допустимы {expected}",
}
SYNTAX = (  # a fragment of PyYAML's English problem → what staff should fix
    ("mapping values are not allowed", "двоеточие в неожиданном месте: значение, "
                                       "содержащее «: », заключите в кавычки"),
    ("could not find expected ':'", "после ключа не найдено двоеточие"),
    ("cannot start any token", "недопустимый символ (например, табуляция): для отступов "
                               "используйте пробелы"),
    ("did not find expected key", "нарушены отступы: строки одного уровня должны начинаться "
                                  "с одинакового числа пробелов"),
    ("expected <block end>", "нарушены отступы: строки одного уровня должны начинаться "
                             "с одинакового числа пробелов"),
    ("unexpected end of stream", "не закрыта кавычка или скобка"),
    ("found unexpected end", "не закрыта кавычка или скобка"),
    ("expected a single document", "в файле должен быть один документ (уберите «---»)"),
)


@dataclass(frozen=True)
class YamlFile:
    """The parsed mapping, the line of every key and item, and duplicate-key problems."""

    data: dict
    lines: dict[LinePath, int]
    problems: list[Problem]


def read_source(text_or_path: str | Path, *, what: str, noun: str) -> tuple[str, str]:
    """(text, name to show): a Path or a one-line «….yaml» string is a file, else YAML itself.

    `noun` is the genitive of what the file holds («положения», «плана»).
    """
    if isinstance(text_or_path, str) and ("\n" in text_or_path or not text_or_path.strip()
                                          or not text_or_path.endswith((".yaml", ".yml"))):
        return text_or_path, f"текст {noun}"
    path = Path(text_or_path)
    if not path.is_file():
        raise NotFound(f"Файл {noun} «{path}» не найден")
    try:
        return path.read_bytes().decode("utf-8-sig"), path.name
    except UnicodeDecodeError as err:
        raise ImportRefused(problems=[Problem(None, f"«{path.name}» не в кодировке UTF-8: "
                                                    "сохраните файл в UTF-8")], what=what) from err


def load_mapping(text: str, source_name: str, *, what: str) -> YamlFile:
    """Parse a YAML mapping; broken syntax or not a mapping is refused at once."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ImportRefused(problems=[syntax_problem(err)], what=what) from err
    except (ValueError, OverflowError) as err:  # a date that does not exist: 2024-11-31
        raise ImportRefused(problems=[_impossible_date(root, err)], what=what) from err
    if not isinstance(data, dict):
        why = "файл пуст" if data is None else "ожидается набор полей «ключ: значение»"
        raise ImportRefused(problems=[Problem(None, f"{source_name}: {why}")], what=what)
    lines: dict[LinePath, int] = {}
    problems = _walk(root, (), lines)
    return YamlFile(data, lines, problems)


def refuse_if_any(problems: list[Problem], *, what: str) -> None:
    """One ImportRefused with every distinct problem, in file order."""
    if problems:
        unique = list(dict.fromkeys(problems))
        raise ImportRefused(problems=sorted(unique, key=lambda p: (p.line is None, p.line or 0)),
                            what=what)


def syntax_problem(err: yaml.YAMLError) -> Problem:
    """A YAML syntax error as a Russian problem with its line."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    text = " ".join(str(getattr(err, a, "") or "") for a in ("context", "problem"))
    why = next((ru for en, ru in SYNTAX if en in text), "проверьте отступы, двоеточия и кавычки")
    return Problem(mark.line + 1 if mark else None, f"ошибка синтаксиса YAML: {why}")


def _impossible_date(root: yaml.Node, err: Exception) -> Problem:
    """The first value YAML reads as a date or a time that cannot be built, with its line."""
    constructor = yaml.SafeLoader("")
    for node in _scalars(root):
        if node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except (ValueError, OverflowError):
                return Problem(node.start_mark.line + 1, f"такой даты нет: {node.value}")
    return Problem(None, f"недопустимое значение: {err}")


def _scalars(root: yaml.Node):
    """Every scalar node in file order, each once (aliases repeat nodes, may even loop)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(reversed([n for pair in node.value for n in pair]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        else:
            yield node


def pydantic_problem(error: dict, data: dict, lines: dict[LinePath, int], *,
                     field_name: Callable[[str, LinePath], str],
                     special: dict[tuple[str, str], str],
                     place: Callable[[LinePath, Any], str]) -> Problem:
    """One pydantic error as a Russian problem naming the field and, when known, its line."""
    loc = tuple(error["loc"])
    last = next((k for k in reversed(loc) if isinstance(k, str)), "")
    ctx = {**(error.get("ctx") or {}), "input": show(error.get("input")),
           "field": field_name(last, loc), "key": last}
    kind = error["type"]
    if kind.startswith("ru_"):
        message = error["msg"]
    else:
        template = special.get((last, kind)) or TYPES.get(kind, "недопустимое значение «{input}»")
        message = template.format_map(_Keep(ctx))
    # A missing field is named in the message; the place is its parent.
    where = place(loc[:-1] if kind == "missing" else loc, data)
    return Problem(line_of(lines, loc), f"{where}: {message}" if where else message)


def line_of(lines: dict[LinePath, int], path: LinePath) -> int | None:
    """The YAML line of a path, or of its nearest ancestor present in the file."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def show(value: Any) -> str:
    """A value quoted back to staff, shortened."""
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class _Keep(dict):
    """format_map that leaves unknown {placeholders} as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _walk(node, path: LinePath, lines: dict[LinePath, int]) -> list[Problem]:
    """Record the line of every key and item; report keys given twice (YAML keeps the last)."""
    problems: list[Problem] = []
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(line, f"поле «{key}» указано дважды (уже было в строке "
                                              f"{seen[key]}): оставьте одно"))
            seen[key] = line
            lines[(*path, key)] = line
            problems += _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            problems += _walk(item, (*path, i), lines)
    return problems
