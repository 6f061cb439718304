"""One monitoring run at a time, across processes: the scheduler in every web worker, cron and a person.

On PostgreSQL a session-level advisory lock (``pg_try_advisory_lock``) on a fixed key; on SQLite an
exclusive ``flock`` on ``$AKTSAM_HOME/monitor-run.lock``. Both are released when the holder ends, even
when it is killed, so a crashed run never blocks the next one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import text

from aktsam.errors import AktsamError
from aktsam.store import Store

ADVISORY_LOCK_KEY = 0x616B7473616D  # "aktsam", a fixed 64-bit key for pg_try_advisory_lock
LOCK_FILE = "monitor-run.lock"


class MonitorBusyError(AktsamError):
    """Another monitoring run holds the lock; this one did not start (nothing was changed)."""


@contextlib.contextmanager
def _advisory_lock(store: Store) -> Iterator[bool]:
    connection = store.engine.connect()
    held = False
    try:
        held = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            ).scalar()
        )
        connection.commit()
        yield held
    finally:
        try:
            if held:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
                connection.commit()
        except Exception:  # a lock left on a pooled connection would block every later run
            connection.invalidate()
        connection.close()


@contextlib.contextmanager
def _file_lock(store: Store) -> Iterator[bool]:
    import fcntl  # POSIX; aktsam serve runs on Linux and macOS

    path = store.settings.home / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[Any] = path.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


@contextlib.contextmanager
def run_lock(store: Store) -> Iterator[bool]:
    """Try to become the one process running scheduled monitoring; yields whether it did. Never waits:
    a process that does not get it skips this turn."""
    if store.engine.dialect.name == "postgresql":
        with _advisory_lock(store) as held:
            yield held
    else:
        with _file_lock(store) as held:
            yield held
