"""The audit trail: an append-only, hash-chained log of every change and decision.

Every service function that changes the register, decides on a hit or a party, or imports a list calls
:func:`record` inside the same transaction as the change itself, so a change and its log entry are
committed together or not at all. Each entry holds who, when, what (``action`` on ``object_type`` /
``object_id``) and the object's state before and after.

Each entry's ``hash`` is the SHA-256 of the previous entry's hash and this entry's canonical content
(sorted-key compact JSON). Editing an entry, deleting one, inserting one or reordering them breaks the
chain at that point, and :func:`verify` names the first entry where it breaks. The chain proves the log
was not altered *after* the fact by someone without the means to rewrite every later hash; for protection
against a database administrator who rewrites the whole chain, export it regularly
(:func:`export`) and keep the last head hash somewhere else (``aktsam audit verify`` prints it).
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session

from aktsam.errors import InputError
from aktsam.store.schema import AuditLogRow

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""


def default_actor() -> str:
    """Who is acting when nobody says: the login name (recorded with every change, decision and run)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def _plain(value: Any) -> Any:
    """JSON-ready copy of ``value``: dates and datetimes as ISO strings, tuples as lists."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def row_state(row: Any, *, exclude: Iterable[str] = ("id",)) -> dict[str, Any]:
    """Every mapped column of an ORM row but ``exclude``: what the trail records as an object's state
    before and after a change (one definition for every table, so no column is forgotten)."""
    skip = set(exclude)
    mapper = sa_inspect(row).mapper
    return {a.key: getattr(row, a.key) for a in mapper.column_attrs if a.key not in skip}


def canonical(content: dict[str, Any]) -> str:
    """The exact text that is hashed: sorted keys, no whitespace, UTF-8 as is."""
    return json.dumps(_plain(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


def _content(row: AuditLogRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(),
        "actor": row.actor,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "before": row.before,
        "after": row.after,
    }


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry to append (:func:`record_many`)."""

    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> AuditLogRow:
    """Append one entry, chained to the last one, in ``session``'s transaction."""
    entry = Entry(action, object_type, str(object_id), before, after)
    return record_many(session, actor=actor, entries=[entry], at=at)[0]


def record_many(
    session: Session, *, actor: str, entries: Iterable[Entry], at: datetime | None = None
) -> list[AuditLogRow]:
    """Append ``entries`` in order, by one actor at one moment, chained to the last entry and to each
    other, in ``session``'s transaction: what :func:`record` does for one, with one read of the chain's
    head and one flush for all (a monitoring run records thousands of alerts)."""
    if not actor.strip():
        raise InputError("every change needs an actor (who made it)", field="actor")
    last = session.scalars(
        select(AuditLogRow).order_by(AuditLogRow.seq.desc()).limit(1)
    ).one_or_none()
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    seq, prev_hash = (last.seq, last.hash) if last is not None else (0, GENESIS)
    rows: list[AuditLogRow] = []
    for entry in entries:
        seq += 1
        row = AuditLogRow(
            seq=seq,
            at=moment,
            actor=actor,
            action=entry.action,
            object_type=entry.object_type,
            object_id=str(entry.object_id),
            before=_plain(entry.before),
            after=_plain(entry.after),
            prev_hash=prev_hash,
            hash="",
        )
        row.hash = prev_hash = entry_hash(prev_hash, _content(row))
        rows.append(row)
    session.add_all(rows)
    session.flush()
    return rows


@dataclass(frozen=True, slots=True)
class Verification:
    """What :func:`verify` found. ``ok`` with ``entries`` checked and the ``head`` hash, or the first
    entry where the chain breaks and why."""

    ok: bool
    entries: int
    head: str
    broken_at: int | None = None
    problem: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"audit trail intact: {self.entries} entries, head {self.head}"
        return f"audit trail BROKEN at entry {self.broken_at}: {self.problem}"


def verify(session: Session) -> Verification:
    """Recompute the whole chain; report the first entry that does not fit."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for row in session.scalars(select(AuditLogRow).order_by(AuditLogRow.seq)):
        if row.seq != expected_seq:
            return Verification(False, count, prev_hash, expected_seq,
                                f"entry {expected_seq} is missing (next is {row.seq})")  # fmt: skip
        if row.prev_hash != prev_hash:
            return Verification(False, count, prev_hash, row.seq,
                                "does not point at the entry before it (deleted, inserted or "
                                "reordered entries)")  # fmt: skip
        if entry_hash(prev_hash, _content(row)) != row.hash:
            return Verification(False, count, prev_hash, row.seq,
                                "its content does not match its hash (edited after it was "
                                "written)")  # fmt: skip
        prev_hash, expected_seq, count = row.hash, expected_seq + 1, count + 1
    return Verification(True, count, prev_hash)


def entries(
    session: Session, *, object_type: str | None = None, object_id: str | None = None
) -> list[AuditLogRow]:
    """Entries in order, optionally for one object type or one object."""
    query = select(AuditLogRow).order_by(AuditLogRow.seq)
    if object_type is not None:
        query = query.where(AuditLogRow.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditLogRow.object_id == object_id)
    return list(session.scalars(query))


EXPORT_COLUMNS = (
    "seq", "at", "actor", "action", "object_type", "object_id", "before", "after", "prev_hash", "hash",
)  # fmt: skip


def _export_rows(session: Session) -> Iterator[dict[str, Any]]:
    for row in session.scalars(select(AuditLogRow).order_by(AuditLogRow.seq)):
        yield {**_content(row), "prev_hash": row.prev_hash, "hash": row.hash}


def export(session: Session, path: Path) -> int:
    """Write the whole trail for a regulator: ``.jsonl`` (one entry per line, re-verifiable with
    :func:`verify_export`) or ``.csv`` (before/after as JSON text). Atomic; returns the entry count."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise InputError(f"unsupported export type {suffix!r}; use .jsonl or .csv", file=str(path))
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = (
            csv.DictWriter(handle, fieldnames=list(EXPORT_COLUMNS)) if suffix == ".csv" else None
        )
        if writer is not None:
            writer.writeheader()
        for item in _export_rows(session):
            count += 1
            if writer is None:
                handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
            else:
                writer.writerow({**item, "before": canonical({"v": item["before"]})[5:-1],
                                 "after": canonical({"v": item["after"]})[5:-1]})  # fmt: skip
    tmp.replace(path)
    return count


def verify_export(path: Path) -> Verification:
    """Check an exported ``.jsonl`` trail on its own, without the database (what a regulator runs)."""
    prev_hash, count = GENESIS, 0
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                item = json.loads(line)
                content = {k: item[k] for k in EXPORT_COLUMNS if k not in ("prev_hash", "hash")}
                stated_prev, stated_hash = item["prev_hash"], item["hash"]
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(
                    f"not an audit-trail entry: {exc}", file=str(path), row=number
                ) from None
            if stated_prev != prev_hash or entry_hash(prev_hash, content) != stated_hash:
                return Verification(False, count, prev_hash, content.get("seq"),
                                    f"line {number} does not fit the chain")  # fmt: skip
            prev_hash, count = stated_hash, count + 1
    return Verification(True, count, prev_hash)


__all__ = [
    "GENESIS",
    "Entry",
    "Verification",
    "canonical",
    "default_actor",
    "entries",
    "entry_hash",
    "export",
    "record",
    "record_many",
    "row_state",
    "verify",
    "verify_export",
]
