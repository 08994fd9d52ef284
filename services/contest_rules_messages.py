"""Russian messages for a refused rules file: field names, validation errors, YAML syntax."""

from __future__ import annotations

from typing import Any

import yaml

from models.problems import Problem

LinePath = tuple[str | int, ...]

# The staff-facing name of every field of the rules file; the YAML key follows in brackets.
FIELDS = {
    "code": "код положения", "title": "название конкурса", "kind": "вид конкурса",
    "year": "год", "status_awarded": "присваиваемый статус",
    "status_validity_years": "срок действия статуса, лет",
    "reporting_obligations": "обязательства по отчётности",
    "eligibility": "кто может участвовать", "dates": "сроки",
    "announcement": "объявление конкурса", "intake_opens": "начало приёма заявок",
    "intake_closes": "окончание приёма заявок", "screening_until": "проверка заявок до",
    "review_due": "экспертиза до", "results": "подведение итогов", "criteria": "критерии",
    "name": "название", "description": "описание", "max_score": "максимальный балл",
    "weight": "вес", "experts_per_application": "экспертов на заявку",
    "conflicts": "конфликт интересов", "same_organisation": "эксперт из той же организации",
    "same_municipality": "эксперт из того же муниципалитета",
    "declared": "заявленный экспертом конфликт",
    "spread_flag_share": "допустимый разброс оценок экспертов",
    "tie_break": "порядок разрешения равенства баллов", "winners": "победители",
    "laureates": "лауреаты", "top": "число мест", "min_total": "минимальная сумма баллов",
    "reminders": "напоминания", "expert_before_due_days": "напоминания экспертам до срока, дней",
    "expert_after_due_days": "напоминания экспертам после срока, дней",
    "status_expiry_notice_days": "предупреждение об окончании статуса, дней",
    "application": "заявка", "number_prefix": "префикс номера",
    "allowed_extensions": "допустимые типы файлов", "max_file_mb": "наибольший размер файла, МБ",
    "max_files": "наибольшее число файлов", "resubmit_days": "срок доработки заявки, дней",
    "jury": "жюри", "chair": "председатель", "secretary": "секретарь", "members": "члены жюри",
    "position": "должность", "order": "приказ",
}
ITEMS = {  # one item of a list field
    "criteria": "критерий", "members": "член жюри", "tie_break": "позиция",
    "reporting_obligations": "обязательство", "allowed_extensions": "тип файлов",
    "expert_before_due_days": "значение", "expert_after_due_days": "значение",
}
TYPES = {
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
SPECIAL = {  # (last key, error type): message
    ("eligibility", "literal_error"):
        "неизвестное правило допуска «{input}»: укажите district (школы района) или "
        "registered_partners (сетевые партнёры с действующим договором)",
    ("kind", "literal_error"):
        "неизвестный вид конкурса «{input}»: укажите municipal или intermunicipal",
    ("winners", "missing"):
        "не задано правило определения победителей (winners): укажите top (число мест) "
        "и/или min_total (минимальную сумму баллов)",
    ("max_score", "missing"): "не указан максимальный балл (max_score)",
    ("weight", "missing"): "не указан вес (weight)",
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
    ("expected a single document", "в файле должно быть одно положение (уберите «---»)"),
)


def syntax_problem(err: yaml.YAMLError) -> Problem:
    """A YAML syntax error as a Russian problem with its line."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    text = " ".join(str(getattr(err, a, "") or "") for a in ("context", "problem"))
    what = next((ru for en, ru in SYNTAX if en in text),
                "проверьте отступы, двоеточия и кавычки")
    return Problem(mark.line + 1 if mark else None, f"ошибка синтаксиса YAML: {what}")


def problem_of(error: dict, data: dict, lines: dict[LinePath, int]) -> Problem:
    """One pydantic error as a Russian problem naming the field and, when known, its line."""
    loc = tuple(error["loc"])
    last = next((k for k in reversed(loc) if isinstance(k, str)), "")
    ctx = {**(error.get("ctx") or {}), "input": _show(error.get("input")),
           "field": "ФИО" if last == "name" and "jury" in loc else FIELDS.get(last, last),
           "key": last}
    kind = error["type"]
    if kind.startswith("ru_"):
        message = error["msg"]
    else:
        template = SPECIAL.get((last, kind)) or TYPES.get(kind, "недопустимое значение «{input}»")
        message = template.format_map(_Safe(ctx))
    # A missing field is named in the message; the place is its parent.
    where = field_label(loc[:-1] if kind == "missing" else loc, data)
    return Problem(line_of(lines, loc), f"{where}: {message}" if where else message)


def field_label(loc: LinePath, data: Any) -> str:
    """«критерий № 2 «Новизна» (novelty), вес (weight)» for ('criteria', 1, 'weight')."""
    parts: list[str] = []
    node = data
    for i, key in enumerate(loc):
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            parts.append(_item_label(loc[i - 1] if i else "", key, item))
            node = item
            continue
        if not isinstance(nxt, int):
            parts.append(f"{FIELDS.get(key, key)} ({key})" if key in FIELDS else f"«{key}»")
        node = node.get(key) if isinstance(node, dict) else None
    return ", ".join(parts)


def line_of(lines: dict[LinePath, int], path: LinePath) -> int | None:
    """The YAML line of a path, or of its nearest ancestor present in the file."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def _item_label(list_key: Any, index: int, item: Any) -> str:
    noun = ITEMS.get(list_key, FIELDS.get(list_key, "элемент"))
    label = f"{noun} № {index + 1}"
    if list_key == "criteria" and isinstance(item, dict):
        name, code = item.get("name"), item.get("code")
        label += f" «{name}»" if name else ""
        label += f" ({code})" if code else ""
    elif list_key not in ("criteria", "members") and isinstance(item, str | int | float):
        label += f" «{item}»"
    return label


def _show(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
