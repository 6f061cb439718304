"""Legacy CSV set: ``SDN.CSV``, ``ADD.CSV``, ``ALT.CSV``, ``SDN_COMMENTS.CSV`` (or ``CONS_*``).

Format quirks, all handled here:

* no header line; 12 / 6 / 5 / 2 columns; an empty field is the literal ``-0-`` and a space;
* the last line is a lone 0x1A (DOS end-of-file) byte; a 0x1A anywhere else is a damaged file;
* the bytes are ASCII (read as UTF-8, which ASCII is a subset of, with a BOM tolerated); anything
  that is not valid UTF-8 is refused with its line, never replaced;
* ``Remarks`` is cut at 1000 characters; the rest is in the comments file, possibly mid-word (or
  mid-space), so continuations are appended raw, before any cleaning;
* dates of birth, nationalities, ids, weak aliases and ``Linked To`` links have no columns: they are
  ``; ``-separated remark segments, parsed by :mod:`aktsam.lists.parsers.ofac_remarks`; strong
  aliases are in ``ALT.CSV`` (``aka`` / ``fka`` / ``nka``), weak ones only in the remarks;
* ``SDN_Type`` is ``individual`` / ``vessel`` / ``aircraft``, and ``-0-`` for an organisation;
* the set carries no publication date, so ``published`` is ``None`` (and a warning says so).

The main file is required. A missing companion file is a warning (OFAC offers each file separately);
a companion row whose ``ent_num`` is not in the main file is a warning, not an error: the rows refer
to nothing aktsam stores (the real 2021 SDN and 2025 consolidated sets have none, but an excerpted
comments file or a companion from another day would), so ignoring them loses nothing about a listed
entity.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aktsam.errors import ListFormatError
from aktsam.lists.model import (
    Address,
    ListedEntity,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
    Schema,
)
from aktsam.lists.parsers.ofac_remarks import (
    ENTRY_URL,
    Unresolved,
    address_line,
    fact,
    finish,
    linked,
    make_identifier,
    parse_remarks,
    person_name,
    schema_of,
    split_programs,
)
from aktsam.lists.parsers.textfile import read_bytes
from aktsam.lists.values import clean, country_code

_EOF = b"\x1a"


@dataclass(frozen=True, slots=True)
class CsvSet:
    """File names of one legacy set (OFAC ships them upper case: matched case-insensitively)."""

    main: str
    addresses: str
    aliases: str
    comments: str


SDN_SET = CsvSet("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CONS_SET = CsvSet("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")

_MAIN_COLUMNS = (
    "ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, "
    "Vess_owner, Remarks"
)
_ALIAS_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.ALIAS}


def find_file(directory: Path, name: str) -> Path | None:
    """``name`` in ``directory`` in any case: ``SDN.CSV`` as OFAC ships it, ``sdn.csv`` mirrors."""
    exact = directory / name
    if exact.is_file():
        return exact
    for candidate in sorted(directory.iterdir()):
        if candidate.name.lower() == name and candidate.is_file():
            return candidate
    return None


def parse_csv_set(main: Path, source: str, names: CsvSet) -> ParsedList:
    """Parse the set whose main file is ``main``; the companions are looked for beside it."""
    directory = main.parent
    warnings: list[str] = []
    unresolved = Unresolved()
    rows = read_rows(main, 12, _MAIN_COLUMNS, warnings, required=True)
    remarks: dict[str, str] = {}
    order: list[tuple[int, list[str]]] = []
    for line, row in rows:
        ent = _ent_num(main, line, row[0])
        if ent in remarks:
            raise ListFormatError(main, f"line {line}", f"ent_num {ent} appears twice")
        remarks[ent] = row[11] if clean(row[11]) else ""
        order.append((line, row))
    files = [str(main)]

    comments = _companion(directory, names.comments, names.main, warnings, "long remarks stay cut")
    if comments is not None:
        files.append(str(comments))
        orphans: list[str] = []
        for line, row in read_rows(comments, 2, "ent_num, remarks continuation", warnings):
            ent = _ent_num(comments, line, row[0])
            if ent in remarks:
                remarks[ent] += row[1]  # raw: the cut can fall mid-word or on a space
            else:
                orphans.append(ent)
        _orphan_warning(comments, orphans, names.main, warnings)

    known = frozenset(row[1] for _, row in order)
    entities: dict[str, ListedEntity] = {}
    notes: dict[str, list[str]] = {}
    for line, row in order:
        ent = row[0].strip()
        entities[ent], notes[ent] = _entity(
            main, line, row, remarks[ent], source, known, unresolved
        )

    aliases = _companion(
        directory, names.aliases, names.main, warnings, "strong aliases not loaded"
    )
    if aliases is not None:
        files.append(str(aliases))
        _add_aliases(aliases, entities, notes, names.main, warnings, unresolved)
    addresses = _companion(directory, names.addresses, names.main, warnings, "addresses not loaded")
    if addresses is not None:
        files.append(str(addresses))
        _add_addresses(addresses, entities, names.main, warnings)

    warnings.insert(
        0, "the legacy OFAC CSV set carries no publication date: published is left empty"
    )
    warnings.extend(unresolved.warnings())
    return ParsedList(
        source=source,
        entities=[finish(entities[ent], notes[ent]) for ent in entities],
        published=None,
        files=files,
        warnings=warnings,
    )


def read_rows(
    path: Path, columns: int, layout: str, warnings: list[str], *, required: bool = False
) -> list[tuple[int, list[str]]]:
    """Each row of a file with its line, column count checked: the whole file or an error.

    A missing 0x1A marker is only a warning: a set re-saved by another tool loses it, and a file
    cut inside a row fails the column count anyway; but a cut between rows cannot be seen otherwise.
    """
    data = read_bytes(path)
    if not data:
        raise ListFormatError(path, "line 1", "file is empty")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    body = data.rstrip(b"\r\n")
    if body.endswith(_EOF):
        data = body[: -len(_EOF)]
    else:
        warnings.append(f"{path.name} has no 0x1A end-of-file marker: it may be cut short")
    reader = csv.reader(_decoded_lines(path, data), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if row == [_EOF.decode()]:
                raise ListFormatError(
                    path, f"line {line}", "end-of-file marker 0x1A before the end"
                )
            if len(row) != columns:
                raise ListFormatError(
                    path, f"line {line}", f"expected {columns} columns ({layout}), found {len(row)}"
                )
            rows.append((line, row))
    except csv.Error as error:
        raise ListFormatError(path, f"line {reader.line_num}", f"malformed CSV: {error}") from None
    if required and not rows:
        raise ListFormatError(path, "line 1", "no entries (only the end-of-file marker)")
    return rows


def _decoded_lines(path: Path, data: bytes) -> Iterator[str]:
    """Lines decoded one by one, so that a foreign file fails on its first row's layout before any
    later byte's encoding, and a bad byte is reported with its line."""
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ListFormatError(
                path,
                f"line {number}",
                f"byte 0x{raw[error.start]:02x} is not valid UTF-8/ASCII (OFAC CSV files are ASCII)",
            ) from None


def _ent_num(path: Path, line: int, value: str) -> str:
    ent = value.strip()
    if not (ent.isascii() and ent.isdigit()):
        raise ListFormatError(path, f"line {line}", f"ent_num {value!r} is not a number")
    return ent


def _companion(
    directory: Path, name: str, main: str, warnings: list[str], consequence: str
) -> Path | None:
    found = find_file(directory, name)
    if found is None:
        warnings.append(f"{name} not found beside {main}: {consequence}")
    return found


def _orphan_warning(path: Path, orphans: list[str], main: str, warnings: list[str]) -> None:
    if orphans:
        shown = ", ".join(list(dict.fromkeys(orphans))[:10])
        warnings.append(
            f"{path.name}: {len(orphans)} row(s) refer to ent_num not in {main}, ignored: {shown}"
        )


def _entity(
    path: Path,
    line: int,
    row: list[str],
    remarks: str,
    source: str,
    known: frozenset[str],
    unresolved: Unresolved,
) -> tuple[ListedEntity, list[str]]:
    ent = row[0].strip()
    name = clean(row[1])
    if name is None:
        raise ListFormatError(path, f"line {line}", f"ent_num {ent} has no SDN_Name")
    kind = clean(row[2])
    schema = Schema.ORGANIZATION if kind is None else schema_of(kind)
    if schema is None:
        unresolved.add("SDN_Type", kind or "")
        schema = Schema.UNKNOWN
    facts = parse_remarks(remarks, schema, known)
    for what, value in facts.unreadable:
        unresolved.add(what, value)
    entity = ListedEntity(
        source=source,
        source_id=ent,
        schema=schema,
        names=[Name(person_name(name) if schema is Schema.PERSON else name), *facts.names],
        birth_dates=facts.birth_dates,
        birth_places=facts.birth_places,
        nationalities=facts.nationalities,
        countries=facts.countries,
        identifiers=facts.identifiers,
        programs=split_programs(row[3]),
        relations=linked(facts.linked_to),
        url=ENTRY_URL.format(uid=ent),
    )
    notes = list(facts.notes)
    title = clean(row[4])
    if title and title not in notes:
        notes.insert(0, title)
    notes.extend(_vessel(entity, row, unresolved))
    return entity, notes


def _vessel(entity: ListedEntity, row: list[str], unresolved: Unresolved) -> list[str]:
    """Columns 6-11 (call sign, type, tonnage, GRT, flag, owner): only vessels fill them."""
    call_sign, vessel_type, tonnage, grt, flag, owner = (clean(v) for v in row[5:11])
    if call_sign:
        entity.identifiers.append(make_identifier("Call Sign", call_sign))
    if flag:
        code = country_code(flag)
        if code:
            entity.countries.append(code)
        else:
            unresolved.add("vessel flag", flag)
    if owner:
        entity.relations.append(Relation(RelationKind.OWNED_BY, owner, note="vessel owner"))
    labelled = (
        ("Vessel Type", vessel_type),
        ("Tonnage", tonnage),
        ("GRT", grt),
        ("Vessel Flag", flag),
    )
    return [fact(label, value) for label, value in labelled if value]


def _add_aliases(
    path: Path,
    entities: dict[str, ListedEntity],
    notes: dict[str, list[str]],
    main: str,
    warnings: list[str],
    unresolved: Unresolved,
) -> None:
    orphans: list[str] = []
    for line, row in read_rows(
        path, 5, "ent_num, alt_num, alt_type, alt_name, alt_remarks", warnings
    ):
        ent = _ent_num(path, line, row[0])
        entity = entities.get(ent)
        if entity is None:
            orphans.append(ent)
            continue
        name = clean(row[3])
        if name is None:
            raise ListFormatError(path, f"line {line}", f"alias {row[1].strip()} has no alt_name")
        alt_type = (clean(row[2]) or "").lower()
        kind = _ALIAS_KINDS.get(alt_type)
        if kind is None:
            unresolved.add("alt_type", alt_type)
            kind = NameKind.ALIAS
        entity.names.append(
            Name(person_name(name) if entity.schema is Schema.PERSON else name, kind)
        )
        remark = clean(row[4])
        if remark:
            notes[ent].append(f"{name}: {remark}")
    _orphan_warning(path, orphans, main, warnings)


def _add_addresses(
    path: Path, entities: dict[str, ListedEntity], main: str, warnings: list[str]
) -> None:
    orphans: list[str] = []
    layout = "ent_num, Add_num, Address, City/State/Province/Postal Code, Country, Add_remarks"
    for line, row in read_rows(path, 6, layout, warnings):
        ent = _ent_num(path, line, row[0])
        entity = entities.get(ent)
        if entity is None:
            orphans.append(ent)
            continue
        street, city, country, remark = (clean(v) for v in row[2:6])
        full = address_line([street], city, None, None, country, remark)
        if full is None:
            continue  # OFAC keeps address rows that say nothing ("-0- ,-0- ,-0- ,-0- ")
        code = country_code(country)
        entity.addresses.append(Address(full, code))
        if code:
            entity.countries.append(code)
    _orphan_warning(path, orphans, main, warnings)
