"""Reading request bodies the same way on every page and API route."""

from __future__ import annotations

import json
from typing import Any


def json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object; None when it is not one (broken JSON, a list, a number),
    so the caller refuses it in Russian with the fields it expects."""
    try:
        data = json.loads(body or b"{}")
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def not_text(data: dict[str, Any], fields, labels: dict[str, str]) -> list[str]:
    """«Название» (field) for each given field whose value is not a string."""
    return [f"«{labels[k]}» ({k})" for k in fields
            if data.get(k) is not None and not isinstance(data[k], str)]


def text(value: Any) -> str:
    """A form value as text; a file or a missing field is empty."""
    return value if isinstance(value, str) else ""
