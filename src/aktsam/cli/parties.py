"""``aktsam parties …`` (due diligence): the register of parties, their relations, evidence and equipment.

Registered on the main app by :func:`register`. Each command parses its options, calls one function of
``aktsam.diligence.register`` / ``registerio`` and renders the result (``--json`` for data).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from aktsam.cli import context
from aktsam.diligence import register as reg
from aktsam.diligence.model import EVIDENCE_KINDS, PARTY_KINDS, RELATION_KINDS, ROLES, STANCES
from aktsam.diligence.registerio import export_register, import_register
from aktsam.errors import InputError
from aktsam.store.trail import default_actor

group = typer.Typer(
    help="The due-diligence register: parties (suppliers, makers, resellers, customers, end users, "
    "owners), their relations, evidence and installed equipment.",
    no_args_is_help=True,
)
evidence_group = typer.Typer(
    help="Evidence on a party: documents and findings.", no_args_is_help=True
)
group.add_typer(evidence_group, name="evidence")

ByOpt = Annotated[
    str | None, typer.Option("--by", help="Who makes the change (default: your login name).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
KindOpt = Annotated[str | None, typer.Option("--kind", help=f"One of: {', '.join(PARTY_KINDS)}.")]
RolesOpt = Annotated[
    list[str] | None, typer.Option("--role", help=f"Repeatable. One of: {', '.join(ROLES)}.")
]
CountryOpt = Annotated[
    str | None, typer.Option("--country", help="ISO 3166-1 alpha-2 code, e.g. CN.")
]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Region, e.g. Xinjiang.")]
SectorOpt = Annotated[str | None, typer.Option("--sector", help="Sector, e.g. surveillance.")]
EndUserOpt = Annotated[
    str | None, typer.Option("--end-user-type", help="For end users: police, military, ...")
]
AliasOpt = Annotated[list[str] | None, typer.Option("--alias", help="Another name (repeatable).")]
IdentOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--identifier",
        help="key=value (repeatable); maker=<maker id> links the party to the equipment audit.",
    ),
]
WebsiteOpt = Annotated[str | None, typer.Option("--website", help="Website.")]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Notes.")]


def _actor(by: str | None) -> str:
    return by or default_actor()


def _identifiers(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or ():
        key, sep, text = value.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise InputError(
                f"{value!r} is not key=value (e.g. maker=hikvision)", field="--identifier"
            )
        out[key.strip()] = text.strip()
    return out


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _party_line(party: dict[str, Any]) -> str:
    roles = ", ".join(party["roles"]) or "-"
    return (
        f"{escape(party['id'])}: {escape(party['name'])} ({party['kind']}; roles {escape(roles)}; "
        f"country {party['country'] or '-'})"
    )


@group.command("add")
def add_command(
    party_id: Annotated[str, typer.Argument(help="Party id: a lower-case slug, e.g. hikvision.")],
    name: Annotated[str, typer.Option("--name", help="The party's name.")],
    kind: KindOpt = None,
    roles: RolesOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    sector: SectorOpt = None,
    end_user_type: EndUserOpt = None,
    aliases: AliasOpt = None,
    identifiers: IdentOpt = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a party to the register."""
    with context.reported_errors():
        party = reg.add_party(
            context.store(),
            party_id,
            name,
            actor=_actor(by),
            kind=kind or "organization",
            roles=roles or (),
            country=country,
            region=region,
            sector=sector,
            end_user_type=end_user_type,
            aliases=aliases or (),
            identifiers=_identifiers(identifiers),
            website=website,
            notes=notes,
        )
    if as_json:
        _print_json(party.to_dict())
    else:
        context.console().print("added " + _party_line(party.to_dict()))


@group.command("update")
def update_command(
    party_id: Annotated[str, typer.Argument(help="The party's id.")],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    kind: KindOpt = None,
    roles: RolesOpt = None,
    country: CountryOpt = None,
    region: RegionOpt = None,
    sector: SectorOpt = None,
    end_user_type: EndUserOpt = None,
    aliases: AliasOpt = None,
    identifiers: IdentOpt = None,
    website: WebsiteOpt = None,
    notes: NotesOpt = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a party: only the options given change (--role, --alias, --identifier replace the whole
    list); the audit trail keeps the party before and after."""
    changes: dict[str, Any] = {
        key: value
        for key, value in (
            ("name", name),
            ("kind", kind),
            ("country", country),
            ("region", region),
            ("sector", sector),
            ("end_user_type", end_user_type),
            ("website", website),
            ("notes", notes),
            ("roles", roles),
            ("aliases", aliases),
        )
        if value is not None
    }
    with context.reported_errors():
        if identifiers is not None:
            changes["identifiers"] = _identifiers(identifiers)
        party = reg.update_party(context.store(), party_id, actor=_actor(by), **changes)
    if as_json:
        _print_json(party.to_dict())
    else:
        context.console().print("now " + _party_line(party.to_dict()))


@group.command("list")
def list_command(
    role: Annotated[str | None, typer.Option("--role", help="Only parties with this role.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every party in the register (or those with one role)."""
    with context.reported_errors():
        parties = reg.list_parties(context.store(), role=role)
    if as_json:
        _print_json([p.to_dict() for p in parties])
        return
    table = Table()
    for column in ("id", "name", "kind", "roles", "country", "identifiers"):
        table.add_column(column, overflow="fold")
    for p in parties:
        table.add_row(
            *(
                escape(v)
                for v in (
                    p.id,
                    p.name,
                    p.kind,
                    ", ".join(p.roles),
                    p.country or "",
                    "; ".join(f"{k}={v}" for k, v in p.identifiers.items()),
                )
            )
        )
    context.console().print(table)
    context.console().print(f"{len(parties)} part{'y' if len(parties) == 1 else 'ies'}")


@group.command("show")
def show_command(
    party_id: Annotated[str, typer.Argument(help="The party's id.")],
    as_json: JsonOpt = False,
) -> None:
    """A party: its details, relations in and out, evidence, and equipment counts."""
    with context.reported_errors():
        store = context.store()
        party = reg.get_party(store, party_id)
        relations = reg.relations_of(store, party_id)
        evidence = reg.evidence_for(store, party_id)
        made = reg.equipment_for(store, party_id)
        installed = reg.equipment_for(store, party_id, as_customer=True)
    outgoing = [r.to_dict() for r in relations if r.source == party_id]
    incoming = [r.to_dict() for r in relations if r.target == party_id]
    findings: dict[str, int] = {}
    for item in made:
        findings[item.finding or "-"] = findings.get(item.finding or "-", 0) + 1
    if as_json:
        _print_json({
            "party": party.to_dict(),
            "relations_out": outgoing,
            "relations_in": incoming,
            "evidence": [e.to_dict() for e in evidence],
            "equipment": {"made": len(made), "installed_for": len(installed),
                          "made_by_finding": findings},
        })  # fmt: skip
        return
    out = context.console()
    data = party.to_dict()
    out.print(_party_line(data))
    for key in ("region", "sector", "end_user_type", "website", "notes"):
        if data[key]:
            out.print(f"  {key}: {escape(str(data[key]))}")
    if party.aliases:
        out.print(f"  aliases: {escape('; '.join(party.aliases))}")
    if party.identifiers:
        out.print(
            "  identifiers: " + escape("; ".join(f"{k}={v}" for k, v in party.identifiers.items()))
        )
    for title, rows, other in (("out", outgoing, "target"), ("in", incoming, "source")):
        out.print(f"relations {title}: {len(rows)}")
        for r in rows:
            share = f" {r['share']:g} %" if r["share"] is not None else ""
            period = (
                f" {r['since'] or '…'} – {r['until'] or '…'}" if r["since"] or r["until"] else ""
            )
            where = f" [{r['source_url']}]" if r["source_url"] else ""
            out.print(escape(f"  {r['kind']}{share} {r[other]}{period}{where}"))
    out.print(f"evidence: {len(evidence)}")
    for e in evidence:
        out.print(
            escape(f"  {e.id} {e.stance} {e.kind}: {e.title}")
            + (f" ({e.published.isoformat()})" if e.published else "")
        )
    out.print(
        f"equipment: {len(made)} made by it"
        + (
            f" ({escape(', '.join(f'{k} {v}' for k, v in sorted(findings.items())))})"
            if made
            else ""
        )
        + f", {len(installed)} installed for it"
    )


@group.command("relate")
def relate_command(
    source: Annotated[str, typer.Argument(help="The owner / maker / supplier (party id).")],
    target: Annotated[str, typer.Argument(help="The owned / brand / customer (party id).")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(RELATION_KINDS)}.")],
    share: Annotated[
        float | None, typer.Option("--share", help="Percent owned (owns only), e.g. 36.4.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Until, YYYY-MM-DD.")] = None,
    source_url: Annotated[
        str | None, typer.Option("--source-url", help="Where the link is stated.")
    ] = None,
    source_date: Annotated[
        str | None, typer.Option("--source-date", help="Date of that source, YYYY-MM-DD.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the same source/target/kind if recorded.")
    ] = False,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that SOURCE owns (--share), controls, is maker-of, distributor-of or supplies-to TARGET."""
    with context.reported_errors():
        relation = reg.add_relation(
            context.store(),
            source,
            target,
            kind,
            actor=_actor(by),
            share=share,
            since=context.parse_day(since, "--since", blank_is_none=True),
            until=context.parse_day(until, "--until", blank_is_none=True),
            source_url=source_url,
            source_date=context.parse_day(source_date, "--source-date", blank_is_none=True),
            note=note,
            replace=replace,
        )
    if as_json:
        _print_json(relation.to_dict())
    else:
        share_text = f" {relation.share:g} %" if relation.share is not None else ""
        context.console().print(
            escape(f"recorded: {relation.source} {relation.kind}{share_text} {relation.target}")
        )


@group.command("unrelate")
def unrelate_command(
    source: Annotated[str, typer.Argument(help="The relation's source party.")],
    target: Annotated[str, typer.Argument(help="The relation's target party.")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(RELATION_KINDS)}.")],
    by: ByOpt = None,
) -> None:
    """Remove a relation (the audit trail keeps what it was)."""
    with context.reported_errors():
        removed = reg.remove_relation(context.store(), source, target, kind, actor=_actor(by))
    context.console().print(escape(f"removed: {removed.source} {removed.kind} {removed.target}"))


@evidence_group.command("add")
def evidence_add_command(
    party: Annotated[str, typer.Argument(help="The party it is about.")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(EVIDENCE_KINDS)}.")],
    title: Annotated[str, typer.Option("--title", help="Title of the document or finding.")],
    stance: Annotated[
        str, typer.Option("--stance", help=f"One of: {', '.join(STANCES)}.")
    ] = "adverse",
    topic: Annotated[
        str | None, typer.Option("--topic", help="e.g. forced-labour, surveillance, sanctions.")
    ] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Who published it.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where it is.")] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date, YYYY-MM-DD.")
    ] = None,
    author: Annotated[str | None, typer.Option("--author", help="Author.")] = None,
    quote: Annotated[str | None, typer.Option("--quote", help="A short quote.")] = None,
    evidence_id: Annotated[
        str | None, typer.Option("--id", help="Evidence id (default: the next EV-nnnn).")
    ] = None,
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record evidence about a party: source, date, author and a short quote."""
    with context.reported_errors():
        evidence = reg.add_evidence(
            context.store(),
            party=party,
            kind=kind,
            title=title,
            actor=_actor(by),
            stance=stance,
            topic=topic,
            publisher=publisher,
            url=url,
            published=context.parse_day(published, "--published", blank_is_none=True),
            author=author,
            quote=quote,
            evidence_id=evidence_id,
        )
    if as_json:
        _print_json(evidence.to_dict())
    else:
        context.console().print(escape(f"added {evidence.id}: {evidence.title}"))


@evidence_group.command("list")
def evidence_list_command(
    party: Annotated[str, typer.Argument(help="The party.")],
    as_json: JsonOpt = False,
) -> None:
    """A party's evidence."""
    with context.reported_errors():
        evidence = reg.evidence_for(context.store(), party)
    if as_json:
        _print_json([e.to_dict() for e in evidence])
        return
    table = Table()
    for column in ("id", "kind", "stance", "topic", "title", "publisher", "published", "url"):
        table.add_column(column, overflow="fold")
    for e in evidence:
        table.add_row(
            *(
                escape(v or "")
                for v in (
                    e.id,
                    e.kind,
                    e.stance,
                    e.topic,
                    e.title,
                    e.publisher,
                    e.published.isoformat() if e.published else None,
                    e.url,
                )
            )
        )
    context.console().print(table)


@group.command("import")
def import_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="A folder with parties.csv (+ relations.csv, evidence.csv, equipment.csv), an .xlsx "
            "with sheets of those names, or FollowTheMoney JSON lines (.json, .jsonl, .ftm.json)."
        ),
    ],
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a register in one transaction: a bad row names file, row and field and changes nothing."""
    with context.reported_errors():
        summary = import_register(context.store(), path, actor=_actor(by))
    if as_json:
        _print_json(summary.to_dict())
        return
    data = summary.to_dict()
    parts = [
        f"{sheet}: {t['added']} added, {t['updated']} updated, {t['unchanged']} unchanged"
        for sheet, t in ((s, data[s]) for s in ("parties", "relations", "evidence", "equipment"))
    ]
    context.console().print(
        escape(f"imported {summary.path} ({summary.format}): " + "; ".join(parts))
    )
    if summary.skipped:
        context.err_console().print(
            f"{len(summary.skipped)} entit{'y' if len(summary.skipped) == 1 else 'ies'} not part of "
            "the register (skipped): " + escape("; ".join(summary.skipped)),
            highlight=False,
        )


@group.command("export")
def export_command(
    path: Annotated[
        Path,
        typer.Argument(
            help="A folder (four CSVs), an .xlsx, or .json/.jsonl/.ftm.json (FollowTheMoney: "
            "parties and relations)."
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Export the register (re-importable with ``aktsam parties import``)."""
    with context.reported_errors():
        summary = export_register(context.store(), path)
    if as_json:
        _print_json(summary.to_dict())
        return
    context.console().print(
        escape(
            f"exported to {summary.path} ({summary.format}): {summary.parties} parties, "
            f"{summary.relations} relations, {summary.evidence} evidence, "
            f"{summary.equipment} equipment"
        )
    )
    if summary.left_out:
        context.err_console().print(
            "not in this format (left out): "
            + ", ".join(f"{v} {k}" for k, v in summary.left_out.items()),
            highlight=False,
        )


@group.command("link-devices")
def link_devices_command(
    inventories: Annotated[
        list[Path],
        typer.Argument(help="Device inputs: asset registers (CSV/XLSX), nmap/ONVIF/ISAPI XML, ..."),
    ],
    customer: Annotated[
        str | None,
        typer.Option("--customer", help="The party the devices are installed for (party id)."),
    ] = None,
    sites_file: Annotated[
        Path | None,
        typer.Option("--sites", help="Sites CSV: site_id,name,sensitivity,core_network."),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Audit date, YYYY-MM-DD (default: today).")
    ] = None,
    regime_ids: Annotated[
        str,
        typer.Option(
            "--regimes",
            help="Comma-separated regime ids for the findings. Default: the regimes the organisation "
            "profile declares (restriction_regimes in profile.yml), else us-fcc-covered.",
        ),
    ] = "",
    by: ByOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the equipment audit (identify each device's maker; the finding is against the regimes named,
    else those the organisation profile declares, else the bundled us-fcc-covered) and record each
    device as equipment of the party with identifier maker=<maker id>. Devices whose maker is unknown
    or has no party are counted, not dropped."""
    from aktsam.devices.audit import audit
    from aktsam.devices.binding import declared_regimes
    from aktsam.devices.importers import import_file
    from aktsam.devices.model import DeviceRecord, ImportIssue
    from aktsam.devices.regimes import bundled_regimes, select
    from aktsam.devices.sites import read_sites
    from aktsam.organisation import home_declaration

    with context.reported_errors():
        day = context.parse_day(today, "--today", blank_is_none=True) or date.today()
        records: list[DeviceRecord] = []
        issues: list[ImportIssue] = []
        for path in inventories:
            imported = import_file(path)
            records += imported.records
            issues += imported.issues
        sites = read_sites(sites_file) if sites_file is not None else None
        declaration = home_declaration(context.settings().home)
        ids = [i.strip() for i in regime_ids.split(",") if i.strip()]
        ids = ids or declared_regimes(bundled_regimes(), declaration) or ["us-fcc-covered"]
        result = audit(records, sites, select(bundled_regimes(), ids), today=day, issues=issues,
                       declaration=declaration)  # fmt: skip
        summary = reg.link_audit(context.store(), result, customer_id=customer, actor=_actor(by))
    if as_json:
        _print_json({**summary.to_dict(), "import_issues": [str(i) for i in issues],
                     "regimes": ids, "organisation": declaration.describe()})  # fmt: skip
        return
    out = context.console()
    out.print(
        f"{summary.devices} devices: {summary.linked} linked ({summary.added} added, "
        f"{summary.updated} updated, {summary.unchanged} unchanged), {summary.unidentified} with "
        f"no identified maker, {sum(summary.without_party.values())} whose maker has no party"
    )
    out.print(escape(f"findings against {', '.join(ids)}; organisation profile: "
                     f"{declaration.describe()}"), highlight=False)  # fmt: skip
    for party, count in sorted(summary.by_party.items()):
        out.print(escape(f"  {party}: {count}"))
    if summary.without_party:
        context.err_console().print(
            "makers with no party (add one with --identifier maker=<id>): "
            + escape(", ".join(f"{m} {n}" for m, n in sorted(summary.without_party.items()))),
            highlight=False,
        )
    if issues:
        context.err_console().print(
            f"{len(issues)} import issue(s) in the inventory", highlight=False
        )


def register(app: typer.Typer) -> None:
    """Add this command family to ``app`` (the ``aktsam`` command)."""
    app.add_typer(group, name="parties")
