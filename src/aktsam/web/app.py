"""The web application (``aktsam serve``): server-rendered pages for people, an HTTP API for systems.

:func:`create_app` builds it on one :class:`~aktsam.settings.Settings`: the store is opened once and
kept on ``app.state.store`` (with the rate limiters on ``app.state.limits`` and the settings on
``app.state.settings``). Everything needs a login except ``/login``, ``GET /health`` and
``/static``; ``tests/web/test_auth.py`` walks every route to keep it so.

Login CSRF uses a *pre-session double submit*: ``GET /login`` sets the cookie
:data:`LOGIN_CSRF_COOKIE` (random, ``HttpOnly``, ``SameSite=Strict``, path ``/login``) and puts the
same value into the form; ``POST /login`` accepts the form only when the two match, so another site
cannot log a victim into an account of its choosing. After login the session's own CSRF token takes
over (see :mod:`aktsam.web.auth`).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

import aktsam
from aktsam import accounts
from aktsam.accounts import User
from aktsam.lists import snapshots
from aktsam.monitoring import schedule
from aktsam.settings import Settings
from aktsam.store import Store, open_store
from aktsam.store.db import retrying
from aktsam.web import api, errors, pages
from aktsam.web.auth import (
    SESSION_COOKIE,
    client_address,
    csrf_protect,
    current_user,
    get_store,
    optional_user,
)
from aktsam.web.ratelimit import Limits
from aktsam.web.templating import STATIC_DIR, render

LOGIN_CSRF_COOKIE = "aktsam_login_csrf"
PUBLIC_PATHS: tuple[str, ...] = ("/login", "/health")
"""Paths reachable without a login (besides everything under ``/static``)."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

DESCRIPTION = """\
Sanctions, export-control and human-rights due diligence for surveillance and IT supply chains.

Authenticate with an API token: `Authorization: Bearer aks_…` (create one with
`aktsam users token USERNAME --name erp`). Each token may make `AKTSAM_API_RATE_LIMIT` requests a
minute (default 300); more are answered 429 with `Retry-After`.

Errors are JSON: `{"error": {"status", "code", "message", "field", "file", "row"}}`.
"""


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def _safe_next(target: str | None) -> str:
    """Only local paths: ``/parties?x=1`` yes, ``//evil.example`` or ``https://…`` no."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _health(store: Store) -> dict[str, Any]:
    current = snapshots.current_snapshots(store)
    return {
        "status": "ok",
        "version": aktsam.__version__,
        "database": store.engine.dialect.name,
        "lists_as_of": {
            s.source: s.published or (s.retrieved_at or s.imported_at).date().isoformat()
            for s in sorted(current, key=lambda s: s.source)
        },
    }


def _login_page(
    request: Request,
    *,
    error: str | None = None,
    username: str = "",
    next_path: str = "/",
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html.j2",
        {"error": error, "username": username, "next": next_path, "login_csrf": token},
        status_code=status_code,
        headers=headers,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
        path="/login",
    )
    return response


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, monitor_schedule: bool = True
) -> FastAPI:
    """The application on ``settings`` (default: from the environment). ``store`` reuses an open
    store instead of opening one (it is then not closed when the application shuts down). With
    ``monitor_schedule`` (the default) and ``AKTSAM_MONITOR_SCHEDULE`` set, the application runs list
    updates and monitoring on that schedule while it is up (:mod:`aktsam.monitoring.schedule`)."""
    settings = settings or (store.settings if store is not None else Settings.from_env())
    own_store = store is None
    opened = store if store is not None else open_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # AKTSAM_MONITOR_SCHEDULE: list updates + monitoring in a background thread (off by default)
        scheduler = schedule.scheduler_for(opened, settings) if monitor_schedule else None
        app.state.scheduler = scheduler
        if scheduler is not None:
            scheduler.start()
        yield
        if scheduler is not None:
            scheduler.stop()
        if own_store:
            opened.close()

    app = FastAPI(
        title="aktsam",
        version=aktsam.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served behind the login at /api/openapi.json
    )
    app.state.settings = settings
    app.state.store = opened
    app.state.limits = Limits(settings.api_rate_limit)
    errors.install(app)
    app.openapi_tags = api.OPENAPI_TAGS
    for api_router in api.ROUTERS:
        app.include_router(api_router)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/health", tags=["system"], summary="Liveness and list freshness (no login)")
    def health(request: Request) -> JSONResponse:
        try:
            body = _health(get_store(request))
        except Exception as exc:  # the database is down or unreadable: say so, do not crash
            return JSONResponse(
                {"status": "error", "database": opened.engine.dialect.name, "message": str(exc)},
                status_code=503,
            )
        return JSONResponse(body)

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str | None = None) -> Response:
        if optional_user(request) is not None:
            return RedirectResponse(_safe_next(next), status_code=303)
        return _login_page(request, next_path=_safe_next(next))

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=200)] = "",
        password: Annotated[str, Form(max_length=2000)] = "",
        csrf_token: Annotated[str, Form(max_length=200)] = "",
        next: Annotated[str, Form(max_length=2000)] = "/",
    ) -> Response:
        target = _safe_next(next)
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not csrf_token or not hmac.compare_digest(expected, csrf_token):
            return _login_page(
                request,
                error="The login form had expired. Please log in again.",
                username=username,
                next_path=target,
                status_code=403,
            )
        limits: Limits = request.app.state.limits
        address = client_address(request)
        wait = limits.login_blocked(username, address)
        if wait is not None:
            return _login_page(
                request,
                error=f"Too many failed logins. Try again in {(wait + 59) // 60} minute(s).",
                username=username,
                next_path=target,
                status_code=429,
                headers={"Retry-After": str(wait)},
            )
        user = retrying(
            lambda: accounts.authenticate(get_store(request), username, password, source=address)
        )
        if user is None:
            limits.login_failed(username, address)
            return _login_page(
                request,
                error="Wrong username or password.",
                username=username,
                next_path=target,
                status_code=401,
            )
        limits.login_succeeded(username, address)
        token, _csrf = retrying(lambda: accounts.start_session(get_store(request), user.id))
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(accounts.DEFAULT_SESSION_TTL.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=_is_https(request),
            path="/",
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
        return response

    @app.post("/logout", include_in_schema=False, dependencies=[Depends(csrf_protect)])
    def logout(request: Request) -> Response:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie and request.state.auth == "session":
            retrying(lambda: accounts.end_session(get_store(request), cookie))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    pages.install(app)  # the dashboard "/" and every other page (aktsam.web.pages)

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi(user: Annotated[User, Depends(current_user)]) -> JSONResponse:
        return JSONResponse(app.openapi())

    return app


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LOGIN_CSRF_COOKIE",
    "PUBLIC_PATHS",
    "SECURITY_HEADERS",
    "create_app",
]
