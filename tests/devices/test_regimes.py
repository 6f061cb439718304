"""Regime files: the bundled ones load with their sources; a bad user file is refused naming file and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aktsam.devices import regimes as regimes_module
from aktsam.devices.makers import Maker, MakerTable, makers
from aktsam.devices.refdata import ReferenceDataError
from aktsam.devices.regimes import _covered, bundled_regimes, load_regime, load_regimes, select
from aktsam.errors import InputError

GOOD = """\
id: my-policy
title: My policy
authority: Me
source: https://example.org/policy
date: 2025-01-01
jurisdiction: my organisation
binds:
  capacities: [own-policy]
  text: Binds us once adopted.
  source: board minutes 2025-01-01
limits: [Our own rule, not law.]
scope: everywhere
makers: [hikvision]
rules:
  - {id: r1, kind: remove-by, by: 2026-01-01, text: Remove them.}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regime.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_regimes_cite_official_sources() -> None:
    regimes = bundled_regimes()
    assert {
        "us-fcc-covered",
        "us-ndaa-889",
        "uk-sensitive-sites-2022",
        "example-org-policy",
    } <= set(regimes)
    fcc, ndaa, uk = (
        regimes["us-fcc-covered"],
        regimes["us-ndaa-889"],
        regimes["uk-sensitive-sites-2022"],
    )
    assert fcc.source == "https://www.fcc.gov/supplychain/coveredlist"
    assert fcc.date == date(2021, 3, 12) and fcc.scope == "everywhere"
    assert {"huawei", "zte", "hytera", "hikvision", "dahua"} == set(fcc.makers) == set(ndaa.makers)
    assert "publ232" in ndaa.source and ndaa.rules_of("remove-by")[0].by == date(2020, 8, 13)
    assert "hcws386" in uk.source and "security-update-on-surveillance-equipment" in uk.binds.source
    assert uk.date == date(2022, 11, 24) and uk.scope == "sensitive"
    assert uk.applies_at("sensitive") and uk.applies_at("standard")  # the core-network advice
    assert {r.id: r.scope for r in uk.rules} == {
        "cease-deployment": "sensitive",
        "core-networks": "everywhere",
        "consider-removal": "sensitive",
    }
    assert regimes["example-org-policy"].example and not uk.example


def test_uk_direction_covers_every_prc_maker_and_asks_where_open() -> None:
    """HCWS386: 'produced by companies subject to the National Intelligence Law of the PRC'."""
    uk = bundled_regimes()["uk-sensitive-sites-2022"]
    assert uk.countries == ("CN",)
    for maker in ("hikvision", "dahua", "uniview", "kedacom", "huawei", "tiandy"):
        assert uk.coverage(maker) == ("covered", None), maker
    status, question = uk.coverage("tp-link")  # two registrants, US and CN: country left blank
    assert status == "to confirm" and question is not None
    assert question.what == "the maker's country of incorporation"
    assert uk.coverage("axis") == ("none", None)
    assert uk.equipment is not None and "camera" in uk.equipment.device_types
    assert uk.binds.capacities == ("uk-central-government-department",)
    assert uk.binds.may_apply == ("uk-public-body-other",)
    assert any("Hong Kong or Macau" in limit for limit in uk.limits)


def test_uk_direction_leaves_hong_kong_and_foreign_subsidiaries_open() -> None:
    base = makers()
    extra = {
        "hk-cam": Maker("hk-cam", "HK Cam", "HK", None, "test", "2026-12-07"),
        "uniview-nl": Maker("uniview-nl", "Uniview NL", "NL", "uniview", "test", "2026-12-07"),
        "hik-gb": Maker("hik-gb", "Hikvision GB", "GB", "hikvision", "test", "2026-12-07"),
    }
    table = MakerTable({**base.makers, **extra}, {}, {})
    uk = load_regime(regimes_module.REGIMES_DIR / "uk-sensitive-sites-2022.yml", table)
    for maker in extra:
        status, question = uk.coverage(maker)
        assert status == "to confirm" and question is not None, maker
    assert "Hong Kong or Macau" in uk.to_confirm["hk-cam"].why
    assert "subsidiary" in uk.to_confirm["hik-gb"].what
    fcc = load_regime(regimes_module.REGIMES_DIR / "us-fcc-covered.yml", table)
    assert fcc.coverage("hik-gb")[0] == "to confirm"  # a Hikvision subsidiary: purpose-limited
    assert fcc.coverage("hk-cam") == ("none", None)  # the list names its makers; no country test


def test_us_regimes_say_whom_they_bind_and_their_limits() -> None:
    regimes = bundled_regimes()
    fcc, ndaa = regimes["us-fcc-covered"], regimes["us-ndaa-889"]
    assert fcc.territory == ("US",) and "United States" in fcc.jurisdiction
    assert set(fcc.binds.capacities) == {"us-fcc-equipment-authorisation", "us-usf-recipient"}
    assert {r.kind for r in fcc.rules} == {"no-new-authorisation", "no-usf-support"}
    assert not fcc.rules_of("no-new-deployment") and not fcc.rules_of("remove-by")
    for maker in ("hikvision", "dahua", "hytera"):
        assert fcc.coverage(maker)[0] == "to confirm" and ndaa.coverage(maker)[0] == "to confirm"
    assert fcc.coverage("huawei") == ("covered", None) == ndaa.coverage("zte")
    assert {"us-executive-agency", "us-federal-contractor"} <= set(ndaa.binds.capacities)
    text = " ".join(ndaa.limits) + " ".join(r.text for r in ndaa.rules)
    for term in ("substantial or essential component", "backhaul, roaming or interconnection",
                 "cannot route or redirect user data", "waiver", "FAR 52.204-24/-25"):  # fmt: skip
        assert term in text, term


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("jurisdiction: my organisation\n", "", "jurisdiction"),
        ("  capacities: [own-policy]\n", "", "binds.capacities"),
        ("capacities: [own-policy]", "capacities: [ruler-of-the-world]", "binds.capacities"),
        ("  text: Binds us once adopted.\n", "", "binds.text"),
        ("  source: board minutes 2025-01-01\n", "", "binds.source"),
        ("limits: [Our own rule, not law.]\n", "", "limits"),
        ("scope: everywhere\nmakers", "scope: everywhere\nterritory: [USA]\nmakers", "territory"),
        ("text: Remove them.}", "text: Remove them., scope: nowhere}", "rules[0].scope"),
    ],
)
def test_regime_terms_are_required(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ReferenceDataError) as caught:
        load_regime(path)
    assert caught.value.field == field and caught.value.file == str(path)


def test_user_regime_loads(tmp_path: Path) -> None:
    regime = load_regime(_write(tmp_path, GOOD))
    assert regime.id == "my-policy" and regime.covered == frozenset({"hikvision"})
    assert regime.rules[0].by == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("title: My policy\n", "", "title"),
        ("source: https://example.org/policy\n", "source: ''\n", "source"),
        ("date: 2025-01-01", "date: last year", "date"),
        ("scope: everywhere", "scope: secret", "scope"),
        ("makers: [hikvision]", "makers: [hikvison]", "makers"),
        ("kind: remove-by", "kind: ban", "rules[0].kind"),
        ("by: 2026-01-01, ", "", "rules[0].by"),
        ("text: Remove them.", "text: ''", "rules[0].text"),
    ],
)
def test_bad_regime_names_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ReferenceDataError) as caught:
        load_regime(path)
    assert caught.value.field == field and caught.value.file == str(path)
    assert str(path) in str(caught.value)


def test_not_a_mapping_and_duplicate_ids(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="YAML mapping"):
        load_regime(_write(tmp_path, "- just a list\n"))
    first = _write(tmp_path, GOOD)
    second = tmp_path / "again.yml"
    second.write_text(GOOD, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="duplicate regime id"):
        load_regimes([first, second])


def test_subsidiaries_are_covered_through_parent() -> None:
    base = makers()
    child = Maker("ezviz-co", "Ezviz Co", "CN", "hikvision", "test", "2026-11-25")
    grandchild = Maker("ezviz-uk", "Ezviz UK", "GB", "ezviz-co", "test", "2026-11-25")
    table = MakerTable({**base.makers, child.id: child, grandchild.id: grandchild}, {}, {})
    covered = _covered(["hikvision"], table)
    assert {"hikvision", "ezviz-co", "ezviz-uk"} <= covered and "axis" not in covered


def test_select_unknown_regime_lists_known() -> None:
    with pytest.raises(InputError, match="us-fcc-covered"):
        select(bundled_regimes(), ["eu-ban"])
    assert [r.id for r in select(bundled_regimes(), ["us-ndaa-889"])] == ["us-ndaa-889"]


def test_missing_bundled_files_fail_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regimes_module, "REGIMES_DIR", tmp_path)
    bundled_regimes.cache_clear()
    try:
        with pytest.raises(ReferenceDataError, match="no bundled regime files"):
            bundled_regimes()
    finally:
        bundled_regimes.cache_clear()
