"""``aktsam lists …`` on a fresh home: import, refuse a bad file, status, diff."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke


def test_import_bad_file_keeps_previous_snapshot(
    fresh_cli: Invoke, lists_dir: Path, tmp_path: Path
) -> None:
    old = lists_dir / "un-sc-consolidated" / "un_consolidated.xml"
    result = fresh_cli("lists", "import", str(old), "--source", "un-sc")
    assert result.exit_code == 0, result.output
    assert "875 entities" in result.output and "published 2024-05-15" in result.output
    broken = tmp_path / "consolidated.xml"
    data = (lists_dir / "un-sc-consolidated" / "UN_consolidated.xml").read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    result = fresh_cli("lists", "import", str(broken), "--source", "un-sc")
    assert result.exit_code == 2
    assert str(broken) in result.output and "line" in result.output
    snaps = fresh_cli("lists", "snapshots", "--source", "un-sc").output
    assert snaps.count("un-sc@") == 1 and "yes" in snaps


def test_import_then_diff(fresh_cli: Invoke, lists_dir: Path) -> None:
    folder = lists_dir / "un-sc-consolidated"
    assert (
        fresh_cli("lists", "import", str(folder / "un_consolidated.xml"), "-s", "un-sc").exit_code
        == 0
    )
    assert (
        fresh_cli("lists", "import", str(folder / "UN_consolidated.xml"), "-s", "un-sc").exit_code
        == 0
    )
    again = fresh_cli("lists", "import", str(folder / "UN_consolidated.xml"), "-s", "un-sc")
    assert "unchanged" in again.output
    result = fresh_cli("lists", "diff", "--source", "un-sc", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["old"].startswith("un-sc@2024-05-15") and payload["new"].startswith(
        "un-sc@2026-02-27"
    )
    counts = payload["counts"]
    assert counts["added"] - counts["removed"] == 1003 - 875
    assert counts["added"] + counts["changed"] + counts["unchanged"] == 1003


def test_unknown_source_is_named(fresh_cli: Invoke, lists_dir: Path) -> None:
    result = fresh_cli(
        "lists", "import", str(lists_dir / "us-csl" / "consolidated.csv"), "-s", "us-xyz"
    )
    assert result.exit_code == 2 and "unknown list source 'us-xyz'" in result.output


def test_status_reports_every_bundled_list_as_stale(fresh_cli: Invoke) -> None:
    result = fresh_cli("lists", "status", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["source"]: r for r in json.loads(result.output)}
    assert {"un-sc", "eu-fsf", "uk-hmt", "ofac-sdn", "ofac-cons", "us-csl"} <= set(rows)
    assert rows["un-sc"]["entity_count"] == 1003 and rows["un-sc"]["origin"] == "bundled"
    assert all(r["stale"] for r in rows.values())
