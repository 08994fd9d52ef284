"""Checks across the items of a plan file, and how a problem names its place.

Shared by services.plan_spec: a section or item is named by its title or code and the start
of its wording («раздел «Теоретическая деятельность», пункт theor-2 «Проведение заседаний…»»).
"""

from __future__ import annotations

from typing import Any

from services.errors import Problem
from services.yaml_files import LinePath, line_of

SECTIONS = {
    "diagnostic": "Диагностическая деятельность",
    "theoretical": "Теоретическая деятельность",
    "practical": "Практическая деятельность",
    "methodical": "Методическая деятельность",
    "dissemination": "Трансляционная деятельность",
}
FIELDS = {
    "title": "название", "year": "год плана", "sections": "разделы", "code": "код",
    "items": "пункты", "number": "номер в плане", "activity": "деятельность",
    "schedule": "сроки", "result": "ожидаемый результат", "process": "процесс",
}
REPEATS = {
    "section": "раздел уже есть в строке {line} — перенесите пункты в один раздел",
    "code": "код «{key}» уже занят пунктом в строке {line} — коды пунктов не должны повторяться",
    "activity": "такой же пункт уже есть в этом разделе (строка {line}) — уберите повтор",
}


def empty(data: dict, lines: dict[LinePath, int]) -> list[Problem]:
    """A plan without sections, a section without items. (Checked here, not by pydantic: its
    min_length counts only the valid entries, so one bad item would also read as «empty».)"""
    found: list[Problem] = []
    if data.get("sections") == []:
        found.append(Problem(line_of(lines, ("sections",)),
                             "разделы (sections): в плане нет ни одного раздела"))
    for i, section in enumerate(_list(data.get("sections"))):
        if isinstance(section, dict) and section.get("items") == []:
            found.append(Problem(line_of(lines, ("sections", i, "items")),
                                 f"{_section_label(i, section)}, пункты (items): в разделе нет "
                                 "ни одного пункта"))
    return found


def duplicates(data: dict, lines: dict[LinePath, int]) -> list[Problem]:
    """The same section twice; an item's code used twice in the file or its wording twice
    within a section (compared without case and extra spaces)."""
    found: list[Problem] = []
    first: dict[tuple, int | None] = {}
    for kind, key, path, label in _keys(data):
        if (kind, key) in first:
            why = REPEATS[kind[0]].format(line=first[(kind, key)], key=key)
            found.append(Problem(line_of(lines, path), f"{label}: {why}"))
        else:
            first[(kind, key)] = line_of(lines, path[:-1])
    return found


def _keys(data: dict):
    """(kind, key, path, label) of every section code, item code and item wording."""
    for i, section in enumerate(_list(data.get("sections"))):
        if not isinstance(section, dict):
            continue
        if (code := _text(section.get("code"))) in SECTIONS:
            yield ("section",), code, ("sections", i, "code"), _section_label(i, section)
        for j, item in enumerate(_list(section.get("items"))):
            if not isinstance(item, dict):
                continue
            at: LinePath = ("sections", i, "items", j)
            label = f"{_section_label(i, section)}, {_item_label(j, item)}"
            if item_code := _text(item.get("code")):
                yield ("code",), item_code, (*at, "code"), label
            if activity := _text(item.get("activity")):
                yield ("activity", i), " ".join(activity.split()).casefold(), \
                    (*at, "activity"), label


def place(loc: LinePath, data: Any) -> str:
    """«раздел «…», пункт diag-1 «…», сроки (schedule)» for an error's location."""
    parts: list[str] = []
    rest = loc
    if len(loc) >= 2 and loc[0] == "sections" and isinstance(loc[1], int):
        section = _at(data.get("sections") if isinstance(data, dict) else None, loc[1])
        parts.append(_section_label(loc[1], section))
        rest = loc[2:]
        if len(rest) >= 2 and rest[0] == "items" and isinstance(rest[1], int):
            items = section.get("items") if isinstance(section, dict) else None
            parts.append(_item_label(rest[1], _at(items, rest[1])))
            rest = rest[2:]
    if rest and isinstance(rest[0], str):
        parts.append(f"{FIELDS[rest[0]]} ({rest[0]})" if rest[0] in FIELDS else f"«{rest[0]}»")
    return ", ".join(parts)


def _section_label(index: int, section: Any) -> str:
    section = section if isinstance(section, dict) else {}
    if title := _text(section.get("title")):
        return f"раздел «{_short(title)}»"
    if (code := _text(section.get("code"))) in SECTIONS:
        return f"раздел «{SECTIONS[code]}»"
    return f"{index + 1}-й раздел"


def _item_label(index: int, item: Any) -> str:
    item = item if isinstance(item, dict) else {}
    code, activity = _text(item.get("code")), _text(item.get("activity"))
    label = f"пункт {_short(code)}" if code else f"{index + 1}-й пункт"
    return f"{label} «{_short(activity)}»" if activity else label


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "…"


def _at(items: Any, index: int) -> Any:
    return items[index] if isinstance(items, list) and 0 <= index < len(items) else None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
