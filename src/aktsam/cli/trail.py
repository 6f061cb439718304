"""``aktsam audit …``: check and export the hash-chained audit trail (``aktsam.store.trail``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.store import trail
from aktsam.store.schema import AuditLogRow

app = typer.Typer(
    help="The audit trail: every change and decision, hash-chained. Verify it, list it, export it.",
    no_args_is_help=True,
)


@app.command("verify")
def verify_command(
    export_file: Annotated[
        Path | None,
        typer.Option("--file", help="Check an exported .jsonl trail instead of the database."),
    ] = None,
) -> None:
    """Recompute the hash chain; exit 1 and name the first bad entry if anything was altered."""
    with context.reported_errors():
        if export_file is not None:
            result = trail.verify_export(export_file)
        else:
            with context.store().session() as session:
                result = trail.verify(session)
    if result.ok:
        context.console().print(escape(str(result)), soft_wrap=True)
        return
    context.err_console().print(f"[red]{escape(str(result))}[/]")
    raise typer.Exit(1)


@app.command("export")
def export_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Export file: .jsonl (re-verifiable) or .csv.")
    ],
) -> None:
    """Write the whole trail for a regulator or an auditor, with its head hash."""
    with context.reported_errors(), context.store().session() as session:
        count = trail.export(session, output)
        head = trail.verify(session).head
    context.console().print(
        f"{count} entries written to {escape(str(output))}; head hash {head}", soft_wrap=True
    )


def _item(row: AuditLogRow) -> dict[str, object]:
    return {
        "seq": row.seq,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "before": row.before,
        "after": row.after,
    }


@app.command("log")
def log_command(
    object_type: Annotated[
        str | None, typer.Option("--type", help="Only this object type (party, hit, ...).")
    ] = None,
    object_id: Annotated[str | None, typer.Option("--id", help="Only this object.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Newest N entries.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List trail entries, newest last."""
    with context.reported_errors(), context.store().session() as session:
        rows = trail.entries(session, object_type=object_type, object_id=object_id)[-limit:]
        items = [_item(r) for r in rows]
    if as_json:
        context.console().print_json(json.dumps(items, ensure_ascii=False))
        return
    table = Table("seq", "at (UTC)", "actor", "action", "object", "change")
    for item in items:
        change = json.dumps(item["after"], ensure_ascii=False) if item["after"] else ""
        table.add_row(
            str(item["seq"]), str(item["at"])[:19], escape(str(item["actor"])),
            escape(str(item["action"])), escape(f"{item['object_type']} {item['object_id']}"),
            escape(change[:120]),
        )  # fmt: skip
    context.console().print(table)
