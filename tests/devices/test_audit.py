"""The audit core: finding, action and the regime/rule behind each, per device, at its site."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aktsam.devices.audit import audit, report_row
from aktsam.devices.model import DeviceRecord, ImportIssue, Origin
from aktsam.devices.regimes import bundled_regimes, select
from aktsam.devices.sites import SiteTable, read_sites

TODAY = date(2026, 11, 25)
UK_AND_POLICY = ["uk-sensitive-sites-2022", "example-org-policy"]


@pytest.fixture
def sites(tmp_path: Path) -> SiteTable:
    path = tmp_path / "sites.csv"
    path.write_text(
        "site_id,name,sensitivity,core_network\n"
        "HQ,Headquarters,sensitive,yes\n"
        "VAULT,Vault,sensitive,no\n"
        "SCH,School,standard,no\n",
        encoding="utf-8",
    )
    return read_sites(path)


def _rec(n: int, site: str | None, **fields: str) -> DeviceRecord:
    return DeviceRecord(origin=Origin("inv.csv", n), device_id=f"D{n}", site=site, **fields)  # type: ignore[arg-type]


HIK = {"brand": "Hikvision", "model": "DS-2CD2143G2-I", "mac": "04EECD010203"}
AXIS = {"brand": "Axis", "mac": "ACCC8E010203"}


def _one(record: DeviceRecord, sites: SiteTable | None, ids: list[str]) -> dict[str, object]:
    result = audit([record], sites, select(bundled_regimes(), ids), today=TODAY)
    return report_row(result.devices[0])


def test_uk_direction_scopes_each_rule(sites: SiteTable) -> None:
    """HCWS386: cease deployment / consider removal on sensitive sites; the core-network advice
    everywhere. So a Hikvision camera is restricted on every site, and the action follows the site."""
    hq = _one(_rec(2, "HQ", **HIK), sites, ["uk-sensitive-sites-2022"])
    assert hq["finding"] == "restricted everywhere" and hq["action"] == "isolate from core network"
    assert hq["rule"] == "uk-sensitive-sites-2022/core-networks"
    assert hq["regimes"] == "uk-sensitive-sites-2022" and hq["sensitivity"] == "sensitive"
    vault = _one(_rec(3, "VAULT", **HIK), sites, ["uk-sensitive-sites-2022"])
    assert vault["action"] == "replace at end of life"  # no core network: isolation already met
    assert vault["rule"] == "uk-sensitive-sites-2022/cease-deployment"
    school = _one(_rec(4, "School", **HIK), sites, ["uk-sensitive-sites-2022"])
    assert school["finding"] == "restricted everywhere" and school["action"] == "no action"
    assert school["regimes"] == "uk-sensitive-sites-2022" and school["rule"] == ""
    assert "every rule is already met here" in str(school["notes"])


def test_ndaa_889_removal_for_huawei_purpose_question_for_hikvision(sites: SiteTable) -> None:
    huawei = {"brand": "Huawei", "model": "C3050-10-I-P", "device_type": "camera"}
    row = _one(_rec(2, "SCH", **huawei), sites, ["us-ndaa-889"])
    assert row["finding"] == "restricted everywhere" and row["action"] == "remove now"
    assert row["rule"] == "us-ndaa-889/889-a-1-B"
    before = audit([_rec(2, "SCH", **huawei)], sites, select(bundled_regimes(), ["us-ndaa-889"]),
                   today=date(2020, 1, 1))  # fmt: skip
    assert before.devices[0].action == "remove by 2020-08-13"
    hik = _one(_rec(3, "SCH", **HIK), sites, ["us-ndaa-889"])  # 889(f)(3)(B): purpose-limited
    assert hik["finding"] == "to confirm" and hik["regimes"] == ""
    assert hik["action"] == "confirm the purpose the equipment is used for"
    assert "physical security surveillance of critical infrastructure" in str(hik["to_confirm"])


@pytest.mark.parametrize(
    ("warranty", "action"),
    [
        ("2027-03-31", "keep under warranty service until 2027-03-31"),
        ("2026-11-25", "keep under warranty service until 2026-11-25"),
        ("2026-11-24", "replace at end of life"),
        (None, "replace at end of life"),
    ],
)
def test_org_policy_services_until_warranty_end(
    sites: SiteTable, warranty: str | None, action: str
) -> None:
    extra = {"warranty_until": warranty} if warranty else {}
    row = _one(_rec(2, "SCH", **HIK, **extra), sites, ["example-org-policy"])
    assert row["finding"] == "restricted everywhere" and row["action"] == action


def test_relabel_with_innocent_label_is_flagged(sites: SiteTable) -> None:
    row = _one(_rec(2, "HQ", brand="LTS", mac="142FFD000001"), sites, UK_AND_POLICY)
    assert row["maker"] == "Hikvision" and row["brand"] == "LTS" and row["relabelled"] == "yes"
    assert row["action"] == "isolate from core network"
    assert "relabelled: sold as LTS, made by Hikvision" in str(row["notes"])


def test_low_confidence_shown_not_hidden(sites: SiteTable) -> None:
    row = _one(_rec(2, "SCH", brand="Annke"), sites, UK_AND_POLICY)
    assert str(row["confidence"]).startswith("low ")
    assert row["finding"] == "restricted everywhere"
    assert "low-confidence identification" in str(row["notes"])


def test_unknown_maker_and_unknown_site(sites: SiteTable) -> None:
    row = _one(_rec(2, "SCH", brand="Acme Vision"), sites, UK_AND_POLICY)
    assert row["finding"] == "unknown maker" and row["maker"] == "unknown"
    assert row["action"] == "no action" and "maker not identified" in str(row["notes"])
    annex = _one(_rec(3, "Annex", **HIK), sites, ["uk-sensitive-sites-2022"])
    assert annex["sensitivity"] == "unknown" and annex["site"] == "Annex"
    assert annex["action"] == "isolate from core network"  # worst case, and it says so
    assert "'Annex' is not in the sites file" in str(annex["notes"])
    nofile = _one(_rec(4, "HQ", **HIK), None, ["uk-sensitive-sites-2022"])
    assert "no sites file given" in str(nofile["notes"])


def test_counts_balance_and_issues_are_carried(sites: SiteTable) -> None:
    records = [_rec(2, "HQ", **HIK), _rec(3, "HQ", **AXIS), _rec(4, "SCH", brand="Acme Vision")]
    issue = ImportIssue(Origin("inv.csv", 5), "mac", "bad MAC")
    result = audit(records, sites, select(bundled_regimes(), UK_AND_POLICY), today=TODAY,
                   issues=[issue])  # fmt: skip
    assert result.balanced() and result.devices_in == 3
    assert result.issues == [issue]
    assert result.by_finding() == {"restricted everywhere": 1, "compliant": 1, "unknown maker": 1}
    assert list(report_row(result.devices[0]))[-4:] == [
        "to_confirm",
        "binds",
        "organisation",
        "attribution",
    ]
    assert result.by_site()["HQ"] == {"restricted everywhere": 1, "compliant": 1}
    assert report_row(result.devices[1])["action"] == "no action"
    assert report_row(result.devices[0])["source_row"] == 2


def test_a_quantity_column_is_noted_not_multiplied(tmp_path: Path) -> None:
    """A register row that stands for several devices is audited as one, and says so."""
    from aktsam.devices.importers import import_file

    register = tmp_path / "foi.csv"
    register.write_text(
        "Brand,Model,Qty\nHikvision,DS-2CD2143G2-I,12\nAxis,P3265-LVE,1\n", encoding="utf-8"
    )
    imported = import_file(register)
    result = audit(imported.records, None, select(bundled_regimes(), ["us-fcc-covered"]),
                   today=date(2026, 11, 25))  # fmt: skip
    assert len(result.devices) == 2
    hik, axis = result.devices
    assert any("quantity of 12: audited as one device" in n for n in hik.notes)
    assert not any("quantity" in n for n in axis.notes)
