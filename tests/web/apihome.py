"""A private copy of the bundled-lists home for the API tests: read-mostly tests share one app per module
instead of importing the bundled snapshot (seconds) per test, and their users and decisions stay out of the
session-wide ``bundled_settings`` home."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from aktsam import accounts
from aktsam.settings import Settings
from aktsam.store import open_store
from aktsam.store.schema import ROLES
from aktsam.web.app import create_app

PASSWORD = "correct horse battery staple"


def copy_home(source: Settings, target: Path) -> Settings:
    """``source``'s SQLite database (consistently, through SQLite's backup) and index cache in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    settings = Settings.for_home(target)
    with (
        sqlite3.connect(source.home / "aktsam.db") as src,
        sqlite3.connect(target / "aktsam.db") as dst,
    ):
        src.backup(dst)
    if source.cache_dir.is_dir():
        shutil.copytree(source.cache_dir, settings.cache_dir, dirs_exist_ok=True)
    return settings


@contextmanager
def api_client(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A client of an app on ``settings`` and one bearer header per role (users named after roles)."""
    store = open_store(settings)
    original = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        headers = {}
        for role in ROLES:
            if role not in {u.username for u in accounts.list_users(store)}:
                accounts.add_user(store, role, role=role, password=PASSWORD, actor="test")
            token, _ = accounts.create_token(store, role, name="test", actor="test")
            headers[role] = f"Bearer {token}"
        app = create_app(settings, store=store)
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
            yield client, headers
    finally:
        accounts._hasher = original
        store.close()
