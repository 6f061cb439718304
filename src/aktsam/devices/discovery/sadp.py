"""Hikvision SADP inquiry, sent by UDP **unicast** to the named host's port 37020 (never to the
multicast group 239.255.255.250 that the SADP tool uses). Hikvision firmware, OEM relabels included,
answers with XML naming the device (``data/devices/FINGERPRINTS.md`` §5, github:cameronnewman/
hikvision-tooling): ``DeviceDescription`` (the model) → model, ``DeviceSN`` → serial, ``MAC`` → mac,
``SoftwareVersion`` → firmware; every other element (``DeviceType`` is a numeric type code, ``IPv4Address``,
``HttpPort``, ``CommandPort``, ``Activated``…) is kept in ``extra`` as ``sadp-<name>``.
"""

from __future__ import annotations

import uuid

from lxml import etree

from aktsam.devices.discovery.observation import Observation, describe, udp_exchange
from aktsam.devices.macs import check_mac

PROBE = "sadp"
DEFAULT_PORT = 37020
_MAPPED = {
    "DeviceDescription": "model",
    "DeviceSN": "serial",
    "SoftwareVersion": "firmware",
}


def inquiry(probe_id: str) -> bytes:
    """The SADP inquiry for one (upper-case) UUID."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<Probe><Uuid>{probe_id}</Uuid><Types>inquiry</Types></Probe>"
    ).encode()


Pairs = tuple[tuple[str, str], ...]


def parse_answer(data: bytes) -> tuple[Pairs, Pairs, str | None]:
    """``(fields, extra, error)`` read from a SADP answer; entities are never resolved."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return (), (), f"the SADP answer is not well-formed XML: {exc.msg}"
    values: dict[str, str] = {}
    for sub in root.iter():
        if not isinstance(sub.tag, str) or sub is root:
            continue
        text = (sub.text or "").strip()
        if text and (name := etree.QName(sub).localname) not in values:
            values[name] = text
    if "DeviceSN" not in values and "MAC" not in values and "DeviceDescription" not in values:
        return (), (), f"<{etree.QName(root).localname}> answer names no device"
    fields = [(field, values[key]) for key, field in _MAPPED.items() if key in values]
    error = None
    mac, reason = check_mac(values.get("MAC"))
    if mac:
        fields.append(("mac", mac))
    elif reason:
        error = f"SADP MAC: {reason}"
    skip = {*_MAPPED, "MAC", "Uuid", "Types"}
    extra = tuple((f"sadp-{k}", v) for k, v in values.items() if k not in skip)
    return tuple(fields), extra, error


def probe_sadp(host: str, port: int = DEFAULT_PORT, timeout: float = 1.5) -> Observation:
    """What ``host`` answers to a unicast SADP inquiry; never raises on a network fault."""
    try:
        answer = udp_exchange(host, port, inquiry(str(uuid.uuid4()).upper()), timeout)
    except OSError as exc:
        return Observation(PROBE, host, port, error=describe(exc))
    fields, extra, error = parse_answer(answer)
    return Observation(PROBE, host, port, True, (), fields, extra, error)
