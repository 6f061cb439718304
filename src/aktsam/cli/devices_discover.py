"""``aktsam devices discover``: registered on the devices command group by ``register``.

Probes only the hosts named on the command line or in ``--targets-file`` (IPv4 addresses and capped CIDR
blocks; see :mod:`aktsam.devices.discovery`), writes an ``aktsam-discovery`` JSON file that ``devices
audit`` and ``devices identify`` read, and prints each answering host with the maker identified.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.devices.discovery.observation import DEFAULT_TIMEOUT
from aktsam.devices.discovery.output import write_discovery
from aktsam.devices.discovery.scanner import DEFAULT_CONCURRENCY, DEFAULT_PROBES, discover
from aktsam.devices.discovery.targets import DEFAULT_MAX_HOSTS, parse_targets, read_targets_file
from aktsam.devices.identify import identify
from aktsam.errors import InputError

HELP = (
    "Probe ONLY the hosts you name (IPv4 addresses or CIDR blocks, never names, multicast or "
    "broadcast) for camera/recorder fingerprints: HTTP, RTSP, TCP 8000 and 37777, ONVIF "
    "WS-Discovery and Hikvision SADP, each sent unicast. Scan only hosts you are authorised to "
    "scan: probing equipment you do not own or manage without permission may be unlawful. Writes an "
    "aktsam-discovery JSON file that 'devices audit' and 'devices identify' read."
)


def _ports(values: list[str] | None) -> dict[str, int]:
    ports: dict[str, int] = {}
    for value in values or []:
        name, sep, number = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise InputError(f"{value!r} is not PROBE=PORT (e.g. http=8080)", field="--port")
        ports[name.strip()] = int(number)
    return ports


def discover_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The aktsam-discovery JSON file to write.")
    ],
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            help="IPv4 addresses or CIDR blocks to probe; only these are contacted.",
            show_default=False,
        ),
    ] = None,
    targets_file: Annotated[
        Path | None,
        typer.Option(
            "--targets-file", help="More targets: one address or block per line, # comments."
        ),
    ] = None,
    probes: Annotated[
        str,
        typer.Option("--probes", help="Comma-separated probes: " + ",".join(DEFAULT_PROBES) + "."),
    ] = ",".join(DEFAULT_PROBES),
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for each answer.")
    ] = DEFAULT_TIMEOUT,
    max_hosts: Annotated[
        int, typer.Option("--max-hosts", help="Refuse targets that add up to more hosts than this.")
    ] = DEFAULT_MAX_HOSTS,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Probes in flight at once.")
    ] = DEFAULT_CONCURRENCY,
    port_overrides: Annotated[
        list[str] | None,
        typer.Option("--port", hidden=True, help="PROBE=PORT: probe a non-standard port."),
    ] = None,
) -> None:
    with context.reported_errors():
        named = list(targets or [])
        if targets_file is not None:
            named += read_targets_file(targets_file, max_hosts=max_hosts)
        if not named:
            raise InputError("name at least one target (an IPv4 address or CIDR block)")
        hosts = parse_targets(named, max_hosts=max_hosts)
        chosen = [p.strip() for p in probes.split(",") if p.strip()]
        context.err_console().print(
            f"probing {len(hosts)} named host(s) with {', '.join(chosen)}", highlight=False
        )
        result = discover(
            hosts,
            probes=chosen,
            ports=_ports(port_overrides),
            timeout=timeout,
            concurrency=max(1, concurrency),
        )
        write_discovery(result, output)
    records = result.records(str(output))
    table = Table("host", "maker", "brand", "confidence", "model", "serial", "answered")
    for record in records:
        ident = identify(record)
        answered = sorted({v.split()[0] for k, v in record.extra if k == "answered"})
        table.add_row(
            escape(record.ip or ""),
            escape(ident.maker_name or "unknown"),
            escape(ident.brand or "—"),
            f"{ident.level} {ident.confidence:.2f}",
            escape(record.model or "—"),
            escape(record.serial or "—"),
            escape(", ".join(answered)),
        )
    out = context.console()
    out.print(table)
    for host in result.hosts:
        for obs in host.errors():
            context.err_console().print(
                f"[yellow]{escape(host.host)} {escape(obs.probe)} port {obs.port}: "
                f"{escape(obs.error or '')}[/]"
            )
    out.print(
        f"{len(records)} of {len(result.hosts)} host(s) answered; written to {escape(str(output))}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add the command to ``app`` (the ``aktsam devices`` group)."""
    app.command("discover", help=HELP)(discover_command)
