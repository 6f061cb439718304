"""``aktsam demo`` (due diligence): load the bundled example register into the current home.

Registered on the main app by :func:`register`; the work is :func:`aktsam.diligence.demo.load_demo`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape

from aktsam.cli import context
from aktsam.diligence.demo import load_demo


def demo_command(
    force: Annotated[
        bool,
        typer.Option("--force", help="Import even though the home already has parties."),
    ] = False,
    by: Annotated[
        str, typer.Option("--by", help="Who the audit trail records as loading it.")
    ] = "demo",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Load the example register (a fictional Nordic security integrator with real, sourced third
    parties) into AKTSAM_HOME, and its organisation profile as profile.yml."""
    with context.reported_errors():
        summary = load_demo(context.store(), actor=by, force=force, year=date.today().year)
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
        return
    out = context.console()
    data = summary.imported.to_dict()
    out.print(escape(f"loaded the demo register from {summary.source}:"), highlight=False)
    for sheet in ("parties", "relations", "evidence", "equipment"):
        t = data[sheet]
        out.print(
            f"  {sheet}: {t['added']} added, {t['updated']} updated, {t['unchanged']} unchanged"
        )
    if summary.profile_written:
        out.print(escape(f"organisation profile written to {summary.profile}"), highlight=False)
    else:
        out.print(
            escape(f"kept the existing organisation profile {summary.profile}"), highlight=False
        )
    out.print(
        "Nordvakt Sikkerhet AS and its customers are invented; the real companies carry sourced "
        "facts (see README.md in the example folder)."
    )
    out.print("next, try:")
    for command in summary.commands:
        out.print(f"  {escape(command)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app.command("demo")(demo_command)
