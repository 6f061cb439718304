"""What changed between two snapshots of one list: designations added, removed and amended.

Compliance teams need this after every update: a new designation may hit an existing customer, a
removal may release a blocked transaction, and an amendment (new alias, new address) may turn an
earlier false positive into a real match, which is why clearances are tied to content hashes
(:mod:`aktsam.screening.decisions`).

Entities are matched across snapshots by their stable ``id`` (``source:source_id``); an entity whose
content hash differs is *changed*, and the fields that differ are named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from aktsam.errors import InputError, NotFoundError
from aktsam.lists.model import ListedEntity
from aktsam.lists.snapshots import Snapshot, entity_hashes, get_snapshot
from aktsam.store.db import Store
from aktsam.store.schema import EntityRow, SnapshotRow

_CHUNK = 500  # ids per IN (...) query, well below every backend's bound-parameter limit


@dataclass(frozen=True, slots=True)
class EntityChange:
    """One entity present in both snapshots with different content; ``fields`` as in ``to_dict``."""

    entity_id: str
    old: ListedEntity
    new: ListedEntity
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    """Differences from ``old`` to ``new`` (snapshots of ``source``); lists sorted by entity id."""

    source: str
    old: Snapshot
    new: Snapshot
    added: list[ListedEntity]
    removed: list[ListedEntity]
    changed: list[EntityChange]
    unchanged: int

    def counts(self) -> dict[str, int]:
        """``added``, ``removed``, ``changed`` and ``unchanged`` entity counts."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
        }


def diff_snapshots(
    store: Store,
    source: str,
    old: int | str | None = None,
    new: int | str | None = None,
) -> SnapshotDiff:
    """Compare two snapshots of ``source`` (ids or labels).

    By default ``new`` is the current snapshot and ``old`` the snapshot imported just before it,
    i.e. "what did the last update change". :class:`NotFoundError` when there is nothing to compare.
    """
    new_snap = _resolve_new(store, source, new)
    old_snap = _resolve_old(store, source, old, new_snap)
    for snap in (old_snap, new_snap):
        if snap.source != source:
            raise InputError(
                f"snapshot {snap.label} is a {snap.source} snapshot, not {source}", field="snapshot"
            )

    old_hashes = entity_hashes(store, old_snap.id)
    new_hashes = entity_hashes(store, new_snap.id)
    added_ids = sorted(new_hashes.keys() - old_hashes.keys())
    removed_ids = sorted(old_hashes.keys() - new_hashes.keys())
    common = old_hashes.keys() & new_hashes.keys()
    changed_ids = sorted(i for i in common if old_hashes[i] != new_hashes[i])

    added = _load(store, new_snap.id, added_ids)
    removed = _load(store, old_snap.id, removed_ids)
    old_changed = _load(store, old_snap.id, changed_ids)
    new_changed = _load(store, new_snap.id, changed_ids)
    changed = [
        EntityChange(a.id, a, b, _changed_fields(a, b))
        for a, b in zip(old_changed, new_changed, strict=True)
    ]
    return SnapshotDiff(
        source=source,
        old=old_snap,
        new=new_snap,
        added=added,
        removed=removed,
        changed=changed,
        unchanged=len(common) - len(changed_ids),
    )


def _resolve_new(store: Store, source: str, new: int | str | None) -> Snapshot:
    if new is not None:
        return get_snapshot(store, new)
    with store.session() as session:
        new_id = session.scalar(
            sa.select(SnapshotRow.id).where(SnapshotRow.source == source, SnapshotRow.is_current)
        )
    if new_id is None:
        raise NotFoundError(f"no current snapshot of {source}; import or update it first")
    return get_snapshot(store, new_id)


def _resolve_old(store: Store, source: str, old: int | str | None, new: Snapshot) -> Snapshot:
    if old is not None:
        return get_snapshot(store, old)
    with store.session() as session:
        old_id = session.scalar(
            sa.select(sa.func.max(SnapshotRow.id)).where(
                SnapshotRow.source == source, SnapshotRow.id < new.id
            )
        )
    if old_id is None:
        raise NotFoundError(
            f"{new.label} is the first snapshot of {source}; nothing to compare with"
        )
    return get_snapshot(store, old_id)


def _load(store: Store, snapshot_id: int, ids: Iterable[str]) -> list[ListedEntity]:
    """The entities ``ids`` of one snapshot, in the order of ``ids``."""
    wanted = list(ids)
    found: dict[str, ListedEntity] = {}
    with store.session() as session:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = session.execute(
                sa.select(EntityRow.entity_id, EntityRow.data).where(
                    EntityRow.snapshot_id == snapshot_id, EntityRow.entity_id.in_(chunk)
                )
            )
            for entity_id, data in rows:
                found[entity_id] = ListedEntity.from_dict(data)
    return [found[i] for i in wanted]


def _changed_fields(old: ListedEntity, new: ListedEntity) -> tuple[str, ...]:
    a, b = old.to_dict(), new.to_dict()
    return tuple(key for key in sorted(a.keys() | b.keys()) if a.get(key) != b.get(key))
