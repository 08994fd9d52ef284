"""Pages behind personal links: GET shows what the link allows, only POST acts.

The token in the address is the credential. Its purpose decides which page a GET shows;
a POST goes to the service of the action's purpose, which checks the token again and
audits any refusal (a partner's link used for «Согласовать» is refused and recorded).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from adapters.russian import file_size
from services import agreement_links, agreements, contests
from services.contest_intake import PURPOSE_APPLICATION
from services.contest_review import PURPOSE_REVIEW
from services.errors import LinkRefused, NotFound
from services.links import LinkClaims, read_token
from services.runtime import Runtime
from services.webinar_invitations import PURPOSE_REGISTER
from services.webinar_links import act as webinar_act
from web import contest_links, review_links, webinar_links
from web.app import get_rt, templates

router = APIRouter()
# The contest actions (apply, resubmit) take whole forms with files: their own routes,
# registered before the generic POST /l/{token}/{action} below so that they match first.
router.include_router(contest_links.router)
# The expert's review (scores per criterion, named score_<code>): likewise its own route.
router.include_router(review_links.router)
# Webinars: register/cancel/feedback on the personal links, the open page /webinars/{id}.
router.include_router(webinar_links.router)

# What a link of each purpose shows and which actions it may take.
VIEWS = {
    agreements.PURPOSE_PARTNER: agreement_links.partner_view,
    agreements.PURPOSE_APPROVAL: agreement_links.director_view,
    contests.PURPOSE_APPLY: contest_links.apply_view,
    PURPOSE_APPLICATION: contest_links.application_view,
    PURPOSE_REVIEW: review_links.review_view,
    **webinar_links.VIEWS,
}
ACTIONS = {
    agreements.PURPOSE_PARTNER: ("confirm", "upload", "decline"),
    agreements.PURPOSE_APPROVAL: ("approve", "return"),
    PURPOSE_REGISTER: ("register", "cancel"),
}
PAGES = {
    agreements.PURPOSE_PARTNER: "agreement_partner.html",
    agreements.PURPOSE_APPROVAL: "agreement_approval.html",
    contests.PURPOSE_APPLY: contest_links.PAGE_APPLY,
    PURPOSE_APPLICATION: contest_links.PAGE_APPLICATION,
    PURPOSE_REVIEW: review_links.PAGE_REVIEW,
    **webinar_links.PAGES,
}
SCAN_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

Rt = Annotated[Runtime, Depends(get_rt)]


# ---- dispatch (shared with web.api) ----------------------------------------------------------


def purpose_of(rt: Runtime, token: str) -> str | None:
    """The purpose the token claims, even when expired; None when it cannot be read."""
    try:
        return read_token(rt, token).purpose
    except LinkRefused as err:
        return err.obj.purpose if isinstance(err.obj, LinkClaims) else None


def view_link(rt: Runtime, token: str) -> dict:
    """The view of the link's page; an unreadable token is refused (and audited) by the
    partner's view, the default."""
    view = VIEWS.get(purpose_of(rt, token) or "", agreement_links.partner_view)
    return view(rt, token)


def act_on_link(rt: Runtime, token: str, action: str, *, text: str = "",
                upload: tuple[str, bytes] | None = None) -> str:
    """Perform `action`; the service of the action's purpose checks the token's purpose."""
    purpose = purpose_of(rt, token)
    if action not in ACTIONS.get(purpose or "", ()):
        purpose = next((p for p, names in ACTIONS.items() if action in names), None)
    if purpose == agreements.PURPOSE_PARTNER:
        return agreement_links.partner_act(rt, token, action, reason=text, upload=upload)
    if purpose == agreements.PURPOSE_APPROVAL:
        return agreement_links.director_act(rt, token, action, comment=text)
    if purpose == PURPOSE_REGISTER:
        return webinar_act(rt, token, action)
    raise NotFound("Такого действия по ссылке нет")


def read_upload(rt: Runtime, file: UploadFile | None) -> tuple[str, bytes]:
    """The uploaded file's name and bytes, reading at most upload_max_bytes + 1."""
    if file is None or not file.filename:
        return "", b""  # the service refuses it, and the refusal is audited
    # One byte over the limit is enough for the service to refuse (and audit) it.
    return file.filename, file.file.read(rt.settings.upload_max_bytes + 1)


# ---- routes ----------------------------------------------------------------------------------


@router.get("/l/{token}", name="link_page")
def link_page(request: Request, token: str, rt: Rt) -> Response:
    view = view_link(rt, token)
    return templates.TemplateResponse(
        request, PAGES[view["purpose"]],
        {"view": view, "token": token, "accept": SCAN_ACCEPT,
         "max_size": file_size(rt.settings.upload_max_bytes)},
    )


@router.post("/l/{token}/{action}", name="link_act")
def link_act(
    token: str,
    action: str,
    rt: Rt,
    reason: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    upload = read_upload(rt, file) if action == "upload" else None
    act_on_link(rt, token, action, text=reason or comment, upload=upload)
    return RedirectResponse(f"/l/{token}/done?action={action}", status_code=303)


@router.get("/l/{token}/document", name="link_document")
def link_document(token: str, rt: Rt) -> Response:
    """Download the agreement's current text; reading changes nothing."""
    filename, media_type, data = agreement_links.link_document(rt, token)
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/l/{token}/done", name="link_done")
def link_done(request: Request, token: str, rt: Rt, action: str = "") -> Response:
    if purpose_of(rt, token) in webinar_links.PAGES:  # their own page shows what was done
        return RedirectResponse(f"/l/{token}", status_code=303)
    view = view_link(rt, token)
    return templates.TemplateResponse(request, "done.html",
                                      {"view": view, "token": token, "action": action})
