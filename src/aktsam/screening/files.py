"""Reading parties to screen from CSV/XLSX and writing hits to CSV/XLSX/JSON.

The input contract (``aktsam screen-file``): columns ``id,name[,schema][,country][,birth_date]``; other
column names are mapped by the caller (``--name-column "Customer name"``). Every bad row is reported with the
file, row number (as a spreadsheet shows it, header = row 1) and field, and nothing is screened when any row is
bad: a half-screened customer file is worse than none, because it looks complete.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aktsam.errors import InputError
from aktsam.lists.model import Schema
from aktsam.lists.parsers.textfile import line_of
from aktsam.lists.values import country_code

QUERY_FIELDS: tuple[str, ...] = ("id", "name", "schema", "country", "birth_date")

#: Output columns of ``screen-file``, in order; the first seven are the interface contract. One row per
#: listed entry that matched; ``designation`` groups the rows of one designation (the smallest entity id
#: of its entries, :mod:`aktsam.screening.designations`), ``also_on`` names the designation's other
#: entries in the lists screened ("us-csl:29159; ofac-sdn:29159"), matched or not.
HIT_COLUMNS: tuple[str, ...] = (
    "query_id",
    "score",
    "list",
    "source_id",
    "entity_id",
    "entity_name",
    "matched_name",
    "query_name",
    "schema",
    "sublist",
    "matched_name_kind",
    "status",
    "explanation",
    "snapshot",
    "designation",
    "also_on",
)

_SCHEMA_WORDS: dict[str, Schema | None] = {
    "": None,
    "any": None,
    "person": Schema.PERSON,
    "individual": Schema.PERSON,
    "organization": Schema.ORGANIZATION,
    "organisation": Schema.ORGANIZATION,
    "company": Schema.ORGANIZATION,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}


@dataclass(frozen=True, slots=True)
class PartyRow:
    """One party to screen, as read from the user's file."""

    row: int
    id: str
    name: str
    schema: Schema | None
    countries: tuple[str, ...]
    birth_date: str | None


def _ftm_schema(value: str) -> tuple[bool, Schema | None]:
    """A FollowTheMoney schema name (``Person``, ``Company``, ``LegalEntity``, ``PublicBody``,
    ``Vessel``, ``Airplane`` …, any case) as aktsam's schema: (known, schema). ``LegalEntity`` and
    ``Thing`` may be a person or an organisation, so they screen as ``any``."""
    from followthemoney import model

    wanted = value.strip().lower()
    found = next((s for s in model.schemata.values() if s.name.lower() == wanted), None)
    if found is None:
        return False, None
    for parent, schema in (
        ("Person", Schema.PERSON),
        ("Vessel", Schema.VESSEL),
        ("Airplane", Schema.AIRCRAFT),
        ("Organization", Schema.ORGANIZATION),
    ):
        if found.is_a(parent):
            return True, schema
    if found.name in ("LegalEntity", "Thing"):
        return True, None
    return False, None


def parse_schema(value: str | None, *, where: str = "schema") -> Schema | None:
    """``person``/``organization``/``vessel``/``aircraft``/``any`` (and common synonyms), or a
    FollowTheMoney schema name (``Person``, ``Company``, ``Organization``, ``PublicBody``,
    ``LegalEntity``, ``Vessel``, ``Airplane`` …) → Schema (``None``: any), else :class:`InputError`."""
    key = (value or "").strip().lower()
    if key in _SCHEMA_WORDS:
        return _SCHEMA_WORDS[key]
    known, schema = _ftm_schema(key)
    if known:
        return schema
    raise InputError(
        f"unknown schema {value!r}; use person, organization, vessel, aircraft or any, or a "
        "FollowTheMoney schema (Person, Company, Organization, PublicBody, LegalEntity, Vessel, "
        "Airplane)",
        field=where,
    )


def parse_birth_date(value: str | None) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (partial ISO 8601) or nothing; anything else is refused."""
    text = (value or "").strip()
    if not text:
        return None
    parts = text.split("-")
    ok = (
        1 <= len(parts) <= 3
        and all(p.isdigit() for p in parts)
        and len(parts[0]) == 4
        and all(len(p) == 2 for p in parts[1:])
        and (len(parts) < 2 or 1 <= int(parts[1]) <= 12)
        and (len(parts) < 3 or 1 <= int(parts[2]) <= 31)
    )
    if not ok:
        raise InputError(
            f"birth date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", field="birth_date"
        )
    return text


def parse_countries(value: str | None) -> tuple[str, ...]:
    """Country names or ISO codes, separated by ``;`` → ISO alpha-2 codes; an unknown one is refused."""
    out: list[str] = []
    for part in (value or "").split(";"):
        if not part.strip():
            continue
        code = country_code(part)
        if code is None:
            raise InputError(f"unknown country {part.strip()!r}", field="country")
        out.append(code)
    return tuple(out)


def _rows_from_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file, read as they are consumed (never the whole file at once). The delimiter is
    sniffed from the start of the file (``,`` ``;`` tab ``|``); quoting is RFC 4180's (a ``"`` inside a
    quoted field is written ``""``), never guessed: a sample without such a field would otherwise make
    the sniffer turn doubled quotes off and split a valid field."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, csv.excel, delimiter=delimiter)
            header = next(reader, None)
            if header is None:
                raise InputError("the file is empty", file=str(path))
            names = [h.strip() for h in header]
            for number, values in enumerate(reader, start=2):  # the row as a spreadsheet shows it
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(names):
                    raise InputError(
                        f"{len(values)} values but the header has {len(names)} columns",
                        file=str(path),
                        row=number,
                    )
                yield number, dict(zip(names, values, strict=False))
    except UnicodeDecodeError:
        raw = path.read_bytes()  # only now: to name the line
        try:
            raw.decode("utf-8-sig")
            line = None
        except UnicodeDecodeError as exc:
            line = line_of(raw, exc.start)
        raise InputError(
            "not UTF-8 text (save the file as CSV UTF-8)", file=str(path), row=line
        ) from None


def _rows_from_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook  # imported here: only XLSX users pay for it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"cannot read as XLSX: {exc}", file=str(path)) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InputError("the first sheet is empty", file=str(path))
    names = [str(h).strip() if h is not None else "" for h in header]
    for number, values in enumerate(rows, start=2):
        cells = ["" if v is None else str(v).strip() for v in values]
        if not any(cells):
            continue
        yield number, dict(zip(names, cells, strict=False))
    workbook.close()


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for a CSV or XLSX file, chosen by extension."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rows_from_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _rows_from_csv(path)
    raise InputError(f"unsupported file type {suffix!r}; use .csv or .xlsx", file=str(path))


def read_parties(path: Path, columns: Mapping[str, str] | None = None) -> list[PartyRow]:
    """Parties from a CSV/XLSX file; ``columns`` maps id/name/schema/country/birth_date to the file's headers.

    Refuses the whole file on the first bad row (missing name, unknown schema or country, malformed date,
    duplicate id), naming file, row and field.
    """
    return list(iter_parties(path, columns))


def iter_parties(
    path: Path, columns: Mapping[str, str] | None = None, *, check_duplicates: bool = True
) -> Iterator[PartyRow]:
    """:func:`read_parties` one row at a time (the file is read as it is consumed, never held): the
    same checks, raised when the bad row is reached. Read a file through once to validate it before
    acting on any row (``screen-file`` does); a second pass over a file so checked may leave out the
    duplicate-id check (``check_duplicates=False``), the one check whose memory grows with the file.

    Ids seen are kept as 64-bit digests (a set of ints, not of the ids); a repeated digest is confirmed,
    and the first row with that id found, by reading the file again up to that row."""
    mapping = {field: field for field in QUERY_FIELDS}
    mapping.update(columns or {})
    seen: set[int] = set()
    header_checked = False
    for number, row in read_rows(path):
        if not header_checked:
            for required in ("id", "name"):
                if mapping[required] not in row:
                    raise InputError(
                        f"no column {mapping[required]!r} (columns are: {', '.join(row)}); "
                        f"map it with --{required}-column",
                        file=str(path),
                        row=1,
                    )
            header_checked = True
        try:
            party = _party(number, row, mapping)
        except InputError as exc:
            raise InputError(exc.message, file=str(path), row=number, field=exc.field) from None
        if check_duplicates:
            digest = _digest(party.id)
            if digest in seen:
                first = _first_row(path, mapping, party.id, number)
                if first is not None:
                    raise InputError(
                        f"id {party.id!r} already used on row {first}",
                        file=str(path),
                        row=number,
                        field="id",
                    )
            seen.add(digest)
        yield party
    if not header_checked:
        raise InputError("the file has a header but no rows", file=str(path))


def _digest(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


def _first_row(path: Path, mapping: Mapping[str, str], party_id: str, before: int) -> int | None:
    """The first row before ``before`` whose id is ``party_id`` (None: the digests only collided)."""
    for number, row in read_rows(path):
        if number >= before:
            return None
        if (row.get(mapping["id"]) or "").strip() == party_id:
            return number
    return None


def _party(number: int, row: Mapping[str, str], mapping: Mapping[str, str]) -> PartyRow:
    def get(field: str) -> str:
        return (row.get(mapping[field]) or "").strip()

    party_id, name = get("id"), get("name")
    if not party_id:
        raise InputError("empty id", field="id")
    if not name:
        raise InputError("empty name", field="name")
    return PartyRow(
        row=number,
        id=party_id,
        name=name,
        schema=parse_schema(get("schema")),
        countries=parse_countries(get("country")),
        birth_date=parse_birth_date(get("birth_date")),
    )


def read_pairs(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a ``compare --file`` input: columns ``name1,name2[,schema]`` (others are kept and echoed)."""
    rows = list(read_rows(path))
    if rows:
        missing = [c for c in ("name1", "name2") if c not in rows[0][1]]
        if missing:
            raise InputError(f"missing column(s): {', '.join(missing)}", file=str(path), row=1)
    for number, row in rows:
        for column in ("name1", "name2"):
            if not (row.get(column) or "").strip():
                raise InputError(f"empty {column}", file=str(path), row=number, field=column)
        try:
            parse_schema(row.get("schema"))
        except InputError as exc:
            raise InputError(exc.message, file=str(path), row=number, field="schema") from None
    return rows


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write rows to CSV, XLSX or JSON (by extension) atomically: a temporary file renamed on success."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".json"):
        raise InputError(
            f"unsupported output type {suffix!r}; use .csv, .xlsx or .json", file=str(path)
        )
    count = 0

    def materialise() -> Iterator[dict[str, Any]]:  # streamed: rows can be many
        nonlocal count
        for row in rows:
            count += 1
            yield {c: row.get(c) for c in columns}

    materialised = materialise()
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        _write(tmp, suffix, columns, materialised)
    except BaseException:
        tmp.unlink(missing_ok=True)  # rows come from a generator that may fail: leave no half file
        raise
    tmp.replace(path)
    return count


def _write(
    tmp: Path, suffix: str, columns: Sequence[str], materialised: Iterator[dict[str, Any]]
) -> None:
    if suffix == ".csv":
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns))
            writer.writeheader()
            writer.writerows(materialised)
    elif suffix == ".json":
        text = json.dumps(list(materialised), ensure_ascii=False, indent=2)
        tmp.write_text(text, encoding="utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("hits")
        sheet.append(list(columns))
        for row in materialised:
            sheet.append(["" if row[c] is None else row[c] for c in columns])
        workbook.save(tmp)
