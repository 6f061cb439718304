"""Fixtures for the web application: an app on the ``store`` fixture (so every web test runs on SQLite
and on PostgreSQL), test clients, one user per role, logging in and API tokens.

Typical use::

    def test_page(client: TestClient, login: Login) -> None:
        csrf = login("analyst")                       # client now has the analyst's session
        assert client.get("/parties").status_code == 200
        client.post("/parties", data={"csrf_token": csrf, ...})

    def test_api(client: TestClient, api_token: ApiTokenFor) -> None:
        headers = {"Authorization": f"Bearer {api_token('analyst')}"}
        assert client.get("/api/parties", headers=headers).status_code == 200
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aktsam import accounts
from aktsam.accounts import User
from aktsam.settings import Settings
from aktsam.store import Store
from aktsam.store.schema import ROLES
from aktsam.web.app import create_app

PASSWORD = "correct horse battery staple"
"""The password of every user made by the ``users`` fixture."""

Login = Callable[..., str]
ApiTokenFor = Callable[[str], str]
ClientFactory = Callable[[], TestClient]

_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_from(html: str) -> str:
    """The value of the first ``csrf_token`` hidden field in a page."""
    match = _CSRF_INPUT.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2id parameters: the default (64 MiB, 3 passes) costs ~0.1 s per hash."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def app(store: Store, bundled_settings: Settings) -> FastAPI:
    """The application on the test's store (SQLite or PostgreSQL).

    The matching index built once per session for the bundled lists is copied into the test's cache: a
    fresh home imports the same bundled snapshots (same ids and hashes), so the screener finds it under
    the same key instead of spending ~13 s rebuilding it in every screening test."""
    target = store.settings.cache_dir
    target.mkdir(parents=True, exist_ok=True)
    for cached in bundled_settings.cache_dir.glob("index-*.bin"):
        shutil.copy2(cached, target / cached.name)
    return create_app(store.settings, store=store)


@pytest.fixture
def make_client(app: FastAPI) -> Iterator[ClientFactory]:
    """Makes independent clients (own cookies) of ``app``: for two users at once."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app, base_url="http://testserver", follow_redirects=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    """A client of ``app`` that does not follow redirects (so tests see 303 → /login)."""
    return make_client()


@pytest.fixture
def users(store: Store) -> dict[str, User]:
    """One active user per role, named after it (``viewer`` … ``admin``), password :data:`PASSWORD`."""
    return {
        role: accounts.add_user(
            store, role, role=role, password=PASSWORD, display_name=role.title(), actor="test"
        )
        for role in ROLES
    }


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in through the login form; return the session's CSRF token."""
    page = client.get("/login")
    assert page.status_code == 200, page.text
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
    )
    assert response.status_code == 303, response.text
    dashboard = client.get("/")
    assert dashboard.status_code == 200, dashboard.text
    return csrf_from(dashboard.text)


@pytest.fixture
def login(client: TestClient, users: dict[str, User]) -> Login:
    """``login("analyst")`` logs ``client`` in as that user and returns the session's CSRF token;
    ``login("x", other_client)`` logs another client in."""

    def do(username: str, on: TestClient | None = None, password: str = PASSWORD) -> str:
        return log_in(on or client, username, password)

    return do


@pytest.fixture
def api_token(store: Store, users: dict[str, User]) -> ApiTokenFor:
    """``api_token("erp-user")``: a fresh API token of that user (for ``Authorization: Bearer``)."""

    def make(username: str) -> str:
        token, _ = accounts.create_token(store, username, name="test", actor="test")
        return token

    return make
