"""Watched files: parties that live in another system (an ERP customer export), re-read on every run.

Each row becomes the monitored party ``watch:NAME:ID``; a row removed from the file stops being
monitored at the next run, a file that cannot be read keeps its rows' last state and the run reports the
error (a broken export must not look like an empty customer base).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from aktsam.errors import InputError, NotFoundError
from aktsam.monitoring.population import MonitoredParty, watched_party_id
from aktsam.screening.files import QUERY_FIELDS, read_parties
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import MonitorWatchedFileRow

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


@dataclass(frozen=True, slots=True)
class WatchedFile:
    name: str
    path: str
    columns: dict[str, str]
    added_by: str
    added_at: datetime
    last_read_at: datetime | None
    last_sha256: str | None
    last_rows: int | None
    last_error: str | None

    @classmethod
    def from_row(cls, row: MonitorWatchedFileRow) -> WatchedFile:
        return cls(
            name=row.name,
            path=row.path,
            columns=dict((row.options or {}).get("columns", {})),
            added_by=row.added_by,
            added_at=row.added_at,
            last_read_at=row.last_read_at,
            last_sha256=row.last_sha256,
            last_rows=row.last_rows,
            last_error=row.last_error,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "columns": self.columns,
            "added_by": self.added_by,
            "added_at": self.added_at.isoformat(),
            "last_read_at": self.last_read_at.isoformat() if self.last_read_at else None,
            "last_rows": self.last_rows,
            "last_error": self.last_error,
        }


def read_watched(path: Path, name: str, columns: Mapping[str, str]) -> list[MonitoredParty]:
    """The rows of a watched file as monitored parties (refused whole on a bad row)."""
    return [
        MonitoredParty(
            party_id=watched_party_id(name, row.id),
            origin=f"watch:{name}",
            name=row.name,
            schema=row.schema.value if row.schema is not None else None,
            countries=row.countries,
            birth_date=row.birth_date,
        )
        for row in read_parties(path, columns)
    ]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def watch_file(
    store: Store,
    path: Path,
    *,
    name: str,
    actor: str,
    columns: Mapping[str, str] | None = None,
) -> WatchedFile:
    """Watch ``path`` under ``name`` (replacing an earlier file of that name); read now to check it."""
    if not _NAME_RE.fullmatch(name):
        raise InputError(
            f"watch name {name!r}: letters, digits, '_', '.', '-' (up to 100)", field="name"
        )
    unknown = sorted(set(columns or {}) - set(QUERY_FIELDS))
    if unknown:
        raise InputError(f"unknown column field(s) {', '.join(unknown)}", field="columns")
    path = path.expanduser().absolute()
    if not path.is_file():
        raise InputError(f"no such file: {path}", file=str(path))
    parties = read_watched(path, name, columns or {})
    now = datetime.now(UTC)
    with store.session() as session:
        row = session.get(MonitorWatchedFileRow, name)
        before = trail.row_state(row) if row is not None else None
        if row is None:
            row = MonitorWatchedFileRow(name=name, added_by=actor, added_at=now)
            session.add(row)
        row.path = str(path)
        row.options = {"columns": dict(columns or {})}
        row.added_by = actor
        row.added_at = now
        row.last_read_at = None
        row.last_sha256 = None
        row.last_rows = len(parties)
        row.last_error = None
        session.flush()
        trail.record(
            session,
            actor=actor,
            action="monitor.watch",
            object_type="watched_file",
            object_id=name,
            before=before,
            after=trail.row_state(row, exclude=()),
        )
        watched = WatchedFile.from_row(row)
    return watched


def unwatch(store: Store, name: str, actor: str) -> WatchedFile:
    """Stop watching ``name``: its rows stop being monitored at the next run."""
    with store.session() as session:
        row = session.get(MonitorWatchedFileRow, name)
        if row is None:
            raise NotFoundError(f"no watched file named {name!r}")
        watched = WatchedFile.from_row(row)
        trail.record(
            session,
            actor=actor,
            action="monitor.unwatch",
            object_type="watched_file",
            object_id=name,
            before=trail.row_state(row, exclude=()),
        )
        session.delete(row)
    return watched


def watched_files(store: Store) -> list[WatchedFile]:
    with store.session() as session:
        rows = session.scalars(
            sa.select(MonitorWatchedFileRow).order_by(MonitorWatchedFileRow.name)
        )
        return [WatchedFile.from_row(r) for r in rows]


__all__ = ["WatchedFile", "file_digest", "read_watched", "unwatch", "watch_file", "watched_files"]
