"""trade.gov Consolidated Screening List, ``consolidated.csv`` (source ``us-csl``).

The CSL merges the export-control and sanctions lists of Commerce (BIS: Entity List, Denied Persons,
Unverified, Military End User), State (ITAR debarred, nonproliferation) and the Treasury (OFAC SDN
and the non-SDN lists) into one UTF-8 CSV of 29 columns, one row per listing. Multi-valued cells
are separated by ``;``. The file states no publication date.

Decisions:

* One entity per row, ``sublist`` = the ``source`` column as published ("Entity List (EL) - Bureau
  of Industry and Security"); :func:`sublist_code` gives its short code (``EL``).
* ``source_id`` is ``_id``, except on the Treasury's non-SDN lists: there ``_id`` is the OFAC uid,
  and the same uid is listed on several Treasury lists (BANK BELVEB is on SDN, SSI and CAP, three
  rows with ``_id`` 18291; 112 rows of the 2022 file share an ``_id``). Those rows get
  ``"{_id}-{code}"`` (``18291-SSI``), so every row keeps an id of its own that does not depend on
  which other lists carry the entity. SDN rows keep the bare uid. A row that repeats an earlier
  one (the 2022 file lists BANK OF KUNLUN twice on CAP, differing only in source_list_url) is
  skipped with a warning; a repeated ``_id`` with different details is refused.
* Rows of OFAC lists link to the OFAC entry: ``Relation(SAME_AS, target=entity_number,
  target_source="ofac-sdn")`` for SDN rows and ``target_source="ofac-cons"`` for the non-SDN lists,
  which OFAC publishes as its Consolidated (non-SDN) list.
* ``type`` is blank on every BIS and State row. It is *not* read as "organization": the Entity List
  names individuals too ("Maria Pashovkina", "Murat Taskiran"), and the Denied Persons and ITAR
  lists are mostly people; such rows are :attr:`Schema.UNKNOWN`.
* ``ids`` cells are OFAC's flattened ID list, ``[country, ][date, ]value, type``. Document numbers
  become identifiers (the type as published in ``note``); the other "features" OFAC keeps there
  (Gender, Website, directive and secondary-sanctions information, aircraft model…) and the
  Federal Register notice, licence requirement and licence policy (what an exporter needs to
  know) go to ``remarks``.
* ``dates_of_birth``: ``circa 1960`` → ``"1960"``; ``1960 to 1962`` → each year of the range.
* ``(Linked To: NAME)`` in remarks becomes ``Relation(LINKED_TO, target=NAME)``.
"""

from __future__ import annotations

import re
from pathlib import Path

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
)
from aktsam.lists.values import clean, country_code, is_original_script, iso_date

SOURCE = "us-csl"

COLUMNS: tuple[str, ...] = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
)  # fmt: skip

_TYPES: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
    "": Schema.UNKNOWN,
}

_TREASURY = "Treasury Department"

# OFAC ID types → aktsam identifier types; anything else that is not a feature is "other".
_ID_TYPES: dict[str, str] = {
    "National ID No.": "national_id",
    "Cedula No.": "national_id",
    "D.N.I.": "national_id",
    "C.U.R.P.": "national_id",
    "Identification Number": "national_id",
    "Personal ID Card": "national_id",
    "Turkish Identification Number": "national_id",
    "Citizen's Card Number": "national_id",
    "Numero de Identidad": "national_id",
    "Tazkira National ID Card": "national_id",
    "Kenyan ID No.": "national_id",
    "Bosnian Personal ID No.": "national_id",
    "Moroccan Personal ID No.": "national_id",
    "CNP (Personal Numerical Code)": "national_id",
    "UAE Identification": "national_id",
    "National Foreign ID Number": "national_id",
    "SSN": "national_id",
    "Tax ID No.": "tax_id",
    "NIT #": "tax_id",
    "R.F.C.": "tax_id",
    "RFC": "tax_id",
    "RUC #": "tax_id",
    "RIF #": "tax_id",
    "V.A.T. Number": "tax_id",
    "C.U.I.T.": "tax_id",
    "C.I.F.": "tax_id",
    "US FEIN": "tax_id",
    "Italian Fiscal Code": "tax_id",
    "Fiscal Code": "tax_id",
    "Registration Number": "registration",
    "Registration ID": "registration",
    "Company Number": "registration",
    "UK Company Number": "registration",
    "Commercial Registry Number": "registration",
    "Business Registration Number": "registration",
    "Business Registration Document #": "registration",
    "Unified Social Credit Code (USCC)": "registration",
    "United Social Credit Code Certificate (USCCC)": "registration",
    "Government Gazette Number": "registration",
    "Certificate of Incorporation Number": "registration",
    "Chamber of Commerce Number": "registration",
    "Legal Entity Number": "registration",
    "Enterprise Number": "registration",
    "Folio Mercantil No.": "registration",
    "Matricula Mercantil No": "registration",
    "Public Registration Number": "registration",
    "Trade License No.": "registration",
    "SWIFT/BIC": "swift",
    "Vessel Registration Identification": "imo",
    "MMSI": "mmsi",
    "ISIN": "isin",
    "D-U-N-S Number": "duns",
}

# Entries of the ids cell that describe rather than identify: they go to remarks.
_FEATURES: frozenset[str] = frozenset(
    {
        "Gender",
        "Website",
        "Email Address",
        "Phone Number",
        "Organization Established Date",
        "Target Type",
        "Aircraft Model",
        "Aircraft Manufacture Date",
        "Aircraft Operator",
        "Former Vessel Flag",
        "Other Vessel Flag",
        "Other Vessel Type",
        "Nationality of Registration",
        "Registration Country",
        "Issuer Name",
        "Effective Date (CMIC)",
        "Listing Date (CMIC)",
        "Purchase/Sales For Divestment Date (CMIC)",
        "Executive Order 14024 Directive Information",
    }
)

_LINKED_TO = re.compile(r"Linked To:\s*([^;)]+)")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CIRCA = re.compile(r"(?:circa|approximately|about)\s+(\d{4})", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"(\d{4})\s+to\s+(\d{4})")
_BRACKETED_CODE = re.compile(r"\(([^()]+)\)")


def sublist_code(sublist: str) -> str | None:
    """The short code inside a CSL ``source``: ``"Entity List (EL) - Bureau …"`` → ``"EL"``.

    ``"Non-SDN Menu-Based Sanctions List (NS-MBS List) - …"`` → ``"NS-MBS"``; ``None`` when the
    name holds no bracketed code.
    """
    match = _BRACKETED_CODE.search(sublist)
    if match is None:
        return None
    return match[1].removesuffix(" List").strip() or None


def parse(path: Path) -> ParsedList:
    """Read a trade.gov ``consolidated.csv`` into one entity per row."""
    path = Path(path)
    records = csv_records(path, decode_utf8(path, read_bytes(path)))
    try:
        header_line, header = next(records)
    except StopIteration:
        raise ListFormatError(path, None, "the file is empty") from None
    header = [cell.strip() for cell in header]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ListFormatError(path, f"line {header_line}", f"missing columns: {', '.join(missing)}")
    check_unique_columns(path, header, header_line)
    entities: dict[str, tuple[int, ListedEntity]] = {}
    warnings: list[str] = []
    for line, cells in csv_rows(path, records, header):
        entity = _entity(path, line, dict(zip(header, cells, strict=True)), warnings)
        if entity.source_id in entities:
            first_line, first = entities[entity.source_id]
            if entity != first:
                raise ListFormatError(
                    path,
                    f"line {line}, field '_id'",
                    f"_id {entity.source_id!r} of line {first_line} again, with other details",
                )
            warnings.append(f"line {line}: repeats the listing of line {first_line}; skipped")
            continue
        entities[entity.source_id] = (line, entity)
    if not entities:
        raise ListFormatError(path, None, "the file has a header but no rows")
    listed = [entity for _, entity in entities.values()]
    newest = max((entity.listed_on for entity in listed if entity.listed_on), default=None)
    warnings.insert(0, f"the CSL states no publication date; its newest start_date is {newest}")
    return ParsedList(SOURCE, listed, None, files=[str(path)], warnings=warnings)


# --- one row ---------------------------------------------------------------------------------


def _split(value: str | None) -> list[str]:
    """The items of a ``;``-separated cell."""
    items = (clean(part) for part in (value or "").split(";"))
    return [item for item in items if item]


def _add(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _entity(path: Path, line: int, row: dict[str, str], warnings: list[str]) -> ListedEntity:
    row_id = clean(row["_id"])
    if row_id is None:
        raise ListFormatError(path, f"line {line}, field '_id'", "empty _id")
    sublist = clean(row["source"])
    if sublist is None:
        raise ListFormatError(path, f"line {line}, field 'source'", "empty source list")
    kind = (clean(row["type"]) or "").lower()
    schema = _TYPES.get(kind)
    if schema is None:
        raise ListFormatError(
            path,
            f"line {line}, field 'type'",
            f"unknown type {row['type']!r} (expected Individual, Entity, Vessel, Aircraft, blank)",
        )
    primary = clean(row["name"])
    if primary is None:
        raise ListFormatError(path, f"line {line}, field 'name'", "empty name")
    code = sublist_code(sublist)
    treasury = sublist.endswith(_TREASURY)
    is_sdn = treasury and code == "SDN"
    source_id = f"{row_id}-{code}" if treasury and not is_sdn and code else row_id

    names = [Name(primary, NameKind.PRIMARY)]
    for alias in _split(row["alt_names"]):
        kind_of = NameKind.ORIGINAL_SCRIPT if is_original_script(alias) else NameKind.ALIAS
        if all(alias != name.value for name in names):
            names.append(Name(alias, kind_of))

    nationalities: list[str] = []
    for value in _split(row["citizenships"]) + _split(row["nationalities"]):
        _add(nationalities, country_code(value))
    addresses = [_address(text) for text in _split(row["addresses"])]
    countries = list(nationalities)
    for address in addresses:
        _add(countries, address.country)
    _add(countries, country_code(row["vessel_flag"]))

    identifiers, features = _ids(row["ids"])
    call_sign = clean(row["call_sign"])
    if call_sign:
        identifiers.append(Identifier("call_sign", call_sign))

    relations = [
        Relation(RelationKind.LINKED_TO, target.strip())
        for target in _LINKED_TO.findall(row["remarks"])
    ]
    entity_number = clean(row["entity_number"])
    if treasury and entity_number:
        target_source = "ofac-sdn" if is_sdn else "ofac-cons"
        relations.append(Relation(RelationKind.SAME_AS, entity_number, target_source))

    birth_dates: list[str] = []
    for text in _split(row["dates_of_birth"]):
        dates = _birth_dates(text)
        if not dates:
            warnings.append(f"line {line}: unreadable date of birth {text!r}")
        for date in dates:
            _add(birth_dates, date)

    listed_on = iso_date(row["start_date"])
    if clean(row["start_date"]) and listed_on is None:
        warnings.append(f"line {line}: unreadable start_date {row['start_date']!r}")
    elif listed_on and listed_on < "1900":
        warnings.append(f"line {line}: implausible start_date {listed_on} kept as published")

    return ListedEntity(
        source=SOURCE,
        source_id=source_id,
        schema=schema,
        names=names,
        birth_dates=birth_dates,
        birth_places=_split(row["places_of_birth"]),
        nationalities=nationalities,
        countries=countries,
        addresses=addresses,
        identifiers=identifiers,
        programs=_split(row["programs"]),
        listed_on=listed_on,
        remarks=_remarks(row, features),
        relations=relations,
        sublist=sublist,
        url=clean(row["source_information_url"]),
    )


def _address(text: str) -> Address:
    """CSL addresses end with the ISO country code: ``"P.O. Box 3421, Sharjah, AE"``."""
    last = text.rsplit(",", 1)[-1].strip()
    country = country_code(last) if _COUNTRY_CODE.fullmatch(last) else None
    return Address(text, country)


def _birth_dates(text: str) -> list[str]:
    """``1973-03-25``, ``1952``, ``circa 1952``, ``1960 to 1962`` as partial ISO dates."""
    circa = _CIRCA.fullmatch(text)
    if circa:
        return [circa[1]]
    span = _YEAR_RANGE.fullmatch(text)
    if span:
        first, last = int(span[1]), int(span[2])
        if first <= last and last - first <= 10:
            return [f"{year:04d}" for year in range(first, last + 1)]
        return [span[1], span[2]]
    date = iso_date(text)
    return [date] if date else []


def _ids(cell: str) -> tuple[list[Identifier], list[str]]:
    """Split OFAC's flattened ID list into identifiers and descriptive features (remarks lines)."""
    identifiers: list[Identifier] = []
    features: list[str] = []
    for item in _split(cell):
        parts = [part.strip() for part in item.split(",")]
        label, rest = parts[-1], parts[:-1]
        if label in _FEATURES or label.endswith((":", "-")) or not rest:
            features.append(f"{label.rstrip(' :-')}: {', '.join(rest)}" if rest else label)
            continue
        country = None
        if len(rest) > 1 and _COUNTRY_CODE.fullmatch(rest[0]):
            country = country_code(rest.pop(0))
        issued = rest.pop(0) if len(rest) > 1 and _ISO_DAY.fullmatch(rest[0]) else None
        value = ", ".join(rest)
        kind = _ID_TYPES.get(label)
        if kind is None:
            lowered = label.lower()
            kind = (
                "passport"
                if "passport" in lowered
                else "crypto_wallet"
                if lowered.startswith("digital currency address")
                else "other"
            )
        if kind == "imo":
            value = value.removeprefix("IMO").strip()
        note = f"{label}, {issued}" if issued else label
        identifier = Identifier(kind, value, country, note)
        if identifier not in identifiers:
            identifiers.append(identifier)
    return identifiers, features


def _remarks(row: dict[str, str], features: list[str]) -> str | None:
    lines: list[str] = []
    _add(lines, clean(row["remarks"]))
    for column, label in (
        ("title", "Title"),
        ("federal_register_notice", "Federal Register notice"),
        ("license_requirement", "License requirement"),
        ("license_policy", "License policy"),
        ("standard_order", "Standard order"),
        ("end_date", "End date"),
    ):
        value = clean(row[column])
        if value:
            lines.append(f"{label}: {value}")
    vessel = [
        f"{label} {value}"
        for column, label in (
            ("vessel_type", "type"),
            ("gross_tonnage", "gross tonnage"),
            ("gross_registered_tonnage", "gross registered tonnage"),
            ("vessel_flag", "flag"),
            ("vessel_owner", "owner"),
        )
        if (value := clean(row[column]))
    ]
    if vessel:
        lines.append(f"Vessel: {', '.join(vessel)}")
    lines.extend(features)
    return "\n".join(lines) or None
