"""ONVIF WS-Discovery probe, sent by UDP **unicast** to the named host's port 3702 (never to the
multicast group 239.255.255.250), asking for ``dn:NetworkVideoTransmitter``. The ``ProbeMatches`` answer
is read by the ONVIF importer: the ``hardware`` scope gives the model, a ``mac`` scope the MAC, and every
scope, name and XAddr is kept in ``extra`` (``data/devices/FINGERPRINTS.md`` §6).
"""

from __future__ import annotations

import uuid

from aktsam.devices.discovery.observation import (
    Observation,
    describe,
    first_record_fields,
    udp_exchange,
)
from aktsam.devices.importers.onvif import import_onvif

PROBE = "ws-discovery"
DEFAULT_PORT = 3702


def probe_message(message_id: str) -> bytes:
    """The SOAP ``Probe`` envelope for one ``urn:uuid:`` message id."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
        f"<e:Header><w:MessageID>{message_id}</w:MessageID>"
        '<w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>'
        '<w:Action e:mustUnderstand="true">'
        "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>"
        "<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body>"
        "</e:Envelope>"
    ).encode()


def probe_wsdiscovery(host: str, port: int = DEFAULT_PORT, timeout: float = 1.5) -> Observation:
    """The ``ProbeMatch`` ``host`` sends back to a unicast Probe; never raises on a network fault."""
    try:
        answer = udp_exchange(host, port, probe_message(f"urn:uuid:{uuid.uuid4()}"), timeout)
    except OSError as exc:
        return Observation(PROBE, host, port, error=describe(exc))
    fields, extra, error = first_record_fields(import_onvif, answer, "probe-match.xml")
    tagged = tuple((f"onvif-{k}" if not k.startswith("onvif-") else k, v) for k, v in extra)
    return Observation(PROBE, host, port, True, (), fields, tagged, error)
