"""Which hosts discovery may probe: exactly the IPv4 addresses and CIDR blocks the user names.

Names are never resolved (a name can stand for any address, and resolving it sends a query of its own);
IPv6 is not supported. Refused, with a reason: the unspecified address and ``0.0.0.0/x``, multicast,
the limited broadcast ``255.255.255.255`` and the reserved block ``240.0.0.0/4``, a CIDR block with host
bits set (``192.0.2.7/24`` is ambiguous), and more hosts in all than ``max_hosts``. A block expands to
its usable hosts: the network and broadcast addresses of a block (``/30`` and wider) are left out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import Path

from aktsam.errors import InputError

DEFAULT_MAX_HOSTS = 256


def _refusal(network: ipaddress.IPv4Network) -> str | None:
    address = network.network_address
    if network.prefixlen == 0 or address in ipaddress.IPv4Network("0.0.0.0/8"):
        return "the unspecified address / 'this network' (0.0.0.0/8) is never a target"
    if network.overlaps(ipaddress.IPv4Network("224.0.0.0/4")):
        return "multicast addresses are never a target: discovery sends unicast only"
    if network.overlaps(ipaddress.IPv4Network("255.255.255.255/32")):
        return "the broadcast address is never a target: discovery sends unicast only"
    if network.overlaps(ipaddress.IPv4Network("240.0.0.0/4")):
        return "reserved addresses (240.0.0.0/4) are never a target"
    return None


def _hosts(network: ipaddress.IPv4Network) -> list[str]:
    if network.prefixlen >= 31:
        return [str(a) for a in network]
    return [str(a) for a in network.hosts()]  # without the network and broadcast addresses


def parse_target(text: str, *, max_hosts: int = DEFAULT_MAX_HOSTS) -> list[str]:
    """The hosts one target stands for, or :class:`InputError` saying why it is refused."""
    value = text.strip()
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise InputError(
                f"{value!r} is not an IPv4 address or CIDR block (names are not resolved: "
                "give the address itself)",
                field="target",
            ) from None
        raise InputError(
            f"{value!r}: {exc}; write the block's network address (e.g. 192.0.2.0/24) or a "
            "single address",
            field="target",
        ) from None
    if not isinstance(network, ipaddress.IPv4Network):
        raise InputError(f"{value!r}: IPv6 targets are not supported", field="target")
    if reason := _refusal(network):
        raise InputError(f"{value!r}: {reason}", field="target")
    count = network.num_addresses if network.prefixlen >= 31 else network.num_addresses - 2
    if count > max_hosts:
        raise InputError(
            f"{value!r} holds {count} hosts, more than the cap of {max_hosts}; "
            "name a smaller block or raise --max-hosts",
            field="target",
        )
    return _hosts(network)


def parse_targets(texts: Iterable[str], *, max_hosts: int = DEFAULT_MAX_HOSTS) -> list[str]:
    """Every host the targets stand for, each once, in the order named; capped at ``max_hosts``."""
    seen: dict[str, None] = {}
    for text in texts:
        for host in parse_target(text, max_hosts=max_hosts):
            seen[host] = None
        if len(seen) > max_hosts:
            raise InputError(
                f"the targets hold more than {max_hosts} hosts in all; name fewer or raise "
                "--max-hosts",
                field="target",
            )
    return list(seen)


def read_targets_file(path: Path, *, max_hosts: int = DEFAULT_MAX_HOSTS) -> list[str]:
    """Targets from a file: one address or block per line; blank lines and ``#`` comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the targets file: {exc}", file=str(path)) from None
    texts: list[str] = []
    for number, line in enumerate(lines, start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        try:
            parse_target(value, max_hosts=max_hosts)
        except InputError as exc:
            raise InputError(exc.message, file=str(path), row=number) from None
        texts.append(value)
    return texts
