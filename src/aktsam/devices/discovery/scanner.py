"""Run the selected probes against the named hosts, in parallel, and merge what each host said.

:func:`discover` takes host addresses (from :mod:`.targets`; each is checked again here, so no caller can
make it send to a multicast, broadcast or unspecified address) and runs every ``(host, probe)`` pair in a
thread pool. A host that answered any probe becomes one :class:`DeviceRecord`; a host that answered
nothing is listed as silent. Faults other than "refused" and "timed out" are kept per host.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aktsam.devices.discovery import http, rtsp, sadp, tcp, wsdiscovery
from aktsam.devices.discovery.observation import DEFAULT_TIMEOUT, QUIET_ERRORS, Observation
from aktsam.devices.discovery.targets import parse_target
from aktsam.devices.model import DeviceRecord, Origin
from aktsam.errors import InputError

Probe = Callable[[str, int, float], Observation]

#: probe name → (function, default port), in the order their fields take precedence when merged
PROBES: dict[str, tuple[Probe, int]] = {
    "sadp": (sadp.probe_sadp, sadp.DEFAULT_PORT),
    "http": (http.probe_http, http.DEFAULT_PORT),
    "ws-discovery": (wsdiscovery.probe_wsdiscovery, wsdiscovery.DEFAULT_PORT),
    "rtsp": (rtsp.probe_rtsp, rtsp.DEFAULT_PORT),
    "tcp8000": (tcp.probe_tcp8000, tcp.TCP8000_PORT),
    "tcp37777": (tcp.probe_tcp37777, tcp.TCP37777_PORT),
}
DEFAULT_PROBES = ("http", "rtsp", "tcp8000", "tcp37777", "ws-discovery", "sadp")
DEFAULT_CONCURRENCY = 32


@dataclass(frozen=True, slots=True)
class HostResult:
    """Every probe's observation at one host."""

    host: str
    observations: tuple[Observation, ...]

    @property
    def answered(self) -> bool:
        return any(o.answered for o in self.observations)

    def errors(self) -> list[Observation]:
        """Observations with a fault worth reporting (not just a closed or silent port)."""
        return [o for o in self.observations if o.error and o.error not in QUIET_ERRORS]

    def record(self, file: str = "discovery") -> DeviceRecord | None:
        """The device this host described, ``None`` when it answered nothing."""
        if not self.answered:
            return None
        answered = sorted(
            (o for o in self.observations if o.answered), key=lambda o: list(PROBES).index(o.probe)
        )
        fields: dict[str, str] = {}
        extra: list[tuple[str, str]] = []
        banners: list[tuple[str, str]] = []
        for obs in answered:
            for name, value in obs.fields:
                if name not in fields:
                    fields[name] = value
                elif fields[name] != value:  # a probe that disagrees is kept, not dropped
                    extra.append((f"{obs.probe}:{name}", value))
            banners += [b for b in obs.banners if b not in banners]
            extra += obs.extra
            extra.append(("answered", f"{obs.probe} {obs.port}"))
        ports = sorted({p for o in answered if (p := o.open_port) is not None})
        serial, mac = fields.get("serial"), fields.get("mac")
        device_id = f"serial:{serial}" if serial else f"mac:{mac}" if mac else f"ip:{self.host}"
        return DeviceRecord(
            origin=Origin(file=file, element=f"host {self.host}", kind="discovery"),
            device_id=device_id,
            ip=self.host,
            banners=tuple(banners),
            open_ports=tuple(ports),
            extra=tuple(extra),
            manufacturer=fields.get("manufacturer"),
            model=fields.get("model"),
            serial=serial,
            mac=mac,
            firmware=fields.get("firmware"),
            device_type=fields.get("device_type"),
            location=fields.get("location"),
        )


@dataclass(slots=True)
class DiscoveryResult:
    """One run: what was asked, when, and what each host answered."""

    targets: list[str]
    probes: list[str]
    scanned_at: str
    hosts: list[HostResult] = field(default_factory=list)

    def records(self, file: str = "discovery") -> list[DeviceRecord]:
        return [r for host in self.hosts if (r := host.record(file)) is not None]

    @property
    def silent(self) -> list[str]:
        return [h.host for h in self.hosts if not h.answered]


def check_host(host: str) -> str:
    """``host`` if it is one IPv4 address discovery may send to; :class:`InputError` otherwise."""
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        raise InputError(f"{host!r} is not an IPv4 address", field="target") from None
    return parse_target(str(address), max_hosts=1)[0]


def resolve_ports(probes: Sequence[str], ports: Mapping[str, int] | None) -> dict[str, int]:
    """Each selected probe's port: the default, or the override given for it."""
    unknown = [p for p in [*probes, *(ports or {})] if p not in PROBES]
    if unknown:
        raise InputError(
            f"unknown probe {unknown[0]!r}; use one of {', '.join(DEFAULT_PROBES)}", field="probes"
        )
    chosen = {p: PROBES[p][1] for p in probes}
    for name, port in (ports or {}).items():
        if not 0 < port < 65536:
            raise InputError(f"port {port} for {name} is not 1-65535", field="port")
        if name in chosen:
            chosen[name] = port
    return chosen


def discover(
    targets: Sequence[str],
    *,
    probes: Sequence[str] = DEFAULT_PROBES,
    ports: Mapping[str, int] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> DiscoveryResult:
    """Send the selected probes to each named host (and nowhere else); one :class:`HostResult` each.

    ``ports`` overrides a probe's port (``{"http": 8080}``), for devices on non-standard ports and for
    tests. Network faults are recorded, never raised; a bad target, probe or port is an
    :class:`InputError` before anything is sent.
    """
    hosts = list(dict.fromkeys(check_host(t) for t in targets))
    chosen = resolve_ports(probes, ports)
    if timeout <= 0:
        raise InputError("the timeout must be more than 0 seconds", field="timeout")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    jobs = [(host, name, port) for host in hosts for name, port in chosen.items()]
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(jobs) or 1))) as pool:
        seen = list(pool.map(lambda job: PROBES[job[1]][0](job[0], job[2], timeout), jobs))
    by_host: dict[str, list[Observation]] = {host: [] for host in hosts}
    for (host, _, _), obs in zip(jobs, seen, strict=True):
        by_host[host].append(obs)
    return DiscoveryResult(
        targets=hosts,
        probes=list(chosen),
        scanned_at=started,
        hosts=[HostResult(host, tuple(obs)) for host, obs in by_host.items()],
    )
