"""Fixtures of the browser tests: the real web application in a real browser, as its users meet it.

Each backend (SQLite and PostgreSQL) gets one live server for the whole session (:func:`live_server`,
parametrised, so every browser test runs twice): a fresh ``AKTSAM_HOME`` prepared the way
``aktsam serve`` prepares one (bundled lists, demo register), the users of :data:`USERS` (password
:data:`PASSWORD`), the matching index built, and uvicorn serving :func:`aktsam.web.app.create_app` on
127.0.0.1 at a free port in a background thread. Tests on one server share its data, so each one uses
its own party ids.

The browser is the distribution's Chromium (``/usr/bin/chromium``; ``scripts/install --dev`` installs
Debian's ``chromium`` package when it is missing, set ``AKTSAM_TEST_CHROMIUM`` to use another) driven
through Playwright's sync API. Playwright's own browser download is never used. Every test gets a
fresh browser context (no cookies) and its :func:`page`; a page that throws a JavaScript error or
violates the Content Security Policy fails its test.

Typical use::

    def test_dashboard(page: Page, live_server: LiveServer) -> None:
        log_in(page, "ana")
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from aktsam.settings import Settings
from tests.browser.live import (
    BACKENDS,
    LiveServer,
    launch_chromium,
    new_context,
    prepare_home,
    start_server,
    stop_server,
)


@pytest.fixture(scope="session")
def _index_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-index-cache")


@pytest.fixture(scope="session", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, _index_cache: Path
) -> Iterator[LiveServer]:
    """The web application on a prepared home, once on SQLite and once on PostgreSQL (a fresh
    database on the test PostgreSQL server, dropped afterwards)."""
    backend: str = request.param
    home = tmp_path_factory.mktemp(f"browser-home-{backend}")
    settings = Settings.for_home(home)
    admin: sa.Engine | None = None
    database = ""
    if backend == "postgresql":
        server_url: str = request.getfixturevalue("postgres_server")
        template: str = request.getfixturevalue("postgres_template")
        database = f"aktsam_browser_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
        url = sa.make_url(server_url).set(database=database)
        settings = Settings(home=home, database_url=url.render_as_string(hide_password=False))
    try:
        prepare_home(settings, _index_cache)
        url_text, running = start_server(settings)
        try:
            yield LiveServer(url=url_text, backend=backend, settings=settings)
        finally:
            stop_server(running)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = new_context(browser, live_server.url)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page in a fresh context on the live server (``page.goto("/screening")`` works). Fails the
    test when the page throws a JavaScript error or the Content Security Policy blocks something."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    assert not problems, "\n".join(problems)


@pytest.fixture
def second_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A page in another fresh context: a second user at the same time."""
    context = new_context(browser, live_server.url)
    try:
        yield context.new_page()
    finally:
        context.close()
