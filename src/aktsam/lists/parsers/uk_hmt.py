"""UK HM Treasury / OFSI Consolidated List of Financial Sanctions Targets, CSV (source ``uk-hmt``).

OFSI has published the list in two CSV layouts; the header says which one a file uses:

* **legacy** (until February 2022): 29 columns, Windows-1252: ``Name 6, Name 1 … Name 5, Title,
  DOB, Town of Birth, Country of Birth, Nationality, Passport Details, NI Number, Position,
  Address 1 … 6, Post/Zip Code, Country, Other Information, Group Type, Alias Type, Regime,
  Listed On, Last Updated, Group ID``. Alias Type is ``Prime Alias``, ``AKA`` or ``FKA``.
* **2022 format** (``…/publishlive/2022format/ConList.csv``): 36 columns. OFSI's notice (gov.uk,
  "UK Sanctions List: change to the list's format", Feb 2022) announced "seven new fields" and the
  group type ``Ship``: ``Name Non-Latin Script``, ``Non-Latin Script Type``, ``Non-Latin Script
  Language``, ``Passport Number``, ``National Identification Details``, ``Alias Quality`` and
  ``UK Sanctions List Date Designated``; ``NI Number`` became ``National Identification Number``.
  Alias Type is ``Primary name``, ``Primary name variation``, ``AKA`` or ``FKA``. The UK Sanctions
  List reference, the UN reference and the statement of reasons are *not* columns: they are tagged
  inside Other Information, ``(UK Sanctions List Ref):RUS0296 (UN Ref):QDi.006 …``.

A file in the FCDO "UK Sanctions List" format (CSV or XML), which replaced this list in January
2026, is recognised by its first line, header or root element and handed to
:mod:`aktsam.lists.parsers.uk_fcdo`.

Both start with a banner line ``Last Updated,dd/mm/yyyy`` (the publication date) before the
header, and carry one row per name: the rows of one target share a Group ID but are not contiguous
(the legacy file is sorted by name), and each row repeats, or varies, the target's other details.
Rows are therefore grouped by Group ID and every detail is collected across the group.

Decisions:

* Name: ``Name 1 … Name 5`` then ``Name 6`` (the surname, or an entity's whole name).
* ``Primary name variation`` (OFSI: "spelling variations of the primary name") is an
  :attr:`NameKind.ALIAS`, not a weak one: the same name spelt differently, as reliable as the
  primary. ``Alias Quality`` ``Low …`` makes an alias :attr:`NameKind.WEAK_ALIAS`.
* ``DOB`` ``00/00/1970`` means "only the year is known": it becomes ``"1970"`` (``00/05/1970`` →
  ``"1970-05"``), never a full date.
* A UN reference cited in Other Information (``UN Ref QDi.043``, ``(UN Ref):QDi.043``,
  ``UN REF:QE.A.4.01``) becomes ``Relation(SAME_AS, target=<UN ref>, target_source="un-sc")``.
  The pre-2014 UN numbering (``QI.A.6.01``, ``QE.A.4.01``, ``TI.M.4.01``) is rewritten to the
  current one (``QDi.006``, ``QDe.004``, ``TAi.004``): the UN kept the sequence number when it
  renumbered, which the 2018 UK file confirms against the UN XML for every legacy reference that
  can be checked. Case slips (``KPI.067``, ``QDI.353``), a digit one for the ``i`` (``QD1.410``),
  a space for the dot (``KPe 070``) and unpadded numbers (``KPe.23``) are normalised; the note
  keeps the reference as written. Labels that are not UN numbers (``UN Ref E.29`` on Iran
  entities, an EU annex number) give no link and a warning, and so does a reference of the wrong
  kind (an individual citing ``QDe.004``, the Al-Qaida entity: UN numbers end in ``i`` for
  individuals and ``e`` for entities).
* Passport and national-identity cells are free text (``Passport No. 563233049 expires …``). The
  identifier value is the first document-number-like token; the whole text stays in ``note``.
* An IMO number in Other Information (``IMO: 8937675``) becomes an ``imo`` identifier.
* Position, Title and nationalities that do not resolve to a country are kept in ``remarks``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rigour.langs import iso_639_alpha2

from aktsam.errors import ListFormatError
from aktsam.lists.model import (
    Address,
    Identifier,
    ListedEntity,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
    Schema,
)
from aktsam.lists.parsers import uk_fcdo
from aktsam.lists.parsers.textfile import (
    check_unique_columns,
    csv_records,
    csv_rows,
    decode_utf8_or_cp1252,
    read_bytes,
)
from aktsam.lists.values import clean, country_code, iso_date

SOURCE = "uk-hmt"

LEGACY_COLUMNS: tuple[str, ...] = (
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "DOB", "Town of Birth",
    "Country of Birth", "Nationality", "Passport Details", "NI Number", "Position", "Address 1",
    "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code", "Country",
    "Other Information", "Group Type", "Alias Type", "Regime", "Listed On", "Last Updated",
    "Group ID",
)  # fmt: skip

CURRENT_COLUMNS: tuple[str, ...] = (
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "Name Non-Latin Script",
    "Non-Latin Script Type", "Non-Latin Script Language", "DOB", "Town of Birth",
    "Country of Birth", "Nationality", "Passport Number", "Passport Details",
    "National Identification Number", "National Identification Details", "Position", "Address 1",
    "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code", "Country",
    "Other Information", "Group Type", "Alias Type", "Alias Quality", "Regime", "Listed On",
    "UK Sanctions List Date Designated", "Last Updated", "Group ID",
)  # fmt: skip

_GROUP_TYPES: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "ship": Schema.VESSEL,
}

_ALIAS_TYPES: dict[str, NameKind] = {
    "prime alias": NameKind.PRIMARY,  # legacy
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,
    "aka": NameKind.ALIAS,
    "alias": NameKind.ALIAS,
    "fka": NameKind.FORMER,
}

# "(1) Germany (2) Algeria", "1) Uzbek 2) Afghan", "a) French, b) Tunisian", "(1)-(2) Tunisia (3) …"
_ENUMERATOR = re.compile(
    r"(?:^|(?<=[\s,;.]))\(?(?:\d{1,2}|[a-h])\)(?:\s*-\s*\(?(?:\d{1,2}|[a-h])\))?"
)
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
# A document number: optional one- or two-letter series and space ("D 000974"), letters glued on
# ("A-333602", "DAOMMD74T11Z352Z"); never a piece of a dotted date ("16.1.2006").
_DOCUMENT_NUMBER = re.compile(r"(?<![\w.])((?:[A-Za-z]{1,2} )?[A-Za-z]{0,6}-?\d[\w/\-]*)(?!\.\d)")
_DOCUMENT_LABEL = re.compile(r"\b(?:passport|numbers?|no|nr|num)\b\s*[.:#]*\s*", re.IGNORECASE)
_BRACKETED = re.compile(r"\(([^()]+)\)")
# What follows "UN Ref", "(UN Ref):", "UN REF No.", "UN listing." and similar labels.
_UN_LABEL = re.compile(
    r"\(?\bUN\s*\.?\s*(?:Ref(?:erence)?\b\)?(?:\s*(?:No|Number)\b)?|listing\b)\s*[.:]?\s*"
    r"(?P<ref>[A-Za-z][A-Za-z.]*\s?\d+(?:\.\d+)*)",
    re.IGNORECASE,
)
_IMO = re.compile(r"\bIMO(?:\s*number)?\)?\s*[:.]?\s*(\d{7})\b", re.IGNORECASE)
_UN_LEADING = re.compile(r"^\s*(?P<ref>[A-Z]{2}[ie]\.\d{3})\b")
_UN_CURRENT = re.compile(r"([A-Z]{2})([IE1L])\.?(\d{1,3})")
_UN_LEGACY = re.compile(r"(Q\.?I|Q\.?E|T\.?I|T\.?E)\.[A-Z]{1,2}\.(\d{1,3})\.\d{2}")
_UN_LEGACY_PREFIX = {"QI": "QDi", "QE": "QDe", "TI": "TAi", "TE": "TAe"}


def parse(path: Path) -> ParsedList:
    """Read an OFSI Consolidated List CSV (legacy or 2022 format) into one entity per Group ID.

    A UK Sanctions List file (FCDO format) is parsed by :func:`uk_fcdo.parse` instead.
    """
    path = Path(path)
    raw = read_bytes(path)
    if uk_fcdo.detect(raw):  # the FCDO UK Sanctions List (CSV or XML), OFSI's successor
        return uk_fcdo.parse(path)
    records = csv_records(path, decode_utf8_or_cp1252(path, raw))
    published, header, first_line = _banner_and_header(path, records)
    _check_header(path, header, first_line)
    warnings = _Warnings()
    if published is None:
        warnings.add("no 'Last Updated' banner line; publication date unknown")
    groups: dict[str, _Group] = {}
    for line, cells in csv_rows(path, records, header):
        row = dict(zip(header, cells, strict=True))
        group_id = clean(row["Group ID"])
        if group_id is None:
            raise ListFormatError(path, f"line {line}, field 'Group ID'", "empty Group ID")
        group_type = clean(row["Group Type"]) or ""
        schema = _GROUP_TYPES.get(group_type.lower())
        if schema is None:
            raise ListFormatError(
                path,
                f"line {line}, field 'Group Type'",
                f"unknown Group Type {group_type!r} (expected Individual, Entity or Ship)",
            )
        group = groups.get(group_id)
        if group is None:
            group = groups[group_id] = _Group(group_id, schema)
        elif group.schema is not schema:
            warnings.add(f"Group ID {group_id} has rows of more than one Group Type", line)
        group.add_row(row, line, warnings)
    if not groups:
        raise ListFormatError(path, None, "the file has a header but no rows")
    return ParsedList(
        source=SOURCE,
        entities=[group.entity() for group in groups.values()],
        published=published,
        files=[str(path)],
        warnings=warnings.lines(),
    )


# --- reading ---------------------------------------------------------------------------------


def _banner_and_header(
    path: Path, records: Iterator[tuple[int, list[str]]]
) -> tuple[str | None, list[str], int]:
    """Publication date from ``Last Updated,dd/mm/yyyy`` and the header row after it."""
    try:
        line, first = next(records)
    except StopIteration:
        raise ListFormatError(path, None, "the file is empty") from None
    cells = [cell.strip() for cell in first]
    if cells and cells[0] == "Last Updated" and "Group ID" not in cells:
        published = iso_date(cells[1] if len(cells) > 1 else None, day_first=True)
        if published is None:
            raise ListFormatError(
                path, f"line {line}", f"'Last Updated' date {cells[1:2]!r} is not dd/mm/yyyy"
            )
        try:
            line, header = next(records)
        except StopIteration:
            raise ListFormatError(path, None, "no header line after 'Last Updated'") from None
        return published, [cell.strip() for cell in header], line
    if "Group ID" in cells:
        return None, cells, line
    raise ListFormatError(
        path, f"line {line}", "expected 'Last Updated,<dd/mm/yyyy>' or the OFSI column header"
    )


def _check_header(path: Path, header: list[str], line: int) -> None:
    """Refuse a header that lacks a column of its layout (legacy or 2022), naming the missing."""
    check_unique_columns(path, header, line)
    present = set(header)
    current_only = set(CURRENT_COLUMNS) - set(LEGACY_COLUMNS)
    layout, expected = (
        ("2022 format", CURRENT_COLUMNS) if present & current_only else ("legacy", LEGACY_COLUMNS)
    )
    missing = [name for name in expected if name not in present]
    if missing:
        raise ListFormatError(
            path, f"line {line}", f"missing columns for the {layout} layout: {', '.join(missing)}"
        )


# --- one target ------------------------------------------------------------------------------


class _Warnings:
    """Data oddities counted by kind: a recurring one is one line, with its first line number."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._first: dict[str, int | None] = {}

    def add(self, message: str, line: int | None = None) -> None:
        self._counts[message] += 1
        self._first.setdefault(message, line)

    def lines(self) -> list[str]:
        out = []
        for message, count in self._counts.items():
            where = f"line {self._first[message]}: " if self._first[message] else ""
            times = f" ({count} rows)" if count > 1 else ""
            out.append(f"{where}{message}{times}")
        return out


def _add(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


@dataclass
class _Group:
    """Everything the rows of one Group ID say, collected without duplicates in file order."""

    group_id: str
    schema: Schema
    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed_on: list[str] = field(default_factory=list)
    other_information: list[str] = field(default_factory=list)
    extra_remarks: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def add_row(self, row: dict[str, str], line: int, warnings: _Warnings) -> None:
        self._add_names(row, line, warnings)
        self._add_birth(row, line, warnings)
        for text in _enumerated(row["Nationality"]):
            code = country_code(text)
            if code:
                _add(self.nationalities, code)
                _add(self.countries, code)
            else:
                _add(self.extra_remarks, f"Nationality: {text}")
        self._add_documents(row)
        self._add_address(row)
        _add(self.programs, clean(row["Regime"]))
        _add(self.listed_on, iso_date(row["Listed On"], day_first=True))
        for label in ("Title", "Position"):
            value = clean(row[label])
            if value:
                _add(self.extra_remarks, f"{label}: {value}")
        info = clean(row["Other Information"])
        if info and info not in self.other_information:
            self.other_information.append(info)
            self._add_un_references(info, line, warnings)
            for imo in _IMO.findall(info):
                self._add_identifier(Identifier("imo", imo))

    def _add_names(self, row: dict[str, str], line: int, warnings: _Warnings) -> None:
        parts = [row[f"Name {n}"] for n in (1, 2, 3, 4, 5, 6)]
        value = clean(" ".join(part for part in parts if clean(part)))
        alias_type = clean(row["Alias Type"]) or ""
        kind = _ALIAS_TYPES.get(alias_type.lower())
        if kind is None:
            warnings.add(f"unknown Alias Type {alias_type!r} read as an alias", line)
            kind = NameKind.ALIAS
        quality = (clean(row.get("Alias Quality")) or "").lower()
        if kind is NameKind.ALIAS and quality.startswith("low"):
            kind = NameKind.WEAK_ALIAS
        original = clean(row.get("Name Non-Latin Script"))
        if value is None and original is None:
            warnings.add("row without a name", line)
        if value is not None:
            self._add_name(Name(value, kind))
        if original is not None:
            language = clean(row.get("Non-Latin Script Language"))
            lang = iso_639_alpha2(language) if language else None
            self._add_name(Name(original, NameKind.ORIGINAL_SCRIPT, lang))

    def _add_name(self, name: Name) -> None:
        """Keep one entry per spelling: the strongest kind wins (a primary is not also an alias)."""
        for index, known in enumerate(self.names):
            if known.value == name.value:
                if _NAME_RANK[name.kind] < _NAME_RANK[known.kind]:
                    self.names[index] = name
                return
        self.names.append(name)

    def _add_birth(self, row: dict[str, str], line: int, warnings: _Warnings) -> None:
        dob = clean(row["DOB"])
        if dob:
            dates = [_partial_date(*match) for match in _DATE.findall(dob)]
            if not dates or None in dates:
                warnings.add(f"unreadable DOB {dob!r}", line)
            for date in dates:
                _add(self.birth_dates, date)
        towns, countries = _enumerated(row["Town of Birth"]), _enumerated(row["Country of Birth"])
        if len(towns) > 1 and len(towns) == len(countries):  # "(1) Kabul (2) Herat", "(1) … (2) …"
            places = [f"{town}, {country}" for town, country in zip(towns, countries, strict=True)]
        else:
            town, country = clean(row["Town of Birth"]), clean(row["Country of Birth"])
            places = [", ".join(part for part in (town, country) if part)]
        for place in places:
            _add(self.birth_places, place)
        for text in _enumerated(row["Country of Birth"]):
            _add(self.countries, country_code(text))

    def _add_documents(self, row: dict[str, str]) -> None:
        if "Passport Number" in row:  # 2022 format: numbers and details in separate columns
            self._add_numbered("passport", row["Passport Number"], row["Passport Details"])
            self._add_numbered(
                "national_id",
                row["National Identification Number"],
                row["National Identification Details"],
            )
        else:
            for text in _enumerated(row["Passport Details"]):
                self._add_identifier(_free_text_identifier("passport", text))
            for text in _enumerated(row["NI Number"]):
                self._add_identifier(_free_text_identifier("national_id", text))

    def _add_numbered(self, kind: str, numbers: str, details: str) -> None:
        values, notes = _enumerated(numbers), _enumerated(details)
        if len(notes) != len(values):
            notes = [clean(details) or ""] * len(values)
        for value, note in zip(values, notes, strict=True):
            self._add_identifier(
                Identifier(kind, value, _bracketed_country(note), clean(note) or None)
            )

    def _add_identifier(self, identifier: Identifier) -> None:
        if identifier not in self.identifiers:
            self.identifiers.append(identifier)

    def _add_address(self, row: dict[str, str]) -> None:
        lines = [clean(row[f"Address {n}"]) for n in (1, 2, 3, 4, 5, 6)]
        lines.append(clean(row["Post/Zip Code"]))
        country_text = clean(row["Country"])
        full = ", ".join(part for part in [*lines, country_text] if part)
        if not full:
            return
        code = country_code(country_text)
        address = Address(full, code)
        if address not in self.addresses:
            self.addresses.append(address)
        _add(self.countries, code)

    def _add_un_references(self, info: str, line: int, warnings: _Warnings) -> None:
        cited = [match["ref"] for match in _UN_LABEL.finditer(info)]
        leading = _UN_LEADING.match(info)
        if leading:
            cited.append(leading["ref"])
        for written in cited:
            resolved = _un_reference(written)
            if resolved is None:
                warnings.add(f"UN-labelled reference {written!r} is not a UN number; no link", line)
                continue
            target, note = resolved
            if not _same_kind(self.schema, target):
                warnings.add(f"cites UN reference {target} of the other kind (i/e); no link", line)
                continue
            relation = Relation(RelationKind.SAME_AS, target, "un-sc", note)
            if all(known.target != target for known in self.relations):
                self.relations.append(relation)

    def entity(self) -> ListedEntity:
        names = sorted(self.names, key=lambda name: name.kind is not NameKind.PRIMARY)
        remarks = "\n".join(self.other_information + self.extra_remarks) or None
        return ListedEntity(
            source=SOURCE,
            source_id=self.group_id,
            schema=self.schema,
            names=names,
            birth_dates=self.birth_dates,
            birth_places=self.birth_places,
            nationalities=self.nationalities,
            countries=self.countries,
            addresses=self.addresses,
            identifiers=self.identifiers,
            programs=self.programs,
            listed_on=min(self.listed_on) if self.listed_on else None,
            remarks=remarks,
            relations=self.relations,
        )


_NAME_RANK: dict[NameKind, int] = {
    NameKind.PRIMARY: 0,
    NameKind.ORIGINAL_SCRIPT: 1,
    NameKind.ALIAS: 2,
    NameKind.FORMER: 3,
    NameKind.WEAK_ALIAS: 4,
    NameKind.ENRICHED: 5,
}


# --- cell values -----------------------------------------------------------------------------


def _enumerated(text: str | None) -> list[str]:
    """The items of an enumerated cell, ``(1) Germany (2) Algeria`` → ``["Germany", "Algeria"]``."""
    value = clean(text)
    if value is None:
        return []
    items = (clean(part.strip(" ,;.")) for part in _ENUMERATOR.split(value))
    return [item for item in items if item]


def _partial_date(day: str, month: str, year: str) -> str | None:
    """``00`` marks an unknown day or month: keep what is known; ``None`` for an impossible date."""
    if int(year) == 0:
        return None
    if int(month) == 0:
        return f"{int(year):04d}"
    if int(day) == 0:
        return f"{int(year):04d}-{int(month):02d}" if int(month) <= 12 else None
    return iso_date(f"{int(year):04d}-{int(month):02d}-{int(day):02d}")


def _free_text_identifier(kind: str, text: str) -> Identifier:
    """``Passport No. 563233049 (Qatari) …`` → ``563233049``, country ``qa``, note: the text."""
    number = None
    for match in _DOCUMENT_NUMBER.finditer(_DOCUMENT_LABEL.sub(" ", text)):
        candidate = match[1].rstrip("-/")
        if sum(char.isdigit() for char in candidate) >= 4:
            number = candidate
            break
    if number is None or number == text:
        return Identifier(kind, text, _bracketed_country(text))
    return Identifier(kind, number, _bracketed_country(text), text)


def _bracketed_country(text: str | None) -> str | None:
    """The country a bracketed word names, as in ``D 000974 (Afghan)``, else ``None``."""
    for bracketed in _BRACKETED.findall(text or ""):
        code = country_code(bracketed)
        if code:
            return code
    return None


def _same_kind(schema: Schema, un_reference: str) -> bool:
    """UN numbers end in ``i`` for individuals and ``e`` for entities.

    A person citing ``QDe.004`` (the Al-Qaida entity) cites the organisation it belongs to, not its
    own listing.
    """
    is_individual = un_reference[2] == "i"
    return is_individual if schema is Schema.PERSON else not is_individual


def _un_reference(written: str) -> tuple[str, str | None] | None:
    """A UN reference as the UN XML writes it (``QDi.043``) and, if rewritten, a note saying so."""
    compact = written.replace(" ", "").rstrip(".").upper()
    current = _UN_CURRENT.fullmatch(compact)
    if current:
        suffix = "e" if current[2] == "E" else "i"
        target = f"{current[1]}{suffix}.{int(current[3]):03d}"
    else:
        legacy = _UN_LEGACY.fullmatch(compact)
        if legacy is None:
            return None
        prefix = _UN_LEGACY_PREFIX[legacy[1].replace(".", "")]
        target = f"{prefix}.{int(legacy[2]):03d}"
    clean_written = written.strip().rstrip(".")
    return target, None if clean_written == target else f"UN reference as written: {clean_written}"
