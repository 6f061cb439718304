"""Maker attribution (BIS Entity List, Affiliates Rule), §889/FCC readings beside the finding, and the one
coverage decision the audit and the survey share."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from aktsam.devices.attribution import BINDS, Attributor, listings, load_listings
from aktsam.devices.audit import COLUMNS, audit, report_row, write_report
from aktsam.devices.coverage import device_coverage
from aktsam.devices.importers import import_file
from aktsam.devices.makers import Maker, MakerTable, makers
from aktsam.devices.model import DeviceRecord, Origin
from aktsam.devices.regimes import bundled_regimes, select
from aktsam.devices.sites import Site, read_sites

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "devices"
CSL = ROOT / "data" / "lists" / "us-csl" / "consolidated.csv"
TODAY = date(2026, 11, 25)
OLD_COLUMNS = (
    "device_id", "maker", "brand", "confidence", "relabelled", "evidence", "finding", "regimes", "site",
    "sensitivity", "action", "rule", "rules", "regimes_at_site", "notes", "source_file", "source_row",
)  # fmt: skip


def _example(regimes: list[str], attributor_listings: bool = True) -> dict[str, dict[str, object]]:
    imported = import_file(EXAMPLE / "inventory.csv")
    result = audit(imported.records, read_sites(EXAMPLE / "sites.csv"),
                   select(bundled_regimes(), regimes), today=TODAY)  # fmt: skip
    return {str(row["device_id"]): row for row in map(report_row, result.devices)}


def _words(text: str) -> str:
    return " ".join(text.split())


# --- the listings data ------------------------------------------------------------------------------


def test_every_listing_is_cited_and_quotes_the_csl_row() -> None:
    found = listings()
    assert set(found) == {"hikvision", "dahua", "huawei", "kedacom"}
    csl = {r["_id"]: r for r in csv.DictReader(CSL.open(encoding="utf-8"))}
    for rows in found.values():
        for row in rows:
            assert row.source and row.date and row.citation and row.added_by
            published = csl[row.csl_id]
            assert published["source"].startswith("Entity List (EL)")
            assert _words(published["name"]) == row.listed_entity
            assert _words(published["license_policy"]) == row.policy  # quoted, not paraphrased
            assert _words(published["license_requirement"]) == _words(row.requirement)
            assert published["start_date"] == row.listed_on.isoformat()
            assert row.added_by.split(" (")[0] in published["federal_register_notice"]
    hik = found["hikvision"][0]
    assert (hik.listed_on, hik.added_by) == (date(2019, 10, 9), "84 FR 54002 (9 Oct 2019)")
    assert "presumption of denial for all other items" in hik.policy


def test_a_bad_listing_row_names_file_and_row(tmp_path: Path) -> None:
    bad = tmp_path / "listings.csv"
    header = (
        "maker,list,listed_entity,listed_on,added_by,citation,requirement,policy,policy_short,"
        "csl_id,source,date\n"
    )
    bad.write_text(header + "nobody,EL,X,2020-01-01,a,b,c,d,e,f,s,2020-01-01\n", encoding="utf-8")
    try:
        load_listings(bad)
    except Exception as exc:
        assert "row 2" in str(exc) and "'maker'" in str(exc) and "nobody" in str(exc)
    else:
        raise AssertionError("an unknown maker id was accepted")


# --- attribution on the example inventory ------------------------------------------------------------


def test_example_attribution_names_the_listing_the_brand_and_whom_it_binds() -> None:
    rows = _example(["uk-sensitive-sites-2022", "example-org-policy"])
    ezviz = str(rows["SCH-003"]["attribution"])  # an EZVIZ camera, Hikvision's brand
    assert (
        "maker Hikvision is on the BIS Entity List as 'Hangzhou Hikvision Digital Technology"
        in ezviz
    )
    assert "84 FR 54002 (9 Oct 2019)" in ezviz and "presumption of denial" in ezviz
    assert "sold as Ezviz, a brand the relabel table attributes to Hikvision" in ezviz
    assert "BIS Affiliates Rule (in force on 2026-11-25" in ezviz
    assert "whether BIS extended the suspension could not be checked" in ezviz
    assert BINDS in ezviz and "not owners or users of its equipment" in ezviz
    assert "maker Dahua is on the BIS Entity List as 'Dahua Technology'" in str(
        rows["HQ-007"]["attribution"]
    )
    assert "Suzhou Keda Technology" in str(rows["HQ-015"]["attribution"])
    assert "Huawei Technologies Co., Ltd." in str(rows["HQ-016"]["attribution"])
    assert rows["HQ-014"]["attribution"] == ""  # Uniview: no listing recorded
    axis = [r for r in rows.values() if r["maker"] == "Axis Communications"]
    assert axis and all(r["attribution"] == "" for r in axis)


def test_attribution_never_changes_a_finding() -> None:
    imported = import_file(EXAMPLE / "inventory.csv")
    sites = read_sites(EXAMPLE / "sites.csv")
    for ids in (["uk-sensitive-sites-2022"], ["us-ndaa-889"], ["us-fcc-covered"]):
        regimes = select(bundled_regimes(), ids)
        with_listings = audit(imported.records, sites, regimes, today=TODAY)
        from aktsam.devices import audit as audit_module

        bare = [
            audit_module.audit_device(
                r, sites, regimes, TODAY, attributor=Attributor(TODAY, found={})
            )
            for r in imported.records
        ]
        assert [(d.finding, d.action, d.rule) for d in with_listings.devices] == [
            (d.finding, d.action, d.rule) for d in bare
        ]
        assert all(d.attribution == () for d in bare)


def test_reports_keep_the_17_columns_and_add_attribution_at_the_end(tmp_path: Path) -> None:
    assert COLUMNS[:17] == OLD_COLUMNS and COLUMNS[-1] == "attribution"
    imported = import_file(EXAMPLE / "inventory.csv")
    result = audit(imported.records, read_sites(EXAMPLE / "sites.csv"),
                   select(bundled_regimes(), ["us-ndaa-889"]), today=TODAY)  # fmt: skip
    write_report(result, tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert tuple(header[:17]) == OLD_COLUMNS and header[-1] == "attribution"
    write_report(result, tmp_path / "a.json")
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    facts = data["summary"]["maker_attribution"]
    assert facts["binds"] == BINDS and facts["affiliates_rule"].startswith("in force on 2026-11-25")
    hik = next(m for m in facts["makers"] if m["maker"] == "Hikvision")
    assert hik["listings"][0]["citation"].startswith("BIS Entity List")
    assert hik["devices"] == sum(1 for d in result.devices if d.identification.maker == "hikvision")
    write_report(result, tmp_path / "a.html")
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert 'id="maker-listings"' in html and "Presumption of denial" in html
    assert 'id="affiliates-rule"' in html
    write_report(result, tmp_path / "a.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "a.xlsx", read_only=True)
    assert "listings" in book.sheetnames
    sheet_rows = list(book["listings"].values)
    assert sheet_rows[0][:3] == ("maker", "devices", "attribution")
    assert any(r[0] == "Hikvision" and r[3] == "BIS Entity List" for r in sheet_rows[1:])


# --- the Affiliates Rule for a subsidiary maker ----------------------------------------------------------


def _table_with_subsidiary() -> MakerTable:
    table = makers()
    sub = Maker("hik-sub", "Hik Sub Ltd", "CN", "hikvision", "test", "2026-01-01")
    return replace(table, makers={**table.makers, "hik-sub": sub})


def test_subsidiary_of_a_listed_maker_gets_the_affiliates_rule_status_on_the_audit_date() -> None:
    table = _table_with_subsidiary()
    in_force = Attributor(TODAY, table=table).notes("hik-sub", None, False)
    text = " | ".join(in_force)
    assert "maker Hik Sub Ltd is owned by a listed maker (Hik Sub Ltd → Hikvision" in text
    assert "share not recorded" in text
    assert "BIS Affiliates Rule in force on 2026-11-25 since 2026-11-10" in text
    assert "whether BIS extended the suspension could not be checked" in text
    assert "licence required or investigate (Red Flag 29)" in text
    assert "export, reexport" in text or "exporting, reexporting" in text
    assert in_force[-1] == BINDS
    suspended = " | ".join(Attributor(date(2026, 6, 1), table=table).notes("hik-sub", None, False))
    assert "suspended on 2026-06-01 (would apply again from 2026-11-10" in suspended
    assert "Red Flag 29" not in suspended and "stays a red flag to review" in suspended
    before = " | ".join(Attributor(date(2025, 1, 1), table=table).notes("hik-sub", None, False))
    assert "not yet in force on 2025-01-01" in before


def test_a_us_subsidiary_is_outside_the_affiliates_rule() -> None:
    table = makers()
    sub = Maker("hik-us", "Hik US Inc", "US", "hikvision", "test", "2026-01-01")
    table = replace(table, makers={**table.makers, "hik-us": sub})
    text = " | ".join(Attributor(TODAY, table=table).notes("hik-us", None, False))
    assert "covers foreign (non-U.S.) entities" in text and "Red Flag 29" not in text


# --- §889 and FCC readings beside the finding ---------------------------------------------------------


def _device(n: int, brand: str, model: str, kind: str, site: str = "US1") -> DeviceRecord:
    return DeviceRecord(origin=Origin("inv.csv", n), device_id=f"D{n}", site=site, brand=brand,
                        model=model, device_type=kind)  # fmt: skip


def test_huawei_camera_under_889_and_fcc_says_which_reading_was_applied(tmp_path: Path) -> None:
    sites_file = tmp_path / "sites.csv"
    sites_file.write_text(
        "site_id,name,sensitivity,core_network,country\nUS1,Office,standard,no,US\n",
        encoding="utf-8",
    )
    sites = read_sites(sites_file)
    records = [_device(2, "Huawei", "C3050-10-I-P", "camera"),
               _device(3, "Huawei", "S5735-L24P4S-A", "switch")]  # fmt: skip
    for regime in ("us-ndaa-889", "us-fcc-covered"):
        result = audit(records, sites, select(bundled_regimes(), [regime]), today=TODAY)
        camera, switch = (report_row(d) for d in result.devices)
        assert camera["finding"] == "restricted everywhere"  # the stricter reading is kept
        notes = str(camera["notes"])
        assert f"{regime}: reading applied:" in notes and "the stricter reading" in notes
        assert "Not settled" in notes and "Hytera, Hikvision and Dahua" in notes
        assert "reading applied" not in str(switch["notes"])  # telecommunications equipment
        assert switch["finding"] == "restricted everywhere"
        limits = " ".join(bundled_regimes()[regime].limits)
        assert "Huawei and ZTE video surveillance equipment" in limits


# --- one coverage decision ------------------------------------------------------------------------------


def test_device_coverage_is_the_decision_for_audit_and_survey() -> None:
    uk = bundled_regimes()["uk-sensitive-sites-2022"]
    site = Site("HQ", "HQ", "sensitive", True)
    assert device_coverage(uk, "hytera", "radio", site).status == "excluded"
    assert device_coverage(uk, "huawei", "switch", site).status == "excluded"
    assert device_coverage(uk, "uniview", "Camera", site).status == "covered"
    intercom = device_coverage(uk, "hikvision", "intercom", site)
    assert intercom.status == "to confirm" and "intercom" in intercom.questions[0].what
    worst = device_coverage(uk, "kedacom", "", site)
    assert worst.status == "covered" and "worst case" in worst.notes[0]
    survey_view = device_coverage(uk, "kedacom", None, None, untyped="to-confirm")
    assert survey_view.status == "to confirm" and survey_view.questions[0].what == "the device type"
    assert device_coverage(uk, "axis", "camera", site).status == "none"
    fcc = bundled_regimes()["us-fcc-covered"]
    assert device_coverage(fcc, "hikvision", "camera", None).status == "to confirm"
