"""Run the ``aktsam`` command in-process (Typer's runner) against a chosen AKTSAM_HOME."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from aktsam.cli import app, context
from aktsam.settings import Settings

Invoke = Callable[..., Result]


def _runner(monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[Invoke]:
    monkeypatch.setenv("AKTSAM_HOME", str(home))
    monkeypatch.delenv("AKTSAM_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "240")
    for cached in (context.settings, context.store, context.console, context.err_console):
        cached.cache_clear()
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield invoke
    context.store().close()
    context.settings.cache_clear()
    context.store.cache_clear()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, bundled_settings: Settings) -> Iterator[Invoke]:
    """The command on the shared home with the bundled lists and a built index."""
    yield from _runner(monkeypatch, bundled_settings.home)


@pytest.fixture
def fresh_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Invoke]:
    """The command on an empty home."""
    yield from _runner(monkeypatch, tmp_path / "home")
