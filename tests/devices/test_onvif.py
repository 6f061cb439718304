"""ONVIF GetDeviceInformation / GetScopes and WS-Discovery ProbeMatches."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices.importers.onvif import import_onvif
from aktsam.errors import InputError

SAMPLES = Path(__file__).parents[2] / "data" / "devices" / "samples"
FIXTURES = Path(__file__).parent / "fixtures"


def test_device_information_mock_sample_as_is() -> None:
    result = import_onvif(SAMPLES / "onvif_agsh_GetDeviceInformation.xml")
    (record,) = result.records
    assert (result.kind, result.rows_read, result.issues) == ("onvif", 1, [])
    assert record.manufacturer == "Mockup Manufacturer"
    assert (record.model, record.firmware, record.serial) == (
        "Mockup Model", "Mockup_15_14_13", "00000000",
    )  # fmt: skip
    assert record.extra == (("HardwareId", "MOCKUP"),)
    assert record.brand is None  # the device's own claim is manufacturer, not the label
    assert record.origin.element == "GetDeviceInformationResponse (line 14)"


def test_scopes_sample() -> None:
    result = import_onvif(SAMPLES / "onvif_agsh_GetScopes.xml")
    (record,) = result.records
    assert record.model == "HD_PREDATOR"
    assert record.location is None  # "location/" is empty
    assert ("onvif-name", "PREDATOR") in record.extra
    assert (
        next(v for k, v in record.extra if k == "scope")
        == "onvif://www.onvif.org/Profile/Streaming"
    )
    assert len([k for k, _ in record.extra if k == "scope"]) == 7
    assert result.balanced()


def test_probe_sample_without_an_ip_warns() -> None:
    result = import_onvif(SAMPLES / "onvif_agsh_Probe.xml")
    (record,) = result.records
    assert result.kind == "ws-discovery"
    assert record.device_id == "uuid:c9790c3a-701b-464d-a189-0060351c8ada"
    assert record.model == "HD_PREDATOR" and record.ip is None
    assert ("types", "dn:NetworkVideoTransmitter tds:Device") in record.extra
    (issue,) = result.issues
    assert (issue.field, issue.severity) == ("ip", "warning")
    assert "SERVICE_URI" in issue.message
    assert result.balanced()


def test_handmade_hikvision_like_device_information() -> None:
    (record,) = import_onvif(FIXTURES / "onvif_hikvision_like_GetDeviceInformation.xml").records
    assert (record.manufacturer, record.model) == ("HIKVISION", "DS-2CD2143G2-I")
    assert record.serial == "DS-2CD2143G2-I20230101AAWRJ12345678"
    assert record.device_id == "serial:DS-2CD2143G2-I20230101AAWRJ12345678"


def test_handmade_dahua_like_probe_matches() -> None:
    result = import_onvif(FIXTURES / "onvif_dahua_like_ProbeMatches.xml")
    assert (result.rows_read, len(result.records), result.skipped) == (3, 2, 1)
    assert result.balanced()
    dahua, relabel = result.records
    assert dahua.ip == "198.51.100.21"  # IPv4 preferred over the IPv6 XAddr
    assert dahua.mac == "14A78B0A0B0C"
    assert dahua.model == "IPC-HDW5831R-ZE"
    assert dahua.location == "country/china"
    assert ("onvif-name", "Dahua") in dahua.extra
    assert dahua.manufacturer is None  # a scope name is a name, not a maker
    assert relabel.ip == "198.51.100.22"
    assert ("onvif-name", "IP CAMERA") in relabel.extra  # URL-decoded
    assert relabel.location == "city/Bergen"
    (error,) = result.issues
    assert error.origin.element == "ProbeMatch (line 22)"


def test_fault_and_foreign_xml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"SOAP fault: .*Sender not Authorized"):
        import_onvif(FIXTURES / "onvif_fault.xml")
    with pytest.raises(InputError, match="not an ONVIF response"):
        import_onvif(SAMPLES / "nmap_ndiff_simple.xml")
    cut = tmp_path / "cut.xml"
    cut.write_text((SAMPLES / "onvif_agsh_Probe.xml").read_text()[:1500])
    with pytest.raises(InputError, match="truncated"):
        import_onvif(cut)
