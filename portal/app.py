"""Builds the portal: the FastAPI application behind ``mi serve``.

:func:`create_app` wires the pages (``portal/pages.py``) and the API
(``portal/api.py``) to one :class:`portal.web.Portal`, and adds what every
response needs: security headers, no caching of personal pages, a small cap on
request bodies outside the two upload routes (which stream and cap their own),
and error answers in the right shape — JSON ``{"error", "message"}`` under
``/api/``, a plain page elsewhere, never echoing what was sent.

Not for: routes or rules (see the modules named above, and ``portal/performance*.py``
for the pages and routes that read the analysts' copy of the warehouse).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import traceback
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from contracts_schema.checks import looks_like_nino, mask_nino_text
from core.settings import Paths, max_concurrent_validations, upload_limit_bytes
from core.settings import paths as default_paths
from portal import api, opsdb, pages, performance_api, performance_pages
from portal.api import ApiError, error_response
from portal.performance import ratings_preview_from_env
from portal.ratelimit import RateLimits
from portal.returns import uploads_folder
from portal.uploads import sweep_stale
from portal.web import Portal, error_page

log = logging.getLogger("portal")

#: Bodies of ordinary forms (sign-in, sign-out) are tiny; anything bigger is refused unread.
SMALL_BODY_LIMIT = 64 * 1024
UPLOAD_ROUTES = {("POST", "/upload"), ("POST", api.PREFIX + "/submissions")}

_SECURITY_HEADERS = [
    # No scripts at all, styles only from ourselves, forms only to ourselves, never framed.
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class _BodyTooLarge(Exception):
    pass


#: Sent over https only (a browser ignores it over http): a year, subdomains included.
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def _route_of(scope) -> str:
    """The matched route's template (``/submissions/{submission_id}``), never the path as sent."""
    route = scope.get("route")
    return getattr(route, "path", None) or "(no route)"


def log_unhandled(exc: BaseException, scope) -> None:
    """Log an unhandled error by its type and frames, never its message (a library's message can
    quote the data it choked on: a row of a return, a NINO), nor the path or query as sent."""
    log.error(
        "unhandled %s on %s %s\n%s",
        type(exc).__name__,
        scope.get("method", "-"),
        _route_of(scope),
        "".join(traceback.format_tb(exc.__traceback__)),
    )


def _mask_values(value):
    if isinstance(value, str):
        return mask_nino_text(value) if len(value) <= 32 and looks_like_nino(value) else value
    if isinstance(value, list):
        return [_mask_values(v) for v in value]
    if isinstance(value, dict):
        return {k: _mask_values(v) for k, v in value.items()}
    return value


def mask_json(content: bytes) -> bytes:
    """A JSON answer with every value shaped like a NINO masked; the same bytes when there is none."""
    try:
        document = json.loads(content)
    except ValueError:
        return content
    masked = _mask_values(document)
    if masked == document:
        return content
    return json.dumps(masked, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def mask_csv(content: bytes) -> bytes:
    """A CSV answer with every cell shaped like a NINO masked; the same bytes when there is none."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return content
    rows = list(csv.reader(io.StringIO(text, newline="")))
    masked = [[mask_nino_text(c) if len(c) <= 32 and looks_like_nino(c) else c for c in row] for row in rows]
    if masked == rows:
        return content
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(masked)
    return out.getvalue().encode("utf-8")


class GuardMiddleware:
    """Security headers on every response, errors and 500s included; small-body cap outside the
    upload routes; unhandled errors answered here and logged without their messages; any value
    shaped like a NINO in a JSON or CSV answer masked (:func:`mask_json`, :func:`mask_csv`).

    Pure ASGI (not ``BaseHTTPMiddleware``) so that upload bodies stream through
    untouched, chunk by chunk, to the routes that cap them. An error that
    escapes the routes stops here: Starlette's outermost error middleware
    would answer without these headers and re-raise, and uvicorn would then log
    the exception with its message.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        https = scope.get("scheme") == "https"
        started = False
        held: dict | None = None  # a JSON or CSV answer's start, held until its body is whole
        mask = mask_json
        body: list[bytes] = []

        async def send_with_headers(message):
            nonlocal started, held, mask
            if message["type"] == "http.response.body" and held is not None:
                if mask is mask_csv and message.get("more_body") and not body:
                    # A CSV streamed from a file (the findings, masked when written): sent as it is.
                    start, held, started = held, None, True
                    await send(start)
                    await send(message)
                    return
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                content = mask(b"".join(body))
                headers = [(k, v) for k, v in held["headers"] if k.lower() != b"content-length"]
                start, held = {**held, "headers": [*headers, (b"content-length", b"%d" % len(content))]}, None
                started = True
                await send(start)
                await send({"type": "http.response.body", "body": content})
                return
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in _SECURITY_HEADERS if h[0] not in present]
                if https and _HSTS[0] not in present:
                    headers.append(_HSTS)
                if not path.startswith("/static/") and b"cache-control" not in present:
                    # Pages name people and show (masked) personal data: never keep them in caches.
                    headers.append((b"cache-control", b"no-store"))
                if message.get("status") == 503 and b"retry-after" not in present:
                    headers.append((b"retry-after", b"1"))
                message = {**message, "headers": headers}
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith((b"application/json", b"text/csv")):
                    held, mask = message, mask_json if b"json" in content_type else mask_csv
                    return
                started = True
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_headers, path)
        except Exception as exc:
            log_unhandled(exc, scope)
            if not started:
                held = None
                body.clear()
                await self._server_error(scope, receive, send_with_headers)

    async def _guarded(self, scope, receive, send, path: str) -> None:
        if (scope["method"], path) in UPLOAD_ROUTES:
            return await self.app(scope, receive, send)

        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > SMALL_BODY_LIMIT:
            return await self._too_large(path, receive, send)
        seen = 0
        started = False

        async def capped_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > SMALL_BODY_LIMIT:
                    raise _BodyTooLarge
            return message

        async def noting_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, capped_receive, noting_send)
        except _BodyTooLarge:
            if not started:
                await self._too_large(path, receive, send)

    @staticmethod
    async def _server_error(scope, receive, send) -> None:
        from starlette.responses import PlainTextResponse, Response

        response: Response
        request = Request(scope, receive)
        try:
            if scope["path"].startswith("/api/"):
                response = error_response(
                    500, "internal_error", "Something went wrong on our side. Nothing was lost."
                )
            else:
                response = error_page(
                    request, 500, "Sorry, there is a problem with the service", "Try again later."
                )
        except Exception:  # the error page itself failed: say it in plain text
            response = PlainTextResponse("Sorry, there is a problem with the service.", status_code=500)
        await response({"type": "http"}, receive, send)

    @staticmethod
    async def _too_large(path: str, receive, send) -> None:
        from starlette.responses import PlainTextResponse, Response

        response: Response
        if path.startswith("/api/"):
            response = error_response(413, "payload_too_large", "The request body is too large.")
        else:
            response = PlainTextResponse("The request is too large.", status_code=413)
        response.headers["connection"] = "close"
        await response({"type": "http"}, receive, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


_HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}
_HTTP_TITLES = {404: "Page not found", 405: "That cannot be done here", 403: "You cannot see this page"}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, "error")
        if _is_api(request):
            message = {
                404: "There is nothing at this address.",
                405: "This address does not accept that method.",
            }.get(exc.status_code, "The request was refused.")
            return error_response(exc.status_code, code, message, getattr(exc, "headers", None))
        title = _HTTP_TITLES.get(exc.status_code, "The request was refused")
        return error_page(
            request,
            exc.status_code,
            title,
            "Check the address, or go back to your account page."
            if exc.status_code == 404
            else "Nothing was done.",
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        # Name the fields only: pydantic's own messages quote the input, which may be file content.
        fields = sorted({str(err.get("loc", ["", "?"])[-1]) for err in exc.errors()})
        missing = all(err.get("type") == "missing" for err in exc.errors())
        message = ("Missing: " if missing else "Not valid: ") + ", ".join(fields) + "."
        if _is_api(request):
            return error_response(422, "missing_field" if missing else "invalid_field", message)
        return error_page(request, 422, "The request was not complete", message)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        # Reached only by an error in the guard itself (it answers every other one).
        log_unhandled(exc, request.scope)
        if _is_api(request):
            return error_response(
                500, "internal_error", "Something went wrong on our side. Nothing was lost."
            )
        return error_page(request, 500, "Sorry, there is a problem with the service", "Try again later.")


def create_app(
    paths: Paths | None = None,
    *,
    upload_limit: int | None = None,
    rate_limits: RateLimits | None = None,
    secure_cookies: bool | None = None,
    max_validations: int | None = None,
) -> FastAPI:
    """Build a portal over ``paths`` (default: ``MI_HOME``).

    Args:
        paths: the installation; users, sessions and the audit log live in
            ``paths.ops / "portal.sqlite"``.
        upload_limit: largest accepted file in bytes (default ``MI_UPLOAD_LIMIT_MB``).
        rate_limits: sign-in and API limits (default ``RateLimits()``).
        secure_cookies: force the cookies' ``Secure`` flag on or off; by
            default it is set when the request came over https.
        max_validations: uploads validated at once (default ``MI_MAX_VALIDATIONS``,
            2); past it an upload is answered 503 with ``Retry-After`` and not kept.
    """
    paths = paths or default_paths()
    portal = Portal(
        paths=paths,
        upload_limit=upload_limit if upload_limit is not None else upload_limit_bytes(),
        rate_limits=rate_limits or RateLimits(),
        secure_cookies=secure_cookies,
        max_validations=max_validations or max_concurrent_validations(),
    )
    paths.ensure_home()
    paths.ops.mkdir(parents=True, exist_ok=True)
    with opsdb.connect(paths):
        pass  # creates the database and its schema now, not on the first request
    sweep_stale(uploads_folder(paths))

    app = FastAPI(
        title="MI provider portal API",
        version="1",
        description="Upload quarterly MI returns and read their feedback; read your claims with the "
        "department's decisions, your payment statements and the outcomes you have not claimed. "
        "This API is a stable, "
        "versioned contract: what exists under /api/v1 only ever gains, never changes. "
        'Every error body is JSON {"error": CODE, "message": TEXT}.',
        openapi_url=api.PREFIX + "/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.portal = portal
    app.add_middleware(GuardMiddleware)
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    # A provider's claims, payments, unclaimed outcomes and ratings, read from the analysts' copy.
    app.include_router(performance_pages.router)
    app.include_router(performance_api.router)
    app.state.ratings_preview = ratings_preview_from_env()
    return app
