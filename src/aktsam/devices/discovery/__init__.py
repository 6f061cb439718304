"""Optional active discovery: probe only the hosts the user names, and record what they answer.

Nothing here scans a network on its own. :mod:`.targets` accepts IPv4 literals and CIDR blocks (capped,
never the unspecified, multicast or broadcast addresses) and resolves no names; :func:`.scanner.discover`
then sends each selected probe to each named host, by unicast only:

=============  ======================================================================  ===========
probe          what is sent                                                            default port
=============  ======================================================================  ===========
http           ``GET /``, ``GET /ISAPI/System/deviceInfo``, ``GET /cgi-bin/magicBox…``  TCP 80
rtsp           ``OPTIONS`` and ``DESCRIBE rtsp://host:554/``                           TCP 554
tcp8000        nothing (reads the banner a Hikvision SDK port volunteers)              TCP 8000
tcp37777       32 bytes ``\\xa1`` + 31 × ``\\x00`` (Dahua private protocol)               TCP 37777
ws-discovery   an ONVIF WS-Discovery ``Probe``, unicast to the host                    UDP 3702
sadp           a Hikvision SADP ``inquiry``, unicast to the host                       UDP 37020
=============  ======================================================================  ===========

Each answering host becomes one :class:`~aktsam.devices.model.DeviceRecord` (origin kind
``discovery``); :mod:`.output` writes the ``aktsam-discovery`` JSON file that
:mod:`aktsam.devices.importers.discovery` reads back. The signatures come from
``data/devices/FINGERPRINTS.md``.
"""

from __future__ import annotations

from aktsam.devices.discovery.scanner import PROBES, DiscoveryResult, HostResult, discover
from aktsam.devices.discovery.targets import parse_targets, read_targets_file

__all__ = [
    "PROBES",
    "DiscoveryResult",
    "HostResult",
    "discover",
    "parse_targets",
    "read_targets_file",
]
