"""``aktsam monitor …`` and ``aktsam alerts list``: continuous monitoring (``aktsam.monitoring``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.monitoring import service
from aktsam.monitoring.model import Alert, AlertGroup, AlertGroupPage, AlertPage
from aktsam.monitoring.notify.deliveries import deliveries
from aktsam.store.trail import default_actor

app = typer.Typer(
    help="Continuous monitoring: re-screen the register and watched files when lists or parties change.",
    no_args_is_help=True,
)
alerts_app = typer.Typer(help="Alerts raised by monitoring runs.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
ByOpt = Annotated[str | None, typer.Option("--by", help="Who acts (default: your login name).")]


_COLUMNS = ("id", "kind", "status", "party", "list", "entity", "score", "message")


def _alert_row(alert: Alert, status: str | None = None) -> tuple[str, ...]:
    """One alert's cells (``status``: the row's own, a designation's, when it stands for several)."""
    score = "" if alert.score is None else f"{alert.score:.2f}"
    return (
        str(alert.id),
        alert.kind,
        status or alert.status,
        alert.party_id or "",
        alert.list,
        alert.entity_id or "",
        score,
        alert.message,
    )


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    table = Table(show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for cells in rows:
        table.add_row(*(escape(c) for c in cells))
    return table


def _alerts_table(alerts: list[Alert]) -> Table:
    return _table(_COLUMNS, [_alert_row(a) for a in alerts])


def _groups_table(groups: list[AlertGroup]) -> Table:
    """One row per designation, its other entries under "also on"."""
    rows = [
        (
            *_alert_row(g.lead, g.status),
            "; ".join(f"{a.list} {a.entity_id or ''} (alert {a.id}, {a.status})" for a in g.also),
        )
        for g in groups
    ]
    return _table((*_COLUMNS, "also on"), rows)


@app.command("run")
def run_command(
    update_lists: Annotated[
        bool,
        typer.Option(
            "--update-lists", help="Download and import the lists first (`lists update`)."
        ),
    ] = False,
    full: Annotated[bool, typer.Option("--full", help="Re-screen every monitored party.")] = False,
    as_json: JsonOpt = False,
    by: ByOpt = None,
) -> None:
    """Screen what changed since the last run and raise alerts; exit 0 with or without alerts."""
    with context.reported_errors():
        run = service.run_monitoring(
            context.store(),
            context.settings(),
            actor=by or default_actor(),
            update_lists=update_lists,
            full=full,
        )
    if as_json:
        typer.echo(json.dumps(run.to_dict(), ensure_ascii=False))
        return
    counts = run.counts
    context.console().print(
        escape(
            f"monitoring run {run.id} ({run.mode}, {counts.get('mode_reason')}): "
            f"{counts.get('parties_screened', 0)} parties screened, "
            f"{counts.get('candidates', 0)} candidates for "
            f"{counts.get('entities_added', 0)} added / {counts.get('entities_changed', 0)} changed / "
            f"{counts.get('entities_removed', 0)} removed entities; "
            f"{len(run.alerts)} alert(s), {counts.get('alerts_closed', 0)} closed"
        )
    )
    if run.alerts:
        context.console().print(_alerts_table(run.alerts))


@app.command("watch")
def watch_command(
    file: Annotated[Path, typer.Argument(help="CSV/XLSX of parties, re-read on every run.")],
    name: Annotated[str, typer.Option("--name", help="A name for the watched file.")],
    id_column: Annotated[str, typer.Option(help="Column holding your party id.")] = "id",
    name_column: Annotated[str, typer.Option(help="Column holding the name.")] = "name",
    schema_column: Annotated[str, typer.Option(help="Column holding the schema.")] = "schema",
    country_column: Annotated[str, typer.Option(help="Column holding the country.")] = "country",
    birth_date_column: Annotated[
        str, typer.Option(help="Column holding the birth date.")
    ] = "birth_date",
    by: ByOpt = None,
) -> None:
    """Monitor the parties of FILE (rows removed from it stop being monitored)."""
    columns = {
        "id": id_column,
        "name": name_column,
        "schema": schema_column,
        "country": country_column,
        "birth_date": birth_date_column,
    }
    with context.reported_errors():
        watched = service.watch_file(
            context.store(), file, name=name, actor=by or default_actor(), columns=columns
        )
    context.console().print(
        escape(f"watching {watched.path} as {watched.name!r} ({watched.last_rows} parties)")
    )


@app.command("unwatch")
def unwatch_command(
    name: Annotated[str, typer.Argument(help="The watched file's name.")], by: ByOpt = None
) -> None:
    """Stop watching a file; its parties stop being monitored at the next run."""
    with context.reported_errors():
        watched = service.unwatch(context.store(), name, by or default_actor())
    context.console().print(escape(f"no longer watching {watched.name!r} ({watched.path})"))


@app.command("status")
def status_command(as_json: JsonOpt = False) -> None:
    """The last runs, the watched files and the open alerts."""
    with context.reported_errors():
        store = context.store()
        runs = service.recent_runs(store)
        files = service.watched_files(store)
        counts = service.alert_counts(store)
    if as_json:
        payload = {
            "runs": [r.to_dict() for r in runs],
            "watched_files": [f.to_dict() for f in files],
            "open_alerts": counts,
            "failed_notifications": [
                d.to_dict() for d in deliveries(context.store(), status="failed", limit=5)
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    out = context.console()
    if not runs:
        out.print("no monitoring run yet: run `aktsam monitor run`")
    for run in runs:
        out.print(
            escape(
                f"run {run.id}: {run.status}, {run.mode}, started {run.started_at:%Y-%m-%d %H:%M} by "
                f"{run.actor}, snapshots {run.snapshot_ids}, {run.counts.get('alerts', 0)} alert(s)"
                + (f" ({run.error})" if run.error else "")
            )
        )
    for watched in files:
        state = (
            f"error: {watched.last_error}" if watched.last_error else f"{watched.last_rows} rows"
        )
        out.print(escape(f"watched {watched.name!r}: {watched.path} ({state})"))
    out.print(
        escape(
            "open alerts: "
            + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "total")
            + f"; total {counts['total']}"
        )
    )
    from aktsam.cli.monitor_notify import status_lines

    with context.reported_errors():
        for line in status_lines():
            out.print(escape(line), highlight=False, soft_wrap=True)


@alerts_app.command("list")
def alerts_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only alerts needing review.")] = False,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="new-hit, changed-listing, delisted or list-stale."),
    ] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only this party id.")] = None,
    list_source: Annotated[str | None, typer.Option("--list", help="Only this list.")] = None,
    by_entry: Annotated[
        bool,
        typer.Option(
            "--by-entry",
            help="One row per listed entry (an SDN entry and its CSL copy apart), not per designation.",
        ),
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Alerts, newest first, one row per designation: an OFAC SDN entry and its CSL copy, or a UN
    designation and the UK and EU entries implementing it, are one row, its other listings under
    "also on" (`--by-entry`: a row each). Review one by deciding its hit: `aktsam hits clear|confirm`."""
    filters: dict[str, Any] = {
        "open_only": open_only,
        "kind": kind,
        "party_id": party,
        "list_source": list_source,
        "limit": limit,
        "offset": offset,
    }
    out = context.console()
    with context.reported_errors():
        store = context.store()
        result: AlertPage | AlertGroupPage = (
            service.list_alerts(store, **filters)
            if by_entry
            else service.list_alert_groups(store, **filters)
        )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    if not result.total:
        out.print("no alerts" + (" needing review" if open_only else ""))
    elif isinstance(result, AlertGroupPage):
        out.print(_groups_table(result.items))
        out.print(
            f"{len(result.items)} of {result.total} (one per designation; "
            f"{result.alerts} listed entries, `--by-entry` for a row each)"
        )
    else:
        out.print(_alerts_table(result.items))
        out.print(f"{len(result.items)} of {result.total}")


def register(root: typer.Typer) -> None:
    from aktsam.cli import monitor_notify  # notify-test, deliveries (the notifications part)

    monitor_notify.register(app)
    root.add_typer(app, name="monitor")
    root.add_typer(alerts_app, name="alerts")
