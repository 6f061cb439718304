"""The monitoring schedule of ``aktsam serve``: list updates and a monitoring run, in the background.

``AKTSAM_MONITOR_SCHEDULE`` (off by default) takes one of:

``off``
    No scheduled runs (cron users call ``aktsam monitor run --update-lists`` instead).
``every:N<unit>``
    Every ``N`` minutes (``m``), hours (``h``) or days (``d``) after the start of the last monitoring
    run, whoever started it; between 15 minutes and 7 days. With no run yet, the first one starts
    shortly after the server.
``daily@HH:MM``
    Once a day at ``HH:MM`` **UTC**. A day whose time passed while the server was down is caught up
    once when it starts (one run, not one per missed day).

:class:`MonitorScheduler` checks every :data:`POLL_SECONDS` in a daemon thread of its own (requests are
never blocked by it) whether a run is due, and then calls
``run_monitoring(store, settings, actor="scheduler", update_lists=True)``. At most one scheduled run
happens at a time, also across processes (several web workers, several servers on one PostgreSQL): the
run holds :func:`run_lock`, a PostgreSQL advisory lock or, on SQLite, an exclusive ``flock`` on
``{AKTSAM_HOME}/monitor-run.lock``; both are released by the operating system or the database if the
process dies. A run that raises is logged, recorded in the audit trail (``monitor.schedule-failed``)
and tried again at the next due time, not in a loop.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from aktsam.monitoring.lock import run_lock
from aktsam.settings import Settings
from aktsam.store import Store, trail
from aktsam.store.db import retrying
from aktsam.store.schema import MonitorRunRow

log = logging.getLogger(__name__)

MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=7)
POLL_SECONDS = 30.0
FIRST_CHECK_SECONDS = 10.0
ACTOR = "scheduler"

_EVERY = re.compile(r"every:(\d{1,5})([mhd])")
_DAILY = re.compile(r"daily@(\d{2}):(\d{2})")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
FORMAT_HELP = (
    "off, every:N followed by m, h or d (e.g. every:6h), or daily@HH:MM (UTC, e.g. daily@02:30)"
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed ``AKTSAM_MONITOR_SCHEDULE``: an ``interval`` or a ``daily_at`` time (UTC)."""

    interval: timedelta | None = None
    daily_at: time | None = None
    text: str = ""

    def __str__(self) -> str:
        return self.text

    def next_after(self, moment: datetime) -> datetime:
        """The first time a run is due after a run that started at ``moment``."""
        moment = moment.astimezone(UTC)
        if self.interval is not None:
            return moment + self.interval
        assert self.daily_at is not None
        slot = datetime.combine(moment.date(), self.daily_at, tzinfo=UTC)
        return slot if slot > moment else slot + timedelta(days=1)


def parse_schedule(value: str) -> Schedule:
    """``value`` as a :class:`Schedule`; :class:`ValueError` saying the format otherwise. (``off`` is
    handled by the settings: no schedule.)"""
    textual = value.strip().lower().replace(" ", "")
    every = _EVERY.fullmatch(textual)
    if every:
        number, unit = int(every.group(1)), every.group(2)
        interval = timedelta(**{_UNITS[unit]: number})
        if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
            raise ValueError(
                f"{value!r}: the interval must be between 15 minutes and 7 days "
                "(list publishers should not be polled more often than that)"
            )
        return Schedule(interval=interval, text=f"every:{number}{unit}")
    daily = _DAILY.fullmatch(textual)
    if daily:
        hour, minute = int(daily.group(1)), int(daily.group(2))
        if hour > 23 or minute > 59:
            raise ValueError(f"{value!r}: {hour:02d}:{minute:02d} is not a time of day")
        return Schedule(daily_at=time(hour, minute), text=f"daily@{hour:02d}:{minute:02d}")
    raise ValueError(f"{value!r} is not a schedule; use {FORMAT_HELP}")


# --- the scheduler ----------------------------------------------------------------------------------


def last_run_started(store: Store) -> datetime | None:
    """When the latest monitoring run (scheduled, cron or by hand) started."""
    with store.session() as session:
        return session.scalar(select(func.max(MonitorRunRow.started_at)))


def _default_job(store: Store, settings: Settings) -> Callable[[], object]:
    def job() -> object:
        from aktsam.monitoring.service import (
            run_monitoring,
        )  # lazy: the web app imports this module

        # the scheduler holds the run lock already (tick)
        return run_monitoring(store, settings, actor=ACTOR, update_lists=True, lock=False)

    return job


class MonitorScheduler:
    """Runs ``job`` (by default list updates and monitoring) when ``schedule`` says, in its own thread."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        schedule: Schedule,
        *,
        job: Callable[[], object] | None = None,
        poll: float | None = None,
        first_check: float | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store, self.settings, self.schedule = store, settings, schedule
        self.job = job or _default_job(store, settings)
        self.poll = POLL_SECONDS if poll is None else poll
        self.first_check = FIRST_CHECK_SECONDS if first_check is None else first_check
        self.clock = clock
        self.started_at = clock()
        self.last_attempt: datetime | None = None
        self.last_error: str | None = None
        self.runs = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def next_due(self) -> datetime:
        """When the next run is due (the past when one is due now)."""
        known = [t for t in (last_run_started(self.store), self.last_attempt) if t is not None]
        if known:
            return self.schedule.next_after(max(known))
        if self.schedule.interval is not None:
            return self.started_at  # never ran: run soon after the server starts
        return self.schedule.next_after(self.started_at)

    def tick(self) -> str:
        """One check: ``not-due``, ``busy`` (another process holds the lock), ``ran`` or ``failed``."""
        if self.next_due() > self.clock():
            return "not-due"
        with run_lock(self.store) as held:
            if not held:
                return "busy"
            if (
                self.next_due() > self.clock()
            ):  # another process ran it while we waited for the lock
                return "not-due"
            self.last_attempt = self.clock()
            log.info("scheduled monitoring run starting (%s)", self.schedule)
            try:
                self.job()
            except Exception as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("scheduled monitoring run failed (%s)", self.schedule)
                self._record_failure(self.last_error)
                return "failed"
            self.last_error = None
            self.runs += 1
            log.info("scheduled monitoring run finished")
            return "ran"

    def _record_failure(self, error: str) -> None:
        def work() -> None:
            with self.store.session() as session:
                trail.record(
                    session,
                    actor=ACTOR,
                    action="monitor.schedule-failed",
                    object_type="monitor_schedule",
                    object_id=str(self.schedule),
                    after={"error": error, "attempted_at": self.last_attempt},
                )

        try:
            retrying(work)
        except Exception:
            log.exception("the failure of a scheduled monitoring run could not be recorded")

    def _loop(self) -> None:
        if self._stop.wait(self.first_check):
            return
        while True:
            try:
                self.tick()
            except Exception:  # e.g. the database is unreachable for a moment: try again later
                log.exception("monitoring scheduler check failed")
            if self._stop.wait(self.poll):
                return

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._loop, name="aktsam-monitor-schedule", daemon=True
        )
        self._thread.start()
        log.info("monitoring schedule %s started", self.schedule)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop checking; a run in progress is left to finish (or dies with the process: a monitoring
        run killed half-way is safely rerun)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def scheduler_for(store: Store, settings: Settings) -> MonitorScheduler | None:
    """The scheduler ``aktsam serve`` starts, or None when ``AKTSAM_MONITOR_SCHEDULE`` is off."""
    if not settings.monitor_schedule:
        return None
    return MonitorScheduler(store, settings, parse_schedule(settings.monitor_schedule))


__all__ = [
    "FORMAT_HELP",
    "MonitorScheduler",
    "Schedule",
    "last_run_started",
    "parse_schedule",
    "run_lock",
    "scheduler_for",
]
