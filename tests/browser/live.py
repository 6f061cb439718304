"""The live server and browser behind the browser tests (and ``scripts/screenshots.py``).

:func:`prepare_home` makes a home what ``aktsam serve`` makes of a fresh one (bundled lists, demo
register) with the users of :data:`USERS` (password :data:`PASSWORD`) and the matching index built;
:func:`start_server` serves :func:`aktsam.web.app.create_app` with uvicorn on 127.0.0.1 at a free port in
a background thread. :func:`launch_chromium` starts the distribution's Chromium (``/usr/bin/chromium``, or
``AKTSAM_TEST_CHROMIUM``) through Playwright's sync API with nothing that reaches out to the network;
Playwright's own browser download is never used. :func:`log_in` logs in through the form.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    ViewportSize,
    expect,
)

from aktsam import accounts
from aktsam.settings import Settings
from aktsam.store import open_store

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("sqlite", "postgresql")
CHROMIUM = Path(os.environ.get("AKTSAM_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start; on a closed network those connections are refused.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""How the browser is started (also by ``scripts/screenshots.py``)."""

TIMEOUT_MS = 20_000
"""How long an action or an expectation may wait: generous (a first screening loads the matching
index), but finite."""
NAVIGATION_TIMEOUT_MS = 60_000
"""How long a page load may take (uploads, reports)."""
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}

expect.set_options(timeout=TIMEOUT_MS)

PASSWORD = "correct horse battery staple"
"""The password of every user in :data:`USERS`."""
USERS: dict[str, tuple[str, str]] = {
    "admin": ("admin", "Alex Admin"),
    "ana": ("analyst", "Ana Analyst"),
    "april": ("approver", "April Approver"),
    "viewer": ("viewer", "Vic Viewer"),
}
"""Username → (role, display name) of the users every live server has."""


@dataclass(frozen=True, slots=True)
class LiveServer:
    """A running aktsam web application."""

    url: str
    """``http://127.0.0.1:PORT`` (no trailing slash)."""
    backend: str
    settings: Settings


@dataclass(slots=True)
class _Running:
    server: uvicorn.Server
    thread: threading.Thread
    errors: list[BaseException] = field(default_factory=list)


def prepare_home(settings: Settings, index_cache: Path | None = None) -> None:
    """Make ``settings``' home what ``aktsam serve`` makes of a fresh one, with :data:`USERS` (made
    before :func:`~aktsam.web.firstrun.prepare`, so no random admin password) and the matching index
    built. ``index_cache``: a folder to take a cached index from and leave it in (building the index
    takes seconds; a cached one for other snapshots is simply not used)."""
    from aktsam.screening.service import Screener
    from aktsam.web.firstrun import prepare

    store = open_store(settings)
    try:
        for username, (role, display_name) in USERS.items():
            accounts.add_user(
                store,
                username,
                role=role,
                password=PASSWORD,
                display_name=display_name,
                actor="test",
            )
        result = prepare(store, demo=True, lists=True)
        assert result.demo_loaded, result.notes
        if index_cache is not None:
            settings.cache_dir.mkdir(parents=True, exist_ok=True)
            for cached in index_cache.glob("index-*.bin"):
                shutil.copy2(cached, settings.cache_dir / cached.name)
        screener = Screener.open(settings, store=store)
        path = screener.index_path()
        if not path.exists():  # else the server loads the cached one at its first screening
            screener.index()
        if index_cache is not None and not (index_cache / path.name).exists():
            index_cache.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, index_cache / path.name)
    finally:
        store.close()


def start_server(settings: Settings) -> tuple[str, _Running]:
    """Serve ``create_app(settings)`` on 127.0.0.1 at a free port in a daemon thread; wait until it
    accepts connections. Returns its URL and what :func:`stop_server` needs."""
    from aktsam.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings), log_level="warning", lifespan="on", timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    running = _Running(server, threading.Thread())

    def serve() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported by the waiting loop below
            running.errors.append(exc)

    running.thread = threading.Thread(target=serve, name=f"aktsam-live-{port}", daemon=True)
    running.thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if running.errors or not running.thread.is_alive():
            raise RuntimeError(f"the live server did not start: {running.errors!r}")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the live server did not start within 30 s")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", running


def stop_server(running: _Running) -> None:
    running.server.should_exit = True
    running.thread.join(timeout=15)


def launch_chromium(pw: Playwright) -> Browser:
    """The distribution's Chromium, headless, with nothing that reaches out to the network."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"no Chromium at {CHROMIUM}: run scripts/install --dev (it installs Debian's chromium) "
            "or set AKTSAM_TEST_CHROMIUM"
        )
    return pw.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS), timeout=60_000
    )


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    """A fresh context (no cookies) at 1280×800 with the timeouts of this module."""
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form as a person would; wait for the logged-in page."""
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def nav_link(page: Page, name: str) -> Locator:
    """The link ``name`` of the main navigation (pages may link to the same place too)."""
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def unique_party(prefix: str) -> str:
    """A party id no other test on the same server uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


__all__ = [
    "BACKENDS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "PASSWORD",
    "USERS",
    "VIEWPORT",
    "LiveServer",
    "launch_chromium",
    "log_in",
    "log_out",
    "nav_link",
    "new_context",
    "prepare_home",
    "start_server",
    "stop_server",
    "unique_party",
]
