"""``aktsam devices survey``: registered on the devices command group by ``register``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.devices.regimes import bundled_regimes, select
from aktsam.devices.survey import ALL_SECTORS, SurveyResult, read_manifest, survey, write_survey
from aktsam.errors import InputError

DEFAULT_REGIMES = "us-fcc-covered"


def register(app: typer.Typer) -> None:
    """Add the command to ``app`` (the ``aktsam devices`` group)."""
    app.command("survey")(survey_command)


def survey_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="One file per organisation (asset register CSV/XLSX, FOI answer, or any device "
            "input), or combined CSVs with an organisation column; a folder gives its files."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Report: .csv (sector × maker table), .json (everything), .xlsx (tables, "
            "errors and a chart) or .html/.pdf (headline, charts and every table).",
        ),
    ],
    organisations: Annotated[
        Path | None,
        typer.Option(
            "--organisations",
            help="Manifest CSV: file,organisation,sector (file relative to the manifest's folder).",
        ),
    ] = None,
    regime_ids: Annotated[
        str,
        typer.Option(
            "--regimes",
            help="Comma-separated regime ids whose coverage decides what counts as restricted "
            "(the equipment audit's decision per device). Bundled: "
            "us-fcc-covered, us-ndaa-889, uk-sensitive-sites-2022, example-org-policy.",
        ),
    ] = DEFAULT_REGIMES,
) -> None:
    """Share of organisations per sector running each (restricted) maker, from many inventories."""
    with context.reported_errors():
        regimes = select(bundled_regimes(), [i.strip() for i in regime_ids.split(",") if i.strip()])
        if not regimes:
            raise InputError("no regime selected", field="--regimes")
        manifest = read_manifest(organisations) if organisations is not None else None
        result = survey(inputs, regimes, manifest)
        if not result.organisations:
            raise InputError("no organisation found in the inputs", field="FILES")
        write_survey(result, output)
    _print_summary(result, output)


def _print_summary(result: SurveyResult, output: Path) -> None:
    out = context.console()
    totals = result.totals
    rows_read = sum(f.rows_read for f in result.files)
    skipped = sum(f.rows_skipped for f in result.files)
    possible = sum(sum(o.possible.values()) for o in result.organisations)
    out.print(
        f"{totals.organisations} organisation(s) in {len(result.sectors) - 1} sector(s), "
        f"{totals.devices} device(s) from {len(result.files)} file(s) ({rows_read} row(s) read, "
        f"{skipped} skipped); {len(result.issues)} import issue(s); {possible} low-confidence "
        f"device(s) kept as 'possible', not counted; restricted under "
        f"{escape(', '.join(result.regimes))}"
    )
    restricted = [
        (m, n) for m, n in result.maker_names.items() if m in set(result.restricted_makers)
    ]
    out.print(
        "restricted: a device the regimes cover for certain (the equipment audit's decision: maker and "
        "kind of equipment); to confirm: covered only if a fact is confirmed (purpose of use, device "
        "type, maker's country), not counted as restricted; a maker's column counts the organisations "
        "running any of its equipment (the report gives its restricted and to-confirm counts)",
        highlight=False,
    )
    table = Table("sector", "organisations", "any restricted", "to confirm", "relabelled")
    for _, name in restricted:
        table.add_column(escape(name))
    lines = {(s.sector, s.maker): s for s in result.by_sector}
    for summary in result.sectors:
        label = (
            f"[bold]{ALL_SECTORS}[/]" if summary.sector == ALL_SECTORS else escape(summary.sector)
        )
        cells = [
            label,
            str(summary.organisations),
            f"{summary.organisations_restricted} ({summary.share_restricted:g}%)",
            f"{summary.organisations_to_confirm} ({summary.share_to_confirm:g}%)",
            f"{summary.organisations_relabelled} ({summary.share_relabelled:g}%)",
        ]
        for maker, _ in restricted:
            line = lines[(summary.sector, maker)]
            cell = f"{line.organisations_running} ({line.share:g}%)"
            if line.organisations_possible:
                cell += f" +{line.organisations_possible} possible"
            cells.append(cell)
        table.add_row(*cells)
    out.print(table)
    out.print(f"report written to {escape(str(output))}")
