"""Importing lists as snapshots: parse first, refuse the implausible, all-or-nothing writes."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from lxml import etree

import aktsam.lists.snapshots as snapshots
from aktsam.errors import ListFormatError, NotFoundError
from aktsam.lists.model import ListedEntity, Name, NameKind, ParsedList, Schema
from aktsam.lists.parsers import parse
from aktsam.lists.snapshots import (
    SuspiciousListError,
    current_snapshots,
    entity_hashes,
    file_sha256,
    get_entity,
    get_snapshot,
    import_list,
    import_parsed,
    list_snapshots,
    load_entities,
    status,
)
from aktsam.store import Store
from aktsam.store.schema import EntityRow, SnapshotRow

UN_OLD = "un-sc-consolidated/un_consolidated.xml"  # 2024-05-15, 875 entries
UN_NEW = "un-sc-consolidated/UN_consolidated.xml"  # 2026-02-27, 1,003 entries


def make_entity(source_id: str, name: str, source: str = "csv") -> ListedEntity:
    return ListedEntity(
        source=source, source_id=source_id, schema=Schema.PERSON, names=[Name(name)]
    )


@pytest.fixture
def fake_lists(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[ParsedList], Path]:
    """Register a ParsedList under a fresh file; import_list then "parses" that file into it."""
    by_path: dict[Path, ParsedList] = {}

    def fake_parse(path: Path, source: str) -> ParsedList:
        if path in by_path:
            return by_path[path]
        return parse(path, source)

    monkeypatch.setattr(snapshots, "parse", fake_parse)

    def register(parsed: ParsedList) -> Path:
        path = tmp_path / f"list-{len(by_path)}.txt"
        path.write_text(f"{parsed.source} {len(by_path)}")
        by_path[path] = parsed
        return path

    return register


def count(store: Store, model: type[Any]) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_import_two_un_publications(store: Store, lists_dir: Path) -> None:
    retrieved = dt.datetime(2024, 5, 16, 8, 0, tzinfo=dt.UTC)
    first = import_list(
        store, lists_dir / UN_OLD, "un-sc", url="https://x/old", retrieved_at=retrieved
    )
    assert first.status == "imported" and first.previous_id is None
    snap = first.snapshot
    assert snap.label == "un-sc@2024-05-15"
    assert snap.published == "2024-05-15T00:00:03.012Z"
    assert snap.entity_count == 875
    assert snap.counts == {"total": 875, "person": 682, "organization": 193}
    assert snap.sha256 == "5c8aa0441f2272b618f921dca11a91ba269388422b820fefa50764f05dc0c6a0"
    assert (snap.url, snap.retrieved_at, snap.origin) == ("https://x/old", retrieved, "file")
    assert snap.file_name == "un_consolidated.xml" and snap.is_current

    second = import_list(store, lists_dir / UN_NEW, "un-sc")
    assert second.status == "imported" and second.previous_id == snap.id
    assert second.snapshot.label == "un-sc@2026-02-27"
    assert [s.id for s in current_snapshots(store)] == [second.snapshot.id]
    assert [(s.label, s.is_current) for s in list_snapshots(store, "un-sc")] == [
        ("un-sc@2026-02-27", True),
        ("un-sc@2024-05-15", False),
    ]
    assert count(store, EntityRow) == 875 + 1003  # old snapshots keep their entities


def test_same_file_again_is_unchanged(store: Store, lists_dir: Path) -> None:
    first = import_list(store, lists_dir / UN_NEW, "un-sc")
    again = import_list(store, lists_dir / UN_NEW, "un-sc")
    assert again.status == "unchanged"
    assert again.snapshot == first.snapshot
    assert count(store, SnapshotRow) == 1
    assert count(store, EntityRow) == 1003


def test_entities_round_trip(store: Store, lists_dir: Path) -> None:
    parsed = parse(lists_dir / UN_NEW, "un-sc")
    snap = import_list(store, lists_dir / UN_NEW, "un-sc").snapshot
    loaded = load_entities(store, [snap.id])
    assert sorted(e.id for e in loaded) == [e.id for e in loaded]
    by_id = {e.id: e for e in parsed.entities}
    assert len(loaded) == len(by_id) == 1003
    for entity in loaded:
        assert entity.to_dict() == by_id[entity.id].to_dict()
    hashes = entity_hashes(store, snap.id)
    assert all(hashes[i] == e.content_hash() for i, e in by_id.items())
    one = parsed.entities[0]
    assert get_entity(store, snap.id, one.id).to_dict() == one.to_dict()
    with pytest.raises(NotFoundError):
        get_entity(store, snap.id, "un-sc:nope")


def test_malformed_file_writes_nothing(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "consolidated.xml"
    bad.write_text("<html><body>Service unavailable</body></html>")
    with pytest.raises(ListFormatError):
        import_list(store, bad, "un-sc")
    assert count(store, SnapshotRow) == 0


def test_implausible_count_is_refused_unless_forced(
    store: Store, lists_dir: Path, tmp_path: Path
) -> None:
    tree = etree.parse(str(lists_dir / UN_NEW))
    for container in ("INDIVIDUALS", "ENTITIES"):
        parent = tree.getroot().find(container)
        assert parent is not None
        for child in list(parent)[2:]:
            parent.remove(child)
    truncated = tmp_path / "consolidated.xml"
    tree.write(str(truncated), xml_declaration=True, encoding="utf-8")

    import_list(store, lists_dir / UN_OLD, "un-sc")
    with pytest.raises(SuspiciousListError, match=r"suspicious: 4 entities.*500-3000"):
        import_list(store, truncated, "un-sc")
    assert [s.label for s in current_snapshots(store)] == ["un-sc@2024-05-15"]
    forced = import_list(store, truncated, "un-sc", force=True)
    assert forced.status == "imported" and forced.snapshot.entity_count == 4


def test_empty_list_is_suspicious_even_without_bounds(
    store: Store, fake_lists: Callable[[ParsedList], Path]
) -> None:
    path = fake_lists(ParsedList("csv", [], None))
    with pytest.raises(SuspiciousListError, match="no entities"):
        import_list(store, path, "csv")
    assert import_list(store, path, "csv", force=True).snapshot.entity_count == 0


def test_duplicate_ids_are_a_format_error(
    store: Store, fake_lists: Callable[[ParsedList], Path]
) -> None:
    path = fake_lists(ParsedList("csv", [make_entity("1", "A"), make_entity("1", "B")], None))
    with pytest.raises(ListFormatError, match="appears more than once"):
        import_list(store, path, "csv")
    assert count(store, SnapshotRow) == 0


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failure_mid_write_keeps_previous_snapshot_current(
    store: Store,
    fake_lists: Callable[[ParsedList], Path],
    monkeypatch: pytest.MonkeyPatch,
    exc: BaseException,
) -> None:
    old = [make_entity(str(i), f"Old {i}") for i in range(300)]
    new = [make_entity(str(i), f"New {i}") for i in range(1000)]
    first = import_list(store, fake_lists(ParsedList("csv", old, "2026-01-01")), "csv")

    monkeypatch.setattr(snapshots, "BATCH_SIZE", 100)
    real_insert = snapshots._insert_batch
    calls: list[int] = []

    def failing_insert(session: Any, rows: list[dict[str, Any]]) -> None:
        calls.append(len(rows))
        if len(calls) == 4:  # 300 rows of the new snapshot are already written in the transaction
            raise exc
        real_insert(session, rows)

    monkeypatch.setattr(snapshots, "_insert_batch", failing_insert)
    with pytest.raises(type(exc)):
        import_list(store, fake_lists(ParsedList("csv", new, "2026-02-01")), "csv")
    assert calls == [100, 100, 100, 100]

    assert [s.id for s in current_snapshots(store)] == [first.snapshot.id]
    assert count(store, SnapshotRow) == 1
    assert count(store, EntityRow) == 300
    assert {e.caption for e in load_entities(store, [first.snapshot.id])} == {
        f"Old {i}" for i in range(300)
    }


def test_labels_stay_unique(store: Store, fake_lists: Callable[[ParsedList], Path]) -> None:
    labels = [
        import_list(
            store, fake_lists(ParsedList("csv", [make_entity("1", f"v{i}")], "2026-03-01")), "csv"
        ).snapshot.label
        for i in range(3)
    ]
    assert labels == ["csv@2026-03-01", "csv@2026-03-01.2", "csv@2026-03-01.3"]
    assert get_snapshot(store, "csv@2026-03-01.2").label == "csv@2026-03-01.2"


def test_label_without_published_date_uses_retrieval_day(
    store: Store, fake_lists: Callable[[ParsedList], Path]
) -> None:
    retrieved = dt.datetime(2026, 4, 2, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    result = import_list(
        store,
        fake_lists(ParsedList("csv", [make_entity("1", "A")], None)),
        "csv",
        retrieved_at=retrieved,
    )
    assert result.snapshot.label == "csv@2026-04-03"  # the UTC day


def test_naive_retrieved_at_is_refused(store: Store, lists_dir: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        import_list(store, lists_dir / UN_NEW, "un-sc", retrieved_at=dt.datetime(2026, 1, 1))


def test_lookups(store: Store, lists_dir: Path) -> None:
    snap = import_list(store, lists_dir / UN_NEW, "un-sc").snapshot
    assert get_snapshot(store, snap.id) == snap
    assert get_snapshot(store, str(snap.id)) == snap
    assert get_snapshot(store, "un-sc@2026-02-27") == snap
    with pytest.raises(NotFoundError):
        get_snapshot(store, "un-sc@1999-01-01")
    with pytest.raises(NotFoundError):
        get_snapshot(store, 42)
    with pytest.raises(NotFoundError, match="42"):
        load_entities(store, [snap.id, 42])
    assert load_entities(store, []) == []
    assert current_snapshots(store, ["eu-fsf"]) == []
    assert list_snapshots(store, "eu-fsf") == []


def test_status(store: Store, lists_dir: Path, fake_lists: Callable[[ParsedList], Path]) -> None:
    import_list(store, lists_dir / UN_NEW, "un-sc")  # published 2026-02-27
    retrieved = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    csv = fake_lists(ParsedList("csv", [make_entity("1", "A")], None))
    import_list(store, csv, "csv", retrieved_at=retrieved)

    rows = {s.source: s for s in status(store, now=dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))}
    assert list(rows) == ["un-sc", "eu-fsf", "uk-hmt", "ofac-sdn", "ofac-cons", "us-csl", "csv"]
    un = rows["un-sc"]
    assert (un.age_days, un.stale_after_days, un.stale) == (7, 7, False)
    assert (un.entity_count, un.origin, un.label) == (1003, "file", "un-sc@2026-02-27")
    later = {s.source: s for s in status(store, now=dt.datetime(2026, 3, 7, tzinfo=dt.UTC))}
    assert (later["un-sc"].age_days, later["un-sc"].stale) == (8, True)
    missing = rows["eu-fsf"]
    assert (missing.snapshot_id, missing.stale, missing.stale_after_days) == (None, True, 14)
    other = rows["csv"]  # no catalogue entry: age from retrieval, never stale
    assert (other.age_days, other.stale_after_days, other.stale) == (5, None, False)


def test_directory_hash_covers_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "a.csv").write_text("1")
    (folder / "b.csv").write_text("2")
    before = file_sha256(folder)
    (folder / "b.csv").write_text("3")
    changed = file_sha256(folder)
    (folder / "c.csv").write_text("")
    added = file_sha256(folder)
    assert len({before, changed, added}) == 3
    assert file_sha256(folder / "a.csv") != before


def test_bulk_import_is_fast(store: Store, fake_lists: Callable[[ParsedList], Path]) -> None:
    """~40k entities in total should import in seconds; 20k synthetic ones well under ten."""
    entities = [
        ListedEntity(
            source="csv",
            source_id=str(i),
            schema=Schema.ORGANIZATION,
            names=[Name(f"Company {i} Limited"), Name(f"Co {i}", kind=NameKind.ALIAS)],
            countries=["cn"],
            programs=["SDGT"],
            remarks="x" * 200,
        )
        for i in range(20_000)
    ]
    started = time.perf_counter()
    result = import_parsed(
        store, ParsedList("csv", entities, "2026-01-01"), sha256="f" * 64, file_name="big.csv"
    )
    assert result.snapshot.entity_count == 20_000
    assert time.perf_counter() - started < 10
    started = time.perf_counter()
    assert len(load_entities(store, [result.snapshot.id])) == 20_000
    assert time.perf_counter() - started < 5
