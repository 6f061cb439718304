"""FCDO "UK Sanctions List", CSV and XML editions (source ``uk-hmt``).

OFSI closed its Consolidated List (read by :mod:`aktsam.lists.parsers.uk_hmt`) on 28 January 2026;
the FCDO UK Sanctions List (landing page https://www.gov.uk/government/publications/the-uk-sanctions-list,
files under https://sanctionslist.fcdo.gov.uk/docs/) is now the official UK list. Its entities keep
the source name ``uk-hmt`` so that snapshots continue the same UK series. ``uk_hmt.parse`` hands
files in this format here, so ``--source uk-hmt`` reads either list.

The layouts below come from public code that reads the real files (OpenSanctions
``datasets/gb/fcdo_sanctions/crawler.py``, moov-io/watchman ``pkg/csl_uk``, and several
independent parsers quoting the published header and entries); the FCDO's own format guide could
not be consulted offline. See ``tests/lists/fixtures/README.md``.

**CSV** (``UK-Sanctions-List.csv``): a first line ``Report Date: 13-Feb-2026`` (the publication
date), then a 58-column header (:data:`CSV_COLUMNS`), then one row per name, and per further
address or other variant, of a designation: the rows of one ``Unique ID`` repeat its other details.
Dates are ``dd/mm/yyyy``; ``Sanctions Imposed`` is ``|``-separated; ``IMO number`` reads
``IMO9826902``.

**XML** (``UK-Sanctions-List.xml``): ``<Designations>`` (no namespace) holding ``<DateGenerated>``
(``dd/mm/yyyy``, the publication date) and one ``<Designation>`` per designation, with
``UniqueID``, ``OFSIGroupID``, ``UNReferenceNumber``, ``Names/Name`` (``Name1``…``Name6``,
``NameType``, ``AliasStrength``), ``NonLatinNames``, ``RegimeName``, ``IndividualEntityShip``,
``DateDesignated``, ``OtherInformation``, ``UKStatementofReasons``, ``Addresses/Address``
(``AddressLine1``…``6``, ``AddressPostalCode``, ``AddressCountry``), ``IndividualDetails/Individual``
(``DOBs/DOB``, ``Nationalities``, ``PassportDetails/Passport``,
``NationalIdentifierDetails/NationalIdentifier``, ``Positions``, ``BirthDetails/Location``…),
``EntityDetails/Entity`` and ``ShipDetails/Ship`` (``IMONumbers/IMONumber``…). Public code disagrees
on some wrappers (``NonLatinNames/NonLatinName/NameNonLatinScript`` or ``NonLatinNames`` holding
``NameNonLatinScript`` directly; ``Titles`` under the designation or under ``Individual``), so a
designation is read by its leaf elements: the leaves sharing a parent element form one "row" with
the CSV's column names (:data:`XML_LEAVES`), and both editions then go through the same code. A
leaf that repeats within one parent (``DOBs`` holding three ``DOB``) starts a new row.

Decisions:

* ``source_id`` is the FCDO **Unique ID** (``RUS0251``, ``AFG0100``): the list's own key, on every
  designation, whereas the OFSI Group ID is empty on some (the real ship line quoted in public code
  has none; public code reports that new designations get none). When given, the OFSI Group ID is
  kept as an identifier of type ``ofsi_group_id``. Consequence: an OFSI-era snapshot keyed
  ``uk-hmt:7405`` and an FCDO snapshot keyed ``uk-hmt:AFG0100`` do not share ids; the
  ``ofsi_group_id`` identifier is what links them.
* ``Name type`` ``Primary Name`` (spelt in several casings) is :attr:`NameKind.PRIMARY`;
  ``Primary name variation`` (spelling variants of the primary name) and ``Alias`` are
  :attr:`NameKind.ALIAS`, and an alias whose ``Alias strength`` reads ``Low quality a.k.a`` is a
  :attr:`NameKind.WEAK_ALIAS`. The non-Latin name is :attr:`NameKind.ORIGINAL_SCRIPT` when its
  letters are mostly non-Latin (its ``language`` from ``Non-latin script language``); an alias written
  in another script is ``ORIGINAL_SCRIPT`` too, by the same rule the other parsers apply.
* ``D.O.B`` writes an unknown day or month as ``dd``/``mm`` (``dd/mm/1945`` → ``"1945"``,
  ``dd/05/1945`` → ``"1945-05"``); ``00`` is read the same way.
* ``UN Reference Number`` (``TAi.130``) becomes ``Relation(SAME_AS, target, "un-sc")``; a value that
  is not a UN number, or of the other kind (an individual citing an ``e``ntity number), gives a
  warning and no link.
* Passport and national identifier numbers become ``passport`` / ``national_id`` identifiers, the
  "additional information" their note and, where it names one, their country. ``IMO number`` becomes
  an ``imo`` identifier of seven digits; ``Business registration number (s)`` a ``registration`` one.
* Remarks: Other Information, the UK Statement of Reasons, the sanctions imposed, then labelled
  details the model has no field for (title, position, gender, designation source, company and ship
  details, nationalities that do not resolve to a country) in a fixed order. Phone numbers, e-mail
  addresses and websites are not kept.
* Names are listed primary first, then original script, aliases and weak aliases, each kind in file
  order; with the fixed order of remarks this makes the CSV and XML editions of one publication
  give equal entities although they order a designation's details differently.
* ``Regime Name`` is kept verbatim (``The Russia (Sanctions) (EU Exit) Regulations 2019``); the OFSI
  list wrote ``Russia``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
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
from aktsam.lists.parsers.textfile import (
    check_unique_columns,
    csv_records,
    csv_rows,
    decode_utf8,
    read_bytes,
    read_head,
)
from aktsam.lists.parsers.xmlstream import (
    Element,
    check_root,
    elements,
    refuse_declared_encoding,
    release,
    source_line,
)
from aktsam.lists.values import (
    clean,
    country_code,
    is_original_script,
    iso_date,
    mixed_script_words,
)

SOURCE = "uk-hmt"

#: The header of the published CSV, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "Last Updated", "Unique ID", "OFSI Group ID", "UN Reference Number", "Name 6", "Name 1",
    "Name 2", "Name 3", "Name 4", "Name 5", "Name type", "Alias strength", "Title",
    "Name non-latin script", "Non-latin script type", "Non-latin script language", "Regime Name",
    "Designation Type", "Designation source", "Sanctions Imposed", "Other Information",
    "UK Statement of Reasons", "Address Line 1", "Address Line 2", "Address Line 3",
    "Address Line 4", "Address Line 5", "Address Line 6", "Address Postal Code", "Address Country",
    "Phone number", "Website", "Email address", "Date Designated", "D.O.B", "Nationality(/ies)",
    "National Identifier number", "National Identifier additional information", "Passport number",
    "Passport additional information", "Position", "Gender", "Town of birth", "Country of birth",
    "Type of entity", "Subsidiaries", "Parent company", "Business registration number (s)",
    "IMO number", "Current owner/operator (s)", "Previous owner/operator (s)",
    "Current believed flag of ship", "Previous flags", "Type of ship", "Tonnage of ship",
    "Length of ship", "Year Built", "Hull identification number (HIN)",
)  # fmt: skip

_NAME_PARTS: tuple[str, ...] = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
_ADDRESS_PARTS: tuple[str, ...] = (
    "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5",
    "Address Line 6", "Address Postal Code",
)  # fmt: skip
#: Details the model has no field for, kept in remarks under these labels.
_LABELLED: tuple[tuple[str, str], ...] = (
    ("Title", "Title"),
    ("Position", "Position"),
    ("Gender", "Gender"),
    ("Designation source", "Designation source"),
    ("Type of entity", "Type of entity"),
    ("Parent company", "Parent company"),
    ("Subsidiaries", "Subsidiaries"),
    ("Current owner/operator (s)", "Current owner/operator"),
    ("Previous owner/operator (s)", "Previous owner/operator"),
    ("Current believed flag of ship", "Current believed flag"),
    ("Previous flags", "Previous flags"),
    ("Type of ship", "Type of ship"),
    ("Tonnage of ship", "Tonnage"),
    ("Length of ship", "Length"),
    ("Year Built", "Year built"),
    ("Hull identification number (HIN)", "Hull identification number"),
)
#: The order of labelled details in remarks (whatever order the file gives them in).
_REMARK_LABELS: tuple[str, ...] = (
    *(label for _, label in _LABELLED),
    "Nationality",
    "Passport",
    "National identifier",
)
#: The CSV columns this parser reads: a file lacking one is refused rather than read half-empty.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "Unique ID", "OFSI Group ID", "UN Reference Number", *_NAME_PARTS, "Name type",
    "Alias strength", "Name non-latin script", "Non-latin script language", "Regime Name",
    "Designation Type", "Sanctions Imposed", "Other Information", "UK Statement of Reasons",
    *_ADDRESS_PARTS, "Address Country", "Date Designated", "D.O.B", "Nationality(/ies)",
    "National Identifier number", "National Identifier additional information",
    "Passport number", "Passport additional information", "Town of birth", "Country of birth",
    "Business registration number (s)", "IMO number", *(column for column, _ in _LABELLED),
)  # fmt: skip

#: XML leaf element → the CSV column that carries the same value.
XML_LEAVES: dict[str, str] = {
    "LastUpdated": "Last Updated",
    "UniqueID": "Unique ID",
    "OFSIGroupID": "OFSI Group ID",
    "UNReferenceNumber": "UN Reference Number",
    **{f"Name{n}": f"Name {n}" for n in range(1, 7)},
    "NameType": "Name type",
    "AliasStrength": "Alias strength",
    "Title": "Title",
    "NameNonLatinScript": "Name non-latin script",
    "NonLatinScriptType": "Non-latin script type",
    "NonLatinScriptLanguage": "Non-latin script language",
    "RegimeName": "Regime Name",
    "IndividualEntityShip": "Designation Type",
    "DesignationSource": "Designation source",
    "SanctionsImposed": "Sanctions Imposed",
    "OtherInformation": "Other Information",
    "UKStatementofReasons": "UK Statement of Reasons",
    **{f"AddressLine{n}": f"Address Line {n}" for n in range(1, 7)},
    "AddressPostalCode": "Address Postal Code",
    "AddressCountry": "Address Country",
    "DateDesignated": "Date Designated",
    "DOB": "D.O.B",
    "Nationality": "Nationality(/ies)",
    "NationalIdentifierNumber": "National Identifier number",
    "NationalIdentifierAdditionalInformation": "National Identifier additional information",
    "PassportNumber": "Passport number",
    "PassportAdditionalInformation": "Passport additional information",
    "Position": "Position",
    "Gender": "Gender",
    "TownOfBirth": "Town of birth",
    "CountryOfBirth": "Country of birth",
    "TypeOfEntity": "Type of entity",
    "Subsidiary": "Subsidiaries",
    "ParentCompany": "Parent company",
    "BusinessRegistrationNumber": "Business registration number (s)",
    "IMONumber": "IMO number",
    "CurrentOwnerOperator": "Current owner/operator (s)",
    "PreviousOwnerOperator": "Previous owner/operator (s)",
    "CurrentBelievedFlagOfShip": "Current believed flag of ship",
    "PreviousFlag": "Previous flags",
    "TypeOfShip": "Type of ship",
    "TonnageOfShip": "Tonnage of ship",
    "LengthOfShip": "Length of ship",
    "YearBuilt": "Year Built",
    "HullIdentificationNumber": "Hull identification number (HIN)",
}

_ROOT = "Designations"
_SCHEMAS: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "ship": Schema.VESSEL,
}
_NAME_TYPES: dict[str, NameKind] = {
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,
    "alias": NameKind.ALIAS,
}
_NAME_RANK: dict[NameKind, int] = {
    NameKind.PRIMARY: 0,
    NameKind.ORIGINAL_SCRIPT: 1,
    NameKind.ALIAS: 2,
    NameKind.FORMER: 3,
    NameKind.WEAK_ALIAS: 4,
    NameKind.ENRICHED: 5,
}

_REPORT_DATE = re.compile(r"^Report\s+Date\s*:?\s*(?P<date>.*)$", re.IGNORECASE)
_REPORT_DATE_FORMATS = ("%d-%b-%Y", "%d-%B-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y")
_DOB = re.compile(r"(?P<day>dd|\d{1,2})/(?P<month>mm|\d{1,2})/(?P<year>\d{4})", re.IGNORECASE)
_UN_REFERENCE = re.compile(r"[A-Z]{2}[ie]\.\d{3}")
_IMO = re.compile(r"(?:IMO)?\s*[:.]?\s*(\d{7})", re.IGNORECASE)
_BRACKETED = re.compile(r"\(([^()]+)\)")
_XML_HEAD = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<(?P<root>[\w:.-]+)",
    re.DOTALL,
)


def parse(path: Path) -> ParsedList:
    """Read a UK Sanctions List file, XML or CSV (told apart by content), one entity per Unique ID."""
    path = Path(path)
    head = read_head(path, 4096)
    if not head.strip():
        raise ListFormatError(path, None, "the file is empty")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _parse_xml(path, head)
    return _parse_csv(path)


def detect(head: bytes) -> bool:
    """True when the first bytes of a file are those of the FCDO UK Sanctions List (CSV or XML).

    XML: the root element is ``<Designations>``. CSV: the first line is ``Report Date: …`` or one of
    the first two lines is a header holding both ``Unique ID`` and ``OFSI Group ID``.
    """
    sample = head[:65536]
    xml = _XML_HEAD.match(sample)
    if xml is not None:
        return xml["root"].split(b":")[-1] == _ROOT.encode()
    text = sample.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()[:2]
    if lines and _REPORT_DATE.match(lines[0].strip().strip('"')):
        return True
    for line in lines:
        cells = {cell.strip() for cell in next(csv.reader([line]), [])}
        if {"Unique ID", "OFSI Group ID"} <= cells:
            return True
    return False


# --- warnings ------------------------------------------------------------------------------------


class _Warnings:
    """Data oddities counted by kind: a recurring one is one line, with where it first occurred."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._first: dict[str, str | None] = {}

    def add(self, message: str, where: str | None = None) -> None:
        self._counts[message] += 1
        self._first.setdefault(message, where)

    def lines(self) -> list[str]:
        out = []
        for message, count in self._counts.items():
            where = f"{self._first[message]}: " if self._first[message] else ""
            times = f" ({count} times)" if count > 1 else ""
            out.append(f"{where}{message}{times}")
        return out


# --- CSV -----------------------------------------------------------------------------------------


def _parse_csv(path: Path) -> ParsedList:
    text = decode_utf8(
        path,
        read_bytes(path),
        "is not UTF-8 (the UK Sanctions List is published in UTF-8; the file was re-encoded or is "
        "not that list)",
    )
    records = csv_records(path, text)
    warnings = _Warnings()
    try:
        line, first = next(records)
    except StopIteration:
        raise ListFormatError(path, None, "the file is empty") from None
    banner = _REPORT_DATE.match(" ".join(cell.strip() for cell in first if cell.strip()))
    if banner is not None:
        published = _report_date(path, line, banner["date"])
        try:
            line, header = next(records)
        except StopIteration:
            raise ListFormatError(path, None, "no header line after 'Report Date'") from None
    elif "Unique ID" in (cell.strip() for cell in first):
        published, header = None, first
        warnings.add("no 'Report Date' line; publication date unknown")
    else:
        raise ListFormatError(
            path,
            f"line {line}",
            "expected 'Report Date: <dd-Mon-yyyy>' or the UK Sanctions List column header"
            + _ofsi_hint([cell.strip() for cell in first]),
        )
    header = [cell.strip() for cell in header]
    _check_header(path, header, line)
    designations: dict[str, _Designation] = {}
    for line, cells in csv_rows(path, records, header):
        row = dict(zip(header, cells, strict=True))
        where = f"line {line}"
        unique_id = clean(row["Unique ID"])
        if unique_id is None:
            raise ListFormatError(path, f"{where}, field 'Unique ID'", "empty Unique ID")
        schema = _schema(path, f"{where}, field 'Designation Type'", row["Designation Type"])
        designation = designations.get(unique_id)
        if designation is None:
            designation = designations[unique_id] = _Designation(unique_id, schema, where)
        elif designation.schema is not schema:
            warnings.add(f"Unique ID {unique_id} has rows of more than one Designation Type", where)
        if _joined_name(row) is None and clean(row["Name non-latin script"]) is None:
            warnings.add("row without a name", where)
        designation.add(row, where, warnings)
    if not designations:
        raise ListFormatError(path, None, "the file has a header but no rows")
    entities = [designation.entity(path) for designation in designations.values()]
    return ParsedList(SOURCE, entities, published, files=[str(path)], warnings=warnings.lines())


def _report_date(path: Path, line: int, text: str) -> str:
    value = text.strip()
    for fmt in _REPORT_DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise ListFormatError(
        path, f"line {line}", f"'Report Date' {value!r} is not a date (expected dd-Mon-yyyy)"
    )


def _check_header(path: Path, header: list[str], line: int) -> None:
    check_unique_columns(path, header, line)
    present = set(header)
    missing = [name for name in REQUIRED_COLUMNS if name not in present]
    if missing:
        raise ListFormatError(
            path,
            f"line {line}",
            f"missing UK Sanctions List columns: {', '.join(missing)}{_ofsi_hint(header)}",
        )


def _ofsi_hint(cells: list[str]) -> str:
    """Say so when a line is the OFSI Consolidated List's banner or header."""
    banner = bool(cells) and cells[0] == "Last Updated" and "Unique ID" not in cells
    if banner or ("Group ID" in cells and "Unique ID" not in cells):
        return " (this looks like the OFSI Consolidated List; its parser is uk_hmt)"
    return ""


# --- XML -----------------------------------------------------------------------------------------


def _parse_xml(path: Path, head: bytes) -> ParsedList:
    refuse_declared_encoding(path, head, "the UK Sanctions List is published in UTF-8")
    warnings = _Warnings()
    entities: list[ListedEntity] = []
    lines: dict[str, int] = {}
    published: str | None = None
    stream = elements(path)
    root = next(stream)
    check_root(path, root, _ROOT, "the UK Sanctions List")
    for elem in stream:
        if elem.getparent() is not root:
            continue
        if elem.tag == "DateGenerated":
            published = _date_generated(path, elem)
        elif elem.tag == "Designation":
            entity = _designation(path, elem, warnings)
            if entity.source_id in lines:
                raise ListFormatError(
                    path,
                    _location(elem),
                    f"Unique ID {entity.source_id} is used twice "
                    f"(first at line {lines[entity.source_id]})",
                )
            lines[entity.source_id] = source_line(elem)
            entities.append(entity)
            release(elem)
    if not entities:
        raise ListFormatError(
            path, f"line {root.sourceline}, <{_ROOT}>", "the list has no <Designation> elements"
        )
    if published is None:
        attribute = root.get("DateGenerated") or root.get("dateGenerated")
        if attribute is not None:
            published = _xml_date(path, f"line {root.sourceline}, <{_ROOT}>", attribute)
        else:
            warnings.add("the file has no <DateGenerated>; publication date unknown")
    return ParsedList(SOURCE, entities, published, files=[str(path)], warnings=warnings.lines())


def _location(elem: Element) -> str:
    """``line 10, <Designation> UniqueID=RUS0251``."""
    where = f"line {elem.sourceline}, <{elem.tag}>"
    unique_id = clean(elem.findtext("UniqueID"))
    return f"{where} UniqueID={unique_id}" if unique_id else where


def _date_generated(path: Path, elem: Element) -> str | None:
    text = clean(elem.text)
    if text is None:
        return None
    return _xml_date(path, f"line {elem.sourceline}, <DateGenerated>", text)


def _xml_date(path: Path, where: str, text: str) -> str:
    value = iso_date(text, day_first=True)
    if value is None or len(value) != 10:
        raise ListFormatError(path, where, f"DateGenerated {text!r} is not a dd/mm/yyyy date")
    return value


def _designation(path: Path, elem: Element, warnings: _Warnings) -> ListedEntity:
    where = _location(elem)
    unique_id = clean(elem.findtext("UniqueID"))
    if unique_id is None:
        raise ListFormatError(path, where, "<Designation> without a <UniqueID>")
    type_text = elem.findtext("IndividualEntityShip") or ""
    schema = _schema(path, f"{where}, <IndividualEntityShip>", type_text)
    designation = _Designation(unique_id, schema, where)
    for line, row in _xml_rows(elem):
        designation.add(row, f"line {line}", warnings)
    return designation.entity(path)


def _xml_rows(designation: Element) -> list[tuple[int, dict[str, str]]]:
    """The designation's known leaf elements as CSV-like rows, one per parent element.

    The leaves of one parent belong together (a ``<Name>``'s parts and type, a ``<Passport>``'s
    number and note, an ``<Address>``'s lines); a leaf repeating within its parent starts a new row.
    """
    rows: list[tuple[int, dict[str, str]]] = []
    current: dict[Element, dict[str, str]] = {}
    for leaf in designation.iterdescendants():
        if not isinstance(leaf.tag, str) or len(leaf):
            continue  # comments, processing instructions and container elements
        column = XML_LEAVES.get(leaf.tag)
        parent = leaf.getparent()
        if column is None or parent is None:
            continue
        row = current.get(parent)
        if row is None or column in row:
            row = current[parent] = {}
            rows.append((source_line(leaf), row))
        row[column] = leaf.text or ""
    return rows


# --- one designation ----------------------------------------------------------------------------


def _schema(path: Path, where: str, text: str) -> Schema:
    value = clean(text) or ""
    schema = _SCHEMAS.get(value.lower())
    if schema is None:
        raise ListFormatError(
            path, where, f"unknown designation type {value!r} (expected Individual, Entity or Ship)"
        )
    return schema


def _joined_name(row: Mapping[str, str]) -> str | None:
    return clean(" ".join(part for column in _NAME_PARTS if (part := clean(row.get(column)))))


def _document_country(note: str | None) -> str | None:
    """The country a document note names, wholly (``Pakistan``) or in brackets (``(Afghan) …``)."""
    if note is None:
        return None
    whole = country_code(note)
    if whole is not None:
        return whole
    for bracketed in _BRACKETED.findall(note):
        code = country_code(bracketed)
        if code is not None:
            return code
    return None


def _birth_date(text: str) -> str | None:
    """``dd/mm/1945`` → ``"1945"``; ``dd/05/1945`` → ``"1945-05"``; ``None`` if unreadable."""
    match = _DOB.fullmatch(text)
    if match is None:
        return iso_date(text, day_first=True)
    day, month, year = match["day"].lower(), match["month"].lower(), int(match["year"])
    if year == 0:
        return None
    if month in ("mm", "0", "00"):
        return f"{year:04d}" if day in ("dd", "0", "00") else None
    if not 1 <= int(month) <= 12:
        return None
    if day in ("dd", "0", "00"):
        return f"{year:04d}-{int(month):02d}"
    return iso_date(f"{year:04d}-{int(month):02d}-{int(day):02d}")


def _add(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


@dataclass
class _Designation:
    """Everything the rows of one Unique ID say, collected without duplicates in file order."""

    unique_id: str
    schema: Schema
    where: str
    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed_on: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # Other Information, Statement of Reasons
    labelled: dict[str, list[str]] = field(default_factory=dict)  # label → values
    sanctions: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def add(self, row: Mapping[str, str], where: str, warnings: _Warnings) -> None:
        def get(column: str) -> str | None:
            return clean(row.get(column))

        self._add_names(row, where, warnings)
        dob = get("D.O.B")
        if dob is not None:
            date = _birth_date(dob)
            if date is None:
                warnings.add(f"unreadable D.O.B {dob!r}", where)
            _add(self.birth_dates, date)
        town, birth_country = get("Town of birth"), get("Country of birth")
        _add(self.birth_places, ", ".join(part for part in (town, birth_country) if part))
        _add(self.countries, country_code(birth_country))
        nationality = get("Nationality(/ies)")
        if nationality is not None:
            code = country_code(nationality)
            if code is None:
                self._label("Nationality", nationality)
            _add(self.nationalities, code)
            _add(self.countries, code)
        self._add_address(row)
        self._add_identifiers(row, where, warnings)
        _add(self.programs, get("Regime Name"))
        designated = get("Date Designated")
        if designated is not None:
            date = iso_date(designated, day_first=True)
            if date is None:
                warnings.add(f"unreadable Date Designated {designated!r}", where)
            _add(self.listed_on, date)
        _add(self.texts, get("Other Information"))
        reasons = get("UK Statement of Reasons")
        _add(self.texts, f"UK Statement of Reasons: {reasons}" if reasons else None)
        for part in (get("Sanctions Imposed") or "").split("|"):
            _add(self.sanctions, clean(part))
        for column, label in _LABELLED:
            self._label(label, get(column))
        _add(self.countries, country_code(get("Current believed flag of ship")))
        self._add_un_reference(get("UN Reference Number"), where, warnings)

    def _label(self, label: str, value: str | None) -> None:
        if value is not None:
            _add(self.labelled.setdefault(label, []), value)

    def _add_names(self, row: Mapping[str, str], where: str, warnings: _Warnings) -> None:
        value = _joined_name(row)
        if value is not None:
            name_type = clean(row.get("Name type")) or ""
            kind = _NAME_TYPES.get(name_type.lower())
            if kind is None:
                warnings.add(f"unknown Name type {name_type!r} read as an alias", where)
                kind = NameKind.ALIAS
            strength = (clean(row.get("Alias strength")) or "").lower()
            if kind is NameKind.ALIAS and strength.startswith("low"):
                kind = NameKind.WEAK_ALIAS
            if kind is NameKind.ALIAS and is_original_script(value):
                kind = NameKind.ORIGINAL_SCRIPT
            self._add_name(Name(value, kind), where, warnings)
        original = clean(row.get("Name non-latin script"))
        if original is not None:
            language = clean(row.get("Non-latin script language"))
            lang = iso_639_alpha2(language) if language else None
            kind = NameKind.ORIGINAL_SCRIPT if is_original_script(original) else NameKind.ALIAS
            self._add_name(Name(original, kind, lang), where, warnings)

    def _add_name(self, name: Name, where: str, warnings: _Warnings) -> None:
        """Keep one entry per spelling: the strongest kind wins (a primary is not also an alias)."""
        for index, known in enumerate(self.names):
            if known.value == name.value:
                if _NAME_RANK[name.kind] < _NAME_RANK[known.kind]:
                    self.names[index] = name
                return
        if slips := mixed_script_words(name.value):
            warnings.add(
                f"{self.unique_id}: name {name.value!r} mixes scripts within {slips}", where
            )
        self.names.append(name)

    def _add_address(self, row: Mapping[str, str]) -> None:
        country_text = clean(row.get("Address Country"))
        parts = [clean(row.get(column)) for column in _ADDRESS_PARTS]
        full = ", ".join(part for part in [*parts, country_text] if part)
        if not full:
            return
        code = country_code(country_text)
        address = Address(full, code)
        if address not in self.addresses:
            self.addresses.append(address)
        _add(self.countries, code)

    def _add_identifiers(self, row: Mapping[str, str], where: str, warnings: _Warnings) -> None:
        def get(column: str) -> str | None:
            return clean(row.get(column))

        group_id = get("OFSI Group ID")
        if group_id is not None:
            self._add_identifier(Identifier("ofsi_group_id", group_id))
        for kind, number_column, note_column, label in (
            ("passport", "Passport number", "Passport additional information", "Passport"),
            (
                "national_id",
                "National Identifier number",
                "National Identifier additional information",
                "National identifier",
            ),
        ):
            number, note = get(number_column), get(note_column)
            if number is not None:
                country = _document_country(note)
                self._add_identifier(Identifier(kind, number, country, note))
                _add(self.countries, country)
            elif note is not None:
                self._label(label, note)
        imo = get("IMO number")
        if imo is not None:
            match = _IMO.fullmatch(imo)
            if match is None:
                warnings.add(f"IMO number {imo!r} is not seven digits; kept as written", where)
            self._add_identifier(Identifier("imo", match[1] if match else imo))
        registration = get("Business registration number (s)")
        if registration is not None:
            self._add_identifier(Identifier("registration", registration))

    def _add_identifier(self, identifier: Identifier) -> None:
        if identifier not in self.identifiers:
            self.identifiers.append(identifier)

    def _add_un_reference(self, reference: str | None, where: str, warnings: _Warnings) -> None:
        if reference is None:
            return
        if _UN_REFERENCE.fullmatch(reference) is None:
            warnings.add(f"UN Reference Number {reference!r} is not a UN number; no link", where)
            return
        is_individual = reference[2] == "i"
        if is_individual != (self.schema is Schema.PERSON):
            warnings.add(
                f"UN Reference Number {reference} is of the other kind (i/e); no link", where
            )
            return
        if all(known.target != reference for known in self.relations):
            self.relations.append(Relation(RelationKind.SAME_AS, reference, "un-sc"))

    def entity(self, path: Path) -> ListedEntity:
        if not self.names:
            raise ListFormatError(path, self.where, f"designation {self.unique_id} has no name")
        # by kind, then in file order: the CSV and XML editions list the same names in other orders
        names = sorted(self.names, key=lambda name: _NAME_RANK[name.kind])
        extra = [f"Sanctions imposed: {'; '.join(self.sanctions)}"] if self.sanctions else []
        extra += [
            f"{label}: {'; '.join(self.labelled[label])}"
            for label in _REMARK_LABELS
            if label in self.labelled
        ]
        remarks = "\n".join([*self.texts, *extra]) or None
        return ListedEntity(
            source=SOURCE,
            source_id=self.unique_id,
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
