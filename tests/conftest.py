"""Shared fixtures: an isolated aktsam home with its own store (SQLite, and PostgreSQL for every test that
takes the ``store`` fixture), and the real list files.

PostgreSQL: the tests start a throwaway server on 127.0.0.1 with ``scripts/postgres start`` (which installs
PostgreSQL from the distribution's packages if it is missing), or use ``AKTSAM_TEST_POSTGRES_URL`` when
set. One migrated template database is made per session; each test gets a fresh copy of it, dropped after.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from aktsam.settings import Settings
from aktsam.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
LISTS_DIR = ROOT / "data" / "lists"
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh temporary AKTSAM_HOME (SQLite inside it); no global state touched."""
    return Settings.for_home(tmp_path / "aktsam-home")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The SQLAlchemy URL of a running PostgreSQL server on loopback (its ``aktsam`` database); a server
    these tests started is stopped when they end."""
    url = os.environ.get("AKTSAM_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    script = str(ROOT / "scripts" / "postgres")
    was_running = subprocess.run([script, "url"], capture_output=True, check=False).returncode == 0
    started = subprocess.run([script, "start"], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        raise RuntimeError(f"scripts/postgres start failed:\n{started.stderr}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        if not was_running:
            subprocess.run([script, "stop"], capture_output=True, check=False)


def _admin(server: str) -> sa.Engine:
    return sa.create_engine(server, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_template(
    postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database migrated to head once per session; each test's database is a copy of it."""
    name = f"aktsam_template_{uuid.uuid4().hex[:12]}"
    admin = _admin(postgres_server)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(postgres_server).set(database=name)
    home = tmp_path_factory.mktemp("pg-template-home")
    open_store(Settings(home=home, database_url=url.render_as_string(hide_password=False))).close()
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_server: str, postgres_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test; dropped afterwards."""
    name = f"aktsam_test_{uuid.uuid4().hex[:12]}"
    admin = _admin(postgres_server)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    try:
        yield sa.make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Store]:
    """An open, migrated store on ``settings``' home, once on SQLite and once on PostgreSQL; closed after
    the test. (``store.settings`` carries the database URL actually used.)"""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        settings = dataclasses.replace(settings, database_url=url)
    opened = open_store(settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_store(settings: Settings) -> Iterator[Store]:
    """A store on SQLite only, for tests of SQLite specifics (pragmas, the database file)."""
    opened = open_store(settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def lists_dir() -> Path:
    """``data/lists``: the real official files (see data/lists/PROVENANCE.md)."""
    return LISTS_DIR


@pytest.fixture(scope="session")
def pristine_bundled_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the bundled list snapshot imported and the matching index built and cached, that no
    test writes to: copy it (``shutil.copytree``) for a home of a test's own with an empty register."""
    from aktsam.screening.service import Screener

    settings = Settings.for_home(tmp_path_factory.mktemp("bundled-pristine"))
    screener = Screener.open(settings)
    screener.index()
    screener.store.close()
    return settings.home


@pytest.fixture(scope="session")
def bundled_settings(
    tmp_path_factory: pytest.TempPathFactory, pristine_bundled_home: Path
) -> Settings:
    """A copy of the pristine bundled home shared by the whole test session.

    Tests that record decisions here use their own party ids so they do not see each other's; a test that
    needs an empty register copies ``pristine_bundled_home`` instead.
    """
    target = tmp_path_factory.mktemp("bundled") / "home"
    shutil.copytree(pristine_bundled_home, target)
    return Settings.for_home(target)
