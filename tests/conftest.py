"""Shared fixtures: an isolated aktsam home with its own SQLite store, and the real list files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aktsam.settings import Settings
from aktsam.store import Store, open_store

LISTS_DIR = Path(__file__).resolve().parents[1] / "data" / "lists"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh temporary AKTSAM_HOME (SQLite inside it); no global state touched."""
    return Settings.for_home(tmp_path / "aktsam-home")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An open, migrated store on ``settings``; closed after the test."""
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
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home with the bundled list snapshot imported and the matching index built and cached.

    Built once per test session (it takes seconds); tests that record decisions use their own party ids so
    they do not see each other's.
    """
    from aktsam.screening.service import Screener

    settings = Settings.for_home(tmp_path_factory.mktemp("bundled-home"))
    screener = Screener.open(settings)
    screener.index()
    screener.store.close()
    return settings
