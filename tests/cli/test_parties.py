"""``aktsam parties …`` end to end on a fresh home."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke

INVENTORY = Path(__file__).resolve().parents[2] / "examples" / "devices" / "inventory.csv"


def _setup(cli: Invoke) -> None:
    for args in (
        ("hikvision", "--name", "Hikvision", "--kind", "company", "--role", "manufacturer",
         "--country", "CN", "--identifier", "maker=hikvision", "--alias", "Haikang"),
        ("cetc", "--name", "CETC", "--kind", "public-body", "--role", "state-owner", "--country", "CN"),
        ("kommune", "--name", "Kommune", "--role", "self", "--role", "customer", "--country", "NO"),
    ):  # fmt: skip
        result = cli("parties", "add", *args, "--by", "ana")
        assert result.exit_code == 0, result.output


def test_add_relate_evidence_show_list(fresh_cli: Invoke) -> None:
    _setup(fresh_cli)
    result = fresh_cli("parties", "relate", "cetc", "hikvision", "--kind", "owns", "--share", "36.4",
                       "--since", "2001-01-01", "--source-url", "https://example.org/ar",
                       "--source-date", "2024-04-20")  # fmt: skip
    assert result.exit_code == 0 and "cetc owns 36.4 % hikvision" in result.output
    result = fresh_cli("parties", "evidence", "add", "hikvision", "--kind", "public-body",
                       "--title", "FCC Covered List", "--publisher", "FCC", "--published",
                       "2022-11-25", "--quote", "video surveillance", "--topic", "surveillance",
                       "--json")  # fmt: skip
    assert result.exit_code == 0 and json.loads(result.output)["id"] == "EV-0001"
    shown = json.loads(fresh_cli("parties", "show", "hikvision", "--json").output)
    assert shown["party"]["aliases"] == ["Haikang"]
    assert shown["relations_in"][0]["share"] == 36.4 and shown["evidence"][0]["id"] == "EV-0001"
    text = fresh_cli("parties", "show", "hikvision").output
    assert "owns 36.4 % cetc" in text and "EV-0001" in text
    listed = json.loads(fresh_cli("parties", "list", "--role", "customer", "--json").output)
    assert [p["id"] for p in listed] == ["kommune"]
    assert "EV-0001" in fresh_cli("parties", "evidence", "list", "hikvision").output
    updated = fresh_cli(
        "parties", "update", "kommune", "--sector", "public administration", "--json"
    )
    assert json.loads(updated.output)["sector"] == "public administration"
    assert fresh_cli("audit", "verify").exit_code == 0


def test_errors_are_one_line_and_exit_2(fresh_cli: Invoke) -> None:
    _setup(fresh_cli)
    fresh_cli("parties", "relate", "cetc", "hikvision", "--kind", "owns", "--share", "60")
    cases = [
        (("parties", "relate", "kommune", "hikvision", "--kind", "owns", "--share", "50"), "100 %"),
        (("parties", "relate", "hikvision", "cetc", "--kind", "controls"), "cetc → hikvision"),
        (("parties", "relate", "kommune", "nobody", "--kind", "supplies-to"), "unknown party"),
        (("parties", "relate", "kommune", "cetc", "--kind", "supplies-to", "--since", "2020-02-30"),
         "--since"),
        (("parties", "add", "Bad", "--name", "B"), "slug"),
        (("parties", "show", "nobody"), "parties add nobody"),
        (("parties", "evidence", "add", "cetc", "--kind", "gossip", "--title", "T"), "gossip"),
    ]  # fmt: skip
    before = fresh_cli("audit", "verify").output
    for args, message in cases:
        result = fresh_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
    assert fresh_cli("audit", "verify").output == before  # nothing written


def test_import_export_round_trip(fresh_cli: Invoke, tmp_path: Path) -> None:
    _setup(fresh_cli)
    fresh_cli("parties", "relate", "cetc", "hikvision", "--kind", "owns", "--share", "36.4")
    for target in ("reg", "reg.xlsx", "reg.ftm.json"):
        result = fresh_cli("parties", "export", str(tmp_path / target), "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["parties"] == 3
    again = fresh_cli("parties", "import", str(tmp_path / "reg.xlsx"), "--json")
    assert again.exit_code == 0 and json.loads(again.output)["parties"]["unchanged"] == 3
    (tmp_path / "reg" / "relations.csv").write_text(
        "source,target,kind,share\nkommune,hikvision,owns,70\n", encoding="utf-8"
    )
    bad = fresh_cli("parties", "import", str(tmp_path / "reg"))
    assert bad.exit_code == 2
    assert "relations.csv: row 2: field 'share'" in bad.output.replace("\n", "")


def test_link_devices(fresh_cli: Invoke) -> None:
    _setup(fresh_cli)
    result = fresh_cli("parties", "link-devices", str(INVENTORY), "--customer", "kommune",
                       "--today", "2026-01-01", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["devices"] == 46 and summary["by_party"] == {"hikvision": 17}
    assert summary["regimes"] == ["us-fcc-covered"]  # no profile declaration: the old default
    assert summary["without_party"]["dahua"] == 6
    shown = json.loads(fresh_cli("parties", "show", "hikvision", "--json").output)
    assert shown["equipment"]["made"] == 17
    # the Covered List covers Hikvision video surveillance equipment only for some purposes: to confirm
    assert shown["equipment"]["made_by_finding"] == {"to confirm": 17}
    text = fresh_cli("parties", "link-devices", str(INVENTORY), "--customer", "kommune").output
    assert "17 unchanged" in text and "findings against us-fcc-covered" in text
    uk = fresh_cli("parties", "link-devices", str(INVENTORY), "--customer", "kommune",
                   "--regimes", "uk-sensitive-sites-2022", "--json")  # fmt: skip
    assert json.loads(uk.output)["regimes"] == ["uk-sensitive-sites-2022"]
