"""The bundled snapshot agrees with its manifest, is current with the parsers, imports once."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import lzma
import shutil
from pathlib import Path

import pytest

from aktsam.errors import ListFormatError
from aktsam.lists.bundled import bundled_dir, bundled_manifest, ensure_bundled, read_bundled
from aktsam.lists.parsers import parse
from aktsam.lists.snapshots import current_snapshots, import_list, list_snapshots, status
from aktsam.lists.sources import load_sources
from aktsam.store import Store

#: source -> the official file in data/lists the bundle is built from (as scripts/build_bundled.py)
ORIGINALS = {
    "un-sc": "un-sc-consolidated/UN_consolidated.xml",
    "eu-fsf": "eu-fsf/20240513-FULL-1_1(xsd).xml",
    "uk-hmt": "uk-ofsi-conlist/sanctionsconlist.csv",
    "ofac-sdn": "ofac-sdn/sdn.xml",
    "ofac-cons": "ofac-consolidated-nonsdn/consolidated.xml",
    "us-csl": "us-csl/consolidated.csv",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_source_is_bundled() -> None:
    assert sorted(bundled_manifest()) == sorted(ORIGINALS)


@pytest.mark.parametrize("source", sorted(ORIGINALS))
def test_bundle_agrees_with_manifest(source: str, lists_dir: Path) -> None:
    entry = bundled_manifest()[source]
    path = bundled_dir() / entry.bundled_file
    assert _sha256(path) == entry.bundled_sha256
    lines = [line for line in lzma.decompress(path.read_bytes()).splitlines() if line]
    assert len(lines) == entry.entity_count == entry.counts["total"]
    parsed = read_bundled(source)
    assert len(parsed.entities) == entry.entity_count
    assert parsed.counts() == entry.counts
    assert parsed.published == entry.published
    assert len({e.id for e in parsed.entities}) == entry.entity_count
    assert all(e.source == source for e in parsed.entities)
    original = lists_dir / ORIGINALS[source]
    assert (entry.original_file, entry.original_sha256) == (original.name, _sha256(original))
    assert entry.provenance_url and entry.provenance_url.startswith("https://github.com/")
    assert entry.provenance_note
    assert entry.official_url == load_sources()[source].downloads[0].url
    bounds = load_sources()[source]
    assert bounds.min_entities <= entry.entity_count <= bounds.max_entities


@pytest.mark.parametrize("source", ["un-sc", "ofac-cons"])
def test_bundle_is_what_the_parser_produces_today(source: str, lists_dir: Path) -> None:
    fresh = parse(lists_dir / ORIGINALS[source], source)
    bundled = read_bundled(source)
    assert [e.to_dict() for e in bundled.entities] == [e.to_dict() for e in fresh.entities], (
        f"the {source} parser changed since the bundle was built: run scripts/build_bundled.py"
    )


def test_ensure_bundled_imports_once(store: Store, lists_dir: Path) -> None:
    first = ensure_bundled(store)
    manifest = bundled_manifest()
    assert sorted(r.source for r in first) == sorted(manifest)
    for result in first:
        entry = manifest[result.source]
        snap = result.snapshot
        assert (result.status, snap.origin, snap.is_current) == ("imported", "bundled", True)
        assert (snap.entity_count, snap.sha256) == (entry.entity_count, entry.original_sha256)
        assert (snap.file_name, snap.url) == (entry.original_file, entry.provenance_url)
        day = (entry.published or entry.retrieved_on or "")[:10]
        assert snap.label == f"{result.source}@{day}"  # never the day of the import
        if entry.retrieved_on:
            assert snap.retrieved_at is not None
            assert snap.retrieved_at.date().isoformat() == entry.retrieved_on
    # bundled data is old: with the file's own dates, a year later everything is stale
    later = dt.datetime.fromisoformat(next(iter(manifest.values())).built_at) + dt.timedelta(365)
    assert all(s.stale for s in status(store, now=later))
    assert ensure_bundled(store) == []
    assert len(list_snapshots(store)) == len(manifest)
    # the official file the bundle came from is then recognised as the same publication
    again = import_list(store, lists_dir / ORIGINALS["un-sc"], "un-sc")
    assert again.status == "unchanged"


def test_ensure_bundled_leaves_sources_with_snapshots_alone(
    store: Store, lists_dir: Path, tmp_path: Path
) -> None:
    small = tmp_path / "bundled"  # a bundle of two small sources keeps this test quick
    small.mkdir()
    manifest = json.loads((bundled_dir() / "manifest.json").read_text())
    keep = ("un-sc", "ofac-cons")
    manifest["sources"] = {k: v for k, v in manifest["sources"].items() if k in keep}
    (small / "manifest.json").write_text(json.dumps(manifest))
    for entry in manifest["sources"].values():
        shutil.copyfile(bundled_dir() / entry["bundled_file"], small / entry["bundled_file"])

    own = import_list(store, lists_dir / "un-sc-consolidated/un_consolidated.xml", "un-sc")
    imported = ensure_bundled(store, small)
    assert [r.source for r in imported] == ["ofac-cons"]
    assert {s.source: s.id for s in current_snapshots(store)}["un-sc"] == own.snapshot.id


def test_damaged_bundle_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "bundled"
    shutil.copytree(bundled_dir(), copy)
    path = copy / "ofac-cons.jsonl.xz"
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ListFormatError, match="damaged"):
        read_bundled("ofac-cons", copy)
    assert len(read_bundled("un-sc", copy).entities) == bundled_manifest()["un-sc"].entity_count
