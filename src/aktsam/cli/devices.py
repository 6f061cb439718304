"""``aktsam devices …``: identify who really made a device, from a MAC, a model number, a brand or a file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.devices.identify import Identification, identify, identify_value
from aktsam.devices.importers import import_file

app = typer.Typer(help="Equipment audit: identify the real maker of devices.", no_args_is_help=True)


def _payload(ident: Identification) -> dict[str, Any]:
    data = asdict(ident)
    data["evidence"] = [asdict(e) for e in ident.evidence]
    return data


@app.command("identify")
def identify_command(
    value: Annotated[
        str,
        typer.Argument(
            help="A MAC address, model number or brand, or a file: asset register (CSV/XLSX), nmap XML, "
            "ONVIF or ISAPI XML, Dahua getSystemInfo text."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Who made it: maker, brand, confidence, whether it is relabelled, and the evidence."""
    path = Path(value)
    with context.reported_errors():
        if path.is_file():
            result = import_file(path)
            rows = [(r.device_id or str(r.origin), identify(r)) for r in result.records]
            issues = [str(i) for i in result.issues]
        else:
            rows, issues = [(value, identify_value(value))], []
    if as_json:
        payload = {
            "devices": [{"device": d, **_payload(i)} for d, i in rows],
            "issues": issues,
        }
        context.console().print_json(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(show_lines=True)
    for column in ("device", "maker", "brand", "confidence", "relabelled", "evidence / conflicts"):
        table.add_column(column, overflow="fold")
    for device, ident in rows:
        lines = [str(e) for e in ident.evidence] + [f"CONFLICT: {c}" for c in ident.conflicts]
        table.add_row(
            escape(device),
            escape(ident.maker_name or "unknown"),
            escape(ident.brand or "—"),
            f"{ident.level} {ident.confidence:.2f}",
            "[red]yes[/]" if ident.relabelled else "no",
            escape("\n".join(lines) or "no evidence"),
        )
    context.console().print(table)
    for issue in issues:
        context.err_console().print(f"[yellow]{escape(issue)}[/]")
