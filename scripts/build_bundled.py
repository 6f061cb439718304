#!/usr/bin/env python3
"""Build the bundled list snapshot shipped in ``src/aktsam/lists/bundled/``.

For each source, parse the official file in ``data/lists/`` with aktsam's own parser and write
``<source>.jsonl.xz`` (one entity per line, compact JSON with sorted keys, so the same input always
gives the same bytes) plus ``manifest.json`` (original file, its sha256, publication date, counts,
provenance from ``data/lists/PROVENANCE.md``, official download URL, build time).

Run it again whenever a parser changes (``tests/lists/test_bundled.py`` fails when the bundle no
longer matches what the parser produces):

    .venv/bin/python scripts/build_bundled.py            # every source
    .venv/bin/python scripts/build_bundled.py un-sc      # only some; other entries are kept

A source whose parser is missing or fails is reported and skipped (exit status 1); its previous
bundle entry, if any, is kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import lzma
import re
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from aktsam.lists.bundled import MANIFEST_NAME, read_bundled
from aktsam.lists.model import ParsedList
from aktsam.lists.parsers import parse
from aktsam.lists.sources import load_sources

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "lists"
OUT = ROOT / "src" / "aktsam" / "lists" / "bundled"

#: source -> official file, relative to data/lists (the newest full file of each list we have)
FILES: dict[str, str] = {
    "un-sc": "un-sc-consolidated/UN_consolidated.xml",
    "eu-fsf": "eu-fsf/20240513-FULL-1_1(xsd).xml",
    "uk-hmt": "uk-ofsi-conlist/sanctionsconlist.csv",
    "ofac-sdn": "ofac-sdn/sdn.xml",
    "ofac-cons": "ofac-consolidated-nonsdn/consolidated.xml",
    "us-csl": "us-csl/consolidated.csv",
}

#: The latest day each file is known to have been obtained from the publisher: the date of the
#: upstream commit that added it, as PROVENANCE.md records it. It becomes the bundled snapshot's
#: ``retrieved_at``, so a file without a publication date (us-csl) is not taken for a fresh one.
RETRIEVED_ON: dict[str, str] = {
    "un-sc": "2026-02-27",  # moov-io/watchman 612b2174 (2026-02-27)
    "eu-fsf": "2024-06-02",  # ejtorre/inoutlists a26da779 (2024-06-02)
    "ofac-sdn": "2024-06-02",  # ejtorre/inoutlists a26da779 (2024-06-02)
    "ofac-cons": "2024-06-02",  # ejtorre/inoutlists a26da779 (2024-06-02)
    "us-csl": "2022-05-16",  # moov-io/watchman cb4dc141 (2022-05-16)
    # uk-hmt: PROVENANCE.md gives no commit date; the file's own date (2018-04-13) stands alone
}


def provenance(markdown: str, relpath: str) -> dict[str, str]:
    """The ``- Key: value`` lines of the ``## relpath`` section of PROVENANCE.md."""
    fields: dict[str, str] = {}
    in_section = False
    for line in markdown.splitlines():
        if line.startswith("## "):
            in_section = line[3:].strip() == relpath
            continue
        if in_section:
            match = re.match(r"^- ([^:]+): (.*)$", line)
            if match:
                fields[match.group(1).strip()] = match.group(2).strip()
    if not fields:
        raise SystemExit(f"PROVENANCE.md has no section '## {relpath}'")
    return fields


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_one(
    source: str, relpath: str, markdown: str, out: Path, built_at: str
) -> tuple[dict[str, Any], ParsedList]:
    original = DATA / relpath
    prov = provenance(markdown, relpath)
    original_sha = sha256_of(original)
    recorded = re.search(r"sha256 `([0-9a-f]{64})`", prov.get("Size", ""))
    if recorded is None or recorded.group(1) != original_sha:
        raise SystemExit(f"{relpath}: sha256 {original_sha} differs from PROVENANCE.md")

    parsed: ParsedList = parse(original, source)
    lines = [orjson.dumps(e.to_dict(), option=orjson.OPT_SORT_KEYS) for e in parsed.entities]
    payload = lzma.compress(b"\n".join(lines) + b"\n", preset=9)
    bundled_file = f"{source}.jsonl.xz"
    (out / bundled_file).write_bytes(payload)

    repo = prov["Source repository"].strip("`")
    path = prov["Path in repo"].strip("`")
    commit = prov["Commit"].strip("`")
    note = (
        f"Byte-for-byte copy of the official file from {repo} ({path}, commit {commit[:12]}). "
        f"Publication date: {prov.get('Publication date', 'unknown')}. {prov.get('Note', '')}"
    ).strip()
    sources = load_sources()
    official = sources[source].downloads[0].url if source in sources else None
    entry = {
        "bundled_file": bundled_file,
        "bundled_sha256": hashlib.sha256(payload).hexdigest(),
        "original_file": original.name,
        "original_sha256": original_sha,
        "published": parsed.published,
        "retrieved_on": RETRIEVED_ON.get(source),
        "entity_count": len(parsed.entities),
        "counts": parsed.counts(),
        "warnings": parsed.warnings,
        "provenance_url": f"https://github.com/{repo}/blob/{commit}/{path}",
        "provenance_note": note,
        "official_url": official,
        "built_at": built_at,
    }
    return entry, parsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument(
        "sources", nargs="*", help=f"sources to build (default: {', '.join(FILES)})"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    args = parser.parse_args(argv)
    wanted = args.sources or list(FILES)
    unknown = [s for s in wanted if s not in FILES]
    if unknown:
        parser.error(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(FILES)}")

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST_NAME
    manifest: dict[str, Any] = {"format": 1, "sources": {}}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    markdown = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()

    failed: list[str] = []
    for source in wanted:
        started = time.perf_counter()
        try:
            entry, parsed = build_one(source, FILES[source], markdown, out, built_at)
        except Exception as exc:  # report and go on: one broken parser must not block the others
            print(f"{source}: FAILED {type(exc).__name__}: {exc}", file=sys.stderr)
            failed.append(source)
            continue
        manifest["sources"][source] = entry
        manifest["sources"] = dict(sorted(manifest["sources"].items()))
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        # Read back through aktsam's own reader: every entity must survive the round trip unchanged.
        back = read_bundled(source, out).entities
        if [e.content_hash() for e in back] != [e.content_hash() for e in parsed.entities]:
            print(f"{source}: FAILED round trip changes entities", file=sys.stderr)
            failed.append(source)
            continue
        size = (out / entry["bundled_file"]).stat().st_size
        print(
            f"{source}: {entry['entity_count']} entities, {size / 1024:.0f} KiB, "
            f"{time.perf_counter() - started:.1f} s"
        )
    if failed:
        print(f"not built: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
