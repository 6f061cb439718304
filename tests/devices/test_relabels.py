"""The relabel table: brand labels in any spelling → maker, strength and source."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices.refdata import ReferenceDataError
from aktsam.devices.relabels import STRENGTHS, load_relabels, relabels


@pytest.mark.parametrize(
    ("label", "brand", "maker"),
    [
        ("LTS", "LTS", "hikvision"),
        ("LT Security", "LTS", "hikvision"),
        ("lt-security", "LTS", "hikvision"),
        ("LTS (LT Security)", "LTS", "hikvision"),
        ("ANNKE", "Annke", "hikvision"),
        ("Hi-Look", "HiLook", "hikvision"),
        ("hiwatch", "HiWatch", "hikvision"),
        ("EZVIZ", "Ezviz", "hikvision"),
        ("amcrest", "Amcrest", "dahua"),
        ("Lechange", "IMOU", "dahua"),
        ("IC Realtime", "IC Realtime", "dahua"),
        ("TruVision", "Interlogix TruVision", "hikvision"),
    ],
)
def test_brand_labels_resolve(label: str, brand: str, maker: str) -> None:
    found = relabels().lookup(label)
    assert found is not None
    assert (found.name, found.maker) == (brand, maker)


def test_strongest_source_wins() -> None:
    lorex = relabels().lookup("Lorex")
    assert lorex is not None and len(lorex.claims) == 2
    assert lorex.strength == "reported"
    assert "backstreet-surveillance" in lorex.best.source


def test_forum_claims_are_user_reports() -> None:
    for label in ("LTS", "Annke", "HiLook", "Amcrest"):
        brand = relabels().lookup(label)
        assert brand is not None and brand.strength == "user-report", label


def test_ambiguous_brand_names_no_maker() -> None:
    panasonic = relabels().lookup("Panasonic")
    assert panasonic is not None and panasonic.maker is None
    assert panasonic.best.made_by == ("hikvision", "dahua")


def test_unknown_brand() -> None:
    assert relabels().lookup("Bosch") is None
    assert relabels().lookup("Acme Cameras") is None


def test_every_row_has_a_known_strength() -> None:
    seen = {c.strength for b in relabels().brands.values() for c in b.claims}
    assert seen <= set(STRENGTHS)


HEADER = "brand,aliases,made_by,strength,source,date,note\n"


def test_rejects_row_without_source(tmp_path: Path) -> None:
    path = tmp_path / "relabels.csv"
    path.write_text(
        HEADER
        + "Annke,,hikvision,user-report,https://x,2026-11-25,\nLTS,,hikvision,user-report,,2026-11-25,\n"
    )
    with pytest.raises(ReferenceDataError, match=r"relabels.csv: row 3: field 'source'"):
        load_relabels(path)


def test_rejects_row_with_bad_date_or_strength_or_maker(tmp_path: Path) -> None:
    path = tmp_path / "relabels.csv"
    path.write_text(HEADER + "Annke,,hikvision,user-report,https://x,25/11/2026,\n")
    with pytest.raises(ReferenceDataError, match=r"row 2: field 'date'"):
        load_relabels(path)
    path.write_text(HEADER + "Annke,,hikvision,rumour,https://x,2026-11-25,\n")
    with pytest.raises(ReferenceDataError, match=r"row 2: field 'strength'"):
        load_relabels(path)
    path.write_text(HEADER + "Annke,,hikvison,user-report,https://x,2026-11-25,\n")
    with pytest.raises(ReferenceDataError, match=r"row 2: field 'made_by'.*hikvison"):
        load_relabels(path)
