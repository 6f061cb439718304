"""One monitoring run at a time: a cron or hand run while another run holds the lock changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from aktsam.cli import app
from aktsam.monitoring.lock import MonitorBusyError, run_lock
from aktsam.monitoring.service import run_monitoring
from aktsam.store import Store
from aktsam.store.schema import MonitorRunRow


def _runs(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(MonitorRunRow)) or 0)


def test_a_run_while_another_holds_the_lock_is_refused_and_changes_nothing(
    any_store: Store,
) -> None:
    with run_lock(any_store) as held:
        assert held
        with pytest.raises(MonitorBusyError, match="another monitoring run is in progress"):
            run_monitoring(any_store, any_store.settings, actor="cron", notify=False)
    assert _runs(any_store) == 0
    run = run_monitoring(any_store, any_store.settings, actor="cron", notify=False)
    assert run.status == "completed" and _runs(any_store) == 1  # the lock was released


def test_the_cli_says_so_and_exits_non_zero(mstore: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKTSAM_HOME", str(mstore.settings.home))
    monkeypatch.delenv("AKTSAM_DATABASE_URL", raising=False)
    with run_lock(mstore) as held:
        assert held
        result = CliRunner().invoke(app, ["monitor", "run", "--json"])
    assert result.exit_code == 2
    assert "another monitoring run is in progress" in result.output
    assert _runs(mstore) == 0
