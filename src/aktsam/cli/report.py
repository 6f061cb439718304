"""``aktsam report …`` (due diligence): the annual account under the Norwegian Transparency Act.

Registered on the main app by :func:`register`. ``aktsam report transparency`` builds the account with
:func:`aktsam.diligence.transparency.build_account` and writes it as HTML, PDF or JSON (by the output
file's suffix); what the account left out for the organisation's own review (unclassified evidence,
uncited internal sources, compliance-only parties) is printed on the terminal, never into the file.
``aktsam report published`` records that an account was published (the baseline for the follow-up's
"update the account" reminders, :mod:`aktsam.diligence.account_updates`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from aktsam.cli import context
from aktsam.diligence import account_updates, transparency
from aktsam.errors import InputError
from aktsam.store.trail import default_actor

group = typer.Typer(
    help="Reports from the due-diligence register (the annual transparency account).",
    no_args_is_help=True,
)

FORMATS = (".html", ".pdf", ".json")


@group.command("transparency")
def transparency_command(
    year: Annotated[int, typer.Option("--year", help="The calendar year the account covers.")],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Where to write it: .html, .pdf or .json."),
    ],
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="The organisation profile (default: profile.yml in AKTSAM_HOME, which "
            "'aktsam demo' writes).",
        ),
    ] = None,
    template: Annotated[
        str,
        typer.Option(
            "--template",
            help=f"Layout: {', '.join(sorted(transparency.TEMPLATES))}.",
        ),
    ] = transparency.DEFAULT_TEMPLATE,
    signed_on: Annotated[
        str | None,
        typer.Option(
            "--signed-on", help="Date printed in the signature block, YYYY-MM-DD (default: blank)."
        ),
    ] = None,
) -> None:
    """The account of due diligence for YEAR (åpenhetsloven § 5 a–c, with changes since last year)."""
    with context.reported_errors():
        suffix = output.suffix.lower()
        if suffix not in FORMATS:
            raise InputError(
                f"unsupported output type {suffix or '(none)'!r}; use {', '.join(FORMATS)}",
                file=str(output),
            )
        transparency.template_spec(template)
        day = context.parse_day(signed_on, "--signed-on", blank_is_none=True)
        profile_path = profile or context.settings().home / "profile.yml"
        account = transparency.build_account(
            context.store(),
            year=year,
            profile=transparency.load_profile(profile_path),
            signed_on=day,
        )
        if suffix == ".json":
            text = json.dumps(transparency.to_dict(account), ensure_ascii=False, indent=2)
            output.write_text(text + "\n", encoding="utf-8")
        elif suffix == ".html":
            output.write_text(transparency.render_html(account, template), encoding="utf-8")
        else:
            transparency.render_pdf(account, output, template)
    f = account.figures
    context.console().print(
        escape(
            f"wrote {output}: account {year} for {account.profile.name} — "
            f"§ 5 b: {f.impacts_actual} actual impacts, {f.impacts_significant_risk} significant "
            f"risks, {f.impacts_other_risk} other risks; "
            f"{f.high_risk_parties} high-risk parties, {f.decisions} decisions, "
            f"{f.actions_done} actions done, {f.actions_open} open, "
            f"{f.requests.received} information requests ({f.requests.answered_on_time} on time); "
            f"publish by {account.publish_by.isoformat()}"
        ),
        highlight=False,
    )
    notes = transparency.internal_notes(account)
    if notes:
        context.console().print("for your review (not in the account):", highlight=False)
        for note in notes:
            context.console().print(escape(f"  - {note}"), highlight=False)


@group.command("published")
def published_command(
    year: Annotated[int, typer.Option("--year", help="The calendar year the account covers.")],
    on: Annotated[str, typer.Option("--on", help="The day it went on the website, YYYY-MM-DD.")],
    url: Annotated[
        str | None, typer.Option("--url", help="Where it is published (optional).")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who records it (default: your login name).")
    ] = None,
) -> None:
    """Record that the account for YEAR was published (or updated) on a day.

    The follow-up then stops reminding about the 30 June deadline for that year, and reminds about any
    material change in the risk assessment after this day (åpenhetsloven § 5)."""
    with context.reported_errors():
        day = context.parse_day(on, "--on")
        if day is None:
            raise InputError("give the day it was published", field="--on")
        made = account_updates.record_publication(
            context.store(), year=year, published_on=day, actor=by or default_actor(), url=url
        )
    context.console().print(
        escape(f"recorded: account {made.year} published on {made.published_on.isoformat()}"),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app.add_typer(group, name="report")
