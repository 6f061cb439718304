"""ONVIF responses saved as XML: ``GetDeviceInformationResponse``, ``GetScopesResponse`` and
WS-Discovery ``ProbeMatches`` / ``Hello``.

* ``GetDeviceInformationResponse`` (ONVIF Device Management, ``tds:``): ``Manufacturer`` →
  ``manufacturer`` (what the device says of itself: on a relabelled device usually the
  reseller's brand), ``Model``, ``FirmwareVersion``, ``SerialNumber``; ``HardwareId`` → ``extra``.
* ``GetScopesResponse`` and each ``ProbeMatch`` / ``Hello``: scopes
  ``onvif://www.onvif.org/<category>/<value>`` (values are URL-decoded): ``hardware`` →
  ``model``, ``location`` (possibly several, e.g. ``location/country/…``) → ``location``,
  ``mac`` → ``mac``; ``name`` is the device's (configurable) name, not its maker, so it stays in
  ``extra`` as ``onvif-name`` with every scope verbatim. ``XAddrs`` (service URLs) → ``ip`` when a
  URL's host is an IP address; the endpoint reference (``urn:uuid:…``) → ``device_id``.

Each response or match is one row read. A match with neither scopes, XAddrs nor endpoint is an
error (skipped); a file with none of these responses, or a SOAP fault, refuses the whole file.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import unquote, urlsplit

from aktsam.devices.importers import xmlfile
from aktsam.devices.macs import check_mac
from aktsam.devices.model import DeviceRecord, ImportIssue, ImportResult, Origin
from aktsam.errors import InputError

_SCOPE_PREFIX = "onvif://www.onvif.org/"
_DISCOVERY = ("ProbeMatch", "Hello")
_RESPONSES = ("GetDeviceInformationResponse", "GetScopesResponse", *_DISCOVERY)


def import_onvif(path: Path | str) -> ImportResult:
    """The device(s) an ONVIF or WS-Discovery response describes."""
    path = Path(path)
    root = xmlfile.read_tree(path)
    result = ImportResult(file=str(path), kind="onvif")
    found = [e for e in root.iter() if xmlfile.local(e) in _RESPONSES]
    if not found:
        fault = next((e for e in root.iter() if xmlfile.local(e) == "Fault"), None)
        if fault is not None:
            reason = " ".join(str(t).strip() for t in fault.itertext() if str(t).strip())
            raise InputError(
                f"line {xmlfile.line(fault)}: the device answered with a SOAP fault: {reason}",
                file=str(path),
            )
        raise InputError(
            f"not an ONVIF response: no {', '.join(_RESPONSES)} element "
            f"(the root element is <{xmlfile.local(root)}>)",
            file=str(path),
        )
    for elem in found:
        result.rows_read += 1
        name = xmlfile.local(elem)
        if name == "GetDeviceInformationResponse":
            _device_information(path, elem, result)
        else:
            _scopes(path, elem, result)
    if any(xmlfile.local(e) in _DISCOVERY for e in found):
        result.kind = "ws-discovery"
    return result


def _device_information(path: Path, elem: xmlfile.Element, result: ImportResult) -> None:
    origin = Origin(
        file=str(path),
        element=f"GetDeviceInformationResponse (line {xmlfile.line(elem)})",
        kind="onvif",
    )
    fields = {xmlfile.local(sub): xmlfile.text(sub) for sub in elem}
    serial = fields.get("SerialNumber")
    known = ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber")
    extra = tuple((key, value) for key, value in fields.items() if key not in known and value)
    if not any(fields.get(key) for key in known):
        result.issues.append(ImportIssue(origin, None, "the response names no device"))
        return
    result.records.append(
        DeviceRecord(
            origin=origin,
            device_id=f"serial:{serial}" if serial else None,
            manufacturer=fields.get("Manufacturer"),
            model=fields.get("Model"),
            firmware=fields.get("FirmwareVersion"),
            serial=serial,
            extra=extra,
        )
    )


def _scopes(path: Path, elem: xmlfile.Element, result: ImportResult) -> None:
    kind = "ws-discovery" if xmlfile.local(elem) in _DISCOVERY else "onvif"
    where = f"{xmlfile.local(elem)} (line {xmlfile.line(elem)})"
    origin = Origin(file=str(path), element=where, kind=kind)
    scopes: list[str] = []
    xaddrs: list[str] = []
    endpoint: str | None = None
    types: str | None = None
    for sub in elem.iter():
        name = xmlfile.local(sub)
        if name in ("Scopes", "ScopeItem") and (value := xmlfile.text(sub)):
            scopes += value.split() if name == "Scopes" else [value]
        elif name == "XAddrs" and (value := xmlfile.text(sub)):
            xaddrs += value.split()
        elif name == "Address" and endpoint is None:
            endpoint = xmlfile.text(sub)
        elif name == "Types":
            types = xmlfile.text(sub)
    if not (scopes or xaddrs or endpoint):
        result.issues.append(ImportIssue(origin, None, "no scopes, XAddrs or endpoint address"))
        return
    extra: list[tuple[str, str]] = [("scope", scope) for scope in scopes]
    values: dict[str, list[str]] = {}
    for scope in scopes:
        if scope.lower().startswith(_SCOPE_PREFIX):
            category, _, value = scope[len(_SCOPE_PREFIX) :].partition("/")
            if value.strip("/"):
                values.setdefault(category.lower(), []).append(unquote(value.strip("/")))
    extra += [("onvif-name", name) for name in values.get("name", [])]
    extra += [("xaddr", url) for url in xaddrs]
    if types:
        extra.append(("types", types))
    ip = _first_ip(xaddrs)
    if xaddrs and ip is None:
        result.issues.append(
            ImportIssue(origin, "ip", f"no IP address in XAddrs {' '.join(xaddrs)!r}", "warning")
        )
    mac: str | None = None
    for text in values.get("mac", []):
        mac, reason = check_mac(text)
        if reason:
            result.issues.append(ImportIssue(origin, "mac", reason, "warning"))
    hardware = values.get("hardware", [])
    result.records.append(
        DeviceRecord(
            origin=origin,
            device_id=endpoint or (f"ip:{ip}" if ip else None),
            model=hardware[0] if hardware else None,
            location="/".join(values["location"]) if values.get("location") else None,
            ip=ip,
            mac=mac,
            extra=tuple(extra),
        )
    )


def _first_ip(urls: list[str]) -> str | None:
    """The first URL host that is an IP address (IPv4 preferred), else ``None``."""
    found: list[str] = []
    for url in urls:
        try:
            host = urlsplit(url).hostname
            if host:
                found.append(str(ipaddress.ip_address(host)))
        except ValueError:
            continue
    return next((ip for ip in found if ":" not in ip), found[0] if found else None)
