"""Webinar pages for participants: the personal link of a session (register, cancel), the
open registration page of a session, the feedback form; and the same actions for the API.

GET /l/{token} for the purposes "webinar.register" and "webinar.feedback" is dispatched by
`web.links` (VIEWS/PAGES). A page's POST acts and redirects back to the link's page, which
shows the new state; a refusal of what was sent shows the page again with the entered
values and the Russian reason. A refused link (wrong, expired, someone else's) is an error
page. The open page /webinars/{id} is public: no token, a personal-data consent and a
honeypot field; its confirmation letter carries the person's personal link.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from services import webinar_feedback, webinar_links
from services.audit import record_refusal
from services.errors import DomainError, LinkRefused, NotFound
from services.links import audit_refused_request
from services.runtime import Runtime
from services.webinar_feedback import PURPOSE_FEEDBACK, submit_feedback
from services.webinar_invitations import KIND, PURPOSE_REGISTER
from services.webinar_open_registration import ANONYMOUS, LABELS, open_view, register_open
from web.app import get_rt, status_for, templates
from web.bodies import json_object, text

router = APIRouter()
Rt = Annotated[Runtime, Depends(get_rt)]

PAGE_REGISTER = "webinar_register.html"
PAGE_FEEDBACK = "webinar_feedback.html"
PAGE_OPEN = "webinar_open.html"
PAGE_OPEN_DONE = "webinar_open_done.html"
PAGES = {PURPOSE_REGISTER: PAGE_REGISTER, PURPOSE_FEEDBACK: PAGE_FEEDBACK}
VIEWS = {PURPOSE_REGISTER: webinar_links.register_view,
         PURPOSE_FEEDBACK: webinar_feedback.feedback_view}
OPEN_FIELDS = tuple(LABELS)
FEEDBACK_FIELDS = ("rating", "usefulness", "comment")
HONEYPOT = "website"  # hidden from people; a filled one is a robot's form
MAX_FORM_FIELDS = 20


# ---- the personal link: register, cancel -------------------------------------------------------


@router.post("/l/{token}/register", name="webinar_register")
def register_page(request: Request, token: str, rt: Rt) -> Response:
    return _act_page(request, rt, token, "register")


@router.post("/l/{token}/cancel", name="webinar_cancel")
def cancel_page(request: Request, token: str, rt: Rt) -> Response:
    return _act_page(request, rt, token, "cancel")


def _act_page(request: Request, rt: Runtime, token: str, action: str) -> Response:
    try:
        webinar_links.act(rt, token, action, source="link")
    except (LinkRefused, NotFound):
        raise  # the link itself is refused: the error page says why
    except DomainError as err:
        return templates.TemplateResponse(
            request, PAGE_REGISTER,
            {"view": webinar_links.register_view(rt, token), "token": token,
             "error": err.message}, status_code=status_for(err))
    return RedirectResponse(f"/l/{token}?done={action}", status_code=303)


@router.post("/api/links/{token}/register")
def register_api(token: str, rt: Rt) -> dict:
    """Register through the link: {"state": "registered" | "waiting"}."""
    return {"state": webinar_links.act(rt, token, "register", source="api")}


@router.post("/api/links/{token}/cancel")
def cancel_api(token: str, rt: Rt) -> dict:
    """Cancel the registration: {"state": "cancelled"}."""
    return {"state": webinar_links.act(rt, token, "cancel", source="api")}


# ---- the feedback form ------------------------------------------------------------------------


@router.post("/l/{token}/feedback", name="webinar_feedback")
async def feedback_page(request: Request, token: str, rt: Rt) -> Response:
    """Fields rating (1–5), usefulness (1–5 or empty), comment; then the link's page."""
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as data:
        values = {name: text(data.get(name)) for name in FEEDBACK_FIELDS}
    try:
        await run_in_threadpool(_submit, rt, token, values)
    except (LinkRefused, NotFound):
        raise
    except DomainError as err:
        view = await run_in_threadpool(webinar_feedback.feedback_view, rt, token)
        return templates.TemplateResponse(
            request, PAGE_FEEDBACK,
            {"view": view, "token": token, "values": values, "error": err.message},
            status_code=status_for(err))
    return RedirectResponse(f"/l/{token}?done=feedback", status_code=303)


@router.post("/api/links/{token}/feedback")
async def feedback_api(request: Request, token: str, rt: Rt) -> dict:
    """A JSON object {"rating": 1–5, "usefulness": 1–5 or null, "comment": "…"}; returns the
    stored answer and "replaced" (true when it replaced an earlier answer)."""
    try:
        values = _json_object(await request.body(), FEEDBACK_FIELDS,
                              '{"rating": 1–5, "usefulness": 1–5, "comment": "текст"}')
        if values.get("comment") is not None and not isinstance(values["comment"], str):
            raise DomainError("Неверный формат запроса: comment должен быть текстом")
    except DomainError as err:
        await run_in_threadpool(audit_refused_request, rt, token, "feedback", err.message)
        raise
    return await run_in_threadpool(_submit, rt, token, values)


def _submit(rt: Runtime, token: str, values: dict) -> dict:
    return submit_feedback(rt, token, rating=values.get("rating"),
                           usefulness=values.get("usefulness") or None,
                           comment=values.get("comment") or "")


# ---- the open registration page --------------------------------------------------------------


@router.get("/webinars/{session_id:int}", name="webinar_open")
def open_page(request: Request, session_id: int, rt: Rt) -> Response:
    return templates.TemplateResponse(
        request, PAGE_OPEN, {"view": open_view(rt, session_id), "values": {}, "consent": False})


@router.post("/webinars/{session_id:int}", name="webinar_open_register")
async def open_register(request: Request, session_id: int, rt: Rt) -> Response:
    """The form's fields (see OPEN_FIELDS), `consent` and the empty honeypot."""
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as data:
        values = {name: text(data.get(name)) for name in OPEN_FIELDS}
        consent = bool(text(data.get("consent")))
        robot = bool(text(data.get(HONEYPOT)).strip())
    try:
        if robot:
            await run_in_threadpool(_refuse_robot, rt, session_id)
        state = await run_in_threadpool(
            lambda: register_open(rt, session_id, consent=consent, **values))
    except NotFound:
        raise
    except DomainError as err:
        view = await run_in_threadpool(open_view, rt, session_id)
        return templates.TemplateResponse(
            request, PAGE_OPEN,
            {"view": view, "values": values, "consent": consent, "error": err.message},
            status_code=status_for(err))
    return RedirectResponse(f"/webinars/{session_id}/done?state={state}", status_code=303)


@router.get("/webinars/{session_id:int}/done", name="webinar_open_done")
def open_done(request: Request, session_id: int, rt: Rt, state: str = "") -> Response:
    return templates.TemplateResponse(
        request, PAGE_OPEN_DONE, {"view": open_view(rt, session_id), "state": state})


@router.get("/api/webinars/{session_id:int}")
def open_card_api(session_id: int, rt: Rt) -> dict:
    """The session's card: topic, speaker, Moscow time, free places, whether it is open."""
    return open_view(rt, session_id)


@router.post("/api/webinars/{session_id:int}/registrations")
async def open_register_api(request: Request, session_id: int, rt: Rt) -> dict:
    """A JSON object {last_name, first_name, middle_name, email, organisation, position, phone,
    consent: true}; returns {"state": "registered" | "waiting"}."""
    shape = "{" + ", ".join(OPEN_FIELDS) + ', "consent": true}'
    values = _json_object(await request.body(), (*OPEN_FIELDS, "consent"), shape)
    wrong = [k for k in OPEN_FIELDS if values.get(k) is not None and not isinstance(values[k],
                                                                                       str)]
    if wrong:
        raise DomainError("Неверный формат запроса: текстом должны быть поля "
                          + ", ".join(wrong))
    consent = values.pop("consent", None) is True
    texts = {k: values.get(k) or "" for k in OPEN_FIELDS}
    state = await run_in_threadpool(
        lambda: register_open(rt, session_id, consent=consent, **texts))
    return {"state": state}


def _refuse_robot(rt: Runtime, session_id: int) -> None:
    err = DomainError("Форма не принята. Обновите страницу и заполните форму ещё раз.",
                      audit={"object_kind": KIND, "object_id": session_id,
                             "action": "register_open", "actor": ANONYMOUS,
                             "details": {"source": "page", "honeypot": True}})
    record_refusal(rt, err)
    raise err


# ---- helpers ----------------------------------------------------------------------------------


def _json_object(body: bytes, fields: tuple[str, ...], shape: str) -> dict[str, Any]:
    data = json_object(body)
    if data is None:
        raise DomainError(f"Неверный формат запроса: ожидается JSON-объект {shape}")
    return {k: data[k] for k in fields if k in data}


