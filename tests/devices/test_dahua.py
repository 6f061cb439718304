"""Dahua magicBox getSystemInfo (hand-made fixtures from the documented format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.devices.importers.dahua import import_dahua
from aktsam.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"


def test_get_system_info() -> None:
    result = import_dahua(FIXTURES / "dahua_getSystemInfo.txt")
    (record,) = result.records
    assert (result.kind, result.rows_read, result.issues) == ("dahua", 1, [])
    assert record.model == "IPC-HDW5831R-ZE"  # deviceType carries the model
    assert record.serial == "7H01234PAZ12345"
    assert record.device_id == "serial:7H01234PAZ12345"
    extra = dict(record.extra)
    assert extra["processor"] == "S3LM"
    assert extra["updateSerial"] == "IPC-HDW5830R-Z"
    assert len(record.extra) == 7


def test_crlf_response_with_software_version_and_a_stray_line() -> None:
    result = import_dahua(FIXTURES / "dahua_getSystemInfo_xvr_crlf.txt")
    (record,) = result.records
    assert record.model == "DH-XVR5108HS-I3"
    assert record.firmware == "4.001.0000000.0, build: 2021-05-11"
    assert record.serial == "5J0ABCDEFG12345"
    (issue,) = result.issues
    assert (issue.origin.row, issue.severity) == (8, "warning")
    assert result.balanced()


def test_not_a_response_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "error.txt"
    path.write_text("Error\r\nBad Request!\r\n")
    with pytest.raises(InputError, match="not a Dahua magicBox response"):
        import_dahua(path)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"deviceType=\xff\xfe\n")
    with pytest.raises(InputError, match="line 1: byte 0xff"):
        import_dahua(binary)


def test_key_values_without_a_device_are_a_skipped_row(tmp_path: Path) -> None:
    path = tmp_path / "other.txt"
    path.write_text("appAutoStart=true\nprocessor=S3LM\n")
    result = import_dahua(path)
    assert (result.rows_read, result.records, result.skipped) == (1, [], 1)
