"""The roll-back rule: an older publication never silently replaces the snapshot in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import aktsam.lists.snapshots as snapshots
from aktsam.lists.model import ListedEntity, Name, ParsedList, Schema
from aktsam.lists.parsers import parse
from aktsam.lists.snapshots import (
    RollbackRefusedError,
    current_snapshots,
    import_list,
    list_snapshots,
    rollback_reason,
)
from aktsam.store import Store
from aktsam.store import trail as audit
from aktsam.store.schema import AuditLogRow, EntityRow, SnapshotRow

UN_OLD = "un-sc-consolidated/un_consolidated.xml"  # 2024-05-15, 875 entries
UN_NEW = "un-sc-consolidated/UN_consolidated.xml"  # 2026-02-27, 1,003 entries


def _count(store: Store, model: type[Any]) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


@pytest.fixture
def fake_lists(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[ParsedList], Path]:
    """Register a ParsedList under a fresh file; import_list then "parses" that file into it."""
    by_path: dict[Path, ParsedList] = {}

    def fake_parse(path: Path, source: str) -> ParsedList:
        return by_path[path] if path in by_path else parse(path, source)

    monkeypatch.setattr(snapshots, "parse", fake_parse)

    def register(parsed: ParsedList) -> Path:
        path = tmp_path / f"list-{len(by_path)}.txt"
        path.write_text(f"{parsed.source} {len(by_path)}")
        by_path[path] = parsed
        return path

    return register


def _csv(published: str | None, name: str = "A") -> ParsedList:
    entity = ListedEntity(source="csv", source_id="1", schema=Schema.PERSON, names=[Name(name)])
    return ParsedList("csv", [entity], published)


def test_older_un_file_is_refused_and_changes_nothing(store: Store, lists_dir: Path) -> None:
    """Importing the 2024 UN file over the 2026 one used to drop every designation made since."""
    new = import_list(store, lists_dir / UN_NEW, "un-sc").snapshot
    snaps, entities, entries = (
        _count(store, SnapshotRow),
        _count(store, EntityRow),
        _count(store, AuditLogRow),
    )
    with pytest.raises(RollbackRefusedError) as refused:
        import_list(store, lists_dir / UN_OLD, "un-sc")
    message = str(refused.value)
    assert str(lists_dir / UN_OLD) in message
    assert "published 2024-05-15T00:00:03.012Z" in message
    assert "published 2026-02-27T00:00:09.554Z" in message
    assert "un-sc@2026-02-27 stays in force" in message and "--force" in message
    # nothing changed: no snapshot row, no entity, no trail entry; 2026 stays current
    assert (_count(store, SnapshotRow), _count(store, EntityRow)) == (snaps, entities)
    assert _count(store, AuditLogRow) == entries
    assert [s.id for s in current_snapshots(store)] == [new.id]


def test_forced_roll_back_is_recorded_in_the_trail(store: Store, lists_dir: Path) -> None:
    new = import_list(store, lists_dir / UN_NEW, "un-sc").snapshot
    forced = import_list(
        store, lists_dir / UN_OLD, "un-sc", force=True, actor="officer@example.org"
    )
    assert forced.status == "imported" and forced.rollback is not None
    assert "older un-sc publication" in forced.rollback
    assert [(s.label, s.is_current) for s in list_snapshots(store, "un-sc")] == [
        ("un-sc@2024-05-15", True),
        ("un-sc@2026-02-27", False),
    ]
    with store.session() as session:
        entry = audit.entries(session, object_type="snapshot")[-1]
        assert entry.action == "list.rollback" and entry.actor == "officer@example.org"
        assert entry.before == {"current": new.label, "published": new.published}
        rollback = (entry.after or {})["rollback"]
        assert rollback["forced"] is True
        assert rollback["from"] == {"snapshot": "un-sc@2026-02-27", "published": new.published}
        assert rollback["to"] == {
            "snapshot": "un-sc@2024-05-15",
            "published": "2024-05-15T00:00:03.012Z",
        }
        assert audit.verify(session).ok
    # an ordinary update is not a roll-back
    again = import_list(store, lists_dir / UN_NEW, "un-sc")
    assert again.rollback is None
    with store.session() as session:
        assert audit.entries(session, object_type="snapshot")[-1].action == "list.import"


def test_newer_and_equal_dates_are_accepted(
    store: Store, fake_lists: Callable[[ParsedList], Path]
) -> None:
    import_list(store, fake_lists(_csv("2026-03-01")), "csv")
    same_day = import_list(store, fake_lists(_csv("2026-03-01", "B")), "csv")  # a re-issue
    assert same_day.status == "imported" and same_day.rollback is None
    newer = import_list(store, fake_lists(_csv("2026-03-02T08:00:00Z", "C")), "csv")
    assert newer.rollback is None
    # same day, earlier hour: both stamps are precise, so this is older
    with pytest.raises(RollbackRefusedError, match="older csv publication"):
        import_list(store, fake_lists(_csv("2026-03-02T07:59:59Z", "D")), "csv")
    # a day-only date on the same day is not shown to be older
    assert import_list(store, fake_lists(_csv("2026-03-02", "E")), "csv").rollback is None


def test_undated_file_never_silently_wins(
    store: Store, fake_lists: Callable[[ParsedList], Path]
) -> None:
    import_list(store, fake_lists(_csv("2026-03-01")), "csv")
    with pytest.raises(RollbackRefusedError, match="states no publication date"):
        import_list(store, fake_lists(_csv(None, "B")), "csv")
    early = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    with pytest.raises(RollbackRefusedError, match=r"undated, retrieved 2026-02-01"):
        import_list(store, fake_lists(_csv(None, "B")), "csv", retrieved_at=early)
    # retrieved after the publication in force: a download of the publisher's file of that day
    later = dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)
    done = import_list(store, fake_lists(_csv(None, "B")), "csv", retrieved_at=later)
    assert done.status == "imported" and done.rollback is None
    # forcing the unknown date is possible, and recorded as such
    forced = import_list(store, fake_lists(_csv(None, "C")), "csv", force=True)
    assert forced.rollback is not None and "no publication date" in forced.rollback


def test_first_snapshot_and_other_sources_are_not_compared(
    store: Store, fake_lists: Callable[[ParsedList], Path], lists_dir: Path
) -> None:
    assert (
        import_list(store, fake_lists(_csv(None)), "csv").status == "imported"
    )  # nothing in force
    import_list(store, lists_dir / UN_NEW, "un-sc")
    # an older file of another source never competes with un-sc
    assert import_list(store, fake_lists(_csv("2020-01-01", "Z")), "csv").rollback is None


@pytest.mark.parametrize(
    ("new", "new_retrieved", "old", "old_retrieved", "refused"),
    [
        ("2026-02-27", None, "2026-02-27", None, False),
        ("2026-02-26", None, "2026-02-27", None, True),
        ("2026-02-27T00:00:00Z", None, "2026-02-27T00:00:09.554Z", None, True),
        ("2024-05-13T17:44:28.283+02:00", None, "2024-05-13T15:44:29Z", None, True),
        ("2026-02-27", None, None, None, False),  # the one in force has no date at all
        (None, None, None, None, True),
        (None, dt.datetime(2026, 2, 27, 23, tzinfo=dt.UTC), "2026-02-27T00:00:09Z", None, False),
        ("2026-02-26", None, None, dt.datetime(2026, 2, 27, tzinfo=dt.UTC), True),
    ],
)
def test_rollback_reason(
    new: str | None,
    new_retrieved: dt.datetime | None,
    old: str | None,
    old_retrieved: dt.datetime | None,
    refused: bool,
) -> None:
    reason = rollback_reason(new, new_retrieved, old, old_retrieved, "un-sc")
    assert (reason is not None) == refused, reason
