"""``aktsam devices discover`` output read back: the ``aktsam-discovery`` JSON file.

The file says what it is (``"format": "aktsam-discovery"``, ``"version": 1``); each entry of ``devices``
is one host that answered, with :class:`~aktsam.devices.model.DeviceRecord` fields, and becomes one record
(origin kind ``discovery``, element ``host <ip>``). A device entry with a value of the wrong type is an
error naming the entry and field (skipped); a MAC that is not one is a warning (the record is kept without
it). Each of the run's ``errors`` (a probe that failed oddly) is a warning. A file that is not JSON, has
another format, or a newer version is refused whole.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from aktsam.devices.importers.xmlfile import as_input_error
from aktsam.devices.macs import check_mac
from aktsam.devices.model import DeviceRecord, ImportIssue, ImportResult, Origin
from aktsam.errors import InputError
from aktsam.lists.parsers.textfile import decode_utf8, read_bytes

KIND = "discovery"
FORMAT = "aktsam-discovery"
VERSION = 1
#: DeviceRecord fields a device entry carries (everything but ``origin``)
RECORD_FIELDS = tuple(f.name for f in fields(DeviceRecord) if f.name != "origin")
_PAIRS = ("banners", "extra")


class _BadEntry(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _text(entry: dict[str, Any], name: str) -> str | None:
    value = entry.get(name)
    if value is None or isinstance(value, str):
        return value or None
    raise _BadEntry(name, f"expected text or null, got {json.dumps(value)[:60]}")


def _pairs(entry: dict[str, Any], name: str) -> tuple[tuple[str, str], ...]:
    value = entry.get(name) or []
    ok = isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in value
    )
    if not ok:
        raise _BadEntry(name, "expected a list of [key, text] pairs")
    return tuple((p[0], p[1]) for p in value)


def _ports(entry: dict[str, Any]) -> tuple[int, ...]:
    value = entry.get("open_ports") or []
    if not isinstance(value, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536 for p in value
    ):
        raise _BadEntry("open_ports", "expected a list of port numbers 1-65535")
    return tuple(value)


def _price(entry: dict[str, Any]) -> float | None:
    value = entry.get("purchase_price")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _BadEntry("purchase_price", "expected a number or null")
    return float(value)


def _record(entry: dict[str, Any], origin: Origin, result: ImportResult) -> DeviceRecord:
    unknown = sorted(set(entry) - {*RECORD_FIELDS, "element"})
    if unknown:
        raise _BadEntry(unknown[0], "not a device field this version writes")
    texts = {
        name: _text(entry, name)
        for name in RECORD_FIELDS
        if name not in (*_PAIRS, "open_ports", "purchase_price", "mac")
    }
    mac, reason = check_mac(_text(entry, "mac"))
    if reason:
        result.issues.append(ImportIssue(origin, "mac", reason, "warning"))
    return DeviceRecord(
        origin=origin,
        device_id=texts["device_id"],
        site=texts["site"],
        location=texts["location"],
        brand=texts["brand"],
        manufacturer=texts["manufacturer"],
        model=texts["model"],
        serial=texts["serial"],
        mac=mac,
        ip=texts["ip"],
        hostname=texts["hostname"],
        firmware=texts["firmware"],
        device_type=texts["device_type"],
        installed_on=texts["installed_on"],
        warranty_until=texts["warranty_until"],
        purchase_price=_price(entry),
        currency=texts["currency"],
        network_segment=texts["network_segment"],
        mac_vendor=texts["mac_vendor"],
        banners=_pairs(entry, "banners"),
        open_ports=_ports(entry),
        extra=_pairs(entry, "extra"),
    )


def _document(path: Path) -> dict[str, Any]:
    with as_input_error(path):
        text = decode_utf8(path, read_bytes(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno}: not valid JSON: {exc.msg}", file=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f'not an aktsam discovery file (no "format": "{FORMAT}")', file=str(path))
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(f"version {version!r} is not a discovery file version", file=str(path))
    if version > VERSION:
        raise InputError(
            f"version {version} was written by a newer aktsam (this one reads {VERSION})",
            file=str(path),
        )
    for key in ("devices", "errors"):
        if not isinstance(data.get(key, []), list):
            raise InputError(f'"{key}" must be a list', file=str(path))
    return data


def import_discovery(path: Path | str) -> ImportResult:
    """The devices a saved discovery run found, and its probe faults as warnings."""
    path = Path(path)
    data = _document(path)
    result = ImportResult(file=str(path), kind=KIND)
    for index, entry in enumerate(data.get("devices", [])):
        result.rows_read += 1
        element = entry.get("element") if isinstance(entry, dict) else None
        where = element if isinstance(element, str) and element else f"devices[{index}]"
        origin = Origin(file=str(path), element=where, kind=KIND)
        if not isinstance(entry, dict):
            result.issues.append(ImportIssue(origin, None, "a device entry must be an object"))
            continue
        try:
            result.records.append(_record(entry, origin, result))
        except _BadEntry as bad:
            result.issues.append(ImportIssue(origin, bad.field, bad.message))
    for index, error in enumerate(data.get("errors", [])):
        if isinstance(error, dict):
            where = f"host {error.get('host')}, {error.get('probe')} port {error.get('port')}"
            message = str(error.get("message"))
        else:
            where, message = f"errors[{index}]", str(error)
        origin = Origin(file=str(path), element=where, kind=KIND)
        result.issues.append(ImportIssue(origin, None, f"probe failed: {message}", "warning"))
    return result
