"""``aktsam sales check`` with the register's decisions, on the demo register (issue #9 point 5): the
README's wind-down on Hikvision refuses the next new sale of a Hikvision camera, warranty work stays
allowed, and ``--json`` keeps its ``outcome`` key with the decisions and snapshots relied on."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aktsam.settings import Settings
from tests.cli.conftest import Invoke, _runner

REASON = "Entity List, FCC Covered List and Council on Ethics findings"


@pytest.fixture
def demo_cli(
    monkeypatch: pytest.MonkeyPatch, bundled_settings: Settings, tmp_path: Path
) -> Iterator[Invoke]:
    """The command on a private copy of the bundled-lists home (its index cache included), so the demo
    register and its decisions stay out of the shared home."""
    home = tmp_path / "home"
    home.mkdir()
    with (
        sqlite3.connect(bundled_settings.home / "aktsam.db") as src,
        sqlite3.connect(home / "aktsam.db") as dst,
    ):
        src.backup(dst)
    if bundled_settings.cache_dir.is_dir():
        shutil.copytree(bundled_settings.cache_dir, Settings.for_home(home).cache_dir)
    yield from _runner(monkeypatch, home)


def _wind_down(cli: Invoke) -> int:
    assert cli("demo", "--force").exit_code == 0  # the copied home may hold other tests' parties
    today = dt.date.today()
    made = cli("decide", "hikvision", "--kind", "wind-down", "--rationale", REASON, "--evidence",
               "EV-0001", "--evidence", "EV-0006", "--effective", today.isoformat(),
               "--service-until", today.replace(year=today.year + 3).isoformat(), "--by", "ann",
               "--json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    decision_id: int = json.loads(made.stdout)["id"]
    return decision_id


def _check(cli: Invoke, *extra: str) -> tuple[int, dict[str, Any]]:
    result = cli("sales", "check", "--reference", "PO-8", "--customer", "vestfjord-hf",
                 "--destination", "NO", "--end-use", "hospital CCTV", "--json", *extra)  # fmt: skip
    return result.exit_code, json.loads(result.stdout)


def test_sales_check_obeys_the_wind_down(demo_cli: Invoke) -> None:
    decision_id = _wind_down(demo_cli)
    code, check = _check(demo_cli, "--product", "Hikvision DS-2CD2143G2-I")
    assert code == 1 and check["outcome"] == "refused"
    flags = [f for f in check["flags"] if f["rule"] == "decision"]
    assert (
        flags and f"decision {decision_id} (wind-down, in-force) on hikvision" in flags[0]["source"]
    )
    assert REASON in flags[0]["message"]
    assert [d["decision_id"] for d in check["decisions"]] == [decision_id]
    assert check["snapshot_ids"]

    code, warranty = _check(demo_cli, "--product", "Hikvision DS-2CD2143G2-I", "--line-kind",
                            "warranty")  # fmt: skip
    assert code == 0 and warranty["outcome"] == "clear"
    (ref,) = warranty["decisions"]
    assert ref["outcome"] == "clear" and "allowed as warranty work" in ref["effect"]

    code, axis = _check(demo_cli, "--product", "Axis P3265-LVE")
    assert code == 0 and axis["outcome"] == "clear"

    shown = demo_cli("sales", "check", "--reference", "PO-9", "--customer", "vestfjord-hf",
                      "--destination", "NO", "--end-use", "hospital CCTV", "--product",
                      "LTS LTN8708K-P8")  # fmt: skip
    assert shown.exit_code == 1
    assert f"relied on decision {decision_id} (wind-down" in shown.stdout
    assert "list snapshots screened:" in shown.stdout

    before = json.loads(demo_cli("sales", "list", "--json").stdout)
    bad = demo_cli("sales", "check", "--reference", "PO-8", "--customer", "vestfjord-hf",
                    "--destination", "NO", "--end-use", "x", "--product", "Hikvision DS-2CD2143G2-I",
                    "--line-kind", "spare")  # fmt: skip
    assert bad.exit_code == 2 and "line kind must be one of new, service, warranty" in bad.stderr
    assert json.loads(demo_cli("sales", "list", "--json").stdout) == before
