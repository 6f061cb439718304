"""``aktsam devices …``: identify who really made a device, from a MAC, a model number, a brand or a file."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.devices.audit import FINDINGS, summary
from aktsam.devices.identify import Identification, identify, identify_value
from aktsam.devices.importers import import_file
from aktsam.devices.plan import one_line
from aktsam.devices.service import choose_regimes, run_audit
from aktsam.errors import InputError
from aktsam.organisation import home_declaration, load_declaration

app = typer.Typer(
    help="Equipment audit: identify the real maker of devices and audit them against restriction regimes.",
    no_args_is_help=True,
)


def _payload(ident: Identification) -> dict[str, Any]:
    data = asdict(ident)
    data["evidence"] = [asdict(e) for e in ident.evidence]
    return data


@app.command("identify")
def identify_command(
    value: Annotated[
        str,
        typer.Argument(
            help="A MAC address, model number or brand, or a file: asset register (CSV/XLSX), nmap XML, "
            "ONVIF or ISAPI XML, Dahua getSystemInfo text."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Who made it: maker, brand, confidence, whether it is relabelled, and the evidence."""
    path = Path(value)
    with context.reported_errors():
        if path.is_file():
            result = import_file(path)
            rows = [(r.device_id or str(r.origin), identify(r)) for r in result.records]
            issues = [str(i) for i in result.issues]
        else:
            rows, issues = [(value, identify_value(value))], []
    if as_json:
        payload = {
            "devices": [{"device": d, **_payload(i)} for d, i in rows],
            "issues": issues,
        }
        context.console().print_json(json.dumps(payload, ensure_ascii=False))
        return
    table = Table(show_lines=True)
    for column in ("device", "maker", "brand", "confidence", "relabelled", "evidence / conflicts"):
        table.add_column(column, overflow="fold")
    for device, ident in rows:
        lines = [str(e) for e in ident.evidence] + [f"CONFLICT: {c}" for c in ident.conflicts]
        table.add_row(
            escape(device),
            escape(ident.maker_name or "unknown"),
            escape(ident.brand or "—"),
            f"{ident.level} {ident.confidence:.2f}",
            "[red]yes[/]" if ident.relabelled else "no",
            escape("\n".join(lines) or "no evidence"),
        )
    context.console().print(table)
    for issue in issues:
        context.err_console().print(f"[yellow]{escape(issue)}[/]")


# No built-in default: which regimes bind depends on who audits (NDAA §889 binds US executive agencies and
# their contractors, the UK direction central government departments); applying all by default would order
# a UK council to remove everything under a US statute. With no --regimes, the organisation profile's
# declaration (restriction_regimes in profile.yml) chooses.
DEFAULT_REGIMES = ""


@app.command("audit")
def audit_command(
    inventories: Annotated[
        list[Path],
        typer.Argument(
            help="Device inputs: asset registers (CSV/XLSX), nmap/ONVIF/ISAPI XML, Dahua text."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Report file: .csv, .xlsx (+ errors sheet), .json, or .html / .pdf (summary, "
            "charts, plan and device tables).",
        ),
    ],
    sites_file: Annotated[
        Path | None,
        typer.Option("--sites", help="Sites CSV: site_id,name,sensitivity,core_network."),
    ] = None,
    regime_ids: Annotated[
        str,
        typer.Option(
            "--regimes",
            help="Comma-separated regime ids to apply (a regime named is applied; the report says whom "
            "it binds and whether the profile says it binds you). Bundled: us-fcc-covered, us-ndaa-889, "
            "uk-sensitive-sites-2022, example-org-policy (an example). Default: the regimes the "
            "organisation profile declares.",
        ),
    ] = DEFAULT_REGIMES,
    regime_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--regime-file",
            help="An extra regime YAML (same shape as the bundled ones); its id "
            "is applied even if --regimes does not name it.",
        ),
    ] = None,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="Organisation profile with the capacity declaration (restriction_regimes: "
            "capacities, apply). Default: profile.yml in AKTSAM_HOME, if there is one.",
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Audit date, YYYY-MM-DD (default: today).")
    ] = None,
    with_plan: Annotated[
        bool,
        typer.Option(
            "--plan/--no-plan",
            help="Add the remove-and-replace plan (order, target dates, cost estimate, totals) to a "
            ".json, .xlsx, .html or .pdf report.",
        ),
    ] = True,
    prices_file: Annotated[
        Path | None,
        typer.Option(
            "--prices",
            help="Replacement price table CSV: device_type,unit_price,currency,labour_per_unit,"
            "source,date (default: the bundled EXAMPLE prices, not a quote).",
        ),
    ] = None,
) -> None:
    """Audit installed equipment: maker, the regimes that restrict it at its site, and what to do."""
    day = _parse_day(today)
    with context.reported_errors():
        if profile is not None and not profile.is_file():
            raise InputError("no such profile file", file=str(profile), field="--profile")
        declaration = (
            load_declaration(profile)
            if profile is not None
            else home_declaration(context.settings().home)
        )
        regimes = choose_regimes(regime_ids.split(","), regime_files or [], declaration)
        run = run_audit(
            inventories, regimes, today=day, sites_file=sites_file, with_plan=with_plan,
            prices_file=prices_file, output=output, declaration=declaration,
        )  # fmt: skip
    result, removal_plan = run.result, run.plan
    _print_summary(summary(result), output)
    if removal_plan is not None:
        context.console().print(escape(one_line(removal_plan)))


def _parse_day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not YYYY-MM-DD", param_hint="--today") from None


def _print_summary(data: dict[str, Any], output: Path) -> None:
    out = context.console()
    out.print(
        f"{data['devices_out']} of {data['devices_in']} devices audited against "
        f"{escape(', '.join(data['regimes']))} on {data['today']}; {data['issues']} import issue(s); "
        f"{data['relabelled']} relabelled, {data['low_confidence']} low-confidence identification(s)"
    )
    table = Table("site", *FINDINGS, "total")
    for site, counts in data["by_site"].items():
        table.add_row(
            escape(site), *(str(counts.get(f, 0)) for f in FINDINGS), str(sum(counts.values()))
        )
    by_finding = data["by_finding"]
    table.add_row("[bold]all[/]", *(str(by_finding[f]) for f in FINDINGS), str(data["devices_out"]))
    out.print(table)
    out.print(
        f"Whom each regime binds (organisation profile: {escape(str(data['organisation']))}):"
    )
    for t in data["regime_terms"]:
        out.print(
            escape(f"  {t['regime']} [{t['jurisdiction']}]: {t['whom']}. This organisation: "
                   f"{t['organisation']}."),
            highlight=False,
        )  # fmt: skip
    out.print("  (the report's regimes table gives each regime's citation and limits)")
    attribution = data["maker_attribution"]
    if attribution["makers"]:
        out.print(
            escape(
                f"Makers on US export-control lists (information only: {attribution['binds']}):"
            ),
            highlight=False,
        )
        for entry in attribution["makers"]:
            out.print(
                escape(f"  {entry['maker']} ({entry['devices']} device(s)): "
                       + "; ".join(entry["attribution"])),
                highlight=False,
            )  # fmt: skip
        out.print(
            escape(f"  BIS Affiliates Rule: {attribution['affiliates_rule']}"), highlight=False
        )
    out.print(f"report written to {escape(str(output))}")


# Commands kept in their own modules (one per command family) and added to this group.
from aktsam.cli import devices_discover, devices_survey  # noqa: E402

devices_discover.register(app)
devices_survey.register(app)
