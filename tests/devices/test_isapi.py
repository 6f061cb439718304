"""Hikvision ISAPI deviceInfo (hand-made fixtures from the documented format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices.importers.isapi import import_isapi
from aktsam.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"


def test_ver20_device_info() -> None:
    result = import_isapi(FIXTURES / "isapi_deviceInfo_ver20.xml")
    (record,) = result.records
    assert (result.kind, result.rows_read, result.issues) == ("isapi", 1, [])
    assert record.model == "DS-2CD2143G2-I"
    assert record.serial == "DS-2CD2143G2-I20230101AAWRJ12345678"
    assert record.mac == "04EECD1A2B3C"
    assert record.firmware == "V5.7.3"
    assert record.device_type == "IPCamera"
    assert record.device_id == "48534b56-3130-3833-3431-04eecd1a2b3c"
    assert record.manufacturer is None  # not stated by this response; the namespace is kept
    extra = dict(record.extra)
    assert extra["xml-namespace"] == "http://www.hikvision.com/ver20/XMLSchema"
    assert extra["deviceName"] == "Gate camera 2"
    assert extra["firmwareReleasedDate"] == "build 220112"
    assert len(record.extra) == 13  # every unmapped child kept


def test_ver10_relabel_with_bad_mac_keeps_the_device() -> None:
    result = import_isapi(FIXTURES / "isapi_deviceInfo_ver10_oem.xml")
    (record,) = result.records
    assert (record.manufacturer, record.model, record.device_type) == ("LTS", "LTN8708K-P8", "NVR")
    assert record.mac is None
    assert dict(record.extra)["xml-namespace"] == "http://www.hikvision.com/ver10/XMLSchema"
    (issue,) = result.issues
    assert (issue.field, issue.severity) == ("mac", "warning")
    assert result.balanced()


def test_empty_device_info_is_a_skipped_row(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text(
        '<DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema"><deviceName/></DeviceInfo>'
    )
    result = import_isapi(path)
    assert (result.rows_read, result.records, result.skipped) == (1, [], 1)


def test_wrong_root_and_bad_encoding_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "status.xml"
    path.write_text('<DeviceStatus xmlns="http://www.hikvision.com/ver20/XMLSchema"/>')
    with pytest.raises(InputError, match="expected <DeviceInfo>"):
        import_isapi(path)
    latin = tmp_path / "latin.xml"
    latin.write_bytes(b'<?xml version="1.0" encoding="ISO-8859-1"?><DeviceInfo/>')
    with pytest.raises(InputError, match="declares encoding ISO-8859-1"):
        import_isapi(latin)
