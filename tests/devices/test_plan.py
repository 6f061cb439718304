"""The remove-and-replace plan: order, target dates, prices and totals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from aktsam.devices.audit import AuditResult, DeviceAudit, audit
from aktsam.devices.importers import import_file
from aktsam.devices.model import DeviceRecord, Origin
from aktsam.devices.plan import PriceTable, load_prices, plan, plan_rows, total_rows
from aktsam.devices.refdata import ReferenceDataError
from aktsam.devices.regimes import bundled_regimes, select
from aktsam.devices.sites import Site, read_sites

TODAY = date(2026, 11, 25)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "devices"
REGIMES = ["uk-sensitive-sites-2022", "example-org-policy"]
HQ = Site("HQ", "HQ", "sensitive", True)
VAULT = Site("VAULT", "Vault", "sensitive", False)
SCH = Site("SCH", "School", "standard", False)


def _device(
    n: int, action: str, site: Site | None, installed: str | None, **fields: str
) -> DeviceAudit:
    """A hand-made audited device: only what the plan reads is set."""
    record = DeviceRecord(Origin("inv.csv", n), device_id=f"D{n:02}", installed_on=installed,
                          device_type=fields.pop("device_type", "camera"), **fields)  # type: ignore[arg-type]  # fmt: skip
    base = audit([record], None, [], today=TODAY).devices[0]
    return replace(base, site=site, sensitivity=site.sensitivity if site else "unknown",
                   action=action, rule="example-org-policy/x")  # fmt: skip


def _order(*devices: DeviceAudit, prices: PriceTable | None = None) -> list[str]:
    result = AuditResult(list(devices), [], [], TODAY, len(devices))
    return [
        str(r["device_id"]) for r in plan_rows(plan(result, prices or load_prices(), today=TODAY))
    ]


def test_action_urgency_comes_first() -> None:
    devices = [
        _device(1, "keep under warranty service until 2027-01-01", HQ, "2010-01-01"),
        _device(2, "replace at end of life", HQ, "2010-01-01"),
        _device(3, "remove by 2030-01-01", HQ, "2010-01-01"),
        _device(
            4, "isolate from core network", SCH, "2024-01-01"
        ),  # less exposed, newer: still 2nd
        _device(5, "remove now", SCH, "2024-01-01"),
        _device(6, "no action", HQ, "2000-01-01"),  # not in the plan
    ]
    assert _order(*devices) == ["D05", "D04", "D03", "D02", "D01"]


def test_sensitivity_then_exposure_then_age_then_id() -> None:
    action = "replace at end of life"
    devices = [
        _device(
            1, action, SCH, "2019-01-01"
        ),  # standard: after every sensitive site, though oldest
        _device(2, action, VAULT, "2020-01-01"),  # sensitive, no core network
        _device(3, action, HQ, "2022-01-01"),  # sensitive, core network
        _device(4, action, HQ, "2021-01-01"),  # same, older: first
        _device(5, action, HQ, None),  # same, age unknown: last of its group
        _device(
            6, action, None, "2023-01-01"
        ),  # unknown site: worst case, sensitive + core network
        _device(7, action, HQ, "2021-01-01"),  # tie with D04 on everything: by id
    ]
    assert _order(*devices) == ["D04", "D07", "D03", "D06", "D05", "D02", "D01"]


def test_target_dates_and_unknown_age() -> None:
    devices = [
        _device(1, "remove now", HQ, "2020-01-01"),
        _device(2, "remove by 2030-01-01", HQ, "2020-01-01"),
        _device(3, "keep under warranty service until 2027-03-31", HQ, "2020-01-01"),
        _device(4, "replace at end of life", HQ, "2020-02-29"),  # camera: 7 years, 29 Feb -> 28 Feb
        _device(5, "replace at end of life", HQ, "2022-06-01", device_type="nvr"),  # recorder: 5
        _device(6, "replace at end of life", HQ, "2018-01-01"),  # end of life passed: now
        _device(7, "replace at end of life", HQ, None),
    ]
    result = AuditResult(devices, [], [], TODAY, len(devices))
    p = plan(result, load_prices(), today=TODAY)
    rows = {r["device_id"]: r for r in plan_rows(p)}
    assert [rows[f"D0{i}"]["target_date"] for i in range(1, 8)] == [
        "now", "2030-01-01", "2027-03-31", "2027-02-28", "2027-06-01", "now", "unknown",
    ]  # fmt: skip
    assert "already passed" in str(rows["D06"]["notes"])
    assert "install date unknown" in str(rows["D07"]["notes"])
    assert rows["D07"]["installed_on"] == "unknown" and rows["D07"]["cost"] == 400.0
    assert list(p.by_year) == ["2026", "2027", "2030", "unknown"]
    assert (p.by_year["unknown"].devices, p.by_year["2026"].devices) == (1, 2)


def test_device_type_from_record_or_guessed_from_model() -> None:
    prices = load_prices()
    devices = [
        _device(1, "remove now", HQ, "2020-01-01", device_type="nvr"),
        _device(2, "remove now", HQ, "2020-01-02", device_type="", model="DHI-NVR4208-8P"),
        _device(3, "remove now", HQ, "2020-01-03", device_type="", model="DH-XVR5108HS"),
        _device(4, "remove now", HQ, "2020-01-04", device_type="", model="IPC-HFW2431S"),
        _device(5, "remove now", HQ, "2020-01-05", device_type="access-control"),
        _device(6, "remove now", HQ, "2020-01-06", device_type="camera"),
    ]
    result = AuditResult(devices, [], [], TODAY, len(devices))
    rows = plan_rows(plan(result, prices, today=TODAY))
    assert [r["device_type"] for r in rows] == [
        "nvr",
        "nvr",
        "dvr",
        "camera-fixed",
        "other",
        "camera-fixed",
    ]
    assert ["guessed" in str(r["notes"]) for r in rows] == [False, True, True, True, True, False]
    assert rows[2]["cost"] == float(prices.prices["dvr"].unit_price + prices.prices["dvr"].labour)


def _example() -> AuditResult:
    imported = import_file(EXAMPLES / "inventory.csv")
    regimes = select(bundled_regimes(), REGIMES)
    sites = read_sites(EXAMPLES / "sites.csv")
    return audit(imported.records, sites, regimes, today=TODAY, issues=imported.issues)


def test_example_plan_order_and_totals_by_hand() -> None:
    prices = load_prices()
    p = plan(_example(), prices, today=TODAY)
    ids = [str(r["device_id"]) for r in plan_rows(p)]
    # isolate: HQ (sensitive + core), DEP-009 (unknown site: worst case) by age, HQ-011 (no date) last;
    # HQ-014/015/016 are Uniview, Kedacom and Huawei (HCWS386: every PRC-incorporated maker)
    assert ids[:10] == ["HQ-006", "HQ-008", "HQ-007", "HQ-005", "DEP-009", "HQ-015", "HQ-010",
                        "HQ-016", "HQ-014", "HQ-011"]  # fmt: skip
    # then DEP (standard site, core network): the core-network advice is not limited to sensitive sites
    assert ids[10:14] == ["DEP-007", "DEP-005", "DEP-001", "DEP-002"]
    # replace at end of life: SCH/CARE (no core network), oldest first
    assert ids[14:20] == ["SCH-007", "SCH-002", "CARE-010", "SCH-003", "CARE-002", "CARE-003"]
    assert ids[20] == "HQ-017" and len(ids) == 26  # warranty service last, HQ (sensitive) first
    assert "SCH-011" not in ids and p.to_confirm == 1  # TP-Link: country to confirm, not planned
    assert "CARE-011" not in ids  # Tiandy at a site without core network: nothing to do
    unit = {k: v.unit_price + v.labour for k, v in prices.prices.items()}
    cam, nvr, dvr, door = unit["camera-fixed"], unit["nvr"], unit["dvr"], unit["intercom"]
    other = unit["other"]
    # by hand from the inventory: HQ-006 nvr, HQ-008 dvr (recorded), HQ-005/007/010/011/014/015/016
    # cameras, HQ-017 a switch (priced as other)
    assert p.by_site["HQ"].cost == nvr + dvr + 7 * cam + other
    assert p.by_site["SCH"].cost == 5 * cam + dvr  # SCH-001/002/003/005/007 cameras, SCH-010 dvr
    assert p.by_site["DEP"].cost == 3 * cam + nvr  # DEP-001/002/005, DEP-007 nvr
    assert p.by_site["Depot Annex"].cost == cam
    assert p.by_site["CARE"].cost == 4 * cam + door  # CARE-001 is the intercom
    assert p.by_regime["uk-sensitive-sites-2022"].cost == 2 * nvr + dvr + 11 * cam  # 14 isolations
    assert p.by_regime["example-org-policy"].devices == 12
    assert p.total.cost == 2 * nvr + 2 * dvr + door + 20 * cam + other == Decimal("12850")
    assert sum(t.cost for t in p.by_year.values()) == p.total.cost
    # 2026: the 14 isolations, SCH-007 (end of life passed), SCH-010 and CARE-008 (warranty)
    assert p.by_year["2026"].devices == 17
    assert p.by_year["2026"].cost == 2 * nvr + 2 * dvr + 13 * cam
    assert p.total.unpriced == 0


def test_unknown_price_is_listed_never_zero(tmp_path: Path) -> None:
    table = tmp_path / "prices.csv"
    table.write_text(
        "device_type,unit_price,currency,labour_per_unit,source,date\n"
        "nvr,900.50,EUR,99.50,quote 42,2026-11-01\n",
        encoding="utf-8",
    )
    prices = load_prices(table)
    devices = [
        _device(1, "remove now", HQ, "2020-01-01", device_type="nvr"),
        _device(2, "remove now", HQ, "2020-01-02"),  # camera: no price in this table
    ]
    p = plan(AuditResult(devices, [], [], TODAY, 2), prices, today=TODAY)
    rows = plan_rows(p)
    assert rows[0]["cost"] == 1000.0 and rows[0]["currency"] == "EUR"
    assert rows[1]["cost"] == "unknown" and rows[1]["unit_price"] == "unknown"
    assert "cost unknown" in str(rows[1]["notes"])
    assert (p.total.devices, p.total.priced, p.total.unpriced, p.total.cost) == (
        2,
        1,
        1,
        Decimal(1000),
    )
    assert total_rows(p)[-1] == {"group": "all", "key": "all", "devices": 2, "priced": 1,
                                 "unpriced": 1, "cost": 1000.0, "currency": "EUR"}  # fmt: skip


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("camera-fixed,250,GBP,150,,2026-11-25", "source"),
        ("camera-fixed,250,GBP,150,example,", "date"),
        ("drone,250,GBP,150,example,2026-11-25", "device_type"),
        ("camera-fixed,-1,GBP,150,example,2026-11-25", "unit_price"),
        ("camera-fixed,250,GBP,lots,example,2026-11-25", "labour_per_unit"),
        ("nvr,250,USD,150,example,2026-11-25", "currency"),
    ],
)
def test_price_table_rejects_bad_rows(tmp_path: Path, row: str, field: str) -> None:
    table = tmp_path / "prices.csv"
    table.write_text(
        "device_type,unit_price,currency,labour_per_unit,source,date\n"
        f"dvr,1,GBP,1,example,2026-11-25\n{row}\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as caught:
        load_prices(table)
    assert caught.value.row == 3 and caught.value.field == field


def test_bundled_prices_cover_every_type_and_say_they_are_examples() -> None:
    prices = load_prices()
    assert set(prices.prices) == {"camera-fixed", "camera-ptz", "nvr", "dvr", "intercom", "other"}
    assert all("example, not a quote" in p.source for p in prices.prices.values())
