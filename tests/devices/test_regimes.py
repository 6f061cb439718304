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
    assert uk.source.startswith(
        "https://www.gov.uk/government/news/security-update-on-surveillance"
    )
    assert uk.date == date(2022, 11, 24) and uk.scope == "sensitive"
    assert uk.applies_at("sensitive") and not uk.applies_at("standard")
    assert {r.kind for r in uk.rules} == {
        "no-new-deployment",
        "no-core-network",
        "consider-removal",
    }
    assert regimes["example-org-policy"].example and not uk.example


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
