"""``aktsam hits …``: analysts' decisions on screening hits (clear a false positive, confirm a match)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.screening.decisions import approve_hit_decision, list_decisions
from aktsam.screening.service import Screener
from aktsam.store.trail import default_actor

app = typer.Typer(
    help="Review screening hits: clear false positives, confirm matches, list decisions.",
    no_args_is_help=True,
)

PartyOpt = Annotated[str, typer.Option("--party", help="The party id the hit belongs to.")]
EntityOpt = Annotated[
    str, typer.Option("--entity", help="The listed entity id, e.g. us-csl:… or un-sc:QDe.004.")
]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why: recorded for auditors.")]
ByOpt = Annotated[str | None, typer.Option("--by", help="Who decides (default: your login name).")]


def _decide(party: str, entity: str, decision: str, reason: str, by: str | None) -> None:
    with context.reported_errors():
        screener = Screener(context.store(), context.settings())
        made = screener.decide(
            party_id=party, entity_id=entity, decision=decision, reason=reason, actor=by
        )
    context.console().print(
        escape(
            f"{made.decision} recorded for party {made.party_id!r} / {made.entity_id} by "
            f"{made.actor} at {made.decided_at:%Y-%m-%d %H:%M} (snapshot {made.snapshot_id})"
        )
    )
    if made.pending:
        context.console().print(
            f"the hit was confirmed before: this clearance is pending approval by someone else "
            f"(aktsam hits approve {made.id})"
        )


@app.command("clear")
def clear(party: PartyOpt, entity: EntityOpt, reason: ReasonOpt, by: ByOpt = None) -> None:
    """Clear a hit as a false positive; it stays cleared for this party until the listed entity changes."""
    _decide(party, entity, "false_positive", reason, by)


@app.command("confirm")
def confirm(party: PartyOpt, entity: EntityOpt, reason: ReasonOpt, by: ByOpt = None) -> None:
    """Confirm a hit as a true match (overrides an earlier clearance)."""
    _decide(party, entity, "confirmed", reason, by)


@app.command("approve")
def approve(
    decision_id: Annotated[int, typer.Argument(help="The pending decision's id (hits list).")],
    by: ByOpt = None,
) -> None:
    """Approve a clearance awaiting four-eyes approval (you must not be the one who asked)."""
    with context.reported_errors():
        made = approve_hit_decision(context.store(), decision_id, approver=by or default_actor())
    context.console().print(
        escape(
            f"decision {made.id} ({made.decision}, party {made.party_id!r} / {made.entity_id}) "
            f"approved by {made.approved_by}; requested by {made.actor}"
        )
    )


@app.command("list")
def list_command(
    party: Annotated[str | None, typer.Option("--party", help="Only this party.")] = None,
) -> None:
    """Every decision: who, when, why, against which snapshot."""
    with context.reported_errors():
        decisions = list_decisions(context.store(), party)
    table = Table()
    for column in (
        "id",
        "when",
        "party",
        "entity",
        "decision",
        "status",
        "by",
        "snapshot",
        "reason",
    ):
        table.add_column(column, overflow="fold")
    for d in decisions:
        status = d.status if d.approved_by is None else f"{d.status} (approved by {d.approved_by})"
        table.add_row(  # analysts' text is data, never markup
            str(d.id),
            f"{d.decided_at:%Y-%m-%d %H:%M}",
            *(escape(v) for v in (d.party_id, d.entity_id, d.decision, status, d.actor)),
            str(d.snapshot_id),
            escape(d.reason),
        )
    context.console().print(table)
