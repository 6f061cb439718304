"""Monitoring runs on the real bundled lists: full then delta, alerts, idempotency, crash safety."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from aktsam.diligence.register import add_party, update_party
from aktsam.errors import ConfigError
from aktsam.lists.model import ListedEntity, Schema
from aktsam.monitoring import run as run_module
from aktsam.monitoring.service import (
    list_alerts,
    run_monitoring,
    unwatch,
    watch_file,
)
from aktsam.screening.service import Screener
from aktsam.settings import Settings
from aktsam.store.db import Store
from aktsam.store.schema import AuditLogRow, MonitorAlertRow, MonitorRunRow
from aktsam.store.trail import verify

from .conftest import publish_un, un_entities


def _entities(store: Store) -> tuple[ListedEntity, ListedEntity, ListedEntity]:
    ents = [e for e in un_entities(store) if e.schema is Schema.PERSON]
    return ents[5], ents[10], ents[20]


def _register(store: Store, persons: tuple[ListedEntity, ...]) -> None:
    for number, entity in enumerate(persons, start=1):
        add_party(store, f"p{number}", entity.caption, actor="t", kind="person", roles=["customer"])
    add_party(store, "acme", "Acme Widgets Norge AS", actor="t", roles=["supplier"])


def _kinds(run: object) -> list[tuple[str, str | None, str | None]]:
    return sorted(
        (a.kind, a.party_id, a.entity_id)
        for a in run.alerts  # type: ignore[attr-defined]
        if a.kind != "list-stale"
    )


def test_first_run_is_full_then_idempotent(any_store: Store, home: Settings) -> None:
    e1, e2, _ = _entities(any_store)
    _register(any_store, (e1, e2))
    first = run_monitoring(any_store, home, actor="t", notify=False)
    assert first.mode == "full" and first.counts["mode_reason"] == "first run"
    hits = {(a.party_id, a.entity_id) for a in first.alerts if a.kind == "new-hit"}
    assert ("p1", e1.id) in hits and ("p2", e2.id) in hits
    assert not any(a.party_id == "acme" for a in first.alerts)
    alert = next(a for a in first.alerts if a.entity_id == e1.id)
    assert alert.score is not None and alert.score >= 0.7 and alert.explanation
    assert alert.explanation["designation"] == e1.id  # the UN entry is linked to no other here
    assert alert.snapshot_id in first.snapshot_ids and alert.status == "open"
    second = run_monitoring(any_store, home, actor="t", notify=False)
    assert second.mode == "delta" and second.alerts == []
    assert second.counts["parties_screened"] == 0 and second.counts["candidates"] == 0


def test_list_change_new_hit_changed_listing_delisted(any_store: Store, home: Settings) -> None:
    e1, e2, e3 = _entities(any_store)
    # p3 is a customer named as a UN designee that is not on the list yet: removed first, added back
    _register(any_store, (e1, e2, e3))
    publish_un(any_store, remove={e3.id}, day="2099-01-01")
    first = run_monitoring(any_store, home, actor="t", notify=False)
    assert not any(a.entity_id == e3.id for a in first.alerts)
    # clear p2's hit on the UN listing (a false positive, say)
    screener = Screener(any_store, home)
    screener.decide(
        party_id="p2", entity_id=e2.id, decision="false_positive", reason="dob differs", actor="a"
    )
    cleared = list_alerts(any_store, party_id="p2", kind="new-hit").items
    assert any(a.entity_id == e2.id and a.status == "reviewed" for a in cleared)
    # the update: e3 designated (back), e2's listing changes (new alias), e1 delisted
    publish_un(
        any_store,
        add=[e3],
        change={e2.id: ["Another Known Alias"]},
        remove={e1.id},
        day="2099-01-02",
    )
    run = run_monitoring(any_store, home, actor="t", notify=False)
    assert run.mode == "delta"
    assert run.counts["entities_added"] == 1 and run.counts["entities_changed"] == 1
    assert run.counts["entities_removed"] == 1
    assert run.counts["parties_screened"] == 0  # no party changed
    assert run.counts["candidates"] <= 4  # only the parties the change concerns were screened
    kinds = _kinds(run)
    assert ("new-hit", "p3", e3.id) in kinds
    assert ("changed-listing", "p2", e2.id) in kinds
    assert ("delisted", "p1", e1.id) in kinds
    # the cleared hit is open again: in the alerts and in screening
    changed = next(a for a in run.alerts if a.kind == "changed-listing")
    assert changed.status == "open"
    result = Screener(any_store, home).screen(
        e2.caption, party_id="p2", schema="person", record=False
    )
    assert next(h for h in result.results[0].hits if h.entity_id == e2.id).status == "open"
    # older alerts of e1 and e2 are closed
    old = {a.entity_id: a for a in list_alerts(any_store, kind="new-hit").items}
    assert old[e1.id].status == "closed" and old[e1.id].closed_reason == "delisted"
    assert old[e2.id].status == "closed" and old[e2.id].closed_reason == "superseded"
    opened = {(a.kind, a.entity_id) for a in list_alerts(any_store, open_only=True).items}
    assert ("changed-listing", e2.id) in opened and ("new-hit", e3.id) in opened
    assert ("delisted", e1.id) not in opened
    # and nothing again
    assert run_monitoring(any_store, home, actor="t", notify=False).alerts == []


def test_changed_party_is_screened_against_all_lists(any_store: Store, home: Settings) -> None:
    e1, e2, _ = _entities(any_store)
    _register(any_store, (e1,))
    run_monitoring(any_store, home, actor="t", notify=False)
    update_party(any_store, "acme", actor="t", aliases=[e2.caption], kind="person")
    run = run_monitoring(any_store, home, actor="t", notify=False)
    assert run.counts["parties_screened"] == 1
    assert ("new-hit", "acme", e2.id) in _kinds(run)


def test_crash_half_way_is_rerun_without_duplicates(
    any_store: Store, home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    e1, e2, e3 = _entities(any_store)
    _register(any_store, (e1, e2, e3))
    real = run_module.screen_chunk
    calls = {"n": 0}

    def crashing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] > 0:
            raise KeyboardInterrupt("killed half-way")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "screen_chunk", crashing)
    monkeypatch.setattr(run_module, "CHUNK", 2)
    with pytest.raises(KeyboardInterrupt):
        run_monitoring(any_store, home, actor="t", notify=False)
    with any_store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(MonitorAlertRow)) == 0
    monkeypatch.setattr(run_module, "screen_chunk", real)
    rerun = run_monitoring(any_store, home, actor="t", notify=False)
    assert rerun.mode == "full"  # the crashed run never completed
    again = run_monitoring(any_store, home, actor="t", notify=False)
    assert again.alerts == []
    with any_store.session() as session:
        statuses = list(session.scalars(sa.select(MonitorRunRow.status).order_by(MonitorRunRow.id)))
        keys = list(session.scalars(sa.select(MonitorAlertRow.dedupe_key)))
    assert statuses == ["failed", "completed", "completed"]
    assert len(keys) == len(set(keys)) == len(rerun.alerts)
    assert {("new-hit", f"p{i}") for i in (1, 2, 3)} <= {(a.kind, a.party_id) for a in rerun.alerts}


def test_killed_process_leaves_run_abandoned_and_rerun_complete(
    any_store: Store, home: Settings
) -> None:
    """A run whose process died (its row still 'running') is marked abandoned by the next run."""
    e1, _, _ = _entities(any_store)
    _register(any_store, (e1,))
    run_module._start(any_store, "t", 0.7)  # what a kill -9 after the start leaves
    run = run_monitoring(any_store, home, actor="t", notify=False)
    assert run.mode == "full" and any(a.entity_id == e1.id for a in run.alerts)
    with any_store.session() as session:
        statuses = list(session.scalars(sa.select(MonitorRunRow.status).order_by(MonitorRunRow.id)))
    assert statuses == ["abandoned", "completed"]


def test_matcher_or_threshold_change_forces_full(
    any_store: Store, home: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    e1, _, _ = _entities(any_store)
    _register(any_store, (e1,))
    run_monitoring(any_store, home, actor="t", notify=False)
    assert (
        run_monitoring(any_store, home, actor="t", notify=False, threshold=0.8).counts[
            "mode_reason"
        ]
        == "threshold changed"
    )
    monkeypatch.setattr(run_module, "matcher_signature", lambda: "x" * 64)
    run = run_monitoring(any_store, home, actor="t", notify=False, threshold=0.8)
    assert run.mode == "full" and run.counts["mode_reason"] == "matcher changed"
    assert run.counts["parties_screened"] == 2
    assert [a for a in run.alerts if a.kind != "list-stale"] == []  # same matches: nothing new


def test_a_run_is_full_when_the_last_full_run_is_older_than_the_period(
    any_store: Store, home: Settings
) -> None:
    """``AKTSAM_MONITOR_FULL_EVERY`` (default 7 days) bounds how long the delta's one stated limit can
    go unseen: once the last full run is older, the next run re-screens everything, and says why."""
    e1, _, _ = _entities(any_store)
    _register(any_store, (e1,))
    assert run_monitoring(any_store, home, actor="t", notify=False).mode == "full"
    assert run_monitoring(any_store, home, actor="t", notify=False).mode == "delta"

    def age_full_runs(days: int) -> None:
        with any_store.session() as session:
            for row in session.scalars(
                sa.select(MonitorRunRow).where(MonitorRunRow.mode == "full")
            ):
                row.started_at -= dt.timedelta(days=days)

    age_full_runs(6)
    assert run_monitoring(any_store, home, actor="t", notify=False).mode == "delta"
    age_full_runs(2)  # now 8 days old
    periodic = run_monitoring(any_store, home, actor="t", notify=False)
    assert periodic.mode == "full"
    assert periodic.counts["mode_reason"] == (
        "periodic full re-screen (the last is older than 7 days)"
    )
    assert [a for a in periodic.alerts if a.kind != "list-stale"] == []  # same matches: nothing new
    assert run_monitoring(any_store, home, actor="t", notify=False).mode == "delta"
    age_full_runs(30)
    off = dataclasses.replace(home, monitor_full_every=None)
    assert run_monitoring(any_store, off, actor="t", notify=False).mode == "delta"
    hourly = dataclasses.replace(home, monitor_full_every=dt.timedelta(hours=36))
    assert (
        "older than 36 hours"
        in run_monitoring(any_store, hourly, actor="t", notify=False).counts["mode_reason"]
    )


def test_full_every_setting_is_read_and_checked() -> None:
    assert Settings.from_env({"AKTSAM_HOME": "/tmp/x"}).monitor_full_every == dt.timedelta(days=7)
    env = {"AKTSAM_HOME": "/tmp/x", "AKTSAM_MONITOR_FULL_EVERY": "off"}
    assert Settings.from_env(env).monitor_full_every is None
    env["AKTSAM_MONITOR_FULL_EVERY"] = "36h"
    assert Settings.from_env(env).monitor_full_every == dt.timedelta(hours=36)
    for bad in ("weekly", "0h", "400d", "7"):
        env["AKTSAM_MONITOR_FULL_EVERY"] = bad
        with pytest.raises(ConfigError, match="AKTSAM_MONITOR_FULL_EVERY"):
            Settings.from_env(env)


def test_watched_file_sync(any_store: Store, home: Settings, tmp_path: Path) -> None:
    e1, e2, _ = _entities(any_store)
    path = tmp_path / "erp.csv"
    path.write_text(
        f"id,name,schema\nc1,{e1.caption},person\nc2,Harmless Bakery Ltd,\n", encoding="utf-8"
    )
    watch_file(any_store, path, name="erp", actor="t")
    first = run_monitoring(any_store, home, actor="t", notify=False)
    assert ("new-hit", "watch:erp:c1", e1.id) in _kinds(first)
    path.write_text(f"id,name,schema\nc2,{e2.caption},person\n", encoding="utf-8")
    second = run_monitoring(any_store, home, actor="t", notify=False)
    assert ("new-hit", "watch:erp:c2", e2.id) in _kinds(second)
    closed = [a for a in list_alerts(any_store, party_id="watch:erp:c1").items]
    assert closed and all(a.closed_reason == "party-removed" for a in closed)
    unwatch(any_store, "erp", "t")
    third = run_monitoring(any_store, home, actor="t", notify=False)
    assert third.counts["parties_removed"] == 1 and third.counts["parties_monitored"] == 0


def test_failed_download_is_a_list_stale_alert(any_store: Store, home: Settings) -> None:
    from aktsam.lists.update import DownloadError

    def fetch(url: str, dest: Path) -> None:
        raise DownloadError("HTTP 503")

    run = run_monitoring(any_store, home, actor="t", notify=False, update_lists=True, fetch=fetch)
    stale = [a for a in run.alerts if a.kind == "list-stale"]
    assert stale and all("not updated for" in a.message for a in stale)
    assert any("HTTP 503" in a.message and a.list == "un-sc" for a in stale)
    assert run.status == "completed"
    again = run_monitoring(any_store, home, actor="t", notify=False, update_lists=True, fetch=fetch)
    assert [a for a in again.alerts if a.kind == "list-stale"] == []  # one open alert per list


def test_runs_and_alerts_are_in_the_trail(any_store: Store, home: Settings) -> None:
    e1, _, _ = _entities(any_store)
    _register(any_store, (e1,))
    run = run_monitoring(any_store, home, actor="t", notify=False)
    with any_store.session() as session:
        actions = list(
            session.scalars(
                sa.select(AuditLogRow.action).where(
                    AuditLogRow.object_type.in_(["monitor_run", "monitor_alert"])
                )
            )
        )
        assert verify(session).ok
    assert "monitor.run" in actions
    assert actions.count("monitor.alert.new-hit") == sum(a.kind == "new-hit" for a in run.alerts)


def test_cli_json_contract(home: Settings, monkeypatch: pytest.MonkeyPatch, mstore: Store) -> None:
    from aktsam.cli import app, context

    e1, _, _ = _entities(mstore)
    _register(mstore, (e1,))
    monkeypatch.setenv("AKTSAM_HOME", str(home.home))
    context.settings.cache_clear()
    context.store.cache_clear()
    runner = CliRunner()
    result = runner.invoke(app, ["monitor", "run", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert isinstance(payload["run_id"], int)
    hit = next(a for a in payload["alerts"] if a["entity_id"] == e1.id)
    assert {"party_id", "entity_id", "list", "kind", "score"} <= set(hit)
    again = json.loads(runner.invoke(app, ["monitor", "run", "--json"]).stdout)
    assert again["alerts"] == []
    # one item per designation, its alerts inside; --by-entry: one item per alert
    listed = json.loads(runner.invoke(app, ["alerts", "list", "--open", "--json"]).stdout)
    assert any(a["entity_id"] == e1.id for g in listed["items"] for a in g["alerts"])
    assert listed["alerts"] == sum(len(g["alerts"]) for g in listed["items"])
    entries = runner.invoke(app, ["alerts", "list", "--open", "--by-entry", "--json"]).stdout
    assert any(a["entity_id"] == e1.id for a in json.loads(entries)["items"])
    status = runner.invoke(app, ["monitor", "status"])
    assert status.exit_code == 0 and "completed" in status.stdout
    context.settings.cache_clear()
    context.store.cache_clear()
