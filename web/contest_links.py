"""Contest pages behind personal links: the invitation's application form and the applicant's
own application (see it; resubmit it after a return).

GET /l/{token} for these purposes is dispatched by `web.links` (VIEWS/PAGES); this module
adds the views' page extras and the two POST actions, for pages and for the JSON API. A
refusal of what was sent shows the form again with the entered values and the Russian
reason: people must not lose what they typed. A refused link (wrong, expired, someone
else's) is an error page, as everywhere else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from adapters.russian import file_size
from services import contest_intake, contest_queries, contest_screening, contests
from services.contest_forms import LABELS, ApplicationForm
from services.contest_intake import PURPOSE_APPLICATION
from services.errors import DomainError, LinkRefused, NotFound, UploadTooLarge
from services.links import audit_refused_request
from services.runtime import Runtime
from web.app import get_rt, status_for, templates
from web.bodies import json_object, not_text, text

router = APIRouter()
Rt = Annotated[Runtime, Depends(get_rt)]

FIELDS = ("project_title", "annotation", "head_name", "head_position", "contact_name",
          "contact_email", "contact_phone")
PAGE_APPLY = "contest_apply.html"
PAGE_APPLICATION = "contest_application.html"
# A form with five files has few parts; anything far beyond is not a browser's form.
MAX_FORM_FILES = 20
MAX_FORM_FIELDS = 50


# ---- views (registered in web.links.VIEWS) -------------------------------------------------


def apply_view(rt: Runtime, token: str) -> dict:
    """The invitation's view (contest, deadline, whether this organisation may apply)."""
    return {**contest_intake.apply_view(rt, token), "purpose": contests.PURPOSE_APPLY}


def application_view(rt: Runtime, token: str) -> dict:
    """The applicant's view of their application, with what the resubmit form needs."""
    return {**contest_screening.application_view(rt, token), "purpose": PURPOSE_APPLICATION}


def accept_attr(allowed: str) -> str:
    """The file input's `accept` from the view's «pdf, docx, jpg» (JPEG under both names)."""
    exts = [e.strip().lower() for e in (allowed or "").split(",") if e.strip()]
    if "jpg" in exts and "jpeg" not in exts:
        exts.insert(exts.index("jpg") + 1, "jpeg")
    return ",".join(f".{e}" for e in exts)


templates.env.filters["accept_attr"] = accept_attr


# ---- the actions, shared by the pages and the API -------------------------------------------


def _apply(rt: Runtime, token: str, form: ApplicationForm, files, source: str) -> dict:
    app_id = contest_intake.apply(rt, token, form, files, source=source)
    return {"application_id": app_id, "number": contest_queries.application_number(rt, app_id)}


def _resubmit(rt: Runtime, token: str, form: ApplicationForm, files, source: str) -> dict:
    return {"state": contest_screening.resubmit(rt, token, form, files)}


ACTIONS = {
    "apply": (_apply, apply_view, PAGE_APPLY),
    "resubmit": (_resubmit, application_view, PAGE_APPLICATION),
}


# ---- pages -----------------------------------------------------------------------------------


@router.post("/l/{token}/apply", name="contest_apply")
async def apply_page(request: Request, token: str, rt: Rt) -> Response:
    """The application form (multipart: fields, `files` several times, `consent`)."""
    return await _submit_page(request, rt, token, "apply")


@router.post("/l/{token}/resubmit", name="contest_resubmit")
async def resubmit_page(request: Request, token: str, rt: Rt) -> Response:
    """The corrected application, through the link of the receipt or return email."""
    return await _submit_page(request, rt, token, "resubmit")


async def _submit_page(request: Request, rt: Runtime, token: str, action: str) -> Response:
    act, view_of, page = ACTIONS[action]
    async with request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS) as data:
        values = {name: text(data.get(name)) for name in FIELDS}
        consent = text(data.get("consent"))
        try:
            files = [await _read(rt, token, action, f) for f in data.getlist("files")
                     if isinstance(f, UploadFile) and (f.filename or f.size)]
            form = ApplicationForm.from_mapping({**values, "consent": consent})
            await run_in_threadpool(act, rt, token, form, files, "link")
        except (LinkRefused, NotFound):
            raise  # the link itself is refused: the error page says why
        except DomainError as err:
            view = await run_in_threadpool(view_of, rt, token)
            return templates.TemplateResponse(
                request, page,
                {"view": view, "token": token, "values": values, "consent": bool(consent),
                 "error": err.message},
                status_code=status_for(err))
    return RedirectResponse(f"/l/{token}/done?action={action}", status_code=303)


async def _read(rt: Runtime, token: str, action: str, upload: UploadFile) -> tuple[str, bytes]:
    """The file's name and bytes, reading at most one byte over the upload limit.

    The service checks the contest's own size and types; a file over the web's limit is
    refused (and audited) here, since only its first bytes were read.
    """
    limit = rt.settings.upload_max_bytes
    data = await upload.read(limit + 1)
    name = upload.filename or ""
    if len(data) > limit:
        message = f"Файл «{name}» слишком большой: допустимо не более {file_size(limit)}"
        await run_in_threadpool(audit_refused_request, rt, token, action, message,
                                {"filename": name})
        raise UploadTooLarge(message)
    return name, data


# ---- JSON API (routes in web.api) -----------------------------------------------------------


def form_from_json(body: bytes) -> ApplicationForm:
    """The application from a JSON object; a body of another shape is refused in Russian."""
    expected = ", ".join([*FIELDS, "consent"])
    data = json_object(body)
    if data is None:
        raise DomainError(f"Неверный формат запроса: ожидается JSON-объект с полями {expected}")
    wrong = not_text(data, FIELDS, LABELS)
    if data.get("consent") is not None and not isinstance(data["consent"], bool | str):
        wrong.append(f"«{LABELS['consent']}» (consent: true)")
    if wrong:
        raise DomainError("Неверный формат запроса: текстом должны быть поля "
                          + ", ".join(wrong))
    return ApplicationForm.from_mapping(data)


async def api_act(request: Request, rt: Runtime, token: str, action: str) -> dict:
    act = ACTIONS[action][0]
    form = form_from_json(await request.body())
    return await run_in_threadpool(act, rt, token, form, [], "api")
