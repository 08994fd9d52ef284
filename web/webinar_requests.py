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
from web.bodies import json_object
from web.public_forms import BAD_SHAPE, read_form, received_page, shape_problems, submitted

router = APIRouter()
Rt = Annotated[Runtime, Depends(get_rt)]
PAGE = "webinar_request.html"


def _submit(rt: Runtime, values: dict[str, str], consent: Any, source: str) -> int:
    return submit_request(rt, **values, consent=consented(consent), source=source)


@router.get("/webinar-requests", name="webinar_request_form")
def request_form(request: Request) -> Response:
    return _page(request, values={}, consent=False)


@router.post("/webinar-requests", name="webinar_request_submit")
async def request_submit(request: Request, rt: Rt) -> Response:
    values, consent = await read_form(request, FIELDS)
    try:
        request_id = await run_in_threadpool(_submit, rt, values, consent, "page")
    except RequestRefused as err:
        return _page(request, values=values, consent=bool(consent), problems=err.problems,
                     status=400)
    return RedirectResponse(f"/webinar-requests/received?n={request_id}", status_code=303)


@router.get("/webinar-requests/received", name="webinar_request_received")
def request_received(request: Request, n: str = "") -> Response:
    return received_page(request, PAGE, n, back="/webinar-requests")


@router.post("/api/webinar-requests", name="webinar_request_api")
async def request_api(request: Request, rt: Rt) -> Response:
    """A JSON object {organisation, requester_name, email, phone, topic, audience,
    preferred_dates, comment, consent: true} → 201 {"id": N, "state": "submitted"}."""
    data = json_object(await request.body())
    problems = shape_problems(data, FIELDS, LABELS)
    if problems:
        return _json_error(RequestRefused(problems, head=BAD_SHAPE))
    try:
        request_id = await run_in_threadpool(_submit, rt, *submitted(data, FIELDS), "api")
    except RequestRefused as err:
        return _json_error(err)
    return JSONResponse({"id": request_id, "state": "submitted"}, status_code=201)


def _json_error(err: RequestRefused) -> JSONResponse:
    return JSONResponse({"error": err.message, "problems": err.problems}, status_code=400)


def _page(request: Request, *, values: dict, consent: bool, problems: list[str] | None = None,
          status: int = 200) -> Response:
    return templates.TemplateResponse(
        request, PAGE,
        {"values": values, "consent": consent, "problems": problems or [],
         "consent_text": CONSENT_TEXT, "received": None},
        status_code=status)
