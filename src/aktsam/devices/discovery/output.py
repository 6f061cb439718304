"""The ``aktsam-discovery`` JSON file: what a discovery run asked and found, versioned.

::

    {"format": "aktsam-discovery", "version": 1, "scanned_at": "2026-…Z", "probes": [...],
     "targets": ["192.0.2.10", ...], "silent": [...],
     "devices": [{"element": "host 192.0.2.10", "ip": ..., "model": ..., "banners": [[k, v], ...],
                  "open_ports": [...], "extra": [[k, v], ...], ...}],
     "errors": [{"host": ..., "probe": ..., "port": ..., "message": ...}]}

``devices`` hold the :class:`~aktsam.devices.model.DeviceRecord` fields (``origin`` becomes ``element``);
:mod:`aktsam.devices.importers.discovery` reads the file back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aktsam.devices.discovery.scanner import DiscoveryResult
from aktsam.devices.importers.discovery import FORMAT, RECORD_FIELDS, VERSION
from aktsam.devices.model import DeviceRecord


def record_payload(record: DeviceRecord) -> dict[str, Any]:
    data: dict[str, Any] = {"element": record.origin.element}
    for name in RECORD_FIELDS:
        value = getattr(record, name)
        if name in ("banners", "extra"):
            value = [list(pair) for pair in value]
        elif name == "open_ports":
            value = list(value)
        data[name] = value
    return data


def payload(result: DiscoveryResult) -> dict[str, Any]:
    """The file's content as a JSON-ready dict (``format`` first, so a reader spots it early)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "scanned_at": result.scanned_at,
        "probes": result.probes,
        "targets": result.targets,
        "silent": result.silent,
        "devices": [record_payload(r) for r in result.records()],
        "errors": [
            {"host": o.host, "probe": o.probe, "port": o.port, "message": o.error}
            for host in result.hosts
            for o in host.errors()
        ],
    }


def write_discovery(result: DiscoveryResult, path: Path) -> None:
    """Write the run to ``path`` (UTF-8 JSON)."""
    path.write_text(json.dumps(payload(result), ensure_ascii=False, indent=2) + "\n", "utf-8")
