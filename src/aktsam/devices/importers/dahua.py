"""Dahua CGI ``magicBox.cgi`` responses saved as text (``key=value`` lines).

``GET /cgi-bin/magicBox.cgi?action=getSystemInfo`` answers with lines such as ``deviceType=``,
``hardwareVersion=``, ``processor=``, ``serialNumber=``, ``updateSerial=``,
``updateSerialCloudUpgrade=``, ``appAutoStart=`` (github:rroller/dahua ``client.py`` docstring;
see ``data/devices/FINGERPRINTS.md``). Despite its name, ``deviceType`` carries the model
(``IPC-HDW5831R-ZE``), so it is read as ``model``. Other magicBox actions saved into the same
file are read too: ``type=`` (getDeviceType) as model, ``sn=`` (getSerialNo) as serial,
``version=`` (getSoftwareVersion) as firmware, ``name=`` (getMachineName) kept in ``extra``.
Every line is also kept verbatim in ``extra``; a line that is not ``key=value`` is a warning.

The file is one device (one row read). A file with no ``key=value`` line at all (an HTML login
page, ``Error / Bad Request!``) is not a response and refuses the file. No real response was
available to copy; ``tests/devices/fixtures/dahua_*`` are hand-made from the documented format.
"""

from __future__ import annotations

from pathlib import Path

from aktsam.devices.importers.xmlfile import as_input_error
from aktsam.devices.model import DeviceRecord, ImportIssue, ImportResult, Origin
from aktsam.errors import InputError
from aktsam.lists.parsers.textfile import decode_utf8, read_bytes

KIND = "dahua"
#: magicBox key → DeviceRecord field; the first key listed for a field wins
_MAPPED = {
    "deviceType": "model",
    "type": "model",
    "serialNumber": "serial",
    "sn": "serial",
    "version": "firmware",
}
#: the getSystemInfo keys that tell a saved response apart from any other key=value text
KEYS = frozenset({"deviceType", "serialNumber", "hardwareVersion", "processor", "updateSerial"})


def parse_key_values(text: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """``(line, key, value)`` for each ``key=value`` line, and ``(line, text)`` for the others."""
    pairs: list[tuple[int, str, str]] = []
    others: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        key, sep, value = stripped.partition("=")
        if sep and key.strip() and " " not in key.strip():
            pairs.append((number, key.strip(), value.strip()))
        else:
            others.append((number, stripped))
    return pairs, others


def import_dahua(path: Path | str) -> ImportResult:
    """The device a saved ``magicBox.cgi?action=getSystemInfo`` response describes."""
    path = Path(path)
    with as_input_error(path):
        text = decode_utf8(path, read_bytes(path))
    pairs, others = parse_key_values(text)
    if not pairs:
        raise InputError(
            f"not a Dahua magicBox response: no key=value line (first line: {others[0][1][:60]!r})",
            file=str(path),
        )
    result = ImportResult(file=str(path), kind=KIND, rows_read=1)
    origin = Origin(file=str(path), element="getSystemInfo", kind=KIND)
    for number, line in others:
        result.issues.append(
            ImportIssue(
                Origin(file=str(path), row=number, kind=KIND),
                None,
                f"not a key=value line, ignored: {line[:80]!r}",
                "warning",
            )
        )
    values: dict[str, str] = {}
    for key in _MAPPED:  # in priority order
        for _, pair_key, value in pairs:
            if pair_key == key and value and _MAPPED[key] not in values:
                values[_MAPPED[key]] = value
    if not values:
        result.issues.append(
            ImportIssue(origin, None, "no deviceType, serialNumber or version line; skipped")
        )
        return result
    serial = values.get("serial")
    result.records.append(
        DeviceRecord(
            origin=origin,
            device_id=f"serial:{serial}" if serial else None,
            model=values.get("model"),
            serial=serial,
            firmware=values.get("firmware"),
            extra=tuple((key, value) for _, key, value in pairs),
        )
    )
    return result
