"""``aktsam devices identify`` for a quick look at one value or a whole file."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from tests.cli.conftest import Invoke

FIXTURES = Path(__file__).resolve().parents[1] / "devices" / "fixtures"


def test_identify_model_and_mac(fresh_cli: Invoke) -> None:
    model = json.loads(fresh_cli("devices", "identify", "DS-2CD2143G0-I", "--json").output)
    assert model["devices"][0]["maker"] == "hikvision"
    mac = json.loads(fresh_cli("devices", "identify", "ac:cc:8e:01:02:03", "--json").output)
    assert mac["devices"][0]["maker"] == "axis" and mac["devices"][0]["level"] == "high"


def test_identify_register_flags_relabel_and_reports_bad_rows(fresh_cli: Invoke) -> None:
    result = fresh_cli("devices", "identify", str(FIXTURES / "register_sites.csv"), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    by_id = {d["device"]: d for d in payload["devices"]}
    assert by_id["CAM-002"]["maker"] == "hikvision" and by_id["CAM-002"]["relabelled"] is True
    assert by_id["CAM-002"]["brand"] == "LTS"
    assert any("not a MAC address" in issue for issue in payload["issues"])


def test_identify_unknown_text_is_unknown_not_guessed(fresh_cli: Invoke) -> None:
    payload = json.loads(fresh_cli("devices", "identify", "Acme Widget", "--json").output)
    assert payload["devices"][0]["maker"] is None and payload["devices"][0]["level"] == "unknown"


# --- aktsam devices audit ----------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"
UK_AND_POLICY = ("--regimes", "uk-sensitive-sites-2022,example-org-policy", "--today", "2026-11-25")


def _audit(fresh_cli: Invoke, out: Path, *extra: str) -> dict[str, Any]:
    inventory, sites = str(EXAMPLES / "inventory.csv"), str(EXAMPLES / "sites.csv")
    result = fresh_cli(
        "devices", "audit", inventory, "--sites", sites, *extra, "--output", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "46 of 46 devices audited" in result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_audit_example_under_uk_direction_and_org_policy(fresh_cli: Invoke, tmp_path: Path) -> None:
    data = _audit(fresh_cli, tmp_path / "audit.json", *UK_AND_POLICY)
    # 46 devices read (48 rows, 2 skipped); Hikvision/Dahua incl. relabels: HQ 7, SCH 6, DEP 5, CARE 5;
    # under HCWS386 also Uniview, Kedacom, Huawei (HQ) and Tiandy (CARE); TP-Link (SCH): country unknown
    assert data["summary"]["by_finding"] == {
        "restricted everywhere": 27, "restricted here": 0, "to confirm": 1, "compliant": 16,
        "unknown maker": 2,
    }  # fmt: skip
    actions = Counter(
        "keep under warranty service" if d["action"].startswith("keep") else d["action"]
        for d in data["devices"]
    )
    # isolate: 9 at HQ (sensitive, core network), DEP-009 at the unknown "Depot Annex" (worst case) and
    # the 4 at DEP (standard site, core network: the core-network advice is not limited to sensitive sites);
    # warranty still running on 2026-11-25: SCH-001/005/010, CARE-001/008, HQ-017 (a switch: the org
    # policy covers it, HCWS386 does not)
    assert actions == {
        "no action": 19, "isolate from core network": 14, "keep under warranty service": 6,
        "replace at end of life": 6, "confirm the maker's country of incorporation": 1,
    }  # fmt: skip
    assert {d["device_id"]: d["finding"] for d in data["devices"] if d["device_id"] in
            ("HQ-014", "HQ-015", "HQ-016", "SCH-011", "CARE-011", "DEP-002")} == {
        "HQ-014": "restricted everywhere", "HQ-015": "restricted everywhere",
        "HQ-016": "restricted everywhere", "SCH-011": "to confirm",
        "CARE-011": "restricted everywhere", "DEP-002": "restricted everywhere",
    }  # fmt: skip
    by_id = {d["device_id"]: d for d in data["devices"]}
    assert by_id["SCH-010"]["action"] == "keep under warranty service until 2026-12-31"
    assert by_id["SCH-010"]["rule"] == "example-org-policy/warranty-service"
    assert by_id["HQ-008"]["relabelled"] == "yes" and by_id["HQ-008"]["maker"] == "Hikvision"
    assert by_id["DEP-009"]["sensitivity"] == "unknown"
    assert sum(d["relabelled"] == "yes" for d in data["devices"]) == 8
    assert sum(d["confidence"].startswith("low") for d in data["devices"]) == 6
    # 2 skipped rows + 2 dropped MACs in the inventory, 1 bad row in sites.csv
    assert [(Path(i["file"]).name, i["row"], i["severity"]) for i in data["issues"]] == [
        ("inventory.csv", 24, "warning"), ("inventory.csv", 41, "error"),
        ("inventory.csv", 42, "warning"), ("inventory.csv", 43, "error"), ("sites.csv", 6, "error"),
    ]  # fmt: skip


def test_audit_example_uk_only_and_us_regimes_named(fresh_cli: Invoke, tmp_path: Path) -> None:
    uk = _audit(fresh_cli, tmp_path / "uk.json", "--regimes", "uk-sensitive-sites-2022",
                "--today", "2026-11-25")  # fmt: skip
    assert uk["summary"]["by_finding"] == {
        "restricted everywhere": 25, "restricted here": 0, "to confirm": 2, "compliant": 17,
        "unknown maker": 2,
    }  # fmt: skip
    uk_by_id = {d["device_id"]: d for d in uk["devices"]}
    # a Dahua camera on the core network of a standard site: no longer "compliant"
    assert uk_by_id["DEP-002"]["action"] == "isolate from core network"
    # a Hikvision switch: not visual surveillance equipment
    assert uk_by_id["HQ-017"]["finding"] == "compliant"
    assert uk_by_id["CARE-001"]["finding"] == "to confirm"  # an intercom: the text leaves it open
    assert "central government department" in uk_by_id["DEP-002"]["binds"]
    assert "unknown whether it binds this organisation" in uk_by_id["DEP-002"]["organisation"]
    unnamed = fresh_cli("devices", "audit", str(EXAMPLES / "inventory.csv"),
                        "--output", str(tmp_path / "none.json"))  # fmt: skip
    assert unnamed.exit_code == 2 and "no regime selected" in unnamed.output
    assert "us-ndaa-889" in unnamed.output and not (tmp_path / "none.json").exists()
    default = _audit(fresh_cli, tmp_path / "all.json", "--today", "2026-11-25",
                     "--regimes", "us-fcc-covered,us-ndaa-889,uk-sensitive-sites-2022")  # fmt: skip
    assert default["summary"]["regimes"] == [
        "us-fcc-covered",
        "us-ndaa-889",
        "uk-sensitive-sites-2022",
    ]
    # NDAA 889(f)(3)(B): Hikvision/Dahua video surveillance equipment is covered only for some purposes
    removals = [d for d in default["devices"] if d["action"] == "remove now"]
    # Huawei: 889(f)(3)(A), no purpose limit
    assert [d["device_id"] for d in removals] == ["HQ-016"]
    assert {d["rule"] for d in removals} == {"us-ndaa-889/889-a-1-B"}
    purpose = [d for d in default["devices"] if "confirm the purpose" in d["to_confirm"]]
    assert len(purpose) == 23 and all("us-ndaa-889" in d["to_confirm"] for d in purpose)
    # the Covered List takes effect in the US only: these sites are in GB
    assert all("us-fcc-covered" not in d["regimes"] for d in default["devices"])


def test_audit_csv_and_xlsx_outputs(fresh_cli: Invoke, tmp_path: Path) -> None:
    inventory, sites = str(EXAMPLES / "inventory.csv"), str(EXAMPLES / "sites.csv")
    for name in ("audit.csv", "audit.xlsx"):
        result = fresh_cli("devices", "audit", inventory, "--sites", sites, *UK_AND_POLICY,
                           "--output", str(tmp_path / name))  # fmt: skip
        assert result.exit_code == 0, result.output
    with (tmp_path / "audit.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 46
    assert list(rows[0])[:17] == [
        "device_id", "maker", "brand", "confidence", "relabelled", "evidence", "finding", "regimes",
        "site", "sensitivity", "action", "rule", "rules", "regimes_at_site", "notes", "source_file",
        "source_row",
    ]  # fmt: skip
    assert all(not r["rules"] and not r["to_confirm"] for r in rows if r["finding"] == "compliant")
    for column in (
        "device_id",
        "maker",
        "brand",
        "confidence",
        "evidence",
        "finding",
        "regimes",
        "site",
        "sensitivity",
        "action",
        "relabelled",
        "rule",
        "source_file",
        "source_row",
    ):
        assert column in rows[0]  # fmt: skip
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "audit.xlsx", read_only=True)
    assert book.sheetnames == [
        "devices",
        "errors",
        "regimes",
        "listings",
        "plan",
        "plan-totals",
        "charts",
    ]
    assert len(list(book["devices"].values)) == 47 and len(list(book["errors"].values)) == 6
    regimes = list(book["regimes"].values)
    assert regimes[0][:5] == ("regime", "title", "jurisdiction", "whom", "binds")
    assert "central government department" in str(regimes[1][3])
    plan = list(book["plan"].values)
    assert (
        len(plan) == 27 and plan[0][:2] == ("order", "device_id") and plan[1][:2] == (1, "HQ-006")
    )
    totals = list(book["plan-totals"].values)
    assert totals[-1][:6] == ("all", "all", 26, 26, 0, 12850)


def test_audit_user_regime_file_and_errors(fresh_cli: Invoke, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text(
        "id: axis-out\ntitle: T\nauthority: A\nsource: S\ndate: 2025-01-01\nscope: standard\n"
        "jurisdiction: us\nbinds: {capacities: [own-policy], text: T, source: S}\nlimits: [none]\n"
        "makers: [axis]\nrules:\n  - {id: r, kind: consider-removal, text: Go.}\n",
        encoding="utf-8",
    )
    data = _audit(fresh_cli, tmp_path / "a.json", "--regimes", "", "--regime-file", str(policy),
                  "--today", "2026-11-25")  # fmt: skip
    # Axis on standard sites: SCH-004, DEP-003, DEP-008, CARE-004 (HQ is sensitive)
    assert data["summary"]["by_finding"]["restricted here"] == 4
    policy.write_text(policy.read_text().replace("scope: standard", "scope: secret"))
    result = fresh_cli("devices", "audit", str(EXAMPLES / "inventory.csv"), "--regime-file",
                       str(policy), "--output", str(tmp_path / "b.json"))  # fmt: skip
    assert result.exit_code == 2 and "policy.yml" in result.output and "'scope'" in result.output
    result = fresh_cli("devices", "audit", str(EXAMPLES / "inventory.csv"), "--regimes", "eu-ban",
                       "--output", str(tmp_path / "c.json"))  # fmt: skip
    assert result.exit_code == 2 and "eu-ban" in result.output
    assert not (tmp_path / "b.json").exists() and not (tmp_path / "c.json").exists()


def test_audit_refuses_no_regime_and_bad_date(fresh_cli: Invoke, tmp_path: Path) -> None:
    inventory, out = str(EXAMPLES / "inventory.csv"), str(tmp_path / "x.csv")
    result = fresh_cli("devices", "audit", inventory, "--regimes", "", "--output", out)
    assert result.exit_code == 2 and "no regime selected" in result.output
    result = fresh_cli("devices", "audit", inventory, "--today", "25/11/2026", "--output", out)
    assert result.exit_code == 2 and not Path(out).exists()
    clash = tmp_path / "clash.yml"
    clash.write_text(
        "id: us-ndaa-889\ntitle: T\nauthority: A\nsource: S\ndate: 2025-01-01\nscope: everywhere\n"
        "jurisdiction: us\nbinds: {capacities: [own-policy], text: T, source: S}\nlimits: [none]\n"
        "makers: [axis]\nrules:\n  - {id: r, kind: consider-removal, text: Go.}\n",
        encoding="utf-8",
    )
    result = fresh_cli("devices", "audit", inventory, "--regime-file", str(clash), "--output", out)
    assert result.exit_code == 2 and "already bundled" in result.output


def test_audit_plan_in_json_with_user_prices_and_no_plan(fresh_cli: Invoke, tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text(
        "device_type,unit_price,currency,labour_per_unit,source,date\n"
        "camera-fixed,100,EUR,10,quote 7,2026-11-01\nnvr,1000,EUR,100,quote 7,2026-11-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "audit.json"
    inventory, sites = str(EXAMPLES / "inventory.csv"), str(EXAMPLES / "sites.csv")
    result = fresh_cli("devices", "audit", inventory, "--sites", sites, *UK_AND_POLICY,
                       "--prices", str(prices), "--output", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    # 20 cameras at 110, 2 NVRs at 1,100; 2 DVRs, 1 intercom and 1 switch have no price in this table
    assert (
        "plan: 26 device(s) to act on, estimated 4,400.00 EUR for 22 priced; 4 with cost unknown"
        in (" ".join(result.output.split()))
    )
    data = json.loads(out.read_text(encoding="utf-8"))["plan"]
    assert (data["total"], data["devices"], data["unpriced"], data["currency"]) == (
        4400.0,
        26,
        4,
        "EUR",
    )
    unknown = sorted(line["device_id"] for line in data["lines"] if line["cost"] == "unknown")
    assert unknown == ["CARE-001", "HQ-008", "HQ-017", "SCH-010"]
    assert [line["order"] for line in data["lines"]] == list(range(1, 27))
    bare = fresh_cli("devices", "audit", inventory, "--sites", sites, *UK_AND_POLICY, "--no-plan",
                     "--output", str(out))  # fmt: skip
    assert bare.exit_code == 0 and "plan:" not in bare.output
    assert "plan" not in json.loads(out.read_text(encoding="utf-8"))
    prices.write_text("device_type,unit_price,currency,labour_per_unit,source,date\n"
                      "nvr,1,EUR,1,,2026-11-01\n", encoding="utf-8")  # fmt: skip
    bad = fresh_cli("devices", "audit", inventory, *UK_AND_POLICY, "--prices", str(prices),
                    "--output", str(tmp_path / "bad.json"))  # fmt: skip
    assert bad.exit_code != 0 and "prices.csv" in bad.output and "source" in bad.output
    assert not (tmp_path / "bad.json").exists()
