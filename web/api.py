"""A small JSON API for the personal-link actions; errors are {"error": "<по-русски>"}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Request, UploadFile
from pydantic import BaseModel

from services.runtime import Runtime
from web.app import get_rt
from web.contest_links import api_act
from web.links import act_on_link, read_upload, view_link
from web.review_links import api_review

router = APIRouter()

Rt = Annotated[Runtime, Depends(get_rt)]


class ActionIn(BaseModel):
    reason: str = ""
    comment: str = ""


@router.get("/health")
def health() -> dict:
    return {"status": "ok"}


@router.get("/api/links/{token}")
def link_view(token: str, rt: Rt) -> dict:
    return view_link(rt, token)


@router.post("/api/links/{token}/upload")
def link_upload(token: str, rt: Rt, file: Annotated[UploadFile | None, File()] = None) -> dict:
    """The signed scan as multipart/form-data, field `file`."""
    return {"state": act_on_link(rt, token, "upload", upload=read_upload(rt, file))}


@router.post("/api/links/{token}/apply")
async def contest_apply(request: Request, token: str, rt: Rt) -> dict:
    """An application from the invitation link: a JSON object {project_title, annotation,
    head_name, head_position, contact_name, contact_email, contact_phone, consent: true};
    returns {"application_id", "number"}. Files go through the link's page."""
    return await api_act(request, rt, token, "apply")


@router.post("/api/links/{token}/resubmit")
async def contest_resubmit(request: Request, token: str, rt: Rt) -> dict:
    """The corrected application (the same JSON object) after a return; returns {"state"}."""
    return await api_act(request, rt, token, "resubmit")


@router.post("/api/links/{token}/review")
async def contest_review(request: Request, token: str, rt: Rt):
    """An expert's scores through their review link: a JSON object {"scores": {"<код
    критерия>": балл, ...}, "comment": "..."}; returns {"revision": N} (1, then 2, ... for each
    revision). Refused while the contest is not in review (409) or for scores out of range,
    a missing score or comment (400, each problem named)."""
    return await api_review(request, rt, token)


@router.post("/api/links/{token}/{action}")
def link_act(token: str, action: str, rt: Rt,
             payload: Annotated[ActionIn | None, Body()] = None) -> dict:
    payload = payload or ActionIn()
    return {"state": act_on_link(rt, token, action, text=payload.reason or payload.comment)}
