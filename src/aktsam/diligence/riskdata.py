"""Country, region, sector and forced-labour reference data for due diligence.

Every table lives in ``aktsam/diligence/data/`` (see ``PROVENANCE.md`` there), every row has a
``source`` and a ``date``, and every object returned here carries both, so an assessment factor can
always say where it comes from. Tables are read with :func:`aktsam.devices.refdata.read_table`, which
refuses a row without source or date and names the file, the row and the field.

Freedom House data is not bundled (it is not openly licensed): :func:`load_freedom_house` reads a
copy the user holds a licence for.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from aktsam.devices.refdata import ReferenceDataError, Row, read_table

DATA_DIR = Path(__file__).resolve().parent / "data"

LEVELS = ("low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class CountryRisk:
    country: str  # ISO 3166-1 alpha-2, upper case
    name: str
    vdem_libdem: float
    vdem_year: int
    level: str
    source: str
    date: str


@dataclass(frozen=True, slots=True)
class RegionRisk:
    region: str
    country: str
    aliases: tuple[str, ...]
    level: str
    reason: str
    source: str
    date: str
    matched: str = ""  # the alias that matched, when found by :func:`region_risk`


@dataclass(frozen=True, slots=True)
class ForcedLabourGood:
    good: str
    sector: str
    country: str
    country_name: str
    child_labor: bool
    forced_labor: bool
    forced_child_labor: bool
    derived: bool  # a downstream good made with a listed input
    derived_from_country: str  # country of that input, "" when not derived
    source: str
    date: str


@dataclass(frozen=True, slots=True)
class ProductGood:
    category: str
    good: str
    reason: str
    source: str
    date: str


@dataclass(frozen=True, slots=True)
class UflpaEntity:
    entity_name: str
    aliases: tuple[str, ...]
    sector_products: str
    list_section: str
    announced_date: str
    effective_date: str
    notes: str
    source: str
    date: str
    matched: str = ""


@dataclass(frozen=True, slots=True)
class GpfgDecision:
    company: str
    decision: str
    criterion: str
    council_recommendation_date: str
    norges_bank_decision_date: str
    status_as_of: str
    status: str
    notes: str
    source: str
    date: str


@dataclass(frozen=True, slots=True)
class SectorRisk:
    sector: str
    level: str
    reason: str
    source: str
    date: str


@dataclass(frozen=True, slots=True)
class FreedomHouseStatus:
    country: str  # ISO alpha-2, upper case
    name: str  # Freedom House spelling
    region: str
    kind: str  # "c" country, "t" territory
    status: str  # F, PF, NF
    score: int  # 0-100, higher is freer
    source: str
    date: str


@dataclass(frozen=True, slots=True)
class FreedomHouseData:
    by_country: dict[str, FreedomHouseStatus]
    unmapped: tuple[str, ...]  # FH names with no ISO alpha-2 (e.g. disputed territories)
    skipped: tuple[str, ...] = field(default=())  # mapped but shadowed by another row


# --- helpers ------------------------------------------------------------------------------------


def normalise_name(text: str) -> str:
    """Casefolded, accents and punctuation removed, spaces collapsed (for name equality)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _level(row: Row, column: str = "level") -> str:
    value = row[column]
    if value not in LEVELS:
        raise row.error(column, f"level {value!r} is not one of {', '.join(LEVELS)}")
    return value


def _yes(row: Row, column: str) -> bool:
    value = row[column]
    if value not in ("yes", "no"):
        raise row.error(column, f"{value!r} is not yes or no")
    return value == "yes"


# --- countries ----------------------------------------------------------------------------------


@cache
def _countries() -> dict[str, CountryRisk]:
    out: dict[str, CountryRisk] = {}
    path = DATA_DIR / "country_risk.csv"
    for row in read_table(path, ["country", "name", "vdem_libdem", "vdem_year", "level"]):
        try:
            libdem, year = float(row["vdem_libdem"]), int(row["vdem_year"])
        except ValueError as exc:
            raise row.error("vdem_libdem", f"not a number: {exc}") from exc
        out[row["country"].upper()] = CountryRisk(
            row["country"].upper(),
            row["name"],
            libdem,
            year,
            _level(row),
            row["source"],
            row["date"],
        )
    return out


def country_risk(code: str) -> CountryRisk | None:
    """The V-Dem based risk of a country (ISO alpha-2, any case), or None when not covered."""
    return _countries().get(code.strip().upper())


def all_country_risks() -> list[CountryRisk]:
    return list(_countries().values())


# --- regions ------------------------------------------------------------------------------------


@cache
def _regions() -> tuple[RegionRisk, ...]:
    path = DATA_DIR / "regions.csv"
    return tuple(
        RegionRisk(
            row["region"],
            row["country"].upper(),
            _split(row["aliases"]),
            _level(row),
            row["reason"],
            row["source"],
            row["date"],
        )
        for row in read_table(path, ["region", "country", "aliases", "level", "reason"])
    )


def region_risk(text: str, country: str | None = None) -> RegionRisk | None:
    """The high-risk region named in ``text`` (an alias as a whole word, case-insensitive).

    ``country`` (ISO alpha-2), when given, must be the region's country. "Urumqi, Xinjiang" and
    "XUAR" match Xinjiang; "Xinjiangs" does not.
    """
    wanted = country.strip().upper() if country else None
    folded = text.casefold()
    for region in _regions():
        if wanted and region.country != wanted:
            continue
        for alias in (region.region, *region.aliases):
            a = alias.casefold()
            # \b does not work for scripts without spaces (新疆): plain containment there.
            if a.isascii():
                if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", folded):
                    return _with_match(region, alias)
            elif a in folded:
                return _with_match(region, alias)
    return None


def _with_match(region: RegionRisk, alias: str) -> RegionRisk:
    return RegionRisk(
        region.region,
        region.country,
        region.aliases,
        region.level,
        region.reason,
        region.source,
        region.date,
        alias,
    )


# --- forced labour goods ------------------------------------------------------------------------


@cache
def _goods() -> tuple[ForcedLabourGood, ...]:
    path = DATA_DIR / "forced_labour_goods.csv"
    cols = ["good", "sector", "country", "child_labor", "forced_labor"]
    return tuple(
        ForcedLabourGood(
            row["good"],
            row["sector"],
            row["country"].upper(),
            row["country_name"],
            _yes(row, "child_labor"),
            _yes(row, "forced_labor"),
            _yes(row, "forced_child_labor"),
            _yes(row, "derived"),
            row["derived_from_country"].upper(),
            row["source"],
            row["date"],
        )
        for row in read_table(path, cols)
    )


def forced_labour_goods(country: str, goods: Iterable[str] | None = None) -> list[ForcedLabourGood]:
    """ILAB list rows for a country (ISO alpha-2), optionally only for the named goods."""
    code = country.strip().upper()
    wanted = {g.casefold() for g in goods} if goods is not None else None
    return [
        g for g in _goods() if g.country == code and (wanted is None or g.good.casefold() in wanted)
    ]


def all_forced_labour_goods() -> list[ForcedLabourGood]:
    return list(_goods())


@cache
def _product_goods() -> tuple[ProductGood, ...]:
    path = DATA_DIR / "product_goods.csv"
    rows = read_table(path, ["category", "good", "reason"])
    known = {g.good for g in _goods()}
    out = []
    for row in rows:
        if row["good"] not in known:
            raise row.error("good", f"{row['good']!r} is not a good in forced_labour_goods.csv")
        out.append(
            ProductGood(row["category"], row["good"], row["reason"], row["source"], row["date"])
        )
    return tuple(out)


def goods_for_products(categories: Iterable[str]) -> list[ProductGood]:
    """The ILAB goods behind aktsam product categories (unknown categories give nothing)."""
    wanted = {c.strip().casefold() for c in categories}
    return [p for p in _product_goods() if p.category.casefold() in wanted]


def product_categories() -> list[str]:
    return sorted({p.category for p in _product_goods()})


# --- UFLPA, GPFG --------------------------------------------------------------------------------


def _alias_keys(name: str, aliases: Iterable[str]) -> set[str]:
    keys = set()
    for text in (name, *aliases):
        text = re.sub(r"^\s*(formerly|f/k/a|aka)\s+", "", text, flags=re.IGNORECASE)
        key = normalise_name(text)
        if key:
            keys.add(key)
    return keys


@cache
def _uflpa() -> tuple[UflpaEntity, ...]:
    path = DATA_DIR / "uflpa_entities.csv"
    return tuple(
        UflpaEntity(
            row["entity_name"],
            _split(row["aliases"]),
            row["sector_products"],
            row["uflpa_list_section"],
            row["announced_date"],
            row["effective_date"],
            row["notes"],
            row["source"],
            row["date"],
        )
        for row in read_table(path, ["entity_name"])
    )


def uflpa_match(name: str) -> list[UflpaEntity]:
    """Transcribed UFLPA Entity List entries whose name or an alias equals ``name``, normalised.

    Only a subset of the list is bundled (see PROVENANCE.md): no match is not a clearance.
    """
    key = normalise_name(re.sub(r"^\s*(formerly|f/k/a|aka)\s+", "", name, flags=re.IGNORECASE))
    out = []
    for entity in _uflpa():
        for text in (entity.entity_name, *entity.aliases):
            if key and key in _alias_keys(text, ()):
                out.append(
                    UflpaEntity(
                        entity.entity_name,
                        entity.aliases,
                        entity.sector_products,
                        entity.list_section,
                        entity.announced_date,
                        entity.effective_date,
                        entity.notes,
                        entity.source,
                        entity.date,
                        text,
                    )
                )
                break
    return out


@cache
def _gpfg() -> tuple[GpfgDecision, ...]:
    path = DATA_DIR / "gpfg_decisions.csv"
    return tuple(
        GpfgDecision(
            row["company"],
            row["decision"],
            row["criterion"],
            row["council_recommendation_date"],
            row["norges_bank_decision_date"],
            row["status_as_of"],
            row["status"],
            row["notes"],
            row["source"],
            row["date"],
        )
        for row in read_table(path, ["company", "decision", "status"])
    )


def gpfg_decisions(name: str) -> list[GpfgDecision]:
    """Transcribed GPFG / Council on Ethics decisions on a company (normalised name equality)."""
    key = normalise_name(name)
    return [d for d in _gpfg() if key and normalise_name(d.company) == key]


# --- sectors ------------------------------------------------------------------------------------


@cache
def _sectors() -> dict[str, SectorRisk]:
    path = DATA_DIR / "sector_risk.csv"
    return {
        row["sector"]: SectorRisk(
            row["sector"], _level(row), row["reason"], row["source"], row["date"]
        )
        for row in read_table(path, ["sector", "level", "reason"])
    }


def sector_risk(sector: str) -> SectorRisk | None:
    """The risk of a sector id (e.g. ``video-surveillance``), or None when not listed."""
    return _sectors().get(sector.strip().casefold())


def sectors() -> list[str]:
    return sorted(_sectors())


# --- Freedom House (user-supplied) --------------------------------------------------------------

FREEDOM_HOUSE_STATUSES = ("F", "PF", "NF")
_FH_NAMES = {"Turkey (Türkiye)": "TR"}


def load_freedom_house(path: Path, source: str | None = None, date: str = "") -> FreedomHouseData:
    """Read a Freedom House *Freedom in the World* table the user holds a licence for.

    Format (as in Freedom House's aggregate-score exports): no header; columns name, FH region,
    ``c`` (country) or ``t`` (territory), status ``F`` / ``PF`` / ``NF``, total score 0-100. Names
    are mapped to ISO alpha-2 with ``rigour``; names that cannot be mapped (or map to a sub-national
    code such as Abkhazia) are returned in ``unmapped``. Where two rows map to the same code, a
    country (``c``) row wins over a territory (``t``) row, and between two territories the lower
    score is kept (West Bank and Gaza Strip both map to PS); the shadowed names are in ``skipped``.
    A malformed row raises :class:`~aktsam.devices.refdata.ReferenceDataError` naming file, row
    and field.
    """
    from rigour.territories import lookup_territory

    src = source or f"Freedom House, Freedom in the World (user-supplied file {path.name})"
    found: dict[str, FreedomHouseStatus] = {}
    unmapped: list[str] = []
    skipped: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(csv.reader(handle), start=1):
            if not raw or not any(cell.strip() for cell in raw):
                continue
            if len(raw) < 5:
                raise ReferenceDataError(path, number, None, f"expected 5 columns, got {len(raw)}")
            name, region, kind, status, score_text = (c.strip() for c in raw[:5])
            if kind not in ("c", "t"):
                raise ReferenceDataError(path, number, "kind", f"{kind!r} is not c or t")
            if status not in FREEDOM_HOUSE_STATUSES:
                raise ReferenceDataError(path, number, "status", f"{status!r} is not F, PF or NF")
            try:
                score = int(score_text)
            except ValueError as exc:
                raise ReferenceDataError(
                    path, number, "score", f"{score_text!r} is not a number"
                ) from exc
            code = _FH_NAMES.get(name)
            if code is None:
                territory = lookup_territory(name)
                if territory is None or len(territory.code) != 2:
                    unmapped.append(name)
                    continue
                code = territory.code.upper()
            entry = FreedomHouseStatus(code, name, region, kind, status, score, src, date)
            old = found.get(code)
            if old is None:
                found[code] = entry
            elif (old.kind == "t" and kind == "c") or (
                old.kind == kind == "t" and score < old.score
            ):
                skipped.append(old.name)
                found[code] = entry
            else:
                skipped.append(name)
    return FreedomHouseData(found, tuple(unmapped), tuple(skipped))
