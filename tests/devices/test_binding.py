"""Whom each regime binds, the organisation's declared capacities, and the audit's "to confirm" findings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aktsam.devices.audit import audit, report_row
from aktsam.devices.binding import declared_regimes, standing
from aktsam.devices.model import DeviceRecord, Origin
from aktsam.devices.regimes import bundled_regimes, select
from aktsam.devices.service import choose_regimes
from aktsam.devices.sites import read_sites
from aktsam.errors import InputError
from aktsam.organisation import (
    Declaration,
    capacities,
    declaration_of,
    declaration_to_dict,
    load_declaration,
)

TODAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[2]


def _rec(n: int, site: str, **fields: str) -> DeviceRecord:
    return DeviceRecord(origin=Origin("inv.csv", n), device_id=f"D{n}", site=site, **fields)  # type: ignore[arg-type]


@pytest.fixture
def sites(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "sites.csv"
    path.write_text(
        "site_id,name,sensitivity,core_network,country\n"
        "HQ,Headquarters,sensitive,yes,GB\n"
        "DEP,Depot,standard,yes,GB\n"
        "NYC,New York office,standard,no,US\n"
        "OSL,Oslo,standard,no,\n",
        encoding="utf-8",
    )
    return read_sites(path)


def _row(  # type: ignore[no-untyped-def]
    record: DeviceRecord, sites, ids: list[str], declaration: Declaration | None = None
) -> dict[str, object]:
    result = audit([record], sites, select(bundled_regimes(), ids), today=TODAY,
                   declaration=declaration or Declaration())  # fmt: skip
    return report_row(result.devices[0])


@pytest.mark.parametrize("brand", ["Uniview", "Kedacom", "Huawei", "Tiandy"])
def test_uk_direction_covers_prc_makers_at_a_sensitive_site(sites, brand: str) -> None:  # type: ignore[no-untyped-def]
    row = _row(_rec(2, "HQ", brand=brand, device_type="camera"), sites, ["uk-sensitive-sites-2022"])
    assert (
        row["finding"] == "restricted everywhere" and row["action"] == "isolate from core network"
    )
    assert "uk-sensitive-sites-2022/cease-deployment: replace at end of life" in str(row["rules"])


def test_dahua_on_a_standard_sites_core_network_is_not_compliant(sites) -> None:  # type: ignore[no-untyped-def]
    row = _row(
        _rec(2, "DEP", brand="Dahua", device_type="camera"), sites, ["uk-sensitive-sites-2022"]
    )
    assert (
        row["finding"] == "restricted everywhere" and row["action"] == "isolate from core network"
    )
    assert row["rule"] == "uk-sensitive-sites-2022/core-networks"
    assert "cease-deployment" not in str(row["rules"])  # that one is for sensitive sites


def test_unknown_country_is_to_confirm_never_compliant(sites) -> None:  # type: ignore[no-untyped-def]
    row = _row(
        _rec(2, "HQ", brand="TP-Link", device_type="camera"), sites, ["uk-sensitive-sites-2022"]
    )
    assert row["finding"] == "to confirm" and row["regimes"] == ""
    assert row["action"] == "confirm the maker's country of incorporation"
    assert "no country recorded in makers.csv" in str(row["to_confirm"])


def test_equipment_limit_of_the_uk_direction(sites) -> None:  # type: ignore[no-untyped-def]
    switch = _row(_rec(2, "HQ", brand="Hikvision", device_type="switch"), sites,
                  ["uk-sensitive-sites-2022"])  # fmt: skip
    assert switch["finding"] == "compliant" and "a switch is not" in str(switch["notes"])
    door = _row(_rec(3, "HQ", brand="Hikvision", device_type="intercom"), sites,
                ["uk-sensitive-sites-2022"])  # fmt: skip
    assert door["finding"] == "to confirm" and "intercom" in str(door["action"])
    untyped = _row(_rec(4, "HQ", brand="Hikvision"), sites, ["uk-sensitive-sites-2022"])
    assert untyped["finding"] == "restricted everywhere"
    assert "no device type recorded: assessed as such (worst case)" in str(untyped["notes"])


def test_fcc_covered_list_is_us_only_and_purpose_limited(sites) -> None:  # type: ignore[no-untyped-def]
    huawei = {"brand": "Huawei", "device_type": "camera"}
    gb = _row(_rec(2, "HQ", **huawei), sites, ["us-fcc-covered"])
    assert gb["finding"] == "compliant" and "takes effect in US only; site HQ is in GB" in str(
        gb["notes"]
    )
    us = _row(_rec(3, "NYC", **huawei), sites, ["us-fcc-covered"])
    assert us["finding"] == "restricted everywhere" and us["action"] == "no action"  # nothing to do
    assert "no new equipment authorisations" in str(us["rules"])
    assert "binds USF recipients" in str(us["rules"])
    hik = _row(_rec(4, "NYC", brand="Hikvision", device_type="camera"), sites, ["us-fcc-covered"])
    assert hik["finding"] == "to confirm"
    assert hik["action"] == "confirm the purpose the equipment is used for"
    nowhere = _row(_rec(5, "OSL", **huawei), sites, ["us-fcc-covered"])
    assert (
        nowhere["finding"] == "to confirm"
        and nowhere["action"] == "confirm the country the site is in"
    )


def test_fcc_rule_texts_no_longer_say_do_not_buy_everywhere() -> None:
    fcc = bundled_regimes()["us-fcc-covered"]
    texts = " ".join(r.text for r in fcc.rules)
    assert "Do not buy or deploy more" not in texts and "FCC 22-84" in texts
    assert "47 CFR 54.10" in texts


def test_standing_from_declared_capacities() -> None:
    regimes = bundled_regimes()
    uk, ndaa, policy = (
        regimes["uk-sensitive-sites-2022"],
        regimes["us-ndaa-889"],
        regimes["example-org-policy"],
    )
    department = Declaration(("uk-central-government-department",), (), True)
    council = Declaration(("uk-public-body-other",), (), True)
    contractor = Declaration(("us-federal-contractor",), (), True)
    nordic = Declaration((), (), True)
    assert standing(uk, department).startswith("binds this organisation (as UK central government")
    assert "it may choose to apply it" in standing(uk, council)
    assert standing(
        uk, Declaration(("uk-public-body-other",), ("uk-sensitive-sites-2022",), True)
    ).startswith(
        "does not bind this organisation by its terms; applied by the organisation's choice"
    )
    assert standing(ndaa, contractor).startswith(
        "binds this organisation (as US federal contractor"
    )
    assert standing(ndaa, nordic).startswith("does not bind this organisation (declares none")
    assert standing(ndaa, Declaration()).startswith("unknown whether it binds")
    assert standing(policy, Declaration((), ("example-org-policy",), True)).startswith(
        "binds this organisation: adopted"
    )
    assert declared_regimes(regimes, contractor) == ["us-ndaa-889"]
    assert declared_regimes(regimes, department) == ["uk-sensitive-sites-2022"]
    assert declared_regimes(regimes, nordic) == []


def test_report_says_beside_the_finding_when_a_named_regime_does_not_bind(sites) -> None:  # type: ignore[no-untyped-def]
    nordic = load_declaration(ROOT / "examples" / "diligence" / "profile.yml")
    assert nordic.declared and nordic.capacities == ()
    row = _row(_rec(2, "DEP", brand="Dahua", device_type="camera"), sites, ["uk-sensitive-sites-2022"],
               declaration=nordic)  # fmt: skip
    assert "binds UK central government department" in str(row["binds"])
    assert "may be applied by choice by: UK public body" in str(row["binds"])
    assert "does not bind this organisation (declares none" in str(row["organisation"])


def test_profile_declaration_is_validated(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yml"
    assert not load_declaration(profile).declared  # no file: nothing declared
    profile.write_text("organisation: {name: X}\n", encoding="utf-8")
    assert not load_declaration(profile).declared
    for text, field in [
        ("restriction_regimes: {capacities: [king]}\n", "restriction_regimes.capacities"),
        ("restriction_regimes: {apply: []}\n", "restriction_regimes.capacities"),
        ("restriction_regimes: {capacities: [], aply: []}\n", "restriction_regimes.aply"),
        (
            "restriction_regimes: {capacities: us-executive-agency}\n",
            "restriction_regimes.capacities",
        ),
        ("restriction_regimes: [1]\n", "restriction_regimes"),
    ]:
        profile.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as caught:
            load_declaration(profile)
        assert caught.value.field == field and caught.value.file == str(profile)
    profile.write_text(
        "restriction_regimes: {capacities: [us-federal-contractor], apply: [example-org-policy]}\n",
        encoding="utf-8",
    )
    declared = load_declaration(profile)
    assert declaration_of(declaration_to_dict(declared)) == declared
    assert [r.id for r in choose_regimes([], declaration=declared)] == [
        "example-org-policy",
        "us-ndaa-889",
    ]
    assert [r.id for r in choose_regimes(["uk-sensitive-sites-2022"], declaration=declared)] == [
        "uk-sensitive-sites-2022"
    ]  # naming a regime still applies just that
    profile.write_text("restriction_regimes: {capacities: [], apply: [eu-ban]}\n", encoding="utf-8")
    with pytest.raises(InputError, match="eu-ban"):
        choose_regimes([], declaration=load_declaration(profile))


def test_every_capacity_cites_its_source() -> None:
    for capacity in capacities().values():
        assert capacity.source and capacity.date and capacity.definition
    bound = {
        c for r in bundled_regimes().values() for c in (*r.binds.capacities, *r.binds.may_apply)
    }
    assert bound <= set(capacities())


def test_example_and_packaged_profiles_declare_no_us_or_uk_capacity() -> None:
    for path in (ROOT / "examples" / "diligence" / "profile.yml",
                 ROOT / "src" / "aktsam" / "diligence" / "data" / "example" / "profile.yml"):  # fmt: skip
        declared = load_declaration(path)
        assert declared.declared and declared.capacities == () and declared.apply == ()


def test_maker_country_must_be_an_iso_code_or_blank(tmp_path: Path) -> None:
    from aktsam.devices.makers import load_makers
    from aktsam.devices.refdata import DATA_DIR, ReferenceDataError

    table = load_makers()
    assert table.get("tiandy").country == "CN" and "fdd.org" in table.get("tiandy").source
    assert table.get("tp-link").country is None  # two registrants (US, CN): left open on purpose
    bad = tmp_path / "makers.csv"
    bad.write_text(
        "maker,name,country,parent,source,date,note\nx,X,China,,somewhere,2026-12-07,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as caught:
        load_makers(bad, DATA_DIR / "maker_aliases.csv")
    assert caught.value.field == "country" and caught.value.row == 2
