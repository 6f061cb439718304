"""``aktsam decide``, ``aktsam decisions …``, ``aktsam actions …`` and ``aktsam followup``: decisions on a
party with rationale and evidence, four-eyes approval, follow-up actions, and what is due."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.diligence import decisions as dd
from aktsam.diligence.followup import due_items
from aktsam.errors import InputError
from aktsam.store.trail import default_actor

ByOpt = Annotated[str | None, typer.Option("--by", help="Who acts (default: your login name).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def required_day(text: str, name: str) -> dt.date:
    day = context.parse_day(text, name)
    assert day is not None
    return day


def plain(value: Any) -> Any:
    """JSON-ready copy of a result (dataclasses, dates, tuples)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def print_json(value: Any) -> None:
    typer.echo(json.dumps(plain(value), ensure_ascii=False, indent=2))


def _action_spec(text: str) -> dd.ActionSpec:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) != 3:
        raise InputError(f"--action wants 'title|owner|YYYY-MM-DD', got {text!r}", field="action")
    return dd.ActionSpec(parts[0], parts[1], required_day(parts[2], "action"))


def _show_decision(d: dd.Decision) -> None:
    out = context.console()
    out.print(
        f"decision {d.id}: {escape(d.kind)} for {escape(d.party_id)} — {d.status}"
        f" (effective {d.effective_on}"
        + (f", review {d.review_on}" if d.review_on else "")
        + (f", service until {d.service_until}" if d.service_until else "")
        + ")",
        highlight=False,
    )
    if d.needs_approval:
        out.print(
            "  needs a second approver: aktsam decisions approve " + str(d.id), highlight=False
        )
    if d.devices:
        out.print(f"  linked devices: {escape(', '.join(d.devices))}", highlight=False)
    for warning in d.warnings:
        out.print(f"  [yellow]warning:[/] {escape(warning)}", highlight=False)
    for a in d.actions:
        out.print(f"  action {a.id}: {escape(a.title)} — {escape(a.owner)}, due {a.due_on}",
                  highlight=False)  # fmt: skip


def decide_command(
    party: Annotated[str, typer.Argument(help="The party id.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="continue, engage, conditional, "
            "stop-new-purchases, stop-new-sales, wind-down or exit.",
        ),
    ],
    rationale: Annotated[str, typer.Option("--rationale", help="Why: recorded for auditors.")],
    effective: Annotated[str, typer.Option("--effective", help="Effective date, YYYY-MM-DD.")],
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            help="Evidence id (repeatable); required except for continue with a low-risk party.",
        ),
    ] = None,
    review: Annotated[str | None, typer.Option("--review", help="Review date, YYYY-MM-DD.")] = None,
    service_until: Annotated[
        str | None,
        typer.Option(
            "--service-until", help="Wind-down: end of warranty and service duties, YYYY-MM-DD."
        ),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope", help="purchases, sales, service… (repeatable; default depends on the kind)."
        ),
    ] = None,
    action: Annotated[
        list[str] | None, typer.Option("--action", help="'title|owner|YYYY-MM-DD' (repeatable).")
    ] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a decision on a party with its rationale and evidence.

    Continuing (or engaging / conditional) with a party whose latest assessment is critical waits for a
    second person's approval (aktsam decisions approve). A wind-down warns about installed devices whose
    warranty outlasts --service-until.
    """  # fmt: skip
    with context.reported_errors():
        made = dd.decide(
            context.store(), party, kind=kind, rationale=rationale, evidence_ids=evidence or [],
            actor=by or default_actor(), effective_on=required_day(effective, "effective"),
            review_on=context.parse_day(review, "review"),
            service_until=context.parse_day(service_until, "service-until"), scope=scope,
            actions=[_action_spec(a) for a in action or []],
        )  # fmt: skip
    if as_json:
        print_json(made)
    else:
        _show_decision(made)


decisions_app = typer.Typer(help="Decisions on parties: approve (four eyes), list.",
                            no_args_is_help=True)  # fmt: skip


@decisions_app.command("approve")
def approve_command(
    decision_id: Annotated[int, typer.Argument(help="The decision id.")],
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve a decision awaiting approval; the approver must not be its author."""
    with context.reported_errors():
        made = dd.approve(context.store(), decision_id, approver=by or default_actor())
    if as_json:
        print_json(made)
    else:
        _show_decision(made)


@decisions_app.command("list")
def list_decisions_command(
    party: Annotated[str, typer.Argument(help="The party id.")], as_json: JsonOpt = False
) -> None:
    """Every decision on a party, oldest first."""
    with context.reported_errors():
        rows = dd.decisions_for(context.store(), party)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("id", "kind", "status", "effective", "review", "by", "approved by", "rationale"):
        table.add_column(column, overflow="fold")
    for d in rows:
        table.add_row(str(d.id), d.kind, d.status, str(d.effective_on), str(d.review_on or ""),
                      escape(d.decided_by), escape(d.approved_by or ""), escape(d.rationale))  # fmt: skip
    context.console().print(table)


actions_app = typer.Typer(help="Follow-up actions with owners and due dates.", no_args_is_help=True)


@actions_app.command("add")
def add_action_command(
    party: Annotated[str, typer.Argument(help="The party id.")],
    title: Annotated[str, typer.Option("--title", help="What is to be done.")],
    owner: Annotated[str, typer.Option("--owner", help="Who is responsible.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    decision: Annotated[int | None, typer.Option("--decision", help="Decision it follows.")] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add an action for a party."""
    with context.reported_errors():
        made = dd.add_action(context.store(), party, title=title, owner=owner,
                             due_on=required_day(due, "due"), decision_id=decision,
                             actor=by or default_actor())  # fmt: skip
    if as_json:
        print_json(made)
    else:
        context.console().print(f"action {made.id} added: due {made.due_on}", highlight=False)


@actions_app.command("done")
def done_action_command(
    action_id: Annotated[int, typer.Argument(help="The action id.")],
    result: Annotated[str, typer.Option("--result", help="What came of it.")],
    on: Annotated[str | None, typer.Option("--on", help="Done date (default: today).")] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark an action done."""
    with context.reported_errors():
        made = dd.complete_action(context.store(), action_id,
                                  done_on=context.parse_day(on, "on") or dt.date.today(), result=result,
                                  actor=by or default_actor())  # fmt: skip
    if as_json:
        print_json(made)
    else:
        context.console().print(f"action {made.id} done on {made.done_on}", highlight=False)


@actions_app.command("list")
def list_actions_command(
    party: Annotated[str | None, typer.Argument(help="Only this party.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open actions.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Actions by due date."""
    with context.reported_errors():
        rows = dd.actions_for(context.store(), party, open_only=open_only)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("id", "party", "title", "owner", "due", "status", "done", "result"):
        table.add_column(column, overflow="fold")
    for a in rows:
        table.add_row(str(a.id), escape(a.party_id), escape(a.title), escape(a.owner),
                      str(a.due_on), a.status, str(a.done_on or ""), escape(a.result or ""))  # fmt: skip
    context.console().print(table)


def followup_command(
    as_of: Annotated[str | None, typer.Option("--as-of", help="The date (default: today).")] = None,
    within: Annotated[int, typer.Option("--within", min=0, help="Days ahead to include.")] = 30,
    as_json: JsonOpt = False,
) -> None:
    """What is overdue or due soon: actions, approvals, reviews, questionnaires, information requests,
    wind-down ends, the Transparency Act account (30 June; updates after a material change).
    Exit status 0 either way."""
    with context.reported_errors():
        day = context.parse_day(as_of, "as-of") or dt.date.today()
        items = due_items(context.store(), day, within_days=within)
    if as_json:
        print_json(items)
        return
    table = Table(title=f"due by {day + dt.timedelta(days=within)} (as of {day})")
    for column in ("due", "days", "kind", "party", "what"):
        table.add_column(column, overflow="fold")
    for i in items:
        days = f"[red]{i.days}[/]" if i.overdue else str(i.days)
        table.add_row(str(i.due_on), days, i.kind, escape(i.party_id or ""), escape(i.what))
    context.console().print(table)


def register(app: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app.command("decide")(decide_command)
    app.add_typer(decisions_app, name="decisions")
    app.add_typer(actions_app, name="actions")
    app.command("followup")(followup_command)
