"""nmap ``-oX`` scans: one :class:`DeviceRecord` per host that is up.

What a host gives, as nmap printed it and uninterpreted:

* addresses: IPv4 (else IPv6) → ``ip``; ``addrtype="mac"`` → ``mac``, with nmap's own OUI
  lookup (``vendor=``) kept as ``mac_vendor``;
* the first hostname (the others go to ``extra``);
* open ports (TCP and UDP alike; ``open|filtered`` is not open) → ``open_ports``;
* banners: per open port, ``("554/tcp", "<product> <version> <extrainfo>")`` from ``-sV``;
  every port script's output as ``("80/tcp http-title", …)``; ``http-server-header`` also as
  ``("http-server", "App-webs/")``; a ``realm="…"`` in any script output as ``("rtsp-realm", …)``
  on an RTSP port, else ``("http-realm", …)`` (see ``data/devices/FINGERPRINTS.md``);
* OS detection (``osmatch``, ``osclass`` vendor/type), service ``devicetype``/``ostype``, CPEs
  and host script output → ``extra``.

Hosts that are down are not devices and are not counted (``-oX`` lists them only with ``-v``). A
host with neither IP nor MAC cannot be told apart from any other, so it is an error (skipped).
Two hosts with one MAC (a device answering on two addresses, or a router proxying ARP) are both
imported, with a warning naming the first. Malformed or truncated XML refuses the whole file:
a half-read scan looks like a quiet network.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from aktsam.devices.importers import xmlfile
from aktsam.devices.macs import check_mac
from aktsam.devices.model import DeviceRecord, ImportIssue, ImportResult, Origin
from aktsam.errors import InputError
from aktsam.lists.parsers.xmlstream import release

KIND = "nmap"
_REALM = re.compile(r'realm="([^"]*)"', re.IGNORECASE)
_RTSP_PORTS = {554, 8554}


def import_nmap(path: Path | str) -> ImportResult:
    """Every up host of an nmap XML file, with an issue for each host that cannot be used."""
    path = Path(path)
    result = ImportResult(file=str(path), kind=KIND)
    first_with_mac: dict[str, str] = {}
    root_seen = False
    for elem in xmlfile.elements(path):
        if not root_seen:
            root_seen = True
            if xmlfile.local(elem) != "nmaprun":
                raise InputError(
                    f"line {xmlfile.line(elem)}: not an nmap XML scan: the root element is "
                    f"<{xmlfile.local(elem)}>, expected <nmaprun> (run nmap with -oX)",
                    file=str(path),
                )
            continue
        if xmlfile.local(elem) != "host":
            continue
        _read_host(path, elem, result, first_with_mac)
        release(elem)
    return result


def _read_host(
    path: Path, host: xmlfile.Element, result: ImportResult, first_with_mac: dict[str, str]
) -> None:
    status = xmlfile.child(host, "status")
    if status is None or status.get("state") != "up":
        return
    result.rows_read += 1
    ip: str | None = None
    mac_text: str | None = None
    mac_vendor: str | None = None
    for address in host.iter("address"):
        kind, addr = address.get("addrtype"), (address.get("addr") or "").strip()
        if kind in ("ipv4", "ipv6") and addr and _better_ip(kind, ip):
            ip = addr
        elif kind == "mac" and addr:
            mac_text, mac_vendor = addr, address.get("vendor") or None
    element = f"host {ip or mac_text or '?'} (line {xmlfile.line(host)})"
    origin = Origin(file=str(path), element=element, kind=KIND)
    if ip is None and mac_text is None:
        result.issues.append(ImportIssue(origin, "address", "host has no IP or MAC address"))
        return
    if ip is not None:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            result.issues.append(
                ImportIssue(origin, "ip", f"{ip!r} is not an IP address", "warning")
            )
            ip = None
    mac, reason = check_mac(mac_text)
    if reason:
        result.issues.append(ImportIssue(origin, "mac", reason, "warning"))
    if mac is not None:
        if mac in first_with_mac:
            result.issues.append(
                ImportIssue(
                    origin,
                    "mac",
                    f"MAC {mac} also seen on {first_with_mac[mac]}",
                    "warning",
                )
            )
        else:
            first_with_mac[mac] = element
    hostnames = [h.get("name") or "" for h in host.iter("hostname") if h.get("name")]
    ports, banners, extra = _read_ports(host)
    extra += [("hostname", name) for name in hostnames[1:]]
    extra += _read_os(host)
    for script in _host_scripts(host):
        extra.append((f"host-script {script.get('id')}", (script.get("output") or "").strip()))
    result.records.append(
        DeviceRecord(
            origin=origin,
            device_id=f"ip:{ip}" if ip else f"mac:{mac}" if mac else None,
            ip=ip,
            mac=mac,
            mac_vendor=mac_vendor,
            hostname=hostnames[0] if hostnames else None,
            open_ports=tuple(sorted(set(ports))),
            banners=tuple(banners),
            extra=tuple(extra),
        )
    )


def _better_ip(kind: str | None, current: str | None) -> bool:
    """IPv4 wins over IPv6 (registers and DHCP leases list IPv4); the first of a kind wins."""
    return current is None or (kind == "ipv4" and ":" in current)


def _read_ports(
    host: xmlfile.Element,
) -> tuple[list[int], list[tuple[str, str]], list[tuple[str, str]]]:
    ports: list[int] = []
    banners: list[tuple[str, str]] = []
    extra: list[tuple[str, str]] = []
    for port in host.iter("port"):
        state = xmlfile.child(port, "state")
        if state is None or state.get("state") != "open":
            continue
        try:
            number = int(port.get("portid") or "")
        except ValueError:  # nmap always writes a number; a hand-edited file may not
            continue
        key = f"{number}/{port.get('protocol') or 'tcp'}"
        ports.append(number)
        service = xmlfile.child(port, "service")
        is_rtsp = number in _RTSP_PORTS
        if service is not None:
            is_rtsp = is_rtsp or (service.get("name") or "").startswith("rtsp")
            words = [service.get(a) or "" for a in ("product", "version", "extrainfo")]
            banner = " ".join(w.strip() for w in words if w.strip())
            if banner:
                banners.append((key, banner))
            for attribute in ("devicetype", "ostype", "hostname"):
                if service.get(attribute):
                    extra.append((f"{key} {attribute}", service.get(attribute) or ""))
            extra += [(f"{key} cpe", cpe.text.strip()) for cpe in service.iter("cpe") if cpe.text]
        for script in port.iter("script"):
            script_id, output = script.get("id") or "script", (script.get("output") or "").strip()
            if not output:
                continue
            banners.append((f"{key} {script_id}", output))
            if script_id == "http-server-header":
                banners += [("http-server", line.strip()) for line in output.splitlines()]
            for realm in _REALM.findall(output):
                banners.append(("rtsp-realm" if is_rtsp else "http-realm", realm))
    return ports, banners, extra


def _read_os(host: xmlfile.Element) -> list[tuple[str, str]]:
    extra: list[tuple[str, str]] = []
    for os_elem in host.iter("os"):
        for match in os_elem.iter("osmatch"):
            extra.append(("os", f"{match.get('name')} (accuracy {match.get('accuracy')})"))
        seen: set[tuple[str, str]] = set()
        for osclass in os_elem.iter("osclass"):
            for attribute in ("vendor", "type"):
                value = osclass.get(attribute)
                if value and (attribute, value) not in seen:
                    seen.add((attribute, value))
                    extra.append((f"os-{attribute}", value))
    return extra


def _host_scripts(host: xmlfile.Element) -> list[xmlfile.Element]:
    return [s for hs in host.iter("hostscript") for s in hs.iter("script")]
