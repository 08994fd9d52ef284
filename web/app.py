"""The web app: participants' personal-link pages and the small JSON API.

Run with `uvicorn web.app:create_app --factory`. Routes live in `web.links` (pages) and
`web.api` (JSON); each handler calls one service. Errors are rendered here, in Russian:
a page for people, `{"error": ...}` under /api/.
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.russian import file_size
from services.errors import (
    DomainError,
    GuardRefused,
    IllegalTransition,
    LinkRefused,
    NotFound,
    UploadTooLarge,
)
from services.links import audit_refused_request
from services.runtime import TEMPLATES_DIR, Runtime, default_runtime

CENTRE_NAME = "МКУ ИМЦ Выселковский район"
CENTRE_FULL_NAME = "Муниципальное казенное учреждение информационно-методический центр"
# Room for the form fields and multipart framing around the uploaded file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_FILES_PER_FORM = 5  # the most files a contest application form sends at once

templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(TEMPLATES_DIR / "web"), autoescape=True)
)
templates.env.globals.update(centre_name=CENTRE_NAME, centre_full_name=CENTRE_FULL_NAME)


def get_rt(request: Request) -> Runtime:
    """FastAPI dependency: the runtime the app was created with."""
    return request.app.state.rt


# ---- errors -------------------------------------------------------------------------------


class BodyTooLarge(StarletteHTTPException):
    """The request body itself exceeds the upload limit; raised while it is being received."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Файл слишком большой: допустимо не более {file_size(limit)}")


def status_for(err: DomainError) -> int:
    if isinstance(err, UploadTooLarge):
        return 413
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, LinkRefused):
        return 403
    if isinstance(err, GuardRefused):
        return 400
    if isinstance(err, IllegalTransition):
        return 409
    return 400  # UploadRefused and any other refusal of what was sent


HINTS = {
    400: "Проверьте заполнение формы и попробуйте ещё раз.",
    403: "Откройте ссылку из последнего письма МКУ ИМЦ целиком. Если срок ссылки истёк или "
         "она не подходит, ответьте на письмо, в котором пришла ссылка, — вам пришлют новую.",
    404: "Проверьте адрес страницы: возможно, ссылка скопирована не полностью.",
    405: "Этот адрес принимает только отправку формы. Откройте ссылку из письма и "
         "воспользуйтесь кнопками на странице.",
    409: "Состояние изменилось — возможно, действие уже выполнено. Откройте ссылку "
         "ещё раз, чтобы увидеть текущее состояние.",
    413: "Уменьшите размер файла (например, сохраните скан в меньшем разрешении или в формате "
         "PDF) и загрузите его снова.",
    500: "Попробуйте повторить действие позже. Если ошибка повторяется, ответьте на письмо, "
         "в котором пришла ссылка.",
}
TITLES = {
    400: "Проверьте введённые данные",
    403: "Ссылка не действует",
    404: "Страница не найдена",
    405: "Действие недоступно",
    409: "Действие уже невозможно",
    413: "Файл слишком большой",
    500: "Внутренняя ошибка",
}
HTTP_MESSAGES = {
    400: "Не удалось прочитать отправленные данные.",
    404: "Такой страницы нет.",
    405: "Этот адрес нельзя открыть напрямую.",
}


def error_response(request: Request, status: int, message: str) -> Response:
    """The error as JSON under /api/, otherwise as a Russian page."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    token = request.scope.get("path_params", {}).get("token")
    return templates.TemplateResponse(
        request, "error.html",
        {"status": status, "title": TITLES.get(status, "Ошибка"), "message": message,
         "hint": HINTS.get(status, ""), "token": token},
        status_code=status,
    )


async def _domain_error(request: Request, err: DomainError) -> Response:
    return error_response(request, status_for(err), err.message)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if isinstance(exc, BodyTooLarge):
        audit_oversize(request.scope, exc.detail)
        return error_response(request, 413, exc.detail)
    message = HTTP_MESSAGES.get(exc.status_code, "Запрос не может быть выполнен.")
    return error_response(request, exc.status_code, message)


LINK_PATH = re.compile(r"^/(?:api/links|l)/([^/]+)/([a-z_]+)$")


def audit_oversize(scope: Scope, message: str) -> None:
    """A body refused for its size never reaches a service: audit it against the link here."""
    match = LINK_PATH.match(scope.get("path", ""))
    if match:
        token, action = match.groups()
        audit_refused_request(scope["app"].state.rt, token, action, message,
                              {"content_length": dict(scope["headers"]).get(
                                  b"content-length", b"").decode() or "неизвестна"})


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return error_response(request, 400, "Неверный формат запроса: ожидается JSON-объект "
                                        "с полями reason или comment (текст).")


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(request, 500, "Не удалось выполнить действие из-за внутренней ошибки.")


# ---- middleware ------------------------------------------------------------------------------


class BodyLimit:
    """Refuse request bodies over the upload limit without buffering them.

    A declared Content-Length over the limit is refused at once; otherwise the body is
    counted while it is received and BodyTooLarge is raised as soon as it overflows.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        upload_limit = scope["app"].state.rt.settings.upload_max_bytes
        if scope.get("path", "").endswith(("/apply", "/resubmit")):
            # A contest application carries several files; each is checked by the service.
            upload_limit *= MAX_FILES_PER_FORM
        limit = upload_limit + FORM_OVERHEAD_BYTES
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            exc = BodyTooLarge(upload_limit)
            audit_oversize(scope, exc.detail)
            response = error_response(Request(scope), 413, exc.detail)
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(upload_limit)
            return message

        await self.app(scope, counted, send)


SECURITY_HEADERS = [
    # The token in the address is the credential: never send it on as a Referer.
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"x-robots-tag", b"noindex, nofollow"),
    (b"content-security-policy",
     b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


# ---- the app -------------------------------------------------------------------------------


def create_app(rt: Runtime | None = None) -> FastAPI:
    """The web app over `rt` (default: settings from the environment)."""
    from web import api, consultations, links, webinar_requests

    app = FastAPI(title=f"{CENTRE_NAME}: персональные ссылки", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.rt = rt or default_runtime()
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)
    app.include_router(links.router)
    app.include_router(webinar_requests.router)  # /webinar-requests, /api/webinar-requests
    app.include_router(consultations.router)  # /consultations, /api/consultations
    app.include_router(api.router)
    return app


app = create_app  # `uvicorn web.app:app --factory` works as well
