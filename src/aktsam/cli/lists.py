"""``aktsam lists …``: import, download, inspect and compare list snapshots."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.lists.bundled import ensure_bundled
from aktsam.lists.diff import diff_snapshots
from aktsam.lists.parsers import SOURCES
from aktsam.lists.snapshots import import_list, list_snapshots, status
from aktsam.lists.update import update_lists

app = typer.Typer(
    help="Import, update and inspect the sanctions and restricted-party lists.",
    no_args_is_help=True,
)


@app.command("import")
def import_command(
    path: Annotated[
        Path, typer.Argument(help="The published file (or folder, for OFAC's legacy CSV set).")
    ],
    source: Annotated[str, typer.Option("--source", "-s", help=f"One of: {', '.join(SOURCES)}.")],
    url: Annotated[
        str | None, typer.Option(help="Where the file came from, kept with the snapshot.")
    ] = None,
    retrieved: Annotated[
        str | None,
        typer.Option(
            help="When you obtained the file (YYYY-MM-DD): dates a file that states no publication "
            "date (e.g. the CSL), for the roll-back check."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            help="Import anyway: an entity count outside the source's expected range, or a file "
            "older than (or not dated against) the snapshot in force, a roll-back recorded in the "
            "audit trail."
        ),
    ] = False,
) -> None:
    """Import a list file as a new snapshot; it becomes current only if the whole file parses.

    A file that is an older publication than the snapshot in force is refused (exit 2, nothing
    changed) unless --force is given.
    """
    with context.reported_errors():
        day = context.parse_day(retrieved, "retrieved")
        retrieved_at = dt.datetime.combine(day, dt.time(), dt.UTC) if day is not None else None
        result = import_list(
            context.store(), path, source, url=url, force=force, retrieved_at=retrieved_at
        )
    snap = result.snapshot
    if result.status == "unchanged":
        context.console().print(f"{source}: unchanged (same file as current snapshot {snap.label})")
        return
    context.console().print(
        f"{source}: imported [bold]{snap.label}[/] — {snap.entity_count:,} entities, "
        f"published {snap.published or 'date not stated in file'}, sha256 {snap.sha256[:12]}…"
    )
    if result.rollback:
        context.err_console().print(
            f"[bold red]WARNING: forced roll-back[/]: {escape(result.rollback)}; recorded in the "
            "audit trail (list.rollback)."
        )
    for warning in snap.warnings[:10]:
        context.console().print(f"  warning: {escape(warning)}", style="yellow")


@app.command("update")
def update_command(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Sources to update (default: all with a download URL)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            help="Import anyway: an entity count outside the expected range, or a download older "
            "than the snapshot in force (a roll-back, recorded in the audit trail)."
        ),
    ] = False,
) -> None:
    """Download the current official files from their publishers and import them.

    A download that is an older publication than the snapshot in force is refused (the source
    fails, its snapshot stays in force) unless --force is given.
    """
    with context.reported_errors():
        results = update_lists(context.store(), context.settings(), sources, force=force)
    failed = 0
    for res in results:
        if res.status == "failed":
            failed += 1
            context.console().print(
                f"[red]{res.source}: failed[/] — {escape(res.error or '')} (previous snapshot stays current)"
            )
        elif res.status == "skipped":
            context.console().print(f"[yellow]{res.source}: skipped[/] — {escape(res.error or '')}")
        else:
            label = res.result.snapshot.label if res.result else ""
            context.console().print(f"{res.source}: {res.status} {label} ({res.seconds:.1f} s)")
            if res.result is not None and res.result.rollback:
                context.err_console().print(
                    f"[bold red]WARNING: {res.source}: forced roll-back[/]: "
                    f"{escape(res.result.rollback)} (recorded in the audit trail)"
                )
    if failed:
        raise typer.Exit(1)


@app.command("status")
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Per list: snapshot, publication date, entity count, age, and a warning when stale."""
    with context.reported_errors():
        store = context.store()
        ensure_bundled(store)
        rows = status(store)
    if as_json:
        payload = [
            {
                "source": r.source,
                "snapshot_id": r.snapshot_id,
                "label": r.label,
                "published": r.published,
                "retrieved_at": r.retrieved_at.isoformat() if r.retrieved_at else None,
                "entity_count": r.entity_count,
                "age_days": r.age_days,
                "stale": r.stale,
                "origin": r.origin,
            }
            for r in rows
        ]
        context.console().print_json(json.dumps(payload))
        return
    table = Table(title="List snapshots in force")
    for column in ("source", "snapshot", "published", "entities", "age (days)", "origin", "state"):
        right = column in ("snapshot", "entities", "age (days)")
        table.add_column(column, justify="right" if right else "left", no_wrap=True)
    for r in rows:
        state = "[red]STALE[/]" if r.stale else "[green]fresh[/]"
        if r.snapshot_id is None:
            state = "[red]no data[/]"
        table.add_row(
            r.source,
            str(r.snapshot_id) if r.snapshot_id is not None else "—",  # labels: `lists snapshots`
            (r.published or "—")[:10],  # the day is what matters; the full stamp is in --json
            f"{r.entity_count:,}" if r.entity_count is not None else "—",
            str(r.age_days) if r.age_days is not None else "—",
            r.origin or "—",
            state,
        )
    context.console().print(table)
    if any(r.stale for r in rows):
        context.console().print(
            "[yellow]Stale lists: run `aktsam lists update` (or `aktsam lists import FILE --source S`) "
            "before relying on a screening result.[/]"
        )


@app.command("snapshots")
def snapshots_command(
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only this source.")] = None,
) -> None:
    """Every snapshot kept in the store (older ones stay queryable for audits and diffs)."""
    with context.reported_errors():
        snaps = list_snapshots(context.store(), source)
    table = Table()
    for column in (
        "id",
        "label",
        "source",
        "published",
        "imported",
        "entities",
        "current",
        "sha256",
    ):
        table.add_column(column)
    for s in snaps:
        table.add_row(
            str(s.id),
            s.label,
            s.source,
            s.published or "—",
            s.imported_at.strftime("%Y-%m-%d %H:%M"),
            f"{s.entity_count:,}",
            "yes" if s.is_current else "",
            s.sha256[:12],
        )
    context.console().print(table)


@app.command("diff")
def diff_command(
    source: Annotated[
        str, typer.Option("--source", "-s", help="The list to compare snapshots of.")
    ],
    old: Annotated[
        str | None, typer.Argument(help="Older snapshot id or label (default: previous).")
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="Newer snapshot id or label (default: current).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    limit: Annotated[int, typer.Option(help="Entities shown per section (all with --json).")] = 20,
) -> None:
    """Entities added, removed and changed between two snapshots of one list."""
    with context.reported_errors():
        diff = diff_snapshots(context.store(), source, _ref(old), _ref(new))
    if as_json:
        payload = {
            "source": diff.source,
            "old": diff.old.label,
            "new": diff.new.label,
            "counts": diff.counts(),
            "added": [{"id": e.id, "name": e.caption} for e in diff.added],
            "removed": [{"id": e.id, "name": e.caption} for e in diff.removed],
            "changed": [
                {"id": c.entity_id, "name": c.new.caption, "fields": list(c.fields)}
                for c in diff.changed
            ],
        }
        context.console().print_json(json.dumps(payload, ensure_ascii=False))
        return
    counts = diff.counts()
    context.console().print(
        f"[bold]{diff.old.label} → {diff.new.label}[/]: {counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed, {counts['unchanged']} unchanged"
    )
    for title, entities in (("added", diff.added), ("removed", diff.removed)):
        for entity in entities[:limit]:
            context.console().print(
                f"  {'+' if title == 'added' else '-'} {escape(entity.id)}  {escape(entity.caption)}"
            )
    for change in diff.changed[:limit]:
        context.console().print(
            f"  ~ {escape(change.entity_id)}  {escape(change.new.caption)}  ({', '.join(change.fields)})"
        )


def _ref(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else value
