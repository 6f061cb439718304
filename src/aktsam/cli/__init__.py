"""The ``aktsam`` command. Each command family lives in its own module; every command calls a service
function and renders its result, nothing more (see ``aktsam.screening.service``)."""

from __future__ import annotations

import typer

from aktsam.cli import (
    assess,
    decide,
    demo,
    devices,
    hits,
    lists,
    monitor,
    parties,
    questionnaires,
    report,
    requests,
    sales,
    screen,
    trail,
    web,
)

app = typer.Typer(
    name="aktsam",
    help="Sanctions, export-control and human-rights due diligence for surveillance and IT supply chains.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("screen")(screen.screen)
app.command("screen-file")(screen.screen_file)
app.command("compare")(screen.compare_command)
app.add_typer(lists.app, name="lists")
app.add_typer(hits.app, name="hits")
app.add_typer(devices.app, name="devices")
app.add_typer(trail.app, name="audit")
for family in (parties, assess, questionnaires, decide, requests, sales, report, demo):
    family.register(app)
web.register(app)
monitor.register(app)


def main() -> None:
    app()
