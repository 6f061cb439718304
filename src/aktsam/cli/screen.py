"""``aktsam screen``, ``aktsam screen-file`` and ``aktsam compare``: thin adapters over the screening service."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aktsam.cli import context
from aktsam.errors import InputError
from aktsam.lists.model import Schema
from aktsam.lists.staleness import StaleList
from aktsam.screening.decisions import Decision
from aktsam.screening.files import (
    HIT_COLUMNS,
    iter_parties,
    parse_birth_date,
    parse_countries,
    parse_schema,
    read_pairs,
    write_table,
)
from aktsam.screening.matcher import compare
from aktsam.screening.service import (
    DesignationHit,
    PartyResult,
    ScreenedHit,
    Screener,
    ScreeningRun,
    StreamedRun,
)
from aktsam.screening.weights import DEFAULT_THRESHOLD

SchemaOpt = Annotated[
    str,
    typer.Option(
        "--schema",
        help="person, organization, vessel, aircraft or any; or a FollowTheMoney schema "
        "(Person, Company, PublicBody, LegalEntity, Vessel, Airplane …).",
    ),
]
ListsOpt = Annotated[
    str | None,
    typer.Option(
        "--lists",
        help="Comma-separated sources to screen against, e.g. un-sc,eu-fsf (default: all).",
    ),
]
ThresholdOpt = Annotated[
    float, typer.Option("--threshold", min=0.01, max=1.0, help="Lowest score reported (0–1).")
]


def _lists(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _screener() -> Screener:
    return Screener(context.store(), context.settings())


def warn_stale(stale: list[StaleList]) -> None:
    """Each list past its staleness limit as a WARNING line on stderr (shown before any table)."""
    for warning in stale:
        context.err_console().print(
            f"[bold red]WARNING:[/] [yellow]{escape(warning.message)}[/]", highlight=False
        )


def _prepare(screener: Screener) -> None:
    """Import bundled lists / build the index with a visible note, so a first run doesn't look hung."""
    with context.err_console().status("Loading list snapshots and the matching index…"):
        screener.index(progress=lambda msg: context.err_console().print(f"[dim]{msg}[/]"))


def screen(
    name: Annotated[str, typer.Argument(help="The party's name, in any script.")],
    schema: SchemaOpt = "any",
    country: Annotated[
        list[str] | None, typer.Option("--country", help="Country name or ISO code (repeatable).")
    ] = None,
    birth_date: Annotated[
        str | None, typer.Option("--birth-date", help="YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    lists: ListsOpt = None,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(min=1, help="Most hits shown.")] = 10,
    party: Annotated[
        str | None,
        typer.Option("--party", help="Your id for the party (decisions are kept per party)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    explain: Annotated[bool, typer.Option(help="Show the full explanation of every hit.")] = False,
) -> None:
    """Screen one party against the lists in force: a table of hits, each with its explanation."""
    with context.reported_errors():
        screener = _screener()
        if not as_json:
            _prepare(screener)
        countries = parse_countries(";".join(country or []))
        run = screener.screen(
            name,
            schema=parse_schema(schema),
            countries=countries,
            birth_date=parse_birth_date(birth_date),
            party_id=party,
            lists=_lists(lists),
            threshold=threshold,
            limit=limit,
            mentions=True,
        )
    if as_json:
        context.console().print_json(json.dumps(run_payload(run), ensure_ascii=False))
        return
    warn_stale(run.stale_lists)
    context.console().print(f"[dim]{run.data_as_of()}[/]")
    render_result(run.results[0], run, explain=explain)


def run_payload(run: ScreeningRun) -> dict[str, Any]:
    """The JSON shape of a screening run (``screen --json``): ``warnings`` lists every list used that
    is past its staleness limit (empty when all are fresh)."""
    return {
        "run_id": run.run_id,
        "warnings": [w.to_dict() for w in run.stale_lists],
        "data_as_of": run.data_as_of(),
        "threshold": run.threshold,
        "lists": list(run.lists),
        "snapshots": [
            {
                "id": s.id,
                "source": s.source,
                "label": s.label,
                "published": s.published,
                "sha256": s.sha256,
            }
            for s in run.snapshots
        ],
        "results": [
            {
                "party_id": r.party_id,
                "query": r.query.name,
                "hits": [
                    {
                        "score": round(h.score, 4),
                        "status": h.status,
                        "list": h.hit.source,
                        "source_id": h.hit.source_id,
                        "entity_id": h.entity_id,
                        "entity_name": h.caption,
                        "schema": str(h.hit.schema),
                        "sublist": h.hit.sublist,
                        "matched_name": h.hit.matched_name,
                        "snapshot_id": h.snapshot_id,
                        "decision": _decision_payload(h.decision),
                        "pending": _decision_payload(h.pending),
                        "explanation": h.hit.explanation.to_dict(),
                    }
                    for h in r.hits
                ],
                "designations": [
                    {
                        "designation": d.key,
                        "score": round(d.score, 4),
                        "status": d.status,
                        "entity_ids": [h.entity_id for h in d.hits],
                        "listings": [x.to_dict() for x in d.listings],
                    }
                    for d in r.designations
                ],
                "mentions": r.mentions.to_dict(),
            }
            for r in run.results
        ],
    }


def _decision_payload(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "id": decision.id,
        "decision": decision.decision,
        "status": decision.status,
        "reason": decision.reason,
        "actor": decision.actor,
        "decided_at": decision.decided_at.isoformat(),
    }


def short_sublist(sublist: str | None) -> str:
    """ "Entity List (EL) - Bureau of Industry and Security" → "EL": the code a compliance officer knows."""
    if not sublist:
        return ""
    match = re.search(r"\(([A-Z][A-Z0-9-]*)\)", sublist)
    return match.group(1) if match else sublist


def _status_text(h: ScreenedHit) -> str:
    status: str = h.status
    if h.pending is not None:
        status += (
            f" (clearance by {h.pending.actor} {h.pending.decided_at:%Y-%m-%d} awaits a second "
            f"person's approval: {h.pending.reason})"
        )
    if h.decision is not None:
        status += (
            f"; in force: {h.decision.decision.replace('_', ' ')} by {h.decision.actor} "
            f"{h.decision.decided_at:%Y-%m-%d}: {h.decision.reason}"
            if h.pending is not None
            else f" by {h.decision.actor} {h.decision.decided_at:%Y-%m-%d}: {h.decision.reason}"
        )
    return status


def render_result(result: PartyResult, run: ScreeningRun, *, explain: bool) -> None:
    console = context.console()
    if not result.hits:
        console.print(
            f"[green]No hit at or above {run.threshold:.2f}[/] for {escape(repr(result.query.name))} "
            f"on {', '.join(run.lists)}."
        )
        render_mentions(result)
        return
    table = Table(
        title=f"Hits for {escape(repr(result.query.name))} (threshold {run.threshold:.2f})",
        show_lines=True,
    )
    table.add_column("score", no_wrap=True)
    table.add_column("list", no_wrap=True)
    table.add_column("listed entity", ratio=2, overflow="fold")
    table.add_column("why", ratio=3, overflow="fold")
    table.add_column("status", ratio=1, overflow="fold")
    for designation in result.designations:
        h = designation.lead
        hit = h.hit
        if explain:
            why = json.dumps(hit.explanation.to_dict(), ensure_ascii=False, indent=1)
        else:
            why = hit.explanation.summary()
        status = _status_text(h)
        lists = [hit.source + (f" {sub}" if (sub := short_sublist(hit.sublist)) else "")]
        ids = [hit.entity_id]
        for other in designation.listings:
            if other.entity_id == hit.entity_id:
                continue
            sub = short_sublist(other.sublist)
            lists.append(other.source + (f" {sub}" if sub else ""))
            ids.append(other.entity_id)
        for also in designation.also:
            why += f"\nalso {also.entity_id}: {also.score:.2f}, {also.status}"
        if designation.status != h.status:
            status = (
                f"{designation.status} (entries: "
                + "; ".join(f"{x.entity_id} {x.status}" for x in designation.hits)
                + f")\n{status}"
            )
        table.add_row(  # list data is text, never markup: "[enriched]" must print as written
            f"{h.score:.2f}",
            escape("\n".join(lists)),
            f"{escape(hit.caption)}\n[dim]{escape(chr(10).join(ids))}[/]",
            escape(why),
            f"[yellow]{escape(status)}[/]"
            if designation.status in ("open", "pending", "confirmed")
            else escape(status),
        )
    console.print(table)
    console.print(
        f"[dim]party id {escape(result.party_id)}; run {run.run_id}. Clear a false positive: "
        f"aktsam hits clear --party '{escape(result.party_id)}' --entity ENTITY_ID --reason …[/]"
    )
    render_mentions(result)


def render_mentions(result: PartyResult) -> None:
    """The listed entries whose remarks name the party: information beside the hits, not hits."""
    found = result.mentions
    console = context.console()
    if not found.searched:
        if found.note and result.query.schema is not Schema.PERSON:
            console.print(f"[dim]Mentions in listings not searched: {escape(found.note)}.[/]")
        return
    if not found.total:
        console.print("[dim]No listing names it in its remarks.[/]")
        return
    table = Table(
        title=f"Mentioned in {found.total} listing(s): named in their remarks (not a match; low severity)",
        show_lines=True,
    )
    table.add_column("list", no_wrap=True)
    table.add_column("listed entity", ratio=2, overflow="fold")
    table.add_column("remarks", ratio=4, overflow="fold")
    for m in found.items:
        table.add_row(
            escape(m.source),
            f"{escape(m.caption)}\n[dim]{escape(m.entity_id)}[/]",
            escape(m.excerpt),
        )
    console.print(table)
    if found.total > len(found.items):
        console.print(
            f"[dim]… and {found.total - len(found.items)} more (--json lists the first).[/]"
        )


def screen_file(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV or XLSX of parties.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Hits as .csv, .xlsx or .json.")],
    lists: ListsOpt = None,
    threshold: ThresholdOpt = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(min=1, help="Most hits per party.")] = 10,
    id_column: Annotated[str, typer.Option(help="Column holding your party id.")] = "id",
    name_column: Annotated[str, typer.Option(help="Column holding the name.")] = "name",
    schema_column: Annotated[
        str,
        typer.Option(
            help="Column holding the schema (person, organization, … or a FollowTheMoney schema name)."
        ),
    ] = "schema",
    country_column: Annotated[
        str, typer.Option(help="Column holding countries (';'-separated).")
    ] = "country",
    birth_date_column: Annotated[
        str, typer.Option(help="Column holding the birth date.")
    ] = "birth_date",
    include_cleared: Annotated[
        bool, typer.Option(help="Also write hits an analyst cleared as false positives.")
    ] = True,
) -> None:
    """Screen every party in a file; one output row per hit at or above the threshold."""
    columns = {
        "id": id_column,
        "name": name_column,
        "schema": schema_column,
        "country": country_column,
        "birth_date": birth_date_column,
    }
    with context.reported_errors():
        # one pass to check every row before anything is screened, a second to screen: the file is
        # streamed both times, never held
        total = sum(1 for _ in iter_parties(input_path, columns))
        screener = _screener()
        _prepare(screener)
        progress = Progress(
            TextColumn("screening"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=context.err_console(),
            disable=not context.is_terminal(),
        )
        with progress:
            task = progress.add_task("screening", total=total)
            run = screener.stream_parties(
                iter_parties(input_path, columns, check_duplicates=False),  # checked above
                lists=_lists(lists),
                threshold=threshold,
                limit=limit,
                progress=lambda done: progress.update(task, completed=done),
            )
            notes = warning_rows(run)
            rows = hit_rows(run, include_cleared=include_cleared)
            # the run is recorded when the last row is read, before the output file is put in place
            written = write_table(output, HIT_COLUMNS, chain(notes, rows)) - len(notes)
    warn_stale(run.stale_lists)
    context.err_console().print(
        f"{run.parties:,} parties screened, {run.with_open_hits:,} with open hits, {written:,} hit rows "
        f"→ {output}"
        + (f" (after {len(notes)} WARNING row(s) on stale lists)" if notes else "")
        + f"\n[dim]{run.data_as_of()}; run {run.run_id}[/]"
    )


#: ``query_id`` and ``status`` of the note rows that open a screen-file output when lists are stale.
WARNING_ROW = "WARNING"


def warning_rows(run: ScreeningRun | StreamedRun) -> list[dict[str, Any]]:
    """The screen-file output's first rows when a list used is past its staleness limit: one per list,
    ``query_id`` and ``status`` ``WARNING``, the list in ``list``, the snapshot in ``snapshot`` and the
    warning in ``explanation`` (the columns stay as they are; a reader opening the file sees it first)."""
    return [
        {
            "query_id": WARNING_ROW,
            "list": w.source,
            "status": WARNING_ROW,
            "explanation": f"WARNING: {w.message}",
            "snapshot": w.snapshot or "",
        }
        for w in run.stale_lists
    ]


def hit_rows(
    run: ScreeningRun | StreamedRun, *, include_cleared: bool = True
) -> Iterator[dict[str, Any]]:
    """One dict per hit with the ``HIT_COLUMNS`` keys (the screen-file output contract), as the run's
    results come."""
    labels = {s.id: s.label for s in run.snapshots}
    for result in run.results:
        for designation in result.designations:
            for h in designation.hits:
                if h.status == "cleared" and not include_cleared:
                    continue
                yield _hit_row(result, designation, h, labels)


def _hit_row(
    result: PartyResult, designation: DesignationHit, h: ScreenedHit, labels: dict[int, str]
) -> dict[str, Any]:
    also = [x.entity_id for x in designation.listings if x.entity_id != h.entity_id]
    return {
        "query_id": result.party_id,
        "score": round(h.score, 4),
        "list": h.hit.source,
        "source_id": h.hit.source_id,
        "entity_id": h.entity_id,
        "entity_name": h.caption,
        "matched_name": h.hit.matched_name,
        "query_name": result.query.name,
        "schema": str(h.hit.schema),
        "sublist": h.hit.sublist,
        "matched_name_kind": h.hit.explanation.listed_kind,
        "status": h.status,
        "explanation": h.hit.explanation.summary(),
        "snapshot": labels.get(h.snapshot_id, str(h.snapshot_id)),
        "designation": designation.key,
        "also_on": "; ".join(also),
    }


def compare_command(
    name1: Annotated[str | None, typer.Argument(help="First name.")] = None,
    name2: Annotated[str | None, typer.Argument(help="Second name.")] = None,
    schema: SchemaOpt = "any",
    file: Annotated[
        Path | None, typer.Option("--file", help="CSV/XLSX with columns name1,name2[,schema].")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Scored pairs (.csv/.xlsx/.json).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Score two names (or a file of pairs) and explain the score."""
    with context.reported_errors():
        if file is not None:
            if output is None:
                raise InputError("--file needs --output")
            rows = read_pairs(file)
            columns = list(rows[0][1]) if rows else ["name1", "name2"]
            out_rows = []
            for _, row in rows:
                result = compare(row["name1"], row["name2"], parse_schema(row.get("schema")))
                out_rows.append({**row, "score": round(result.score, 4)})
            write_table(output, [*columns, "score"], out_rows)
            context.err_console().print(f"{len(out_rows):,} pairs scored → {output}")
            return
        if not name1 or not name2:
            raise InputError("give two names, or --file PAIRS.csv --output OUT.csv")
        result = compare(name1, name2, parse_schema(schema))
    if as_json:
        context.console().print_json(
            json.dumps(
                {"score": round(result.score, 4), "explanation": result.explanation.to_dict()},
                ensure_ascii=False,
            )
        )
        return
    context.console().print(f"score [bold]{result.score:.3f}[/]")
    context.console().print(result.explanation.summary())
    context.console().print_json(json.dumps(result.explanation.to_dict(), ensure_ascii=False))
