"""``aktsam monitor notify-test`` and ``aktsam monitor deliveries``: the notification channels of
monitoring (:mod:`aktsam.monitoring.notify`). Registered on ``aktsam monitor`` by :func:`register`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.monitoring import notify
from aktsam.monitoring.notify import Delivery
from aktsam.monitoring.service import full_period
from aktsam.store.trail import default_actor

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def deliveries_table(items: list[Delivery]) -> Table:
    table = Table(
        "id", "run", "channel", "target", "status", "attempts", "HTTP", "when", "last error"
    )
    for d in items:
        table.add_row(
            str(d.id),
            "test" if d.run_id is None else str(d.run_id),
            d.channel,
            escape(d.target),
            d.status,
            str(d.attempts),
            "" if d.http_status is None else str(d.http_status),
            d.created_at.strftime("%Y-%m-%d %H:%M"),
            escape(d.last_error or ""),
        )
    return table


def notify_test_command(
    as_json: JsonOpt = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who the audit trail records (default: your login).")
    ] = None,
) -> None:
    """Send a test message to every configured channel (AKTSAM_SMTP_*, AKTSAM_WEBHOOKS_FILE).

    Exit status 1 when a channel failed, 2 when none is configured."""
    with context.reported_errors():
        settings = context.settings()
        channels = notify.channels(settings)
        if not channels:
            context.err_console().print(
                "[bold red]error:[/] no notification channel is configured: set AKTSAM_SMTP_HOST "
                "(with AKTSAM_SMTP_SENDER and AKTSAM_NOTIFY_EMAIL_TO) or AKTSAM_WEBHOOKS_FILE"
            )
            raise typer.Exit(2)
        if context.is_terminal():
            context.err_console().print(escape(f"sending a test to {'; '.join(channels)} …"))
        sent = notify.notify_test(context.store(), settings, actor=by or default_actor())
    if as_json:
        typer.echo(json.dumps([d.to_dict() for d in sent], ensure_ascii=False))
    else:
        for d in sent:
            outcome = "delivered" if d.status == "delivered" else f"FAILED: {d.last_error}"
            context.console().print(
                escape(f"{d.channel} {d.target}: {outcome} ({d.attempts} attempt(s))"),
                highlight=False,
                soft_wrap=True,
            )
    if any(d.status != "delivered" for d in sent):
        raise typer.Exit(1)


def deliveries_command(
    run: Annotated[int | None, typer.Option("--run", help="Only this run's.")] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Only failed deliveries.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.", min=1)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Notifications sent (e-mail digests, webhooks), newest first, with attempts and the last error."""
    with context.reported_errors():
        items = notify.deliveries(
            context.store(), run_id=run, status="failed" if failed else None, limit=limit
        )
    if as_json:
        typer.echo(json.dumps([d.to_dict() for d in items], ensure_ascii=False))
        return
    if not items:
        context.console().print("no notifications" + (" failed" if failed else " sent yet"))
        return
    context.console().print(deliveries_table(items))


def status_lines() -> list[str]:
    """What ``aktsam monitor status`` adds: the channels and the recent failed notifications."""
    settings = context.settings()
    channels = notify.channels(settings)
    lines = [
        "notifications: " + ("; ".join(channels) if channels else "none configured"),
        "schedule: "
        + (
            f"{settings.monitor_schedule} (aktsam serve)"
            if settings.monitor_schedule
            else "off (AKTSAM_MONITOR_SCHEDULE)"
        ),
        "full re-screen: "
        + (
            f"when the last full run is older than {full_period(settings.monitor_full_every)} "
            "(AKTSAM_MONITOR_FULL_EVERY)"
            if settings.monitor_full_every is not None
            else "only when asked (AKTSAM_MONITOR_FULL_EVERY=off)"
        ),
    ]
    failed = notify.deliveries(context.store(), status="failed", limit=5)
    for d in failed:
        lines.append(
            f"notification {d.id} FAILED ({d.channel} {d.target}, run "
            f"{'test' if d.run_id is None else d.run_id}, {d.attempts} attempt(s)): {d.last_error}"
        )
    if failed:
        lines.append("see `aktsam monitor deliveries --failed`")
    return lines


def register(app: typer.Typer) -> None:
    """Add ``notify-test`` and ``deliveries`` to ``app`` (``aktsam monitor``)."""
    app.command("notify-test")(notify_test_command)
    app.command("deliveries")(deliveries_command)


__all__ = ["deliveries_table", "register", "status_lines"]
