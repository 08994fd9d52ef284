"""Consultations on request: the public form (GET/POST /consultations) and the JSON API
(POST /api/consultations). No personal link is needed: anyone may ask for a consultation.

A refused form comes back (400) with the entered values, every problem listed (each linked to
its field) and each field at fault marked: one error per field, named by the field's
aria-describedby. A repeated open request gets a neutral «already received» page (200) that
tells nothing of the request it repeats. The API answers 201 {"id": N, "state": "submitted"};
a body that is not a JSON object of texts 400, fields at fault 422, a repeated open request
409 (the same neutral text) — each as {"error": "...", "problems": [...], "fields": [...]}.
Nothing is stored on a refusal.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from models.consultation import CONSULTATION_FORM_LABELS
from services.consultations import (
    FIELDS,
    LABELS,
    ConsultationRefused,
    DuplicateConsultation,
    consent_view,
    consented,
    submit_consultation,
)
from services.runtime import Runtime
from web.app import get_rt, templates
from web.bodies import json_object
from web.public_forms import BAD_SHAPE, read_form, received_page, shape_problems, submitted

router = APIRouter()
Rt = Annotated[Runtime, Depends(get_rt)]
PAGE = "consultation_request.html"


def _submit(rt: Runtime, values: dict[str, str], consent: Any, source: str) -> int:
    return submit_consultation(rt, **values, consent=consented(consent), source=source)


@router.get("/consultations", name="consultation_form")
def consultation_form(request: Request, rt: Rt) -> Response:
    return _page(request, consent_view(rt), values={}, consent=False)


@router.post("/consultations", name="consultation_submit")
async def consultation_submit(request: Request, rt: Rt) -> Response:
    values, consent = await read_form(request, FIELDS)
    try:
        consultation_id = await run_in_threadpool(_submit, rt, values, consent, "page")
    except DuplicateConsultation as err:
        return templates.TemplateResponse(request, PAGE, {"duplicate": err.problems[0]})
    except ConsultationRefused as err:
        wording = await run_in_threadpool(consent_view, rt)
        return _page(request, wording, values=values, consent=bool(consent), refused=err,
                     status=400)
    return RedirectResponse(f"/consultations/received?n={consultation_id}", status_code=303)


@router.get("/consultations/received", name="consultation_received")
def consultation_received(request: Request, n: str = "") -> Response:
    return received_page(request, PAGE, n, back="/consultations")


@router.post("/api/consultations", name="consultation_api")
async def consultation_api(request: Request, rt: Rt) -> Response:
    """A JSON object {organisation, requester_name, email, phone, topic, question, form,
    preferred_dates, consent: true} → 201 {"id": N, "state": "submitted"}."""
    data = json_object(await request.body())
    problems = shape_problems(data, FIELDS, LABELS)
    if problems:
        return _json_error(ConsultationRefused(problems, head=BAD_SHAPE), 400)
    try:
        consultation_id = await run_in_threadpool(_submit, rt, *submitted(data, FIELDS), "api")
    except DuplicateConsultation as err:
        return _json_error(err, 409)
    except ConsultationRefused as err:
        return _json_error(err, 422)
    return JSONResponse({"id": consultation_id, "state": "submitted"}, status_code=201)


def _json_error(err: ConsultationRefused, status: int) -> JSONResponse:
    return JSONResponse({"error": err.message, "problems": err.problems, "fields": err.fields},
                        status_code=status)


def _by_field(refused: ConsultationRefused) -> dict[str, str]:
    """{field: its problems joined}, shown beside each field as well as in the list above."""
    found: dict[str, list[str]] = {}
    for field, problem in zip(refused.fields, refused.problems, strict=False):
        found.setdefault(field, []).append(problem)
    return {field: "; ".join(problems) for field, problems in found.items()}


def _summary(refused: ConsultationRefused) -> list[tuple[str, str]]:
    """(field or "", problem) for the list above the form; a field's problem links to it."""
    fields = [*refused.fields, *[""] * (len(refused.problems) - len(refused.fields))]
    return list(zip(fields, refused.problems, strict=False))


def _page(request: Request, consent_text: str, *, values: dict, consent: bool,
          refused: ConsultationRefused | None = None, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request, PAGE,
        {"values": values, "consent": consent, "received": None,
         "head": refused.message.split(":")[0] if refused else "",
         "problems": _summary(refused) if refused else [],
         "errors": _by_field(refused) if refused else {},
         "forms": CONSULTATION_FORM_LABELS, "consent_text": consent_text},
        status_code=status)
