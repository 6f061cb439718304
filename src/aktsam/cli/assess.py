"""``aktsam assess PARTY``: a party's risk assessment (weighted, explained factors -> score -> level), stored
with the evidence it rests on; ``--show N`` prints a stored one again and re-derives it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.diligence.assessment import (
    Assessment,
    assess,
    assessments_for,
    get_assessment,
    rederive,
)
from aktsam.errors import InputError
from aktsam.store.trail import default_actor

_LEVEL_STYLE = {"low": "green", "medium": "yellow", "high": "red", "critical": "bold red"}


def _render(assessment: Assessment, rederived: tuple[float, str] | None = None) -> None:
    out = context.console()
    style = _LEVEL_STYLE.get(assessment.level, "")
    floors = f"; floor: {', '.join(assessment.floors)}" if assessment.floors else ""
    out.print(
        f"{escape(assessment.party_id)}: [{style}]{assessment.level.upper()}[/] "
        f"(score {assessment.score:g}; by score alone {assessment.level_by_score}{floors})",
        highlight=False,
    )
    out.print(
        f"assessment {assessment.id} as of {assessment.as_of} by {escape(assessment.assessed_by)}; "
        f"method {escape(assessment.method)}; review on {assessment.review_on}",
        highlight=False,
    )
    table = Table()
    for column in ("points", "factor", "found", "explanation", "evidence"):
        table.add_column(column, overflow="fold", justify="right" if column == "points" else "left")
    for factor in assessment.factors:
        cited = [*factor.evidence_ids, *factor.entity_ids]
        table.add_row(
            f"{factor.points:g}",
            escape(f"{factor.name}\n({factor.rule})"),
            escape(factor.value),
            escape(factor.explanation),
            escape("\n".join(cited)),
        )
    out.print(table)
    if rederived is not None:
        score, level = rederived
        same = score == assessment.score and level == assessment.level
        verdict = "matches the stored result" if same else "DIFFERS from the stored result"
        out.print(f"re-derived: score {score:g}, level {level}: {verdict}", highlight=False)
    else:
        out.print(
            f"re-derive: aktsam assess {escape(assessment.party_id)} --show {assessment.id}",
            highlight=False,
        )


def assess_command(
    party: Annotated[str, typer.Argument(help="The party id in the register.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assess as of this date (default: today).")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who assesses (default: your login name).")
    ] = None,
    show: Annotated[
        int | None,
        typer.Option("--show", help="Show stored assessment N again and re-derive its score."),
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="List the party's stored assessments.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Assess a party: list hits, regimes, country / region / sector, forced labour, ownership, evidence and
    questionnaires as weighted factors; store the result with the evidence ids it rests on."""
    with context.reported_errors():
        if history:
            found = assessments_for(context.store(), party)
            if as_json:
                typer.echo(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2))
                return
            table = Table()
            for column in ("id", "as of", "level", "score", "method", "by", "review on"):
                table.add_column(column)
            for a in found:
                table.add_row(str(a.id), str(a.as_of), a.level, f"{a.score:g}", escape(a.method),
                              escape(a.assessed_by), str(a.review_on))  # fmt: skip
            context.console().print(table)
            return
        if show is not None:
            stored = get_assessment(context.store(), show)
            if stored.party_id != party:
                raise InputError(
                    f"assessment {show} is of party {stored.party_id!r}, not {party!r}",
                    field="--show",
                )
            rederived = rederive(stored)
            if as_json:
                payload = stored.to_dict()
                payload["rederived"] = {"score": rederived[0], "level": rederived[1]}
                typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
                return
            _render(stored, rederived)
            return
        day = context.parse_day(as_of, "--as-of") or dt.date.today()
        made = assess(
            context.store(),
            context.settings(),
            party,
            as_of=day,
            actor=by or default_actor(),
        )
    if as_json:
        typer.echo(json.dumps(made.to_dict(), ensure_ascii=False, indent=2))
        return
    _render(made)


def register(app: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app.command("assess")(assess_command)
