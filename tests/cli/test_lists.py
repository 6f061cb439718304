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


def test_import_of_an_older_publication_is_refused_unless_forced(
    fresh_cli: Invoke, lists_dir: Path
) -> None:
    """The 2024 UN file over the 2026 one: refused (exit 2, names file and both dates), nothing
    changed; with --force it is imported and the trail says it was a roll-back."""
    folder = lists_dir / "un-sc-consolidated"
    new, old = folder / "UN_consolidated.xml", folder / "un_consolidated.xml"
    assert fresh_cli("lists", "import", str(new), "-s", "un-sc").exit_code == 0
    refused = fresh_cli("lists", "import", str(old), "-s", "un-sc")
    assert refused.exit_code == 2
    text = " ".join(refused.output.split())
    assert str(old) in text and "2024-05-15" in text and "2026-02-27" in text
    assert "--force" in text
    snaps = fresh_cli("lists", "snapshots", "--source", "un-sc").output
    assert snaps.count("un-sc@") == 1  # no snapshot row
    log = json.loads(fresh_cli("audit", "log", "--json").output)
    assert [e["action"] for e in log] == ["list.import"]  # no trail entry

    forced = fresh_cli("lists", "import", str(old), "-s", "un-sc", "--force")
    assert forced.exit_code == 0, forced.output
    assert "forced roll-back" in forced.output
    log = json.loads(fresh_cli("audit", "log", "--json").output)
    assert [e["action"] for e in log] == ["list.import", "list.rollback"]
    status = {r["source"]: r for r in json.loads(fresh_cli("lists", "status", "--json").output)}
    assert status["un-sc"]["label"] == "un-sc@2024-05-15"


def test_undated_file_can_be_dated_by_its_retrieval_day(
    fresh_cli: Invoke, lists_dir: Path, tmp_path: Path
) -> None:
    """The CSL states no publication date: without --retrieved it cannot be shown not to be older."""
    csl = lists_dir / "us-csl" / "consolidated.csv"
    first = fresh_cli("lists", "import", str(csl), "-s", "us-csl", "--retrieved", "2026-01-10")
    assert first.exit_code == 0, first.output
    copy = tmp_path / "consolidated.csv"
    copy.write_bytes(csl.read_bytes() + b"\n")  # same content, another file
    undated = fresh_cli("lists", "import", str(copy), "-s", "us-csl")
    assert undated.exit_code == 2 and "states no publication date" in undated.output
    earlier = fresh_cli("lists", "import", str(copy), "-s", "us-csl", "--retrieved", "2025-12-01")
    assert earlier.exit_code == 2 and "undated, retrieved 2025-12-01" in earlier.output
    later = fresh_cli("lists", "import", str(copy), "-s", "us-csl", "--retrieved", "2026-02-01")
    assert later.exit_code == 0, later.output
