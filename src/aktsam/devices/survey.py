"""Survey: across many organisations' inventories, the share of organisations per sector that run each maker.

The question a journalist, NGO or researcher asks of a pile of Freedom-of-Information answers ("most
councils, schools and hospitals run Hikvision or Dahua, often under another brand"). Each input file is
one organisation's answer (an asset register, CSV or XLSX, or any file :func:`import_file` reads), or one
combined CSV with an organisation column.

**Whose answer a row is** (first that applies):

1. the row's own ``organisation`` column (also ``organization``, ``body``, ``authority``; see
   ``register_columns.PASSTHROUGH``) and ``sector`` column;
2. the manifest (``--organisations``: a CSV with ``file``, ``organisation``, ``sector``; ``file``
   relative to the manifest's folder), by file, and by organisation name for the sector;
3. the file's stem as the organisation, sector ``unknown``.

An organisation named in several files or rows is one organisation (names compared case- and
space-insensitively). A file with no device rows at all (an answer saying "none held": a header alone)
still counts its organisation, with zero devices: it belongs in the denominator.

**How many devices a row is**: a ``quantity`` column (``qty``, ``number``, ``count``…) makes a row
count for that many devices (a whole number ≥ 0; ``1,200`` and ``12.0`` are read; ``0`` keeps the
organisation with no device). A quantity that cannot be read (``about 10``, ``2.5``, ``-1``) is an
**error**: the row is skipped and reported, never counted as 1. A blank quantity in a file that has the
column elsewhere counts as 1 device with a warning; a file without the column counts one device per row.

**Counting rules** (the survey must not overstate):

* a device counts for a maker only when identification names it at level ``high`` or ``medium``;
* a ``low`` identification (a brand-only relabel such as "Annke" or "Lorex" with no model or MAC that
  confirms it: the relabel table's sources are user reports) is kept apart as **possible**, per maker,
  and never makes an organisation count as running the maker;
* an organisation *runs* a maker when at least one counted device is that maker's;
* a counted device is **restricted** when a selected regime covers it for certain, by the equipment
  audit's own decision (``coverage.device_coverage``: the maker, the kind of equipment the regime is
  limited to, e.g. the UK direction's visual surveillance equipment, so a Hytera radio or a Huawei switch
  is not restricted under it). A device the regime covers only if a fact the data does not settle is so
  (a purpose-limited listing such as the FCC Covered List's Hikvision entry, a device type the text
  leaves open, **a device with no recorded type** under a regime limited to some equipment, a maker
  whose country is not recorded) is **to confirm**: shown apart, never counted as restricted. The
  survey has no sites, so a regime's site scope and territory are not applied: it counts equipment the
  regime covers, not where its rules bite;
* *restricted makers* (the ``restricted`` flag per maker) are those the selected regimes name or cover
  (``Regime.covered``: listed makers, their subsidiaries, makers incorporated in a listed country), for
  at least some of their equipment; every maker found is shown, flagged, with its restricted and
  to-confirm device counts beside it;
* *relabelled*: an organisation whose restricted devices are, at least in part, sold under
  another brand (``Identification.relabelled``): the headline of such surveys;
* shares are percentages of the organisations in the sector (or all sectors), one decimal.

Counts balance per file: ``rows_read == rows_counted + rows_skipped`` (the importer's skipped rows plus
rows with a bad quantity); devices are the sum of the counted rows' quantities.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aktsam.devices.coverage import CoverageCache
from aktsam.devices.identify import Identification, identify
from aktsam.devices.importers import import_file
from aktsam.devices.importers.register_columns import PASSTHROUGH, header_key, passthrough_for
from aktsam.devices.importers.register_sheets import XLSX_SUFFIXES, nonblank, read_sheet
from aktsam.devices.makers import makers
from aktsam.devices.model import DeviceRecord, ImportIssue, Origin
from aktsam.devices.regimes import Regime
from aktsam.errors import InputError

UNKNOWN_SECTOR = "unknown"
ALL_SECTORS = "all sectors"
COUNTED_LEVELS = ("high", "medium")
POSSIBLE_LEVEL = "low"
INPUT_SUFFIXES = (".csv", ".tsv", *XLSX_SUFFIXES, ".xml", ".txt")
"""What a folder given as input contributes: device inputs by extension (README.md and the like are not)."""

BY_SECTOR_COLUMNS = (
    "sector", "maker", "restricted", "organisations", "organisations_running", "share", "devices",
    "possible", "organisations_possible", "devices_restricted", "organisations_restricted",
    "devices_to_confirm", "organisations_to_confirm",
)  # fmt: skip
SECTOR_COLUMNS = (
    "sector", "organisations", "devices", "organisations_restricted", "share_restricted",
    "organisations_relabelled", "share_relabelled", "organisations_possible_restricted",
    "organisations_to_confirm", "share_to_confirm",
)  # fmt: skip
ORGANISATION_COLUMNS = (
    "organisation", "sector", "files", "devices", "restricted", "restricted_relabelled",
    "relabelled", "possible", "unknown", "to_confirm",
)  # fmt: skip
FILE_COLUMNS = ("file", "kind", "rows_read", "rows_counted", "rows_skipped", "devices", "balanced")

_QUANTITY = re.compile(r"^(?:\d+|\d{1,3}(?:[,\u00a0\u202f ]\d{3})+)(?:\.0+)?$")


# --- data -------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class OrganisationCount:
    """One organisation's answer, counted: devices per maker, and what could not be counted as a hit."""

    name: str
    sector: str
    files: list[str] = field(default_factory=list)
    devices: int = 0  # every device its rows stand for: counted + possible + unknown
    by_maker: dict[str, int] = field(default_factory=dict)  # maker id → devices (high/medium)
    possible: dict[str, int] = field(default_factory=dict)  # maker id → devices (low confidence)
    relabelled: int = 0  # counted devices of any maker sold under another brand
    restricted: int = 0  # counted devices a selected regime covers for certain
    restricted_relabelled: int = 0  # ... of those, under another brand
    unknown: int = 0  # no maker named
    to_confirm: int = 0  # counted devices a regime covers only if a fact is confirmed
    restricted_by_maker: dict[str, int] = field(
        default_factory=dict
    )  # maker id → restricted devices
    to_confirm_by_maker: dict[str, int] = field(
        default_factory=dict
    )  # maker id → to-confirm devices

    def runs(self, maker: str) -> bool:
        return self.by_maker.get(maker, 0) > 0

    def possibly_runs(self, maker: str) -> bool:
        return not self.runs(maker) and self.possible.get(maker, 0) > 0


@dataclass(frozen=True, slots=True)
class SectorMaker:
    """One line of the sector × maker table."""

    sector: str
    maker: str  # maker id
    maker_name: str
    restricted: bool  # the regimes name or cover the maker (for at least some of its equipment)
    organisations: int  # in the sector
    organisations_running: int  # with at least one counted device of the maker
    share: float  # organisations_running / organisations, %
    devices: int  # counted devices of the maker in the sector
    possible: int  # low-confidence devices of the maker, not counted
    organisations_possible: int  # organisations with only low-confidence devices of the maker
    devices_restricted: int = 0  # counted devices of the maker a regime covers for certain
    organisations_restricted: int = 0  # organisations with at least one of those
    devices_to_confirm: int = 0  # counted devices of the maker covered only if a fact is confirmed
    organisations_to_confirm: int = 0  # organisations with such devices and none restricted


@dataclass(frozen=True, slots=True)
class SectorSummary:
    """Per sector: how many organisations run any restricted maker, and how many under another brand."""

    sector: str
    organisations: int
    devices: int
    organisations_restricted: int
    share_restricted: float
    organisations_relabelled: int  # restricted devices (partly) under another brand
    share_relabelled: float  # of the organisations in the sector
    organisations_possible_restricted: int  # only low-confidence devices of restricted makers
    organisations_to_confirm: int = 0  # no restricted device, but devices to confirm
    share_to_confirm: float = 0.0


@dataclass(slots=True)
class FileCount:
    """What one input file gave: rows read, rows counted, rows skipped, devices."""

    file: str
    kind: str
    rows_read: int = 0
    rows_counted: int = 0
    rows_skipped: int = 0
    devices: int = 0

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_counted + self.rows_skipped


@dataclass(slots=True)
class SurveyResult:
    regimes: list[str]
    restricted_makers: list[str]  # maker ids covered by the regimes, sorted
    maker_names: dict[str, str]  # every maker found → display name
    organisations: list[OrganisationCount]
    by_sector: list[SectorMaker]  # each sector, then ALL_SECTORS
    sectors: list[SectorSummary]  # each sector, then ALL_SECTORS
    files: list[FileCount]
    issues: list[ImportIssue]

    @property
    def totals(self) -> SectorSummary:
        return self.sectors[-1]

    def balanced(self) -> bool:
        return all(f.balanced for f in self.files)


# --- the manifest ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Manifest:
    """``--organisations``: which organisation and sector each file is, and each organisation's sector."""

    path: Path
    by_file: dict[Path, tuple[str, str | None, int]] = field(
        default_factory=dict
    )  # → org, sector, row
    sectors: dict[str, str] = field(default_factory=dict)  # organisation key → sector

    def sector_of(self, organisation: str) -> str | None:
        return self.sectors.get(_key(organisation))


_MANIFEST_WORDS = {
    "file": ("file", "filename", "file name", "path"),
    "organisation": PASSTHROUGH["organisation"],
    "sector": PASSTHROUGH["sector"],
}


def read_manifest(path: Path | str) -> Manifest:
    """The manifest CSV/XLSX (``file, organisation, sector``); a bad row is an InputError naming it."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path), field="--organisations")
    rows = list(nonblank(read_sheet(path).rows))
    if not rows:
        raise InputError("empty manifest", file=str(path))
    header_row, header = rows[0]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for column, words in _MANIFEST_WORDS.items():
            if header_key(name) in words and column not in columns:
                columns[column] = index
    if "organisation" not in columns:
        raise InputError(
            f"no organisation column in the header (columns are: {', '.join(c for c in header if c)}); "
            "expected file, organisation, sector",
            file=str(path),
            row=header_row,
        )
    manifest = Manifest(path=path)
    for number, cells in rows[1:]:

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        organisation, sector, name = _clean(cell("organisation")), cell("sector"), cell("file")
        if not organisation:
            raise InputError("no organisation", file=str(path), row=number, field="organisation")
        if sector:
            known = manifest.sectors.setdefault(_key(organisation), sector)
            if known != sector:
                raise InputError(
                    f"{organisation!r} is in sector {known!r} on an earlier row",
                    file=str(path),
                    row=number,
                    field="sector",
                )
        if name:
            target = (path.parent / name).resolve()
            if target in manifest.by_file:
                earlier = manifest.by_file[target][2]
                raise InputError(
                    f"file {name!r} is already listed on row {earlier}",
                    file=str(path),
                    row=number,
                    field="file",
                )
            manifest.by_file[target] = (organisation, sector or None, number)
    return manifest


# --- counting -------------------------------------------------------------------------------------------------


def parse_quantity(text: str) -> tuple[int | None, str | None]:
    """``"12"`` → 12; ``"1,200"`` → 1200; ``"12.0"`` → 12; anything else → (None, why)."""
    value = text.strip()
    if _QUANTITY.match(value):
        return int(re.sub(r"[,\u00a0\u202f ]", "", value).split(".")[0]), None
    return None, f"quantity {value!r} is not a whole number of devices"


def expand_inputs(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; a folder gives its device inputs (by extension, not hidden), sorted."""
    out: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            out += sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith(".")
            )
        else:
            out.append(path)
    return out


def survey(
    paths: Iterable[Path | str], regimes: Sequence[Regime], manifest: Manifest | None = None
) -> SurveyResult:
    """Count every input by organisation, then organisations per sector × maker (see the module doc)."""
    restricted = frozenset().union(*(r.covered for r in regimes))
    counter = _Counter(restricted, manifest, list(regimes))
    for path in expand_inputs(paths):
        if manifest is not None and path.resolve() == manifest.path.resolve():
            continue  # the manifest caught by a glob is not an answer
        counter.add_file(path)
    counter.unanswered()
    return counter.result([r.id for r in regimes])


def _clean(text: str) -> str:
    return " ".join(text.split())


def _key(name: str) -> str:
    return _clean(name).casefold()


def _passthrough(record: DeviceRecord) -> dict[str, str]:
    """The survey's columns (organisation, sector, quantity) from the record's extra values."""
    out: dict[str, str] = {}
    for label, value in record.extra:
        name = passthrough_for(label)
        if name is not None and name not in out and value.strip():
            out[name] = value.strip()
    return out


class _Counter:
    def __init__(
        self, restricted: frozenset[str], manifest: Manifest | None, regimes: list[Regime]
    ) -> None:
        self.restricted = restricted
        self.regimes = regimes
        self.coverage = CoverageCache(untyped="to-confirm")  # a claim about others: never overstate
        self.manifest = manifest
        self.orgs: dict[str, OrganisationCount] = {}
        self.files: list[FileCount] = []
        self.issues: list[ImportIssue] = []
        self.given: set[Path] = set()

    def organisation(self, name: str, sector: str | None, origin: Origin) -> OrganisationCount:
        key = _key(name)
        org = self.orgs.get(key)
        sector = sector or (self.manifest.sector_of(name) if self.manifest else None)
        if org is None:
            org = self.orgs[key] = OrganisationCount(_clean(name), sector or UNKNOWN_SECTOR)
        elif sector and org.sector == UNKNOWN_SECTOR:
            org.sector = sector
        elif sector and sector != org.sector:
            message = f"{org.name!r} is in sector {org.sector!r} already; {sector!r} ignored"
            self.issues.append(ImportIssue(origin, "sector", message, "warning"))
        if origin.file not in org.files:
            org.files.append(origin.file)
        return org

    def add_file(self, path: Path) -> None:
        imported = import_file(path)
        self.given.add(path.resolve())
        count = FileCount(str(path), imported.kind, imported.rows_read, 0, imported.skipped)
        self.files.append(count)
        self.issues += imported.issues
        default_name, default_sector = path.stem, None
        if self.manifest is not None and path.resolve() in self.manifest.by_file:
            default_name, default_sector, _ = self.manifest.by_file[path.resolve()]
        has_quantity = any("quantity" in _passthrough(r) for r in imported.records)
        used_default = not imported.records
        for record in imported.records:
            values = _passthrough(record)
            quantity = 1
            if "quantity" in values:
                parsed, reason = parse_quantity(values["quantity"])
                if parsed is None:
                    message = f"{reason}; row skipped (not counted as 1)"
                    self.issues.append(ImportIssue(record.origin, "quantity", message, "error"))
                    count.rows_skipped += 1
                    continue
                quantity = parsed
            elif has_quantity:
                message = "quantity blank: counted as 1 device"
                self.issues.append(ImportIssue(record.origin, "quantity", message, "warning"))
            name = values.get("organisation")
            sector = values.get("sector")
            if name is None:
                name, used_default = default_name, True
                sector = sector or default_sector
            org = self.organisation(name, sector, record.origin)
            self._count(org, identify(record), quantity, record.device_type)
            count.rows_counted += 1
            count.devices += quantity
        if used_default:  # an answer with no device rows still counts its organisation
            self.organisation(default_name, default_sector, Origin(file=str(path)))

    def status(self, maker: str, device_type: str | None) -> str:
        """ "restricted", "to confirm" or "" for a counted device, by the audit's coverage decision."""
        answers = [self.coverage.get(r, maker, device_type, None).status for r in self.regimes]
        if "covered" in answers:
            return "restricted"
        return "to confirm" if "to confirm" in answers else ""

    def _count(
        self, org: OrganisationCount, ident: Identification, quantity: int, device_type: str | None
    ) -> None:
        org.devices += quantity
        if ident.maker is None:
            org.unknown += quantity
        elif ident.level == POSSIBLE_LEVEL:
            org.possible[ident.maker] = org.possible.get(ident.maker, 0) + quantity
        elif ident.level in COUNTED_LEVELS:
            org.by_maker[ident.maker] = org.by_maker.get(ident.maker, 0) + quantity
            if ident.relabelled:
                org.relabelled += quantity
            status = self.status(ident.maker, device_type)
            if status == "restricted":
                org.restricted += quantity
                by = org.restricted_by_maker
                by[ident.maker] = by.get(ident.maker, 0) + quantity
                if ident.relabelled:
                    org.restricted_relabelled += quantity
            elif status == "to confirm":
                org.to_confirm += quantity
                by = org.to_confirm_by_maker
                by[ident.maker] = by.get(ident.maker, 0) + quantity
        else:  # a level identify does not give with a maker today: never counted as a hit
            org.unknown += quantity

    def unanswered(self) -> None:
        """Manifest rows whose file was not given: reported, not counted (no answer is not zero)."""
        if self.manifest is None:
            return
        for target, (name, _, row) in self.manifest.by_file.items():
            if target not in self.given:
                origin = Origin(file=str(self.manifest.path), row=row)
                message = f"{name!r}: file {target.name!r} was not given as input; not counted"
                self.issues.append(ImportIssue(origin, "file", message, "warning"))

    def result(self, regime_ids: list[str]) -> SurveyResult:
        orgs = sorted(self.orgs.values(), key=lambda o: (o.sector, o.name.casefold()))
        found = {m for o in orgs for m in (*o.by_maker, *o.possible)}
        table = makers()
        names = {m: table.get(m).name for m in found}

        def order(maker: str) -> tuple[bool, int, int, str]:
            running = sum(o.runs(maker) for o in orgs)
            possible = sum(o.possibly_runs(maker) for o in orgs)
            return (maker not in self.restricted, -running, -possible, names[maker].casefold())

        ranked = sorted(found, key=order)
        groups = [(s, [o for o in orgs if o.sector == s]) for s in sorted({o.sector for o in orgs})]
        groups.append((ALL_SECTORS, orgs))
        by_sector = [
            _sector_maker(sector, members, maker, names[maker], maker in self.restricted)
            for sector, members in groups
            for maker in ranked
        ]
        sectors = [_sector_summary(sector, members, self.restricted) for sector, members in groups]
        return SurveyResult(
            regimes=regime_ids,
            restricted_makers=sorted(self.restricted),
            maker_names={m: names[m] for m in ranked},
            organisations=orgs,
            by_sector=by_sector,
            sectors=sectors,
            files=self.files,
            issues=self.issues,
        )


def share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _sector_maker(
    sector: str, orgs: list[OrganisationCount], maker: str, name: str, restricted: bool
) -> SectorMaker:
    running = sum(o.runs(maker) for o in orgs)
    return SectorMaker(
        sector=sector,
        maker=maker,
        maker_name=name,
        restricted=restricted,
        organisations=len(orgs),
        organisations_running=running,
        share=share(running, len(orgs)),
        devices=sum(o.by_maker.get(maker, 0) for o in orgs),
        possible=sum(o.possible.get(maker, 0) for o in orgs),
        organisations_possible=sum(o.possibly_runs(maker) for o in orgs),
        devices_restricted=sum(o.restricted_by_maker.get(maker, 0) for o in orgs),
        organisations_restricted=sum(o.restricted_by_maker.get(maker, 0) > 0 for o in orgs),
        devices_to_confirm=sum(o.to_confirm_by_maker.get(maker, 0) for o in orgs),
        organisations_to_confirm=sum(
            o.to_confirm_by_maker.get(maker, 0) > 0 and not o.restricted_by_maker.get(maker, 0)
            for o in orgs
        ),
    )


def _sector_summary(
    sector: str, orgs: list[OrganisationCount], restricted: frozenset[str]
) -> SectorSummary:
    running = sum(o.restricted > 0 for o in orgs)
    relabelled = sum(o.restricted_relabelled > 0 for o in orgs)
    possible = sum(  # neither restricted nor to confirm: only low-confidence devices
        o.restricted == 0 and o.to_confirm == 0 and any(o.possible.get(m, 0) for m in restricted)
        for o in orgs
    )
    to_confirm = sum(o.restricted == 0 and o.to_confirm > 0 for o in orgs)
    return SectorSummary(
        sector=sector,
        organisations=len(orgs),
        devices=sum(o.devices for o in orgs),
        organisations_restricted=running,
        share_restricted=share(running, len(orgs)),
        organisations_relabelled=relabelled,
        share_relabelled=share(relabelled, len(orgs)),
        organisations_possible_restricted=possible,
        organisations_to_confirm=to_confirm,
        share_to_confirm=share(to_confirm, len(orgs)),
    )


# --- output -----------------------------------------------------------------------------------------------


def by_sector_rows(result: SurveyResult) -> list[dict[str, object]]:
    rows = []
    for line in result.by_sector:
        row = asdict(line)
        row["maker"] = row.pop("maker_name")
        row["restricted"] = "yes" if line.restricted else "no"
        rows.append({c: row[c] for c in BY_SECTOR_COLUMNS})
    return rows


def organisation_rows(result: SurveyResult) -> list[dict[str, object]]:
    """One row per organisation: the fixed columns, then counted devices per maker (by name)."""
    rows: list[dict[str, object]] = []
    for org in result.organisations:
        row: dict[str, object] = {
            "organisation": org.name,
            "sector": org.sector,
            "files": "; ".join(org.files),
            "devices": org.devices,
            "restricted": org.restricted,
            "restricted_relabelled": org.restricted_relabelled,
            "relabelled": org.relabelled,
            "possible": sum(org.possible.values()),
            "unknown": org.unknown,
            "to_confirm": org.to_confirm,
        }
        for maker, name in result.maker_names.items():
            row[name] = org.by_maker.get(maker, 0)
        rows.append(row)
    return rows


def payload(result: SurveyResult) -> dict[str, object]:
    """Everything, for JSON."""
    from aktsam.devices.audit import issue_row  # audit imports much; only output needs it

    return {
        "regimes": result.regimes,
        "restricted_makers": result.restricted_makers,
        "makers": result.maker_names,
        "rules": {
            "counted_levels": list(COUNTED_LEVELS),
            "possible_level": POSSIBLE_LEVEL,
            "share": "organisations running the maker (>= 1 counted device) / organisations, %",
            "restricted": "a counted device a selected regime covers for certain (the equipment "
            "audit's coverage decision: maker, kind of equipment); to confirm: covered only if a "
            "fact is confirmed (device type, purpose of use, maker's country); never counted",
        },
        "totals": asdict(result.totals),
        "sectors": [asdict(s) for s in result.sectors],
        "by_sector": [asdict(line) for line in result.by_sector],
        "organisations": [asdict(o) for o in result.organisations],
        "files": [{**asdict(f), "balanced": f.balanced} for f in result.files],
        "issues": [issue_row(i) for i in result.issues],
    }


def restricted_shares(result: SurveyResult) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """(restricted maker names found, [(sector, share per maker)]) for the chart; ALL_SECTORS left out."""
    lines = [s for s in result.by_sector if s.restricted]
    names = list(dict.fromkeys(s.maker_name for s in lines))
    rows: dict[str, list[float]] = {}
    for line in lines:
        if line.sector != ALL_SECTORS:
            rows.setdefault(line.sector, []).append(line.share)
    return names, list(rows.items())


def write_survey(result: SurveyResult, path: Path) -> None:
    """CSV (the sector × maker table), JSON (everything), XLSX (``by-sector``, ``sectors``,
    ``by-organisation``, ``files``, ``errors`` and a ``charts`` sheet) or HTML/PDF (headline, charts and
    every table: ``devices.survey_report``), by extension; written to a temporary file and renamed, so
    a failed write leaves nothing."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from aktsam.screening.files import write_table

        write_table(path, BY_SECTOR_COLUMNS, by_sector_rows(result))
        return
    if suffix not in (".json", ".xlsx", ".html", ".pdf"):
        raise InputError(
            f"unsupported output type {suffix!r}; use .csv, .xlsx, .json, .html or .pdf",
            file=str(path),
        )
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if suffix == ".json":
            text = json.dumps(payload(result), ensure_ascii=False, indent=2)
            tmp.write_text(text, encoding="utf-8")
        elif suffix in (".html", ".pdf"):
            from aktsam.devices import survey_report  # Jinja2/WeasyPrint only when asked for

            if suffix == ".html":
                tmp.write_text(survey_report.render_html(result), encoding="utf-8")
            else:
                survey_report.render_pdf(result, tmp)
        else:
            _write_xlsx(result, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_xlsx(result: SurveyResult, tmp: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    from aktsam.devices.audit import ISSUE_COLUMNS, issue_row

    workbook = Workbook(write_only=True)
    org_rows = organisation_rows(result)
    org_columns = (*ORGANISATION_COLUMNS, *result.maker_names.values())
    file_rows = [{**asdict(f), "balanced": "yes" if f.balanced else "no"} for f in result.files]
    sheets: list[tuple[str, Sequence[str], list[dict[str, object]]]] = [
        ("by-sector", BY_SECTOR_COLUMNS, by_sector_rows(result)),
        ("sectors", SECTOR_COLUMNS, [asdict(s) for s in result.sectors]),
        ("by-organisation", org_columns, org_rows),
        ("files", FILE_COLUMNS, file_rows),
        ("errors", ISSUE_COLUMNS, [issue_row(i) for i in result.issues]),
    ]
    for name, columns, data in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        for row in data:
            sheet.append([row[c] for c in columns])
    names, shares = restricted_shares(result)
    sheet = workbook.create_sheet("charts")
    sheet.append(["sector", *(f"{n} (% of organisations)" for n in names)])
    for sector, values in shares:
        sheet.append([sector, *values])
    if names and shares:
        bars = BarChart()
        bars.type = "col"
        bars.title = "Organisations running each restricted maker, by sector"
        bars.y_axis.title, bars.x_axis.title = "% of organisations", "sector"
        bars.y_axis.scaling.min, bars.y_axis.scaling.max = 0, 100
        last = len(shares) + 1
        bars.add_data(
            Reference(sheet, min_col=2, max_col=1 + len(names), min_row=1, max_row=last),
            titles_from_data=True,
        )
        bars.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
        sheet.add_chart(bars, f"{get_column_letter(len(names) + 3)}1")
    workbook.save(tmp)


__all__ = [
    "ALL_SECTORS",
    "Manifest",
    "OrganisationCount",
    "SectorMaker",
    "SectorSummary",
    "SurveyResult",
    "expand_inputs",
    "parse_quantity",
    "read_manifest",
    "survey",
    "write_survey",
]
