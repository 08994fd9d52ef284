"""What the public «on request» forms share (webinar requests, consultations): reading the
page form, the thank-you page and checking the shape of a JSON body. Each route module keeps
its own answers to a refusal."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from web.app import templates
from web.bodies import not_text, text

MAX_FORM_FIELDS = 30
BAD_SHAPE = "Неверный формат запроса"


async def read_form(request: Request, fields) -> tuple[dict[str, str], str]:
    """The form's text fields and its consent checkbox (files are not accepted)."""
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as data:
        return {name: text(data.get(name)) for name in fields}, text(data.get("consent"))


def received_page(request: Request, page: str, n: str, back: str) -> Response:
    """The thank-you page; it shows only the number it was given and reads nothing."""
    if not (n.isdigit() and len(n) < 10):
        return RedirectResponse(back, status_code=303)
    return templates.TemplateResponse(request, page, {"received": int(n)})


def shape_problems(data: dict[str, Any] | None, fields, labels: dict[str, str]) -> list[str]:
    """What is wrong with the shape of a JSON body (`json_object`'s answer), in Russian: not an
    object, or fields that are not text; empty when the shape is right."""
    if data is None:
        return [f"ожидается JSON-объект с полями {', '.join([*fields, 'consent'])}"]
    return [f"текстом должно быть поле {w}" for w in not_text(data, fields, labels)]


def submitted(data: dict[str, Any], fields) -> tuple[dict[str, str], Any]:
    """The field values (a missing or null field is empty) and the consent of a JSON body."""
    return {k: data.get(k) or "" for k in fields}, data.get("consent")
