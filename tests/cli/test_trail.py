"""``aktsam audit verify|export|log`` on a home where a list was imported and a hit cleared."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.conftest import Invoke


def test_trail_records_decisions_verifies_and_detects_tampering(
    fresh_cli: Invoke, tmp_path: Path
) -> None:
    screened = fresh_cli("screen", "HIKVISION", "--party", "trail-p1", "--json")
    entity = json.loads(screened.output)["results"][0]["hits"][0]["entity_id"]
    cleared = fresh_cli("hits", "clear", "--party", "trail-p1", "--entity", entity,
                        "--reason", "Different company", "--by", "alice")  # fmt: skip
    assert cleared.exit_code == 0

    log = json.loads(fresh_cli("audit", "log", "--json").output)
    actions = [item["action"] for item in log]
    assert actions[0] == "list.import" and actions[-1] == "hit.false_positive"
    assert log[-1]["actor"] == "alice" and log[-1]["after"]["reason"] == "Different company"
    # the clearance covers the designation: one entry per list entry the lists link (issue #11)
    cleared_ids = {item["object_id"] for item in log if item["action"] == "hit.false_positive"}
    assert f"trail-p1 ~ {entity}" in cleared_ids and len(cleared_ids) == 2

    ok = fresh_cli("audit", "verify")
    assert ok.exit_code == 0 and f"intact: {len(log)} entries" in ok.output

    out = tmp_path / "trail.jsonl"
    exported = fresh_cli("audit", "export", "--output", str(out))
    assert exported.exit_code == 0 and f"{len(log)} entries written" in exported.output
    assert fresh_cli("audit", "verify", "--file", str(out)).exit_code == 0

    with sqlite3.connect(tmp_path / "home" / "aktsam.db") as db:
        db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (len(log),))
    broken = fresh_cli("audit", "verify")
    assert broken.exit_code == 1 and f"BROKEN at entry {len(log)}" in broken.output
