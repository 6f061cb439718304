"""Hikvision ISAPI ``GET /ISAPI/System/deviceInfo`` responses saved as XML.

The response is one ``<DeviceInfo>`` element, in namespace
``http://www.hikvision.com/ver20/XMLSchema`` (``ver10`` on older firmware; OEM firmware has been
seen with ``http://www.std-cgi.com/ver20/XMLSchema``): ``deviceName``, ``deviceID``, ``model``,
``serialNumber``, ``macAddress``, ``firmwareVersion``, ``firmwareReleasedDate``, ``deviceType``,
``deviceLocation``, sometimes ``manufacturer``, and build/hardware fields (pyHik
``pyhik/hikvision.py``; see ``data/devices/FINGERPRINTS.md``). Every child is kept: the mapped
ones in their fields, all others verbatim in ``extra``, with the XML namespace itself as
``("xml-namespace", …)`` — that a device speaks Hikvision's schema is an observation, which
identification weighs; the importer does not turn it into a manufacturer.

No real response was available to copy; ``tests/devices/fixtures/isapi_*`` are hand-made from
the documented format.
"""

from __future__ import annotations

from pathlib import Path

from aktsam.devices.importers import xmlfile
from aktsam.devices.macs import check_mac
from aktsam.devices.model import DeviceRecord, ImportIssue, ImportResult, Origin
from aktsam.errors import InputError

KIND = "isapi"
_MAPPED = {
    "deviceID": "device_id",
    "model": "model",
    "serialNumber": "serial",
    "macAddress": "mac",
    "firmwareVersion": "firmware",
    "deviceType": "device_type",
    "deviceLocation": "location",
    "manufacturer": "manufacturer",
}


def import_isapi(path: Path | str) -> ImportResult:
    """The one device a saved ``/ISAPI/System/deviceInfo`` response describes."""
    path = Path(path)
    root = xmlfile.read_tree(path)
    if xmlfile.local(root) != "DeviceInfo":
        raise InputError(
            f"line {xmlfile.line(root)}: not an ISAPI deviceInfo response: the root element is "
            f"<{xmlfile.local(root)}>, expected <DeviceInfo>",
            file=str(path),
        )
    result = ImportResult(file=str(path), kind=KIND, rows_read=1)
    origin = Origin(file=str(path), element=f"DeviceInfo (line {xmlfile.line(root)})", kind=KIND)
    values: dict[str, str] = {}
    extra: list[tuple[str, str]] = []
    if ns := xmlfile.namespace(root):
        extra.append(("xml-namespace", ns))
    for sub in root:
        name, value = xmlfile.local(sub), xmlfile.text(sub)
        if not value:
            continue
        if name in _MAPPED and _MAPPED[name] not in values:
            values[_MAPPED[name]] = value
        else:
            extra.append((name, value))
    mac, reason = check_mac(values.get("mac"))
    if reason:
        result.issues.append(ImportIssue(origin, "mac", reason, "warning"))
    if not any(values.get(f) for f in ("model", "serial", "device_id")) and mac is None:
        result.issues.append(ImportIssue(origin, None, "deviceInfo names no model, serial or id"))
        return result
    result.records.append(
        DeviceRecord(
            origin=origin,
            device_id=values.get("device_id"),
            manufacturer=values.get("manufacturer"),
            model=values.get("model"),
            serial=values.get("serial"),
            mac=mac,
            firmware=values.get("firmware"),
            device_type=values.get("device_type"),
            location=values.get("location"),
            extra=tuple(extra),
        )
    )
    return result
