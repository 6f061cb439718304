"""Diffs between snapshots, checked against the two real UN publications."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import aktsam.lists.snapshots as snapshots
from aktsam.errors import InputError, NotFoundError
from aktsam.lists.diff import diff_snapshots
from aktsam.lists.model import Address, ListedEntity, Name, ParsedList, Schema
from aktsam.lists.parsers import parse
from aktsam.lists.snapshots import import_list
from aktsam.store import Store

UN_OLD = "un-sc-consolidated/un_consolidated.xml"  # 2024-05-15
UN_NEW = "un-sc-consolidated/UN_consolidated.xml"  # 2026-02-27

Canonical = tuple[tuple[str, str], ...]


def _raw_entries(path: Path) -> dict[str, Canonical]:
    """REFERENCE_NUMBER -> the entry's elements and texts, whitespace-normalised (etree)."""
    root = ET.parse(path).getroot()
    out: dict[str, Canonical] = {}
    for tag in ("INDIVIDUAL", "ENTITY"):
        for element in root.iter(tag):
            reference = (element.findtext("REFERENCE_NUMBER") or "").strip()
            assert reference and reference not in out
            out[reference] = tuple((e.tag, (e.text or "").strip()) for e in element.iter())
    return out


def test_un_diff_matches_independent_count(store: Store, lists_dir: Path) -> None:
    old_raw = _raw_entries(lists_dir / UN_OLD)
    new_raw = _raw_entries(lists_dir / UN_NEW)
    added = new_raw.keys() - old_raw.keys()
    removed = old_raw.keys() - new_raw.keys()
    common = old_raw.keys() & new_raw.keys()
    raw_changed = {r for r in common if old_raw[r] != new_raw[r]}
    # the numbers, as PROVENANCE.md's counts and set arithmetic give them
    assert (len(old_raw), len(new_raw)) == (875, 1003)
    assert (len(added), len(removed), len(common)) == (137, 9, 866)

    import_list(store, lists_dir / UN_OLD, "un-sc")
    import_list(store, lists_dir / UN_NEW, "un-sc")
    diff = diff_snapshots(store, "un-sc")  # default: previous vs current

    assert (diff.old.label, diff.new.label) == ("un-sc@2024-05-15", "un-sc@2026-02-27")
    assert {e.source_id for e in diff.added} == added
    assert {e.source_id for e in diff.removed} == removed
    changed = {c.new.source_id for c in diff.changed}
    # an entry whose XML is identical cannot have changed; every change must show in the XML
    assert changed <= raw_changed
    # and exactly the entries whose parsed content differs are reported
    old_parsed = {e.source_id: e for e in parse(lists_dir / UN_OLD, "un-sc").entities}
    new_parsed = {e.source_id: e for e in parse(lists_dir / UN_NEW, "un-sc").entities}
    assert changed == {r for r in common if old_parsed[r].to_dict() != new_parsed[r].to_dict()}
    assert changed  # the two publications do differ
    assert diff.counts() == {
        "added": 137,
        "removed": 9,
        "changed": len(changed),
        "unchanged": 866 - len(changed),
    }
    for change in diff.changed:
        old, new = change.old.to_dict(), change.new.to_dict()
        assert change.fields and all(old[f] != new[f] for f in change.fields)
        assert all(old[f] == new[f] for f in old.keys() - set(change.fields))
    assert [e.id for e in diff.added] == sorted(e.id for e in diff.added)


def test_diff_explicit_snapshots_and_fields(
    store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def entity(source_id: str, name: str, address: str | None = None) -> ListedEntity:
        return ListedEntity(
            "csv",
            source_id,
            Schema.ORGANIZATION,
            [Name(name)],
            addresses=[Address(address)] if address else [],
        )

    versions = [
        ParsedList(
            "csv", [entity("1", "Alpha"), entity("2", "Beta"), entity("3", "Gamma")], "2026-01-01"
        ),
        ParsedList(
            "csv",
            [entity("1", "Alpha"), entity("2", "Beta", "Paris"), entity("4", "Delta")],
            "2026-02-01",
        ),
        ParsedList("csv", [entity("1", "Alpha One")], "2026-03-01"),
    ]
    files = {tmp_path / f"v{i}.csv": v for i, v in enumerate(versions)}

    def fake_parse(path: Path, source: str) -> ParsedList:
        return files[path]

    monkeypatch.setattr(snapshots, "parse", fake_parse)
    for path in files:
        path.write_text(path.name)
        import_list(store, path, "csv")

    diff = diff_snapshots(store, "csv", old="csv@2026-01-01", new="csv@2026-02-01")
    assert [e.source_id for e in diff.added] == ["4"]
    assert [e.source_id for e in diff.removed] == ["3"]
    assert [(c.entity_id, c.fields) for c in diff.changed] == [("csv:2", ("addresses",))]
    assert diff.unchanged == 1

    latest = diff_snapshots(store, "csv")
    assert (latest.old.label, latest.new.label) == ("csv@2026-02-01", "csv@2026-03-01")
    assert [(c.entity_id, c.fields) for c in latest.changed] == [("csv:1", ("names",))]
    assert latest.counts() == {"added": 0, "removed": 2, "changed": 1, "unchanged": 0}

    with pytest.raises(NotFoundError, match="first snapshot"):
        diff_snapshots(store, "csv", new="csv@2026-01-01")
    with pytest.raises(NotFoundError, match="no current snapshot"):
        diff_snapshots(store, "un-sc")
    with pytest.raises(InputError, match="not un-sc"):
        diff_snapshots(store, "un-sc", old="csv@2026-01-01", new="csv@2026-02-01")
