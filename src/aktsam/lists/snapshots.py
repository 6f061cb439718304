"""Importing list files as snapshots, and reading snapshots back.

A *snapshot* is one publication of one list as aktsam imported it: the file's sha256, what the file
says of its own date, when and from where it was retrieved, and every entity in it. Per source
exactly one snapshot is *current*; screening reads the current ones. Old snapshots stay, so that a
screening run can always be traced to the exact list contents it used, and so that two publications
can be compared (:mod:`aktsam.lists.diff`).

Import safety, in order:

1. the file is hashed and parsed completely before anything touches the database, so a malformed
   file (:class:`~aktsam.errors.ListFormatError`) never leaves anything behind;
2. the entity count is checked against the bounds in ``sources.yml``; a file far outside them is
   probably a truncated download or an error page and is refused (:class:`SuspiciousListError`)
   unless ``force=True``;
3. a file identical (same sha256) to the current snapshot is reported ``unchanged`` and not stored
   twice;
4. a file that is an *older* publication than the snapshot in force, or whose date cannot be shown
   not to be older, is refused (:class:`RollbackRefusedError`) unless ``force=True``: making it
   current would silently drop every designation made since (the roll-back rule, below);
5. otherwise one transaction inserts the snapshot and all its entities and moves the *current* flag,
   so a failure at any point (including Ctrl-C) leaves the previous snapshot current and nothing
   half-written.

The roll-back rule (:func:`rollback_reason`), per source (a file only ever competes with the snapshot
in force *of its own source*; a list of another source never replaces anything):

* a file's date is the publication date it states (``published``); a file that states none is dated
  by the day it was retrieved (a download is the publisher's file of that moment), else it has no
  date;
* the new file is refused when its date is earlier than the date of the snapshot in force. Two
  stated publication timestamps with a time zone are compared to the second; anything else by
  calendar day (UTC). An *equal* date is accepted (a publisher may re-issue a corrected file the
  same day; the sha256 differs and the trail records both);
* a new file with no date at all is refused while a snapshot is in force: nothing shows it is not
  older. A snapshot in force with no date does not block a dated file;
* ``force=True`` (``--force``) imports it anyway; the audit trail records it as ``list.rollback``
  with both publications and the actor, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from aktsam.errors import AktsamError, ListFormatError, NotFoundError
from aktsam.lists.model import ListedEntity, ParsedList
from aktsam.lists.parsers import parse
from aktsam.lists.sources import SourceDef, load_sources
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import ORIGINS, EntityRow, SnapshotRow

Origin = Literal["file", "download", "bundled"]
ImportStatus = Literal["imported", "unchanged"]

#: Rows per INSERT batch: large enough to be fast, small enough to keep memory flat.
BATCH_SIZE = 2000
_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")


class SuspiciousListError(ListFormatError):
    """A file parsed fine but its entity count is outside the plausible bounds for its source.

    A sanctions list does not lose half its entries overnight; a file that does is far more likely a
    truncated download, an error page or the wrong list, and making it current would silently stop
    matches. Re-run with ``force=True`` (``--force``) after checking the file against the
    publisher's page.
    """


class RollbackRefusedError(AktsamError):
    """A file that is an older publication than the snapshot in force (or cannot be shown not to be).

    Making it current would drop every designation published since. Nothing is written. Re-run with
    ``force=True`` (``--force``) to roll back on purpose; that is recorded in the audit trail.
    """

    def __init__(self, where: str, source: str, reason: str, current_label: str) -> None:
        self.path = where
        self.source = source
        self.reason = reason
        self.current_label = current_label
        super().__init__(
            f"{where}: refused: {reason}; making it current would drop every change published "
            f"since. Nothing was changed: {current_label} stays in force. Use --force (force=True) "
            "to roll back on purpose (recorded in the audit trail)."
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One imported publication of a list (a read-only copy of its ``snapshots`` row)."""

    id: int
    source: str
    label: str
    file_name: str
    url: str | None
    published: str | None
    retrieved_at: dt.datetime | None
    imported_at: dt.datetime
    sha256: str
    entity_count: int
    counts: dict[str, int]
    warnings: list[str]
    is_current: bool
    origin: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What :func:`import_list` did: ``imported`` a new current snapshot or found ``unchanged``."""

    source: str
    status: ImportStatus
    snapshot: Snapshot  # the new snapshot, or the (unchanged) current one
    previous_id: int | None  # the snapshot that was current before, if any
    parse_seconds: float
    write_seconds: float
    rollback: str | None = None  # why this forced import is a roll-back (None: not one)


@dataclass(frozen=True, slots=True)
class ListStatus:
    """Freshness of one source, as ``aktsam status`` shows it.

    ``age_days`` counts from the date the file states (``published``), else from when it was
    retrieved (else imported): what matters for compliance is how old the list's content is, not
    when aktsam ran. A source of the catalogue without any snapshot is listed too, with
    ``snapshot_id=None`` and ``stale=True``: having no list at all is the stalest state there is.
    """

    source: str
    snapshot_id: int | None
    label: str | None
    published: str | None
    retrieved_at: dt.datetime | None
    entity_count: int | None
    age_days: int | None
    stale_after_days: int | None
    stale: bool
    origin: str | None


def file_sha256(path: Path) -> str:
    """sha256 of a file, or of a directory's files (multi-file sets such as OFAC's legacy CSVs).

    For a directory, each regular file's name and sha256 are hashed in name order, so the digest
    changes when any file changes, appears or disappears.
    """
    path = Path(path)
    if path.is_dir():
        outer = hashlib.sha256()
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            outer.update(f"{child.name}\0{_hash_file(child)}\n".encode())
        return outer.hexdigest()
    return _hash_file(path)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise ListFormatError(path, None, f"cannot read file: {exc}") from exc
    return digest.hexdigest()


def import_list(
    store: Store,
    path: Path,
    source: str,
    *,
    url: str | None = None,
    retrieved_at: dt.datetime | None = None,
    origin: Origin = "file",
    force: bool = False,
    actor: str | None = None,
) -> ImportResult:
    """Parse ``path`` as ``source`` and make it the current snapshot of that source.

    ``url`` and ``retrieved_at`` (timezone-aware) record where and when the file was obtained;
    ``origin`` says how (``file`` given by the user, ``download`` by :mod:`aktsam.lists.update`,
    ``bundled``). Raises :class:`ListFormatError` for a bad file, :class:`SuspiciousListError`
    for an implausible entity count and :class:`RollbackRefusedError` for an older publication than
    the one in force (both unless ``force``); nothing is written then. ``actor`` (default: the login
    name) is who the audit trail names.
    """
    path = Path(path)
    started = time.perf_counter()
    sha256 = file_sha256(path)
    parsed = parse(path, source)
    parse_seconds = time.perf_counter() - started
    if parsed.source != source:
        raise ListFormatError(
            path, None, f"parser returned a {parsed.source!r} list for {source!r}"
        )
    return import_parsed(
        store,
        parsed,
        sha256=sha256,
        file_name=path.name,
        url=url,
        retrieved_at=retrieved_at,
        origin=origin,
        force=force,
        parse_seconds=parse_seconds,
        where=str(path),
        actor=actor,
    )


def import_parsed(
    store: Store,
    parsed: ParsedList,
    *,
    sha256: str,
    file_name: str,
    url: str | None = None,
    retrieved_at: dt.datetime | None = None,
    origin: Origin = "file",
    force: bool = False,
    parse_seconds: float = 0.0,
    where: str | None = None,
    actor: str | None = None,
) -> ImportResult:
    """Store an already parsed list as a snapshot (the second half of :func:`import_list`).

    Separate so that the bundled snapshot, which ships pre-parsed entities, goes through the very
    same checks and transaction as a file import.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}, got {origin!r}")
    if retrieved_at is not None and retrieved_at.tzinfo is None:
        raise ValueError("retrieved_at must be timezone-aware (UTC)")
    source = parsed.source
    where = where or file_name  # what errors name: the path when there is one
    _check_unique_ids(parsed, where)
    if not force:
        check_plausible(parsed, load_sources(store.settings.sources_file).get(source), where)

    started = time.perf_counter()
    with store.session() as session:
        previous = session.scalars(
            sa.select(SnapshotRow).where(SnapshotRow.source == source, SnapshotRow.is_current)
        ).one_or_none()
        if previous is not None and previous.sha256 == sha256:
            return ImportResult(
                source=source,
                status="unchanged",
                snapshot=_snapshot(previous),
                previous_id=previous.id,
                parse_seconds=parse_seconds,
                write_seconds=time.perf_counter() - started,
            )
        rollback = (
            rollback_reason(
                parsed.published, retrieved_at, previous.published, previous.retrieved_at, source
            )
            if previous is not None
            else None
        )
        if rollback is not None and not force:
            assert previous is not None
            raise RollbackRefusedError(where, source, rollback, previous.label)
        now = dt.datetime.now(dt.UTC)
        session.execute(
            sa.update(SnapshotRow)
            .where(SnapshotRow.source == source, SnapshotRow.is_current)
            .values(is_current=False)
        )
        row = SnapshotRow(
            source=source,
            label=_unique_label(session, source, parsed.published, retrieved_at, now),
            file_name=file_name,
            url=url,
            published=parsed.published,
            retrieved_at=retrieved_at,
            imported_at=now,
            sha256=sha256,
            entity_count=len(parsed.entities),
            counts=parsed.counts(),
            warnings=list(parsed.warnings),
            is_current=True,
            origin=origin,
        )
        session.add(row)
        session.flush()
        _insert_entities(session, row.id, parsed.entities)
        snapshot = _snapshot(row)
        after: dict[str, Any] = {"source": source, "file": file_name, "sha256": sha256,
                                 "published": parsed.published, "entities": len(parsed.entities),
                                 "origin": origin}  # fmt: skip
        if rollback is not None:  # forced: say so, from which publication to which
            after["rollback"] = {"reason": rollback, "forced": True,
                                 "from": {"snapshot": previous.label if previous else None,
                                          "published": previous.published if previous else None},
                                 "to": {"snapshot": row.label, "published": parsed.published}}  # fmt: skip
        trail.record(session, actor=actor or trail.default_actor(),
                     action="list.rollback" if rollback is not None else "list.import",
                     object_type="snapshot", object_id=row.label,
                     before={"current": previous.label, "published": previous.published}
                     if previous is not None else None,
                     after=after)  # fmt: skip
    return ImportResult(
        source=source,
        status="imported",
        snapshot=snapshot,
        previous_id=previous.id if previous is not None else None,
        parse_seconds=parse_seconds,
        write_seconds=time.perf_counter() - started,
        rollback=rollback,
    )


def rollback_reason(
    published: str | None,
    retrieved_at: dt.datetime | None,
    current_published: str | None,
    current_retrieved_at: dt.datetime | None,
    source: str,
) -> str | None:
    """Why a file would roll ``source`` back from the snapshot in force, or ``None`` if it would not.

    The rule (module docstring): a file is dated by the publication date it states, else by when it
    was retrieved; it must not be earlier than the snapshot in force, and a file with no date at all
    never silently replaces one.
    """
    new, new_basis = _publication_date(published, retrieved_at)
    old, old_basis = _publication_date(current_published, current_retrieved_at)
    if new is None:
        return (
            f"the file states no publication date and no retrieval date is known, so it cannot "
            f"be shown not to be older than the {source} snapshot in force ({old_basis})"
        )
    if old is None:
        return None
    if isinstance(new, dt.datetime) and isinstance(old, dt.datetime):
        older = new < old
    else:
        older = _as_day(new) < _as_day(old)
    if older:
        return (
            f"the file is an older {source} publication ({new_basis}) than the snapshot in force "
            f"({old_basis})"
        )
    return None


def _publication_date(
    published: str | None, retrieved_at: dt.datetime | None
) -> tuple[dt.datetime | dt.date | None, str]:
    """The date a file counts as (a tz-aware timestamp, a day or ``None``) and how it is known."""
    day = _published_day(published)
    if day is not None and published is not None:
        try:
            stamp = dt.datetime.fromisoformat(published)
        except ValueError:
            stamp = None
        if stamp is not None and stamp.tzinfo is not None and "T" in published:
            return stamp, f"published {published}"
        return day, f"published {day.isoformat()}"
    if retrieved_at is not None:  # by day: a retrieval time says nothing of the hour of publication
        day = retrieved_at.astimezone(dt.UTC).date()
        return day, f"undated, retrieved {day.isoformat()}"
    return None, "no publication or retrieval date"


def _as_day(value: dt.datetime | dt.date) -> dt.date:
    return value.astimezone(dt.UTC).date() if isinstance(value, dt.datetime) else value


def check_plausible(parsed: ParsedList, source_def: SourceDef | None, where: str) -> None:
    """Refuse an empty list, or one outside the ``entity_count`` bounds of its catalogue entry."""
    count = len(parsed.entities)
    if count == 0:
        raise SuspiciousListError(
            where,
            None,
            f"suspicious: {parsed.source} file holds no entities; refusing to make an "
            "empty list current (use force to override)",
        )
    if source_def is None:
        return
    if not source_def.min_entities <= count <= source_def.max_entities:
        raise SuspiciousListError(
            where,
            None,
            f"suspicious: {count} entities, but a genuine {parsed.source} file holds "
            f"{source_def.min_entities}-{source_def.max_entities} (sources.yml); check the file "
            f"against {source_def.landing_page} and use force to import it anyway",
        )


def _check_unique_ids(parsed: ParsedList, where: str) -> None:
    seen: set[str] = set()
    for entity in parsed.entities:
        if entity.source != parsed.source:
            raise ListFormatError(
                where,
                None,
                f"entity {entity.id} has source {entity.source!r}, list is {parsed.source!r}",
            )
        if entity.id in seen:
            raise ListFormatError(
                where, None, f"entity id {entity.id!r} appears more than once; ids must be unique"
            )
        seen.add(entity.id)


def _insert_entities(session: Session, snapshot_id: int, entities: Sequence[ListedEntity]) -> None:
    # Should the model's hash recipe ever change, ask each entity instead (slower, still right).
    reuse = (
        not entities or _content_hash_from_dict(entities[0].to_dict()) == entities[0].content_hash()
    )
    batch: list[dict[str, Any]] = []
    for entity in entities:
        # serialised once per entity: the row data and the content hash share it
        data = entity.to_dict()
        batch.append(
            {
                "snapshot_id": snapshot_id,
                "entity_id": entity.id,
                "source_id": entity.source_id,
                "schema": entity.schema.value,
                "caption": entity.caption,
                "content_hash": _content_hash_from_dict(data) if reuse else entity.content_hash(),
                "data": data,
            }
        )
        if len(batch) >= BATCH_SIZE:
            _insert_batch(session, batch)
            batch = []
    if batch:
        _insert_batch(session, batch)


def _content_hash_from_dict(data: dict[str, Any]) -> str:
    """:meth:`ListedEntity.content_hash` computed from an existing ``to_dict()`` result.

    Same recipe as the model's, so the entity is converted once instead of twice (that conversion is
    most of an import's time). :func:`_insert_entities` checks the two agree before relying on it.
    """
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _insert_batch(session: Session, rows: list[dict[str, Any]]) -> None:
    """One multi-row INSERT (Core executemany; an ORM object per entity would be ~10x slower)."""
    session.execute(sa.insert(EntityRow), rows)


def _published_day(published: str | None) -> dt.date | None:
    """The calendar day of an ISO 8601 ``published`` value; ``None`` for partial or odd values."""
    match = _ISO_DAY.match(published or "")
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _label_day(
    published: str | None, retrieved_at: dt.datetime | None, imported_at: dt.datetime
) -> str:
    day = _published_day(published) or (retrieved_at or imported_at).astimezone(dt.UTC).date()
    return day.isoformat()


def _unique_label(
    session: Session,
    source: str,
    published: str | None,
    retrieved_at: dt.datetime | None,
    imported_at: dt.datetime,
) -> str:
    """``un-sc@2026-02-27``; a second snapshot with the same day becomes ``un-sc@2026-02-27.2``."""
    base = f"{source}@{_label_day(published, retrieved_at, imported_at)}"
    taken = set(
        session.scalars(
            sa.select(SnapshotRow.label).where(SnapshotRow.label.startswith(base, autoescape=True))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def _snapshot(row: SnapshotRow) -> Snapshot:
    return Snapshot(
        id=row.id,
        source=row.source,
        label=row.label,
        file_name=row.file_name,
        url=row.url,
        published=row.published,
        retrieved_at=row.retrieved_at,
        imported_at=row.imported_at,
        sha256=row.sha256,
        entity_count=row.entity_count,
        counts=dict(row.counts),
        warnings=list(row.warnings),
        is_current=row.is_current,
        origin=row.origin,
    )


def current_snapshots(store: Store, sources: Iterable[str] | None = None) -> list[Snapshot]:
    """The current snapshot of each source (optionally only of ``sources``), ordered by source."""
    query = sa.select(SnapshotRow).where(SnapshotRow.is_current).order_by(SnapshotRow.source)
    if sources is not None:
        query = query.where(SnapshotRow.source.in_(list(sources)))
    with store.session() as session:
        return [_snapshot(row) for row in session.scalars(query)]


def list_snapshots(store: Store, source: str | None = None) -> list[Snapshot]:
    """All snapshots (of ``source``), newest first."""
    query = sa.select(SnapshotRow).order_by(SnapshotRow.id.desc())
    if source is not None:
        query = query.where(SnapshotRow.source == source)
    with store.session() as session:
        return [_snapshot(row) for row in session.scalars(query)]


def get_snapshot(store: Store, snapshot: int | str) -> Snapshot:
    """A snapshot by id or label (``un-sc@2026-02-27``); :class:`NotFoundError` if none."""
    with store.session() as session:
        if isinstance(snapshot, int) or (isinstance(snapshot, str) and snapshot.isdigit()):
            row = session.get(SnapshotRow, int(snapshot))
        else:
            row = session.scalars(
                sa.select(SnapshotRow).where(SnapshotRow.label == snapshot)
            ).one_or_none()
        if row is None:
            raise NotFoundError(f"no snapshot {snapshot!r} (see `aktsam lists`)")
        return _snapshot(row)


def load_entities(store: Store, snapshot_ids: Iterable[int]) -> list[ListedEntity]:
    """Every entity of the given snapshots, ordered by snapshot then entity id.

    Unknown snapshot ids raise :class:`NotFoundError`: screening against a snapshot that is not
    there would otherwise report "no hits" for it, which is the one wrong answer a screening tool
    must never give.
    """
    ids = sorted(set(snapshot_ids))
    if not ids:
        return []
    with store.session() as session:
        found = set(session.scalars(sa.select(SnapshotRow.id).where(SnapshotRow.id.in_(ids))))
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFoundError(f"no snapshot with id {', '.join(map(str, missing))}")
        rows = session.execute(
            sa.select(EntityRow.data)
            .where(EntityRow.snapshot_id.in_(ids))
            .order_by(EntityRow.snapshot_id, EntityRow.entity_id)
        )
        return [ListedEntity.from_dict(data) for (data,) in rows]


def get_entity(store: Store, snapshot_id: int, entity_id: str) -> ListedEntity:
    """One entity of one snapshot; :class:`NotFoundError` if that snapshot does not hold it."""
    with store.session() as session:
        data = session.scalar(
            sa.select(EntityRow.data).where(
                EntityRow.snapshot_id == snapshot_id, EntityRow.entity_id == entity_id
            )
        )
    if data is None:
        raise NotFoundError(f"snapshot {snapshot_id} holds no entity {entity_id!r}")
    return ListedEntity.from_dict(data)


def entity_hashes(store: Store, snapshot_id: int) -> dict[str, str]:
    """``entity_id -> content_hash`` of one snapshot: tells what changed without loading data."""
    with store.session() as session:
        rows = session.execute(
            sa.select(EntityRow.entity_id, EntityRow.content_hash).where(
                EntityRow.snapshot_id == snapshot_id
            )
        )
        return {entity_id: content_hash for entity_id, content_hash in rows}


def status(store: Store, now: dt.datetime | None = None) -> list[ListStatus]:
    """Freshness of every catalogue source and of any other source that has a current snapshot."""
    now = now or dt.datetime.now(dt.UTC)
    catalogue = load_sources(store.settings.sources_file)
    current = {s.source: s for s in current_snapshots(store)}
    out: list[ListStatus] = []
    for source in [*catalogue, *sorted(set(current) - set(catalogue))]:
        source_def = catalogue.get(source)
        limit = source_def.stale_after_days if source_def is not None else None
        snap = current.get(source)
        if snap is None:
            out.append(ListStatus(source, None, None, None, None, None, None, limit, True, None))
            continue
        age = (now.astimezone(dt.UTC).date() - reference_day(snap)).days
        out.append(
            ListStatus(
                source=source,
                snapshot_id=snap.id,
                label=snap.label,
                published=snap.published,
                retrieved_at=snap.retrieved_at,
                entity_count=snap.entity_count,
                age_days=age,
                stale_after_days=limit,
                stale=limit is not None and age > limit,
                origin=snap.origin,
            )
        )
    return out


def reference_day(snap: Snapshot) -> dt.date:
    """The day a snapshot's content dates from: the publication day its file states, else the day
    it was retrieved, else imported (what ``age_days`` and the staleness warnings count from)."""
    day = _published_day(snap.published)
    return day or (snap.retrieved_at or snap.imported_at).astimezone(dt.UTC).date()
