"""Webinars on request: the public form (GET/POST /webinar-requests) and the JSON API
(POST /api/webinar-requests). No personal link is needed: anyone may ask for a webinar.

A refused form comes back with the entered values and every problem listed; the API answers
{"error": "...", "problems": [...]} with status 400. Nothing is stored on a refusal.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from services.runtime import Runtime
from services.webinar_requests import (
    CONSENT_TEXT,
    FIELDS,
    LABELS,
    RequestRefused,
    consented,
    submit_request,
)
from web.app import get_rt, templates
from web.bodies import json_object, not_text

router = APIRouter()
Rt = Annotated[Runtime, Depends(get_rt)]
PAGE = "webinar_request.html"
MAX_FORM_FIELDS = 30


def _submit(rt: Runtime, values: dict[str, str], consent: Any, source: str) -> int:
    return submit_request(rt, **values, consent=consented(consent), source=source)


@router.get("/webinar-requests", name="webinar_request_form")
def request_form(request: Request) -> Response:
    return _page(request, values={}, consent=False)


@router.post("/webinar-requests", name="webinar_request_submit")
async def request_submit(request: Request, rt: Rt) -> Response:
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as data:
        values = {name: _text(data.get(name)) for name in FIELDS}
        consent = _text(data.get("consent"))
    try:
        request_id = await run_in_threadpool(_submit, rt, values, consent, "page")
    except RequestRefused as err:
        return _page(request, values=values, consent=bool(consent), problems=err.problems,
                     status=400)
    return RedirectResponse(f"/webinar-requests/received?n={request_id}", status_code=303)


@router.get("/webinar-requests/received", name="webinar_request_received")
def request_received(request: Request, n: str = "") -> Response:
    """The thank-you page; it shows only the number it was given and reads nothing."""
    if not (n.isdigit() and len(n) < 10):
        return RedirectResponse("/webinar-requests", status_code=303)
    return templates.TemplateResponse(request, PAGE, {"received": int(n)})


@router.post("/api/webinar-requests", name="webinar_request_api")
async def request_api(request: Request, rt: Rt) -> Response:
    """A JSON object {organisation, requester_name, email, phone, topic, audience,
    preferred_dates, comment, consent: true} → 201 {"id": N, "state": "submitted"}."""
    try:
        data = _json_object(await request.body())
        request_id = await run_in_threadpool(
            _submit, rt, {k: data.get(k) or "" for k in FIELDS}, data.get("consent"), "api")
    except RequestRefused as err:
        return JSONResponse({"error": err.message, "problems": err.problems}, status_code=400)
    return JSONResponse({"id": request_id, "state": "submitted"}, status_code=201)


def _json_object(body: bytes) -> dict:
    expected = ", ".join([*FIELDS, "consent"])
    data = json_object(body)
    if data is None:
        raise RequestRefused([f"ожидается JSON-объект с полями {expected}"],
                             head="Неверный формат запроса")
    wrong = not_text(data, FIELDS, LABELS)
    if wrong:
        raise RequestRefused([f"текстом должно быть поле {w}" for w in wrong],
                             head="Неверный формат запроса")
    return data


def _page(request: Request, *, values: dict, consent: bool, problems: list[str] | None = None,
          status: int = 200) -> Response:
    return templates.TemplateResponse(
        request, PAGE,
        {"values": values, "consent": consent, "problems": problems or [],
         "consent_text": CONSENT_TEXT, "received": None},
        status_code=status)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
