"""import_file: the kind detected from extension or content, or named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aktsam.devices.importers import detect_kind, import_file
from aktsam.errors import InputError

SAMPLES = Path(__file__).parents[2] / "data" / "devices" / "samples"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (SAMPLES / "nmap_ndiff_complex.xml", "nmap"),
        (SAMPLES / "onvif_agsh_GetDeviceInformation.xml", "onvif"),
        (SAMPLES / "onvif_agsh_GetScopes.xml", "onvif"),
        (SAMPLES / "onvif_agsh_Probe.xml", "onvif"),
        (FIXTURES / "isapi_deviceInfo_ver20.xml", "isapi"),
        (FIXTURES / "dahua_getSystemInfo.txt", "dahua"),
        (FIXTURES / "dahua_getSystemInfo_xvr_crlf.txt", "dahua"),
        (FIXTURES / "register_sites.csv", "register"),
        (FIXTURES / "nmap_cameras_handmade.xml", "nmap"),
    ],
)
def test_detects_every_format(path: Path, kind: str) -> None:
    assert detect_kind(path) == kind
    result = import_file(path)
    assert result.records and result.balanced()


def test_detection_reads_content_not_the_name(tmp_path: Path) -> None:
    scan = tmp_path / "scan.out"
    shutil.copy(SAMPLES / "nmap_zenmap_xml_test11.xml", scan)
    assert import_file(scan).kind == "nmap"
    info = tmp_path / "deviceInfo"
    shutil.copy(FIXTURES / "isapi_deviceInfo_ver20.xml", info)
    assert import_file(info).records[0].model == "DS-2CD2143G2-I"


def test_named_kind_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "register.txt"
    path.write_text("Brand,Model\nHikvision,DS-2CD1\n")
    with pytest.raises(InputError, match="cannot tell what kind"):
        import_file(path)
    (record,) = import_file(path, kind="register").records
    assert record.brand == "Hikvision"
    result = import_file(path, kind="register", columns={"device_type": "Model"})
    assert result.records[0].device_type == "DS-2CD1"


def test_refusals(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_file(tmp_path / "missing.xml")
    with pytest.raises(InputError, match="unknown input kind 'snmp'"):
        import_file(FIXTURES / "register_sites.csv", kind="snmp")
    with pytest.raises(InputError, match="registers only"):
        import_file(SAMPLES / "nmap_ndiff_simple.xml", columns={"serial": "S"})
    other = tmp_path / "feed.xml"
    other.write_text("<rss><channel/></rss>")
    with pytest.raises(InputError, match="root element <rss>"):
        import_file(other)
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("<<<not xml>>>")
    with pytest.raises(InputError, match="line 1: not well-formed XML"):
        import_file(garbage)
