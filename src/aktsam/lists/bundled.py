"""The bundled snapshot: official lists shipped inside the package, so aktsam screens on first run.

``scripts/build_bundled.py`` parses the official files in ``data/lists/`` and writes, per source,
``aktsam/lists/bundled/<source>.jsonl.xz`` (one entity per line) plus ``manifest.json`` recording
the original file, its sha256, its publication date, the entity counts and where the file came from.

Bundled data is old by nature (``aktsam status`` flags it stale); it exists so that a fresh
installation, or one in a network that cannot reach the publishers, never screens against *nothing*.
:func:`ensure_bundled` imports it only for sources that have no snapshot at all, so it can never
replace a list the user imported or downloaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import lzma
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from aktsam.errors import ListFormatError, NotFoundError
from aktsam.lists.model import ListedEntity, ParsedList
from aktsam.lists.snapshots import ImportResult, import_parsed
from aktsam.store.db import Store, json_loads
from aktsam.store.schema import SnapshotRow

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True, slots=True)
class BundledSource:
    """One source's entry in the bundled manifest."""

    source: str
    bundled_file: str  # e.g. "un-sc.jsonl.xz", next to the manifest
    bundled_sha256: str  # of the .jsonl.xz, checked before use
    original_file: str  # the official file it was built from
    original_sha256: (
        str  # becomes the snapshot's sha256, so importing that file later is "unchanged"
    )
    published: str | None
    retrieved_on: str | None  # latest day the original is known to have been obtained (ISO date)
    entity_count: int
    counts: dict[str, int]
    warnings: list[str]
    provenance_url: str | None  # where the original file was obtained
    provenance_note: str
    official_url: str | None  # where the publisher serves the current version
    built_at: str


def bundled_dir() -> Path:
    """The folder holding the bundled files (inside the installed package)."""
    return Path(str(resources.files("aktsam.lists").joinpath("bundled")))


def bundled_manifest(directory: Path | None = None) -> dict[str, BundledSource]:
    """The manifest, keyed by source; empty when nothing is bundled."""
    if directory is None:
        return dict(_packaged_manifest())
    return _read_manifest(Path(directory))


@lru_cache(maxsize=1)
def _packaged_manifest() -> dict[str, BundledSource]:
    return _read_manifest(bundled_dir())


def _read_manifest(directory: Path) -> dict[str, BundledSource]:
    path = directory / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return {name: _entry(name, entry) for name, entry in sorted(document["sources"].items())}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ListFormatError(path, None, f"bundled manifest is damaged: {exc!r}") from exc


def _entry(name: str, entry: dict[str, Any]) -> BundledSource:
    return BundledSource(
        source=name,
        bundled_file=str(entry["bundled_file"]),
        bundled_sha256=str(entry["bundled_sha256"]),
        original_file=str(entry["original_file"]),
        original_sha256=str(entry["original_sha256"]),
        published=entry.get("published"),
        retrieved_on=entry.get("retrieved_on"),
        entity_count=int(entry["entity_count"]),
        counts={str(k): int(v) for k, v in entry["counts"].items()},
        warnings=[str(w) for w in entry.get("warnings", [])],
        provenance_url=entry.get("provenance_url"),
        provenance_note=str(entry.get("provenance_note", "")),
        official_url=entry.get("official_url"),
        built_at=str(entry["built_at"]),
    )


def read_bundled(source: str, directory: Path | None = None) -> ParsedList:
    """The bundled entities of ``source`` as a :class:`ParsedList`, after checking its sha256.

    The checksum guards against a damaged installation: a truncated bundle would otherwise import as
    a shorter list without any error.
    """
    manifest = bundled_manifest(directory)
    directory = Path(directory) if directory is not None else bundled_dir()
    if source not in manifest:
        raise NotFoundError(f"no bundled snapshot for {source!r}; bundled: {', '.join(manifest)}")
    entry = manifest[source]
    path = directory / entry.bundled_file
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(path, None, f"cannot read bundled file: {exc}") from exc
    if hashlib.sha256(raw).hexdigest() != entry.bundled_sha256:
        raise ListFormatError(path, None, "sha256 differs from the manifest; the bundle is damaged")
    entities: list[ListedEntity] = []
    try:
        text = lzma.decompress(raw)
    except lzma.LZMAError as exc:
        raise ListFormatError(path, None, f"not a valid .xz file: {exc}") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entities.append(ListedEntity.from_dict(json_loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ListFormatError(path, f"line {number}", f"bad entity: {exc!r}") from exc
    if len(entities) != entry.entity_count:
        raise ListFormatError(
            path, None, f"{len(entities)} entities, manifest says {entry.entity_count}"
        )
    return ParsedList(
        source=source,
        entities=entities,
        published=entry.published,
        files=[entry.original_file],
        warnings=list(entry.warnings),
    )


def _day(value: str | None) -> dt.datetime | None:
    """Midnight UTC of an ISO date: when a bundled file was obtained, to the day."""
    return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), dt.UTC) if value else None


def ensure_bundled(store: Store, directory: Path | None = None) -> list[ImportResult]:
    """Import the bundled snapshot of each source without any snapshot; return what was imported.

    Sources with any snapshot (even an older or a non-current one) are left alone: the bundle is a
    floor for empty installations, never an update.
    """
    manifest = bundled_manifest(directory)
    with store.session() as session:
        present = set(session.scalars(sa.select(SnapshotRow.source).distinct()))
    results: list[ImportResult] = []
    for source, entry in manifest.items():
        if source in present:
            continue
        parsed = read_bundled(source, directory)
        results.append(
            import_parsed(
                store,
                parsed,
                sha256=entry.original_sha256,
                file_name=entry.original_file,
                url=entry.provenance_url,
                retrieved_at=_day(entry.retrieved_on),
                origin="bundled",
            )
        )
    return results
