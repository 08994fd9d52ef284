"""The expert's review page behind a personal link: the application, the criteria and a form
for the expert's own scores; and the same action for the JSON API.

GET /l/{token} for the purpose "contest.review" is dispatched by `web.links` (VIEWS/PAGES);
this module adds the view's page extras and POST /l/{token}/review. The service
(`services.contest_review`) checks the token against the assignment and shows only the
expert's own review. A refusal of what was sent shows the form again with the entered values
and the Russian reason; a review refused because the review stage is over answers 409. A
refused link (wrong, forged, someone else's, a replaced expert's) is an error page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from services import contest_review
from services.contest_review import PURPOSE_REVIEW
from services.errors import DomainError, LinkRefused, NotFound
from services.links import audit_refused_request
from services.runtime import Runtime
from web.app import error_response, get_rt, status_for, templates
from web.bodies import json_object, text

router = APIRouter()
Rt = Annotated[Runtime, Depends(get_rt)]

PAGE_REVIEW = "contest_review.html"
SCORE_PREFIX = "score_"  # the form's field per criterion: score_<code>
MAX_FORM_FIELDS = 50  # a handful of criteria and a comment; anything far beyond is not ours


# ---- view (registered in web.links.VIEWS) ----------------------------------------------------


def review_view(rt: Runtime, token: str) -> dict:
    """The expert's view (revision None before their first review)."""
    return {**contest_review.review_view(rt, token), "purpose": PURPOSE_REVIEW}


def score_text(value: Any) -> str:
    """A score or total as people read it: «8», «8,5», «43,75»."""
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def score_value(value: Any) -> str:
    """A stored score as the number input's value (a dot, no trailing zeros)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


templates.env.filters["score_text"] = score_text
templates.env.filters["score_value"] = score_value


# ---- the page ----------------------------------------------------------------------------------


@router.post("/l/{token}/review", name="contest_review")
async def review_page(request: Request, token: str, rt: Rt) -> Response:
    """The expert's scores (fields score_<code>) and comment; then the done page."""
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as data:
        scores = {name.removeprefix(SCORE_PREFIX): text(value)
                  for name, value in data.multi_items() if name.startswith(SCORE_PREFIX)}
        comment = text(data.get("comment"))
    try:
        await run_in_threadpool(contest_review.submit_review, rt, token, scores, comment)
    except (LinkRefused, NotFound):
        raise  # the link itself is refused: the error page says why
    except DomainError as err:
        view = await run_in_threadpool(review_view, rt, token)
        return templates.TemplateResponse(
            request, PAGE_REVIEW,
            {"view": view, "token": token, "values": scores, "comment": comment,
             "error": err.message},
            status_code=status_for(err))  # a closed review is a state conflict: 409
    return RedirectResponse(f"/l/{token}/done?action=review", status_code=303)


# ---- JSON API (route in web.api) ----------------------------------------------------------------

SHAPE = ('Неверный формат запроса: ожидается JSON-объект {"scores": {"код критерия": балл}, '
         '"comment": "текст"}')


def review_from_json(body: bytes) -> tuple[dict[str, object], str]:
    """The scores and comment from a JSON object; another shape is refused in Russian."""
    data = json_object(body)
    if data is None or not isinstance(data.get("scores", {}), dict):
        raise DomainError(SHAPE)
    comment = data.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise DomainError(SHAPE + ": comment должен быть текстом")
    scores = data.get("scores", {})
    wrong = sorted(k for k, v in scores.items()
                   if isinstance(v, bool) or not isinstance(v, int | float | str))
    if wrong:
        raise DomainError(SHAPE + ": баллы должны быть числами (" + ", ".join(wrong) + ")")
    return scores, comment or ""


async def api_review(request: Request, rt: Runtime, token: str) -> Response | dict:
    try:
        scores, comment = review_from_json(await request.body())
    except DomainError as err:
        await run_in_threadpool(audit_refused_request, rt, token, "review", err.message)
        raise
    try:
        revision = await run_in_threadpool(contest_review.submit_review, rt, token, scores,
                                           comment)
    except (LinkRefused, NotFound):
        raise
    except DomainError as err:
        return error_response(request, status_for(err), err.message)
    return {"revision": revision}
