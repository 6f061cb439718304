"""Who is asking, and may they: FastAPI dependencies for every page and API route.

Two ways in:

* **Browser sessions.** ``POST /login`` sets the cookie :data:`SESSION_COOKIE` (``HttpOnly``,
  ``SameSite=Lax``, ``Secure`` when the request came over HTTPS, path ``/``) holding a random token;
  the store keeps only its SHA-256 (``web_sessions``), with the session's CSRF token and expiry
  (12 hours after login). Every unsafe request (POST, PUT, PATCH, DELETE) on a session must carry that
  CSRF token, as the form field ``csrf_token`` or the header ``X-CSRF-Token``
  (:func:`csrf_protect`); pages get it as ``csrf_token`` in every template, and ``base.html.j2``
  puts it into ``hx-headers`` so htmx requests carry it too.
* **API tokens.** ``Authorization: Bearer aks_…`` (``aktsam users token``). Requests with a token
  carry no ambient credentials a third-party site could abuse, so they are exempt from CSRF; each
  token may make ``AKTSAM_API_RATE_LIMIT`` requests a minute.

No credentials: 401 JSON for ``/api`` and ``/match`` (and token or JSON clients), a redirect to
``/login?next=…`` for pages. Too low a role: 403 (JSON or page). Routes get all of this by using
:func:`router` (``router(role="analyst")``) or by listing the dependencies themselves::

    @app.get("/parties")
    def parties(request: Request, user: CurrentUser) -> Response: ...

    @app.post("/hits/{id}/clear", dependencies=[Depends(csrf_protect)])
    def clear(user: Annotated[User, Depends(require_role("analyst"))]) -> Response: ...
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from aktsam import accounts
from aktsam.accounts import User
from aktsam.store import Store
from aktsam.store.db import retrying
from aktsam.web.errors import NotAuthenticated, WebError
from aktsam.web.ratelimit import Limits

SESSION_COOKIE = "aktsam_session"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def get_store(request: Request) -> Store:
    """The application's store (opened once by :func:`aktsam.web.app.create_app`)."""
    store: Store = request.app.state.store
    return store


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def optional_user(request: Request) -> User | None:
    """The logged-in user, or ``None``; sets ``request.state.user``, ``.auth`` (``"session"`` or
    ``"token"``) and ``.csrf_token``. An invalid token is a 401 (no silent fallback to the cookie);
    an API token over its rate limit a 429."""
    if hasattr(request.state, "auth"):
        cached: User | None = request.state.user
        return cached
    store = get_store(request)
    request.state.user, request.state.auth, request.state.csrf_token = None, None, None
    token = bearer_token(request)
    if token is not None:
        user = retrying(lambda: accounts.user_for_token(store, token))
        if user is None:
            raise NotAuthenticated("the API token is unknown, revoked or its user deactivated")
        limits: Limits = request.app.state.limits
        wait = limits.api.hit(accounts.sha256_hex(token))
        if wait is not None:
            raise WebError(
                429,
                f"more than {limits.api.limit} requests a minute with this token; "
                f"retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        request.state.user, request.state.auth = user, "token"
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = retrying(lambda: accounts.session_user(store, cookie))
        if found is not None:
            user, csrf = found
            request.state.user, request.state.auth, request.state.csrf_token = (
                user,
                "session",
                csrf,
            )
            return user
    request.state.auth = None
    return None


def current_user(request: Request) -> User:
    """The logged-in user (session cookie or API token); 401 / login redirect when there is none."""
    user = optional_user(request)
    if user is None:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(current_user)]
"""The logged-in user as a route parameter: ``def page(user: CurrentUser) -> Response``."""


def require_role(role: str) -> Callable[..., User]:
    """A dependency: the current user if they have ``role`` or a higher one, else 403."""
    accounts.check_role(role)

    def dependency(user: CurrentUser) -> User:
        if not user.can(role):
            raise WebError(
                403, f"this needs the {role} role; {user.username} is {user.role}", code="forbidden"
            )
        return user

    dependency.__name__ = f"require_{role}"
    return dependency


async def csrf_protect(request: Request, user: CurrentUser) -> None:
    """Reject an unsafe request made with the session cookie unless it carries the session's CSRF
    token (form field ``csrf_token`` or header ``X-CSRF-Token``); API-token requests are exempt."""
    if request.method in SAFE_METHODS or request.state.auth != "session":
        return
    expected: str = request.state.csrf_token or ""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise WebError(
            403,
            "the form is missing its CSRF token or it is stale; reload the page and try again",
            code="csrf_failed",
        )


def router(*, role: str = "viewer", **kwargs: Any) -> APIRouter:
    """An :class:`APIRouter` whose every route needs a user with ``role`` (or higher) and CSRF
    protection for unsafe methods; what the pages and the API should be built on."""
    dependencies = [Depends(require_role(role)), Depends(csrf_protect)]
    return APIRouter(dependencies=[*dependencies, *kwargs.pop("dependencies", [])], **kwargs)


__all__ = [
    "CSRF_FORM_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "CurrentUser",
    "bearer_token",
    "client_address",
    "csrf_protect",
    "current_user",
    "get_store",
    "optional_user",
    "require_role",
    "router",
]
