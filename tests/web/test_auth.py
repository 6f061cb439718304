"""Logins, sessions, tokens, roles, CSRF, rate limits and errors of the web application."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Annotated

import pytest
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Form, Query
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from aktsam import accounts
from aktsam.accounts import User
from aktsam.errors import InputError, NotFoundError
from aktsam.store import Store, trail
from aktsam.store.schema import AuditLogRow, UserRow
from aktsam.web.app import PUBLIC_PATHS, create_app
from aktsam.web.auth import SESSION_COOKIE, CurrentUser, router
from tests.web.conftest import PASSWORD, ApiTokenFor, ClientFactory, Login, csrf_from

JSON = {"Accept": "application/json"}


def _add_test_routes(app: FastAPI) -> None:
    """Routes as the pages and the API will have them, built on ``aktsam.web.auth.router``."""
    viewer = router(role="viewer")
    approver = router(role="approver")

    @viewer.get("/api/test/me")
    def me(user: CurrentUser) -> dict[str, str]:
        return {"username": user.username, "role": user.role}

    @viewer.post("/api/test/echo")
    def echo(user: CurrentUser) -> dict[str, str]:
        return {"username": user.username}

    @viewer.post("/test/form")
    def form(user: CurrentUser) -> dict[str, str]:
        return {"username": user.username}

    @viewer.post("/test/named")
    def named(user: CurrentUser, name: Annotated[str, Form()]) -> dict[str, str]:
        return {"name": name}

    @approver.get("/api/test/approve")
    def approve(user: CurrentUser) -> dict[str, str]:
        return {"ok": user.username}

    @approver.get("/test/approve-page")
    def approve_page(user: CurrentUser) -> dict[str, str]:
        return {"ok": user.username}

    @viewer.get("/api/test/input-error")
    def input_error() -> None:
        raise InputError("no such column", file="parties.csv", row=3, field="country")

    @viewer.get("/api/test/missing")
    def missing() -> None:
        raise NotFoundError("no party 'P-9'")

    @viewer.get("/api/test/validated")
    def validated(limit: Annotated[int, Query(ge=1)]) -> dict[str, int]:
        return {"limit": limit}

    app.include_router(viewer)
    app.include_router(approver)


@pytest.fixture
def routes_app(app: FastAPI) -> FastAPI:
    _add_test_routes(app)
    return app


def all_routes(app: FastAPI) -> list[tuple[str, set[str]]]:
    """``(path, methods)`` of every FastAPI route, those of included routers too (FastAPI keeps
    those behind an ``_IncludedRouter`` entry in ``app.routes``)."""
    found: list[tuple[str, set[str]]] = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            assert context.path is not None and context.methods is not None
            found.append((context.path, set(context.methods)))
    return found


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def unprotected_routes(app: FastAPI, client: TestClient) -> list[str]:
    """Every ``METHOD path`` outside :data:`PUBLIC_PATHS` that answers an anonymous request with
    anything but 401 (API) or a redirect to the login page."""
    leaks = []
    for path, methods in all_routes(app):
        if path in PUBLIC_PATHS:
            continue
        for method in sorted(methods):
            response = client.request(method, _concrete(path))
            if response.status_code == 303 and response.headers["location"].startswith(
                "/login?next="
            ):
                continue
            if (
                response.status_code == 401
                and response.json()["error"]["code"] == "not_authenticated"
            ):
                continue
            leaks.append(f"{method} {path}")
    return leaks


def test_nothing_is_reachable_without_login(routes_app: FastAPI, client: TestClient) -> None:
    """Every route but the public ones answers 401 (API) or redirects to the login page; this walks
    the application's routes, so it keeps guarding the routes added later."""
    assert unprotected_routes(routes_app, client) == []
    paths = {path for path, _ in all_routes(routes_app)}
    assert {"/", "/logout", "/api/openapi.json", "/api/test/me", "/test/form"} <= paths
    assert paths & set(PUBLIC_PATHS) == {"/login", "/health"}


def test_the_route_walk_finds_an_unprotected_route(app: FastAPI, client: TestClient) -> None:
    extra = APIRouter(prefix="/api/x")

    @extra.get("/open/{item_id}")
    def leak(item_id: int) -> dict[str, int]:
        return {"item": item_id}

    app.include_router(extra)
    assert unprotected_routes(app, client) == ["GET /api/x/open/{item_id}"]


def test_public_paths(client: TestClient, store: Store) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok"
    assert body["database"] == store.engine.dialect.name
    assert body["lists_as_of"] == {}
    assert client.get("/login").status_code == 200
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200
    assert "htmx" in htmx.text[:200]
    assert client.get("/static/aktsam.css").status_code == 200


def test_page_redirects_to_login_with_next(client: TestClient) -> None:
    response = client.get("/?tab=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F%3Ftab%3D1"


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"


def test_login_page_is_accessible_without_javascript(client: TestClient) -> None:
    html = client.get("/login").text
    assert '<html lang="en">' in html
    assert 'href="#main"' in html
    assert '<label for="username">' in html
    assert '<label for="password">' in html
    assert 'method="post" action="/login"' in html
    assert 'autocomplete="current-password"' in html


def test_login_and_logout(
    client: TestClient, login: Login, users: dict[str, User], store: Store
) -> None:
    csrf = login("analyst")
    cookie = next(c for c in client.cookies.jar if c.name == SESSION_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly")
    page = client.get("/")
    assert page.status_code == 200
    for label in ("Dashboard", "Screening", "Devices", "Parties", "Lists", "Audit trail"):
        assert f">{label}</a>" in page.text
    assert "Analyst" in page.text
    assert 'aria-label="Main"' in page.text
    assert "X-CSRF-Token" in page.text  # htmx requests carry the token
    # logged in: /login goes to the dashboard
    assert client.get("/login").headers["location"] == "/"
    out = client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert client.get("/").status_code == 303
    with store.session() as session:
        actions = [e.action for e in trail.entries(session, object_type="user")]
        last_login = session.scalar(
            sa.select(UserRow.last_login_at).where(UserRow.username == "analyst")
        )
    assert actions[-2:] == ["login", "logout"]
    assert last_login is not None


def test_wrong_password_and_unknown_user(
    client: TestClient, users: dict[str, User], store: Store
) -> None:
    for username, password in (("analyst", "wrong password 123"), ("nobody", PASSWORD)):
        form = client.get("/login").text
        response = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf_from(form)},
        )
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert SESSION_COOKIE not in response.cookies
    with store.session() as session:
        failed = [e for e in trail.entries(session) if e.action == "login.failed"]
    assert [(e.object_id, (e.after or {})["reason"]) for e in failed] == [
        ("analyst", "wrong password"),
        ("nobody", "unknown user"),
    ]


def test_login_needs_the_login_csrf_token(client: TestClient, users: dict[str, User]) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.cookies
    fresh = TestClient(client.app, follow_redirects=False)  # no pre-session cookie at all
    response = fresh.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403


def test_login_redirects_only_to_local_paths(client: TestClient, users: dict[str, User]) -> None:
    for target, expected in (("/lists?x=1", "/lists?x=1"), ("//evil.example/", "/"),
                             ("https://evil.example/", "/")):  # fmt: skip
        client.cookies.clear()
        form = client.get("/login").text
        response = client.post(
            "/login",
            data={
                "username": "viewer",
                "password": PASSWORD,
                "csrf_token": csrf_from(form),
                "next": target,
            },
        )
        assert response.headers["location"] == expected


def test_failed_logins_are_rate_limited(client: TestClient, users: dict[str, User]) -> None:
    form = client.get("/login").text
    token = csrf_from(form)
    for _ in range(10):
        response = client.post(
            "/login", data={"username": "analyst", "password": "x" * 12, "csrf_token": token}
        )
        assert response.status_code == 401
    blocked = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "Too many failed logins" in blocked.text
    # another user from the same address is not locked out by the first one's failures
    other = client.post(
        "/login", data={"username": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert other.status_code == 303


def test_csrf_on_session_requests(routes_app: FastAPI, client: TestClient, login: Login) -> None:
    csrf = login("viewer")
    refused = client.post("/test/form", data={"x": "1"})
    assert refused.status_code == 403
    assert "CSRF" in refused.text
    wrong = client.post("/api/test/echo", headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "csrf_failed"
    assert client.post("/test/form", data={"csrf_token": csrf}).status_code == 200
    named = client.post("/test/named", data={"csrf_token": csrf, "name": "Nordvakt"})
    assert named.json() == {"name": "Nordvakt"}
    assert client.post("/test/named", data={"name": "Nordvakt"}).status_code == 403
    multipart = client.post(
        "/test/named", data={"csrf_token": csrf, "name": "x"}, files={"f": ("a.txt", b"a")}
    )
    assert multipart.status_code == 200
    ok = client.post("/api/test/echo", headers={"X-CSRF-Token": csrf})
    assert ok.json() == {"username": "viewer"}
    # logout is a state change too
    assert client.post("/logout").status_code == 403
    assert client.get("/").status_code == 200


def test_bearer_tokens(
    routes_app: FastAPI, client: TestClient, api_token: ApiTokenFor, store: Store
) -> None:
    token = api_token("analyst")
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/test/me", headers=auth).json() == {
        "username": "analyst",
        "role": "analyst",
    }
    # no CSRF token needed: a bearer token is no ambient credential
    assert client.post("/api/test/echo", headers=auth).status_code == 200
    bad = client.get("/api/test/me", headers={"Authorization": "Bearer aks_not-a-token"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"
    assert bad.json()["error"]["code"] == "not_authenticated"
    (record,) = accounts.list_tokens(store, "analyst")
    assert record.last_used_at is not None
    accounts.revoke_token(store, record.id, actor="admin")
    assert client.get("/api/test/me", headers=auth).status_code == 401


def test_deactivated_user_loses_sessions_and_tokens(
    routes_app: FastAPI, client: TestClient, login: Login, api_token: ApiTokenFor, store: Store
) -> None:
    token = api_token("analyst")
    login("analyst")
    accounts.deactivate(store, "analyst", actor="admin")
    assert client.get("/").status_code == 303
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/test/me", headers=auth).status_code == 401
    form = client.get("/login").text
    response = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": csrf_from(form)}
    )
    assert response.status_code == 401


def test_api_rate_limit(store: Store, users: dict[str, User], api_token: ApiTokenFor) -> None:
    app = create_app(dataclasses.replace(store.settings, api_rate_limit=3), store=store)
    _add_test_routes(app)
    client = TestClient(app)
    auth = {"Authorization": f"Bearer {api_token('viewer')}"}
    assert [client.get("/api/test/me", headers=auth).status_code for _ in range(3)] == [200] * 3
    limited = client.get("/api/test/me", headers=auth)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0
    other = {"Authorization": f"Bearer {api_token('analyst')}"}
    assert client.get("/api/test/me", headers=other).status_code == 200


def test_roles(
    routes_app: FastAPI, make_client: ClientFactory, login: Login, api_token: ApiTokenFor
) -> None:
    analyst = {"Authorization": f"Bearer {api_token('analyst')}"}
    denied = make_client().get("/api/test/approve", headers=analyst)
    assert denied.status_code == 403
    assert denied.json()["error"] == {
        "status": 403,
        "code": "forbidden",
        "message": "this needs the approver role; analyst is analyst",
        "field": None,
        "file": None,
        "row": None,
    }
    for role, status in (("approver", 200), ("admin", 200)):
        auth = {"Authorization": f"Bearer {api_token(role)}"}
        assert make_client().get("/api/test/approve", headers=auth).status_code == status
    page_client = make_client()
    login("viewer", page_client)
    page = page_client.get("/test/approve-page")
    assert page.status_code == 403
    assert "text/html" in page.headers["content-type"]
    assert "this needs the approver role" in page.text


def test_session_expiry(client: TestClient, users: dict[str, User], store: Store) -> None:
    token, _ = accounts.start_session(store, users["viewer"].id, ttl=timedelta(seconds=-1))
    client.cookies.set(SESSION_COOKIE, token)
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert accounts.session_user(store, token) is None
    live, _ = accounts.start_session(store, users["viewer"].id)
    client.cookies.set(SESSION_COOKIE, live)
    assert client.get("/").status_code == 200


def test_json_errors(routes_app: FastAPI, client: TestClient, api_token: ApiTokenFor) -> None:
    auth = {"Authorization": f"Bearer {api_token('viewer')}"}
    response = client.get("/api/test/input-error", headers=auth)
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "status": 422,
            "code": "invalid_input",
            "message": "no such column",
            "field": "country",
            "file": "parties.csv",
            "row": 3,
        }
    }
    missing = client.get("/api/test/missing", headers=auth)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    invalid = client.get("/api/test/validated?limit=0", headers=auth)
    assert invalid.status_code == 422
    assert invalid.json()["error"]["field"] == "limit"
    assert "limit" in invalid.json()["error"]["message"]
    unknown = client.get("/api/nope", headers=auth)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"


def test_openapi_needs_login_and_documents_the_api(
    routes_app: FastAPI, client: TestClient, api_token: ApiTokenFor
) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/api/openapi.json").status_code == 401
    auth = {"Authorization": f"Bearer {api_token('viewer')}"}
    schema = client.get("/api/openapi.json", headers=auth).json()
    assert schema["info"]["title"] == "aktsam"
    assert "/health" in schema["paths"]
    assert "/api/test/me" in schema["paths"]


def test_dashboard_shows_list_freshness(client: TestClient, login: Login) -> None:
    login("viewer")
    html = client.get("/").text
    assert "List freshness" in html
    assert "un-sc" in html
    assert "not imported" in html


def test_trail_records_user_changes_without_secrets(
    client: TestClient, login: Login, store: Store, api_token: ApiTokenFor
) -> None:
    login("analyst")
    accounts.set_password(store, "analyst", "another long password", actor="admin")
    accounts.set_role(store, "analyst", "approver", actor="admin")
    token = api_token("viewer")
    with store.session() as session:
        entries = trail.entries(session)
        assert trail.verify(session).ok
        hashes = list(session.scalars(sa.select(UserRow.password_hash)))
        text = " ".join(trail.canonical(trail._content(e)) for e in entries)
        n_rows = session.scalar(sa.select(sa.func.count()).select_from(AuditLogRow))
    assert n_rows == len(entries)
    actions = [e.action for e in entries]
    assert actions.count("user.add") == 4
    assert {"login", "user.password", "user.role", "token.create"} <= set(actions)
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert "$argon2" not in text
    for secret in (PASSWORD, "another long password", token, *hashes):
        assert secret not in text
    # the old session ended with the password change
    assert client.get("/").status_code == 303
