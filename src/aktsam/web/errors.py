"""Errors the web application answers with: JSON for the API, a page for the browser.

Every JSON error has one shape, saying what was wrong and where::

    {"error": {"status": 422, "code": "invalid_input", "message": "...",
               "field": "name", "file": null, "row": null}}

``field`` / ``file`` / ``row`` come from :class:`aktsam.errors.InputError` (and from FastAPI's
request validation, whose field is the dotted path of the offending parameter, e.g.
``"parties.0.name"``). Codes: ``invalid_input`` (422), ``not_authenticated`` (401), ``forbidden``
(403), ``csrf_failed`` (403), ``not_found`` (404), ``method_not_allowed`` (405),
``rate_limited`` (429, with ``Retry-After``), ``config_error`` (500).

Who gets JSON: requests under ``/api`` and ``/match``, requests with an ``Authorization: Bearer``
token, and requests that accept ``application/json`` but not ``text/html``. Everyone else (browsers,
htmx) gets an error page, and a 401 becomes a redirect to ``/login?next=…``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from aktsam.errors import ConfigError, InputError, NotFoundError

JSON_PREFIXES: tuple[str, ...] = ("/api/", "/api", "/match")

CODES: dict[int, str] = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class WebError(Exception):
    """An error with an HTTP status and a machine-readable ``code``; raise it from routes and
    dependencies (``raise WebError(409, "already decided", code="conflict")``)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")
        self.field = field
        self.headers = headers or {}


class NotAuthenticated(WebError):
    """No valid session or token: 401 JSON for the API, a redirect to the login page otherwise."""

    def __init__(self, message: str = "log in or send an API token (Authorization: Bearer aks_…)"):
        super().__init__(401, message, headers={"WWW-Authenticate": "Bearer"})


def wants_json(request: Request) -> bool:
    """Whether the error should be JSON: API paths, and clients that do not accept HTML."""
    path = request.url.path
    if path == "/api" or path.startswith(JSON_PREFIXES):
        return True
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_body(
    status: int,
    message: str,
    *,
    code: str | None = None,
    field: str | None = None,
    file: str | None = None,
    row: int | None = None,
) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "code": code or CODES.get(status, "error"),
            "message": message,
            "field": field,
            "file": file,
            "row": row,
        }
    }


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    code: str | None = None,
    field: str | None = None,
    file: str | None = None,
    row: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The JSON error, or the error page for a browser (401 on a page: redirect to the login)."""
    if wants_json(request):
        body = error_body(status, message, code=code, field=field, file=file, row=row)
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401:
        from urllib.parse import quote

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from aktsam.web.templating import render

    where = ", ".join(
        part
        for part in (
            file,
            f"row {row}" if row is not None else None,
            f"field {field!r}" if field else None,
        )
        if part
    )
    return render(
        request,
        "error.html.j2",
        {
            "status": status,
            "code": code or CODES.get(status, "error"),
            "message": message,
            "where": where,
        },
        status_code=status,
        headers=headers,
    )


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


def install(app: FastAPI) -> None:
    """Register the exception handlers on ``app``."""

    async def on_web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        return error_response(
            request, exc.status, exc.message, code=exc.code, field=exc.field, headers=exc.headers
        )

    async def on_input_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, InputError)
        return error_response(
            request, 422, exc.message, field=exc.field, file=exc.file, row=exc.row
        )

    async def on_not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, str(exc))

    async def on_config_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 500, str(exc), code="config_error")

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = list(exc.errors())
        first = problems[0] if problems else {}
        field = _field_path(first.get("loc", ()))
        message = "; ".join(
            f"{_field_path(p.get('loc', ()))}: {p.get('msg', 'invalid')}" for p in problems
        )
        return error_response(request, 422, message or "invalid request", field=field)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers) if exc.headers else None
        return error_response(request, exc.status_code, str(exc.detail), headers=headers)

    app.add_exception_handler(WebError, on_web_error)
    app.add_exception_handler(InputError, on_input_error)
    app.add_exception_handler(NotFoundError, on_not_found)
    app.add_exception_handler(ConfigError, on_config_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


__all__ = [
    "CODES",
    "NotAuthenticated",
    "WebError",
    "error_body",
    "error_response",
    "install",
    "wants_json",
]
