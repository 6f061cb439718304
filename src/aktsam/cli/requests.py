"""``aktsam requests …``: Transparency Act information requests (three-week deadline, extension up to two
months, answer, refusal, overdue list, yearly figures)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.cli.decide import print_json, required_day
from aktsam.diligence import requests as rq
from aktsam.store.trail import default_actor

ByOpt = Annotated[str | None, typer.Option("--by", help="Who acts (default: your login name).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
IdArg = Annotated[int, typer.Argument(help="The request id.")]

app = typer.Typer(
    help="Transparency Act (åpenhetsloven) information requests: answer within three weeks.",
    no_args_is_help=True,
)


def _show(r: rq.InfoRequest, as_json: bool) -> None:
    if as_json:
        print_json(r)
        return
    context.console().print(
        f"request {r.id} from {escape(r.requester)}: {r.status}, deadline {r.deadline}"
        + (" (extended)" if r.extended else "")
        + (" — answered late" if r.late else ""),
        highlight=False,
    )


@app.command("add")
def add_command(
    requester: Annotated[str, typer.Option("--requester", help="Who asks.")],
    question: Annotated[str, typer.Option("--question", help="What they ask.")],
    received: Annotated[
        str | None, typer.Option("--received", help="Received on (default today).")
    ] = None,
    party: Annotated[str | None, typer.Option("--party", help="The party it concerns.")] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a request; the deadline is three weeks after receipt."""
    with context.reported_errors():
        made = rq.receive_request(context.store(),
                                  received_on=context.parse_day(received, "received") or dt.date.today(),
                                  requester=requester, question=question, party_id=party,
                                  actor=by or default_actor())  # fmt: skip
    _show(made, as_json)


@app.command("answer")
def answer_command(
    request_id: IdArg,
    answer: Annotated[str, typer.Option("--answer", help="The answer given (or where it is).")],
    on: Annotated[str | None, typer.Option("--on", help="Answered on (default today).")] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the answer (an answer after the deadline is recorded as late)."""
    with context.reported_errors():
        made = rq.answer_request(context.store(), request_id,
                                 answered_on=context.parse_day(on, "on") or dt.date.today(), answer=answer,
                                 actor=by or default_actor())  # fmt: skip
    _show(made, as_json)


@app.command("extend")
def extend_command(
    request_id: IdArg,
    until: Annotated[
        str, typer.Option("--until", help="New deadline (at most two months after receipt).")
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why three weeks is disproportionately burdensome.")
    ],
    notified: Annotated[
        str | None,
        typer.Option(
            "--notified",
            help="When the requester was told (within the three weeks; default today).",
        ),
    ] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Extend the deadline (åpenhetsloven § 7: up to two months, requester told within three weeks)."""
    with context.reported_errors():
        made = rq.extend_request(context.store(), request_id,
                                 new_deadline=required_day(until, "until"), reason=reason,
                                 notified_on=context.parse_day(notified, "notified") or dt.date.today(),
                                 actor=by or default_actor())  # fmt: skip
    _show(made, as_json)


@app.command("refuse")
def refuse_command(
    request_id: IdArg,
    ground: Annotated[
        str, typer.Option("--ground", help="One of: " + ", ".join(rq.REFUSAL_GROUNDS))
    ],
    note: Annotated[str | None, typer.Option("--note", help="Why, for this request.")] = None,
    on: Annotated[str | None, typer.Option("--on", help="Refused on (default today).")] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Refuse a request on a ground the Act allows."""
    with context.reported_errors():
        made = rq.refuse_request(context.store(), request_id, ground=ground, note=note,
                                 refused_on=context.parse_day(on, "on") or dt.date.today(),
                                 actor=by or default_actor())  # fmt: skip
    _show(made, as_json)


@app.command("list")
def list_command(
    status: Annotated[
        str | None, typer.Option("--status", help="open, answered or refused.")
    ] = None,
    overdue_only: Annotated[
        bool, typer.Option("--overdue", help="Only open requests past their deadline.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="For --overdue (default today).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Requests, oldest first."""
    with context.reported_errors():
        day = context.parse_day(as_of, "as-of") or dt.date.today()
        rows = (rq.overdue(context.store(), day) if overdue_only
                else rq.requests_list(context.store(), status))  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("id", "received", "requester", "deadline", "status", "replied", "question"):
        table.add_column(column, overflow="fold")
    for r in rows:
        deadline = f"[red]{r.deadline}[/]" if r.overdue(day) or r.late else str(r.deadline)
        table.add_row(str(r.id), str(r.received_on), escape(r.requester), deadline, r.status,
                      str(r.answered_on or ""), escape(r.question))  # fmt: skip
    context.console().print(table)


@app.command("stats")
def stats_command(
    year: Annotated[int, typer.Option("--year", help="Year the requests were received.")],
    as_json: JsonOpt = False,
) -> None:
    """Requests received in a year: answered on time / late, refused, open (for the annual account)."""
    with context.reported_errors():
        stats = rq.on_time_stats(context.store(), year)
    if as_json:
        print_json(stats)
        return
    context.console().print(
        f"{stats.year}: {stats.received} received, {stats.answered_on_time} answered on time, "
        f"{stats.answered_late} late, {stats.refused} refused, {stats.open} open "
        f"({stats.extended} extended)",
        highlight=False,
    )


def register(app_: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app_.add_typer(app, name="requests")
