"""The ``aktsam serve`` monitoring schedule: the format, when runs are due, one run at a time (also across
processes), failures recorded, and a background thread that never holds up requests."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aktsam.monitoring import schedule
from aktsam.monitoring.lock import run_lock
from aktsam.monitoring.schedule import MonitorScheduler, Schedule, parse_schedule
from aktsam.store import Store, trail
from aktsam.store.schema import MonitorRunRow
from aktsam.web.app import create_app

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def record_run(store: Store, started: datetime, actor: str = "cron") -> None:
    with store.session() as session:
        session.add(MonitorRunRow(
            started_at=started, finished_at=started, actor=actor, status="completed", mode="delta",
            matcher="m", threshold=0.7, snapshot_ids=[], counts={},
        ))  # fmt: skip


def test_parse_every_and_daily() -> None:
    assert parse_schedule("every:6h") == Schedule(interval=timedelta(hours=6), text="every:6h")
    assert parse_schedule("every:15m").interval == timedelta(minutes=15)
    assert parse_schedule("every:7d").interval == timedelta(days=7)
    daily = parse_schedule("daily@02:30")
    assert daily.daily_at == time(2, 30) and str(daily) == "daily@02:30"
    for bad in ("every:14m", "every:169h", "daily@2:30", "daily@25:00", "weekly", "every:-1h", ""):
        with pytest.raises(ValueError, match=r"every:N|between 15 minutes|time of day"):
            parse_schedule(bad)


def test_next_after() -> None:
    every = parse_schedule("every:6h")
    assert every.next_after(T0) == T0 + timedelta(hours=6)
    daily = parse_schedule("daily@02:30")
    assert daily.next_after(T0) == T0.replace(hour=2, minute=30)  # later the same day
    at_slot = T0.replace(hour=2, minute=30)
    assert daily.next_after(at_slot) == at_slot + timedelta(days=1)  # a run at 02:30 → tomorrow
    assert daily.next_after(T0.replace(hour=23)) == at_slot + timedelta(days=1)


def test_interval_counts_from_the_last_run_whoever_started_it(store: Store) -> None:
    calls: list[datetime] = []
    clock = Clock(T0)
    scheduler = MonitorScheduler(
        store, store.settings, parse_schedule("every:6h"), job=lambda: calls.append(clock()),
        clock=clock,
    )  # fmt: skip
    assert scheduler.tick() == "ran"  # never ran: due at once
    assert scheduler.tick() == "not-due"
    record_run(store, T0 + timedelta(hours=1))  # a cron run an hour later
    clock.now = T0 + timedelta(hours=6, minutes=30)
    assert scheduler.tick() == "not-due"  # 6 h after the cron run, not after ours
    clock.now = T0 + timedelta(hours=7)
    assert scheduler.tick() == "ran"
    assert calls == [T0, T0 + timedelta(hours=7)]


def test_daily_waits_for_its_time_and_catches_up_once(store: Store) -> None:
    calls: list[datetime] = []
    clock = Clock(T0)  # 01:00, started before today's 02:30
    scheduler = MonitorScheduler(
        store, store.settings, parse_schedule("daily@02:30"), job=lambda: calls.append(clock()),
        clock=clock,
    )  # fmt: skip
    assert scheduler.tick() == "not-due"
    clock.now = T0.replace(hour=2, minute=30)
    assert scheduler.tick() == "ran"
    record_run(store, clock.now, actor="scheduler")
    clock.now = T0 + timedelta(days=3, hours=8)  # down for two days
    assert scheduler.tick() == "ran"  # one catch-up run
    record_run(store, clock.now, actor="scheduler")
    assert scheduler.tick() == "not-due"
    assert len(calls) == 2


def test_a_failed_run_is_recorded_and_not_retried_in_a_loop(store: Store) -> None:
    clock = Clock(T0)

    def broken() -> None:
        raise RuntimeError("lists could not be read")

    scheduler = MonitorScheduler(
        store, store.settings, parse_schedule("every:1h"), job=broken, clock=clock
    )
    assert scheduler.tick() == "failed"
    assert scheduler.last_error == "RuntimeError: lists could not be read"
    assert scheduler.tick() == "not-due"  # next try an hour later, not every poll
    clock.now = T0 + timedelta(hours=1)
    assert scheduler.tick() == "failed"
    with store.session() as session:
        failures = trail.entries(session, object_type="monitor_schedule")
        assert [(e.action, e.actor, e.object_id) for e in failures] == [
            ("monitor.schedule-failed", "scheduler", "every:1h")
        ] * 2
        assert failures[0].after is not None
        assert failures[0].after["error"] == "RuntimeError: lists could not be read"
        assert trail.verify(session).ok


def test_one_run_at_a_time(store: Store) -> None:
    with run_lock(store) as first:
        assert first
        with run_lock(store) as second:
            assert not second  # a second worker skips its turn
        scheduler = MonitorScheduler(
            store, store.settings, parse_schedule("every:1h"), job=lambda: None, clock=Clock(T0)
        )
        assert scheduler.tick() == "busy"
    with run_lock(store) as again:
        assert again  # released


def test_the_lock_holds_across_processes(store: Store) -> None:
    """Another process (a second web worker) holding the lock keeps this one from running."""
    code = textwrap.dedent(
        f"""
        import dataclasses, sys
        from pathlib import Path
        from aktsam.settings import Settings
        from aktsam.store import open_store
        from aktsam.monitoring.lock import run_lock
        settings = dataclasses.replace(Settings.for_home(Path({str(store.settings.home)!r})),
                                       database_url={store.settings.database_url!r})
        store = open_store(settings)
        with run_lock(store) as held:
            print("held" if held else "busy", flush=True)
            sys.stdin.readline()
        """
    )
    other = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        with run_lock(store) as held:
            assert not held
    finally:
        assert other.stdin is not None
        other.stdin.write("\n")
        other.stdin.close()
        other.wait(30)
    with run_lock(store) as held:
        assert held  # released when the other process let go


def test_default_job_is_list_update_and_monitoring_as_scheduler(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []

    def fake_run(*args: Any, **kwargs: Any) -> None:
        seen.append(kwargs)

    import aktsam.monitoring.service as service

    monkeypatch.setattr(service, "run_monitoring", fake_run)
    scheduler = MonitorScheduler(store, store.settings, parse_schedule("every:1h"), clock=Clock(T0))
    assert scheduler.tick() == "ran"
    assert seen == [
        {"actor": "scheduler", "update_lists": True, "lock": False}
    ]  # tick holds the lock


def test_off_means_no_scheduler(store: Store) -> None:
    assert schedule.scheduler_for(store, store.settings) is None


def test_serve_runs_the_schedule_in_the_background_without_holding_up_requests(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()

    def slow_job() -> None:
        started.set()
        release.wait(30)

    monkeypatch.setattr(schedule, "_default_job", lambda store, settings: slow_job)
    monkeypatch.setattr(schedule, "FIRST_CHECK_SECONDS", 0.0)
    settings = dataclasses.replace(store.settings, monitor_schedule="every:1h")
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        scheduler = app.state.scheduler
        assert isinstance(scheduler, MonitorScheduler)
        assert started.wait(10), "the scheduled run did not start"
        assert client.get("/health").status_code == 200  # answered while the run is going on
        release.set()
    assert scheduler.runs == 1
    assert create_app(settings, store=store, monitor_schedule=False) is not None
