"""Russian names of the rules file's fields, for messages about a refused file."""

from __future__ import annotations

from typing import Any

from models.problems import Problem
from services.yaml_files import LinePath, pydantic_problem

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
def problem_of(error: dict, data: dict, lines: dict[LinePath, int]) -> Problem:
    """One pydantic error as a Russian problem naming the field and, when known, its line."""
    return pydantic_problem(error, data, lines, field_name=_field_name, special=SPECIAL,
                            place=field_label)


def _field_name(last: str, loc: LinePath) -> str:
    return "ФИО" if last == "name" and "jury" in loc else FIELDS.get(last, last)


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
