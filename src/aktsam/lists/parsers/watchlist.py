"""A user's own watchlist as CSV (source ``csv``): the names an organisation screens against besides
the official lists (former customers refused, a supplier's sanctioned parent, internal bans).

Default columns: ``id,name,schema,country,birth_date,aliases,program,remarks``. Only ``name`` is
required; the others may be absent. :func:`parse_watchlist` takes a mapping from those fields to
the user's own column names, and a delimiter when sniffing should not guess it.

Rules, each because a watchlist is maintained by hand and a silent misreading would be screened on:

* UTF-8, with or without BOM; an undecodable byte is refused with its line. Delimiter sniffed
  among ``,`` ``;`` tab and ``|`` (``,`` if the header shows none).
* Header matching ignores case and surrounding spaces. A mapped or required column that is not in
  the header is named in the error; unmapped extra columns are ignored.
* ``schema``: person/individual, organization/organisation/entity/company, vessel/ship,
  aircraft/airplane, or blank (unknown); anything else is refused.
* ``country``, ``birth_date``, ``aliases``, ``program`` hold several values separated by ``;``.
  A country that does not resolve is refused too (a typo would silently drop a screening
  criterion); dates are ISO (``1970``, ``1970-05``, ``1970-05-01``) or ``dd/mm/yyyy``.
* ``id``: the user's id, unique in the file. Without one (no id column, or a blank cell) the id is
  ``h-`` + the first 16 hex digits of the SHA-1 of the case-folded, space-collapsed name and the
  schema: it stays the same from one version of the watchlist to the next as long as the name and
  schema do, so decisions follow the entry. Two rows that would get the same derived id are
  refused (add an ``id`` column to tell them apart).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from aktsam.errors import ListFormatError
from aktsam.lists.model import ListedEntity, Name, NameKind, ParsedList, Schema
from aktsam.lists.parsers.textfile import csv_records, csv_rows, decode_utf8, read_bytes
from aktsam.lists.values import clean, country_code, is_original_script, iso_date

SOURCE = "csv"

FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "schema",
    "country",
    "birth_date",
    "aliases",
    "program",
    "remarks",
)

_SCHEMAS: dict[str, Schema] = {
    "": Schema.UNKNOWN,
    "unknown": Schema.UNKNOWN,
    "person": Schema.PERSON,
    "individual": Schema.PERSON,
    "organization": Schema.ORGANIZATION,
    "organisation": Schema.ORGANIZATION,
    "entity": Schema.ORGANIZATION,
    "company": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "ship": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
    "airplane": Schema.AIRCRAFT,
}

_DELIMITERS = ",;\t|"


def parse(path: Path) -> ParsedList:
    """Read a watchlist CSV with the default column names."""
    return parse_watchlist(path)


def parse_watchlist(
    path: Path, columns: Mapping[str, str] | None = None, *, delimiter: str | None = None
) -> ParsedList:
    """Read a watchlist CSV; ``columns`` maps fields (``name``, ``aliases``…) to its columns."""
    path = Path(path)
    unknown = sorted(set(columns or {}) - set(FIELDS))
    if unknown:
        raise ListFormatError(
            path, None, f"unknown fields in the column mapping: {', '.join(unknown)}"
        )
    text = decode_utf8(path, read_bytes(path), "is not UTF-8 (save the watchlist as UTF-8)")
    if not text.strip():
        raise ListFormatError(path, None, "the file is empty")
    records = _records(path, text, delimiter or _sniff(text))
    try:
        header_line, header = next(records)
    except StopIteration:
        raise ListFormatError(path, None, "the file is empty") from None
    index = _column_index(path, header_line, header, columns)
    entities: list[ListedEntity] = []
    seen: dict[str, int] = {}
    warnings: list[str] = []
    for line, cells in csv_rows(path, records, header):
        row = {field: cells[position] for field, position in index.items()}
        entity = _entity(path, line, row)
        if entity.source_id in seen:
            message = f"id {entity.source_id!r} is already used on line {seen[entity.source_id]}"
            if not clean(row.get("id")):
                message += " (derived from the same name and schema: give the rows ids)"
            raise ListFormatError(path, f"line {line}, field 'id'", message)
        seen[entity.source_id] = line
        entities.append(entity)
    if not entities:
        warnings.append("the watchlist has a header but no entries")
    return ParsedList(SOURCE, entities, None, files=[str(path)], warnings=warnings)


def _sniff(text: str) -> str:
    header = text.lstrip().splitlines()[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _records(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV records with a non-blank cell (blank lines, even before the header, are skipped)."""
    for line, cells in csv_records(path, text, delimiter):
        if any(cell.strip() for cell in cells):
            yield line, cells


def _column_index(
    path: Path, line: int, header: list[str], columns: Mapping[str, str] | None
) -> dict[str, int]:
    """Position of each field's column; an error names every mapped column the header lacks."""
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        key = name.strip().casefold()
        if key in positions:
            raise ListFormatError(path, f"line {line}", f"column {name.strip()!r} appears twice")
        positions[key] = position
    wanted = {field: field for field in FIELDS} | dict(columns or {})
    index: dict[str, int] = {}
    missing: list[str] = []
    for field, column in wanted.items():
        found = positions.get(column.strip().casefold())
        if found is not None:
            index[field] = found
        elif field == "name" or field in (columns or {}):
            missing.append(repr(column))
    if missing:
        raise ListFormatError(path, f"line {line}", f"missing columns: {', '.join(missing)}")
    return index


def _split(value: str | None) -> list[str]:
    items = (clean(part) for part in (value or "").split(";"))
    return [item for item in items if item]


def _entity(path: Path, line: int, row: dict[str, str]) -> ListedEntity:
    name = clean(row["name"])
    if name is None:
        raise ListFormatError(path, f"line {line}, field 'name'", "empty name")
    schema_text = (clean(row.get("schema")) or "").casefold()
    schema = _SCHEMAS.get(schema_text)
    if schema is None:
        raise ListFormatError(
            path,
            f"line {line}, field 'schema'",
            f"unknown schema {row['schema']!r} (use person, organization, vessel, aircraft)",
        )
    countries: list[str] = []
    for text in _split(row.get("country")):
        code = country_code(text)
        if code is None:
            raise ListFormatError(
                path, f"line {line}, field 'country'", f"unknown country {text!r}"
            )
        if code not in countries:
            countries.append(code)
    birth_dates: list[str] = []
    for text in _split(row.get("birth_date")):
        date = iso_date(text, day_first=True)
        if date is None:
            raise ListFormatError(
                path, f"line {line}, field 'birth_date'", f"unreadable date {text!r}"
            )
        birth_dates.append(date)
    names = [Name(name, NameKind.PRIMARY)]
    for alias in _split(row.get("aliases")):
        if all(alias != known.value for known in names):
            kind = NameKind.ORIGINAL_SCRIPT if is_original_script(alias) else NameKind.ALIAS
            names.append(Name(alias, kind))
    source_id = clean(row.get("id")) or _derived_id(name, schema)
    return ListedEntity(
        source=SOURCE,
        source_id=source_id,
        schema=schema,
        names=names,
        birth_dates=birth_dates,
        countries=countries,
        programs=_split(row.get("program")),
        remarks=clean(row.get("remarks")),
    )


def _derived_id(name: str, schema: Schema) -> str:
    """A stable id for a row without one: it changes only when the name or the schema does."""
    key = f"{' '.join(name.casefold().split())}|{schema.value}"
    return "h-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
