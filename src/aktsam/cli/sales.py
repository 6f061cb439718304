"""``aktsam sales …``: customer / end-user checks before a sale, and their four-eyes approval.

Exit status of ``sales check``: 0 clear (the order may proceed), 3 approval required (the order waits for
``aktsam sales approve``), 1 refused (the order must not proceed); 2 is an input error, as everywhere.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.cli.decide import print_json
from aktsam.cli.screen import warn_stale
from aktsam.diligence import salecheck as sc
from aktsam.store.trail import default_actor

ByOpt = Annotated[str | None, typer.Option("--by", help="Who acts (default: your login name).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
EXIT_CODES = {"clear": 0, "approval-required": 3, "refused": 1}

app = typer.Typer(help="Customer / end-user checks before a sale.", no_args_is_help=True)


def _show(check: sc.SaleCheck) -> None:
    out = context.console()
    colour = {"clear": "green", "approval-required": "yellow", "refused": "red"}[check.outcome]
    out.print(f"sale check {check.id} ({escape(check.reference)}): [{colour}]{check.outcome}[/]"
              + (f", approved by {escape(check.approved_by)}" if check.approved_by else ""))  # fmt: skip
    if check.flags:
        table = Table()
        for column in ("rule", "outcome", "message", "detail", "source"):
            table.add_column(column, overflow="fold")
        for f in check.flags:
            table.add_row(f.rule, f.outcome, escape(f.message), escape(f.detail or ""),
                          escape(f"{f.source} <{f.url}>" if f.url else f.source))  # fmt: skip
        out.print(table)
    for d in check.decisions:
        on = f"{d.line} ({d.line_kind})" if d.line else f"the {d.role}"
        out.print(f"relied on decision {d.decision_id} ({escape(d.kind)}, {d.status}) on "
                  f"{escape(d.party_id)} as {d.role} of {escape(on)}: {d.outcome} — "
                  f"{escape(d.effect)}")  # fmt: skip
    for line in check.lines:
        out.print(f"line {escape(line.line)!r}: {escape(line.summary)}")
    out.print("list snapshots screened: " + (", ".join(map(str, check.snapshot_ids)) or "none"))


@app.command("check")
def check_command(
    reference: Annotated[str, typer.Option("--reference", help="Order or quote number.")],
    customer: Annotated[str, typer.Option("--customer", help="Customer party id.")],
    destination: Annotated[str, typer.Option("--destination", help="Country, ISO alpha-2 (CN).")],
    end_use: Annotated[str, typer.Option("--end-use", help="What the goods are for.")],
    product: Annotated[
        list[str],
        typer.Option(
            "--product",
            help="'brand model:capability,capability' (repeatable), e.g. "
            "'Hikvision DS-2CD2143G2-I:video-analytics'; the maker is identified as in the "
            "equipment audit.",
        ),
    ],
    end_user: Annotated[str | None, typer.Option("--end-user", help="End-user party id.")] = None,
    line_kind: Annotated[
        str,
        typer.Option(
            "--line-kind",
            help="What the --product lines are: new (a new sale), service or warranty (work on "
            "equipment already sold). Given, never guessed.",
        ),
    ] = "new",
    supplier: Annotated[
        str | None,
        typer.Option("--supplier", help="Party id the --product goods are bought from."),
    ] = None,
    end_user_type: Annotated[
        str | None,
        typer.Option(
            "--end-user-type",
            help="police, public-security, military… (default: from the register).",
        ),
    ] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Screen the customer and end user, apply the sale rules and the register's decisions (on the
    customer, end user, and each product's maker, brand or supplier); store the check.

    Exit status: 0 clear, 3 approval required, 1 refused (2: input error).
    """
    with context.reported_errors():
        check = sc.check_sale(
            context.store(), context.settings(), reference=reference, customer_id=customer,
            end_user_id=end_user, destination=destination, end_use=end_use,
            end_user_type=end_user_type,
            products=[sc.Product.parse(p, line_kind=line_kind, supplier=supplier) for p in product],
            actor=by or default_actor(),
        )  # fmt: skip
    if as_json:
        print_json(check)  # its "warnings" list the stale lists
    else:
        warn_stale(list(check.warnings))
        _show(check)
    raise typer.Exit(EXIT_CODES[check.outcome])


@app.command("approve")
def approve_command(
    check_id: Annotated[int, typer.Argument(help="The sale check id.")],
    note: Annotated[
        str, typer.Option("--note", help="On what basis (licence, authority's answer…).")
    ],
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Approve a check that requires approval (not by the person who ran it; refused checks cannot be
    approved)."""
    with context.reported_errors():
        check = sc.approve_sale(
            context.store(), check_id, approver=by or default_actor(), note=note
        )
    if as_json:
        print_json(check)
    else:
        _show(check)


@app.command("list")
def list_command(
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Stored sale checks, oldest first."""
    with context.reported_errors():
        rows = sc.sale_checks(context.store(), customer_id=customer)
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in (
        "id",
        "reference",
        "customer",
        "end user",
        "dest.",
        "outcome",
        "flags",
        "by",
        "approved by",
    ):
        table.add_column(column, overflow="fold")
    for c in rows:
        table.add_row(str(c.id), escape(c.reference), escape(c.customer_id), escape(c.end_user_id or ""),
                      c.destination, c.outcome, ", ".join(sorted({f.rule for f in c.flags})),
                      escape(c.checked_by), escape(c.approved_by or ""))  # fmt: skip
    context.console().print(table)


def register(app_: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app_.add_typer(app, name="sales")
