"""OFAC's vocabulary, shared by its three formats: remark segments, id labels, dates, names.

OFAC keeps one database and exports it three ways. The same fact reads ``Passport 042833 (Lebanon)``
in a legacy CSV remark, ``<idType>Passport</idType><idNumber>042833</idNumber>...`` in the classic
XML and an ``<identityDocument>`` in the enhanced XML; ``Secondary sanctions risk: ...`` is a
remark segment, an ``idList`` entry and a ``<feature>``. This module says once what each label means
in the model, so the three parsers agree on an entity whatever file it came from:

* an *identifier* label (``Passport``, ``Tax ID No.``, ``SWIFT/BIC``...) becomes an
  :class:`Identifier` of a small canonical type (``passport``, ``national_id``, ``tax_id``,
  ``registration``, ``imo``...), or the label in lower snake case; OFAC's own wording then stays in
  ``note``;
* a *flag* label (``Former Vessel Flag``, ``Nationality of Registration``) adds a country and stays
  as text;
* a *fact* label (``Gender``, ``Secondary sanctions risk:``, ``Executive Order ... -``,
  ``Target Type``) says something about the designation, not about identity: it is kept, as OFAC
  writes it, in ``remarks``.

Names: OFAC writes individuals ``LAST, First`` (CSV ``SDN_Name``, remark aliases, ``Linked To``
targets) or as ``lastName`` + ``firstName`` (XML). aktsam stores every person name as ``First LAST``
(the XML's two fields joined, or the CSV name split at its first comma), so the same person reads
the same from every format; matching is order-neutral anyway. Organisation, vessel and aircraft
names are kept as written (their commas belong to the name: ``GRUPO MUNDO MARINO, S.A.``).
``Linked To`` targets are kept verbatim.

Sections: schemas and names; dates; labels and identifiers; addresses; legacy CSV remark segments;
assembling an entity (de-duplication, values left as text reported as warnings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from aktsam.lists.model import (
    Identifier,
    ListedEntity,
    Name,
    NameKind,
    Relation,
    RelationKind,
    Schema,
)
from aktsam.lists.values import clean, country_code, iso_date

ENTRY_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={uid}"

SCHEMAS: dict[str, Schema] = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}


def schema_of(value: str | None) -> Schema | None:
    """The schema for OFAC's ``sdnType`` / ``SDN_Type`` / ``entityType``, ``None`` if unknown."""
    text = clean(value)
    return SCHEMAS.get(text.lower()) if text else None


def person_name(ofac_name: str) -> str:
    """``"NASRALLAH, Hasan"`` → ``"Hasan NASRALLAH"``, split at the first comma as the XML is."""
    last, comma, first = ofac_name.partition(",")
    if not comma or not first.strip():
        return ofac_name
    return f"{first.strip()} {last.strip()}"


def join_name(first: str | None, last: str | None) -> str | None:
    """``firstName`` + ``lastName`` (XML) in the ``First LAST`` order of every OFAC person name."""
    return clean(" ".join(part for part in (first, last) if part))


def split_programs(value: str | None) -> list[str]:
    """CSV ``Program`` packs several: ``SDGT] [SYRIA`` (``[SDGT] [SYRIA]`` stripped)."""
    text = clean(value)
    if text is None:
        return []
    return [p for p in (clean(part.strip("[]")) for part in re.split(r"\]\s*\[", text)) if p]


# --- dates ---------------------------------------------------------------------------------------

_RANGE = re.compile(r"^(?P<start>.+?)\s+to\s+(?P<end>.+)$", re.IGNORECASE)


def ofac_dates(value: str | None) -> list[str] | None:
    """An OFAC date of birth as partial ISO dates, or ``None`` when it cannot be read.

    OFAC writes ``31 Aug 1960``, ``Aug 1960``, ``1960``, ``circa 1960`` and ranges ``1955 to 1958``
    / ``01 Jan 1960 to 31 Dec 1960``. ``circa`` keeps the year only (the day is not vouched for); a
    range within one month or year collapses to it; a range over several years lists each year (at
    most 20), which is what a year-level birth date comparison needs.
    """
    text = clean(value)
    if text is None:
        return None
    dates = _dates(text)
    return list(dates) if dates is not None else None


@lru_cache(maxsize=16384)
def _dates(text: str) -> tuple[str, ...] | None:
    # cached: sdn.xml has 7,500 dates of birth but far fewer distinct ones, and strptime is slow
    text = text.rstrip(".")
    approximate = text.lower().startswith("circa ")
    if approximate:
        text = text[len("circa ") :]
    span = _RANGE.match(text)
    if span:
        start = iso_date(span["start"], day_first=False)
        end = iso_date(span["end"], day_first=False)
        if start is None or end is None:
            return None
        return tuple(_span(start, end))
    date = iso_date(text, day_first=False)
    if date is None:
        return None
    return (date[:4],) if approximate else (date,)


def _span(start: str, end: str) -> list[str]:
    if start == end:
        return [start]
    if start[:7] == end[:7] and len(start) >= 7 and len(end) >= 7:
        return [start[:7]]
    first, last = int(start[:4]), int(end[:4])
    if first == last:
        return [start[:4]]
    if 0 < last - first <= 20:
        return [str(year) for year in range(first, last + 1)]
    return [start[:4], end[:4]]


# --- labels --------------------------------------------------------------------------------------

# Canonical identifier types for the labels screening compares across lists; the rest keep OFAC's
# label in lower snake case (``Aircraft Tail Number`` → ``aircraft_tail_number``).
_CANONICAL: dict[str, str] = {
    **dict.fromkeys(
        (
            "Passport",
            "Diplomatic Passport",
            "British National Overseas Passport",
            "Stateless Person Passport",
        ),
        "passport",
    ),
    **dict.fromkeys(
        (
            "National ID No.",
            "Personal ID Card",
            "Tazkira National ID Card",
            "Cedula No.",
            "D.N.I.",
            "C.U.R.P.",
            "Turkish Identification Number",
            "Kenyan ID No.",
            "Moroccan Personal ID No.",
            "Bosnian Personal ID No.",
            "National Foreign ID Number",
            "Citizen's Card Number",
            "CNP (Personal Numerical Code)",
            "Numero de Identidad",
            "UAE Identification",
            "Stateless Person ID Card",
        ),
        "national_id",
    ),
    **dict.fromkeys(
        (
            "Tax ID No.",
            "R.F.C.",
            "RFC",
            "NIT #",
            "RUC #",
            "RIF #",
            "V.A.T. Number",
            "US FEIN",
            "C.U.I.T.",
            "C.I.F.",
            "N.I.F.",
            "Italian Fiscal Code",
            "Fiscal Code",
            "Paraguayan tax identification number",
            "Romanian Tax Registration",
            "Numero Unico de Identificacao Tributaria (NUIT)",
        ),
        "tax_id",
    ),
    **dict.fromkeys(
        (
            "Registration Number",
            "Registration ID",
            "Business Registration Number",
            "Business Registration Document #",
            "Business Number",
            "Company Number",
            "UK Company Number",
            "Commercial Registry Number",
            "Chamber of Commerce Number",
            "Istanbul Chamber of Comm. No.",
            "Dubai Chamber of Commerce Membership No.",
            "C.R. No.",
            "Romanian C.R.",
            "Folio Mercantil No.",
            "Matricula Mercantil No",
            "Public Registration Number",
            "Certificate of Incorporation Number",
            "Enterprise Number",
            "Legal Entity Number",
            "Trade License No.",
            "Government Gazette Number",
            "Unified Social Credit Code (USCC)",
            "United Social Credit Code Certificate (USCCC)",
            "Economic Register Number (CBLS)",
            "Central Registration System Number",
            "Registered Charity No.",
            "Registration Certificate Number (Dubai)",
            "Russian State Individual Business Registration Number Pattern (OGRNIP)",
        ),
        "registration",
    ),
    "SWIFT/BIC": "swift",
    "MMSI": "mmsi",
    "Website": "website",
    "Email Address": "email",
    "Phone Number": "phone",
    "Other Vessel Call Sign": "call_sign",
    "Vessel Call Sign": "call_sign",
}

# Identifier labels that keep their snake-case name. Listed because legacy CSV remarks run label and
# number together (``Aircraft Tail Number N200VR``): without the label list the number cannot be
# told from the label. Taken from the idType values of sdn.xml (2024-05-07) and the enhanced XML's
# feature types.
_OTHER_ID_LABELS: tuple[str, ...] = (
    "Identification Number",
    "C.U.I.",
    "C.U.I.P.",
    "C.I.N.",
    "I.F.E.",
    "D-U-N-S Number",
    "ISIN",
    "BIK (RU)",
    "SSN",
    "License",
    "Permit Number",
    "Residency Number",
    "Birth Certificate Number",
    "Driver's License No.",
    "Electoral Registry No.",
    "Credencial electoral",
    "Cartilla de Servicio Militar Nacional",
    "Chinese Commercial Code",
    "Branch Unit Number",
    "LE Number",
    "RTN",
    "Refugee ID Card",
    "Travel Document Number",
    "VisaNumberID",
    "SRE Permit No.",
    "File Number",
    "Immigration No.",
    "Public Security and Immigration No.",
    "Afghan Money Service Provider License Number",
    "Pilot License Number",
    "Military Registration Number",
    "Serial No.",
    "N.I.E.",
    "Romanian Permanent Resident",
    "MICEX Code",
    "MSB Registration Number",
    "Seafarer's Identification Document",
    "Tourism License No.",
    "Trademark number",
    "Organization Code",
    "Equity Ticker",
    "UN/LOCODE",
    "Vessel Registration Identification",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Tail Number",
    "Previous Aircraft Tail Number",
    "Aircraft Mode S Transponder Code",
    "Aircraft Serial Identification",
)

# Labels whose value is a country the entity is tied to (kept as text too: "former" matters to a
# reader).
FLAG_LABELS: frozenset[str] = frozenset(
    {
        "Vessel Flag",
        "Former Vessel Flag",
        "Other Vessel Flag",
        "Nationality of Registration",
        "Registration Country",
    }
)

# Facts about the designation or the thing, not identifiers. Endings ":" / " -" mark OFAC's
# sanctions-information labels ("Secondary sanctions risk:", "Additional Sanctions Information -"),
# so new ones are facts too.
_FACT_LABELS: frozenset[str] = frozenset(
    {
        "Gender",
        "Target Type",
        "Organization Established Date",
        "Organization Type",
        "Aircraft Model",
        "Aircraft Operator",
        "Aircraft Manufacture Date",
        "Vessel Year of Build",
        "Other Vessel Type",
        "Vessel Type",
        "VESSEL TYPE",
        "Vessel Tonnage",
        "Vessel Gross Registered Tonnage",
        "Issuer Name",
    }
)
_FACT_PREFIXES: tuple[str, ...] = (
    "Executive Order",
    "Listing Date",
    "Effective Date",
    "Purchase/Sales For Divestment Date",
    "CAATSA",
    "IFCA",
    "PEESA",
)

LabelRole = Literal["identifier", "flag", "fact", "linked_to"]


def label_role(label: str) -> LabelRole:
    """What an OFAC id/feature label is: identifier (the default), country flag, fact or link."""
    if label.rstrip(":").strip().lower() == "linked to":
        return "linked_to"
    if label in FLAG_LABELS:
        return "flag"
    if (
        label in _FACT_LABELS
        or label.endswith((":", " -"))
        or label.startswith(_FACT_PREFIXES)
        or "tonnage" in label.lower()
    ):
        return "fact"
    return "identifier"


_CRYPTO = re.compile(r"^Digital Currency Address - (?P<coin>\w+)$")
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_IMO = re.compile(r"^IMO\s*(?P<number>\d+)$")
_IMO_DIGITS = re.compile(r"^(?P<number>\d{7})$")


def snake(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "other"


def make_identifier(
    label: str,
    number: str,
    country: str | None = None,
    *,
    issued: str | None = None,
    expires: str | None = None,
    note: str | None = None,
    iso: str | None = None,
) -> Identifier:
    """An :class:`Identifier` from OFAC's label, number and country name, in canonical form.

    ``IMO 9187629`` under any label (``Vessel Registration Identification``, ``Identification
    Number``) is the IMO number ``9187629``. A country name that does not resolve stays in ``note``,
    never guessed; ``iso`` is a code the file gives itself (the enhanced XML's ``isoCode``) and wins
    over the name.
    """
    notes: list[str] = []
    kind = _CANONICAL.get(label) or snake(label)
    value = number
    imo = _IMO.match(number)
    if imo is None and label == "Vessel Registration Identification":
        imo = _IMO_DIGITS.match(number)  # now and then written without its "IMO"
    crypto = _CRYPTO.match(label)
    if imo:
        kind, value = "imo", imo["number"]
    elif label == "Legal Entity Number" and _LEI.match(number):
        kind = "lei"  # OFAC files ISO 17442 LEIs and national entity numbers under one label
    if crypto:
        kind = "crypto_wallet"
        notes.append(crypto["coin"])
    elif kind != snake(label):
        notes.append(label)  # OFAC's wording, where the type no longer says it
    code = iso or country_code(country)
    if country and code is None:
        notes.append(country)
    for word, date in (("issued", issued), ("expires", expires)):
        if date:
            notes.append(f"{word} {_date_or_text(date)}")
    if note:
        notes.append(note)
    return Identifier(kind, value, code, "; ".join(notes) or None)


def _date_or_text(value: str) -> str:
    dates = ofac_dates(value)
    return dates[0] if dates and len(dates) == 1 else value


def fact(label: str, value: str | None) -> str:
    """A fact as OFAC's CSV remark writes it: label and value joined (``Gender Male``)."""
    return f"{label} {value}" if value else label


def address_line(
    streets: list[str | None],
    city: str | None,
    state: str | None,
    postal: str | None,
    country: str | None,
    *extra: str | None,
) -> str | None:
    """An address laid out as the legacy CSV has it, so that all three formats read the same:
    ``street, street, City, State Postal, Country`` (the CSV's ``City/State/Province/Postal Code``
    column is one part)."""
    locality = " ".join(p for p in (", ".join(p for p in (city, state) if p), postal) if p)
    parts = [p for p in (*streets, locality, *extra, country) if p]
    return ", ".join(parts) or None


# --- remarks -------------------------------------------------------------------------------------


def split_segments(remarks: str) -> list[str]:
    """Remark segments: OFAC separates facts with ``"; "``, now and then without the space."""
    return [s for s in (clean(part) for part in remarks.split(";")) if s]


def split_linked_to(remarks: str | None) -> tuple[list[str], list[str]]:
    """XML remarks → (other segments, ``Linked To`` targets).

    The classic XML keeps every fact in elements; its remarks hold free text and the links, wrapped
    in one pair of brackets: ``(Linked To: A; Linked To: B)``. Targets may hold brackets of their
    own (``ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE``), so only an unbalanced bracket is
    removed.
    """
    text = clean(remarks)
    if text is None:
        return [], []
    notes: list[str] = []
    targets: list[str] = []
    for segment in split_segments(text):
        candidate = segment
        if candidate.startswith("(Linked To:"):
            candidate = candidate[1:]
        if candidate.endswith(")") and candidate.count(")") > candidate.count("("):
            candidate = candidate[:-1]
        target = _linked_target(candidate)
        if target is not None:
            targets.append(target)
        else:
            notes.append(segment)
    return notes, targets


def _linked_target(segment: str) -> str | None:
    if segment.lower().startswith("linked to:"):
        return clean(segment[len("linked to:") :])
    return None


_ALIAS = re.compile(
    r"^(?P<type>[afn])\.k\.a\.,?\s+(?P<quote>['\"])(?P<name>.+)(?P=quote)$", re.IGNORECASE
)
_ID_VALUE = re.compile(
    r"^(?P<value>.*?)(?:\s*\((?P<country>[^()]*)\))?(?:\s+issued\s+(?P<issued>.+?))?"
    r"(?:\s+expires\s+(?P<expires>.+?))?$"
)
# Company-name endings whose final "." belongs to the name, not to the sentence (``... S.A.`` /
# ``CO.``).
_ABBREVIATION = re.compile(
    r"(?:\b\w\.\w\.|\b(?:CO|CORP|INC|LTD|LTDA|CIA|JR|SR|NO|ST)\.)$", re.IGNORECASE
)
_ID_LABELS: tuple[str, ...] = tuple(sorted((*_CANONICAL, *_OTHER_ID_LABELS), key=len, reverse=True))


@dataclass(slots=True)
class RemarkFacts:
    """A legacy CSV remark sorted into the model's fields; ``notes`` keeps the rest verbatim."""

    names: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (what, value) kept in notes


def parse_remarks(
    remarks: str | None, schema: Schema, known_names: frozenset[str] = frozenset()
) -> RemarkFacts:
    """Sort a legacy CSV ``Remarks`` value (continuation already appended) into fields.

    The CSV set has no columns for dates of birth, nationalities, ids, weak aliases or links: OFAC
    writes them all into ``Remarks`` as ``; ``-separated segments, each optionally prefixed
    ``alt.``, the whole ended by one ``.`` (not doubled after a name ending in ``.``).
    ``known_names`` (the file's ``SDN_Name`` values) decides whether a final ``Linked To: ... S.A.``
    keeps its dot.
    """
    facts = RemarkFacts()
    text = clean(remarks)
    if text is None:
        return facts
    segments = split_segments(text)
    segments[-1] = _without_final_dot(segments[-1], known_names)
    for segment in segments:
        _parse_segment(segment, schema, facts)
    return facts


def _without_final_dot(segment: str, known: frozenset[str]) -> str:
    """The remark's closing ``.``, unless it belongs to what the segment ends with (``...
    S.A.``)."""
    if not segment.endswith("."):
        return segment
    target = _linked_target(segment)
    if target is not None:
        return segment[: len(segment) - len(target)] + _final_dot(target, known)
    return _final_dot(segment, frozenset())


def _parse_segment(segment: str, schema: Schema, facts: RemarkFacts) -> None:
    value = segment[len("alt. ") :] if segment.lower().startswith("alt. ") else segment
    alias = _ALIAS.match(value)
    if alias:
        kind = {"a": NameKind.WEAK_ALIAS, "f": NameKind.FORMER, "n": NameKind.WEAK_ALIAS}
        name = clean(alias["name"])
        if name:
            facts.names.append(
                Name(
                    person_name(name) if schema is Schema.PERSON else name,
                    kind[alias["type"].lower()],
                )
            )
        return
    target = _linked_target(value)
    if target is not None:
        facts.linked_to.append(target)
        return
    for label in FLAG_LABELS:
        if value.startswith(label + " "):
            code = country_code(value[len(label) + 1 :])
            if code:
                facts.countries.append(code)
            facts.notes.append(segment)  # "former" matters to a reader: the flag stays as text too
            return
    word, _, rest = value.partition(" ")
    lowered = word.lower()
    if lowered == "dob" and rest:
        dates = ofac_dates(rest)
        if dates is None:
            facts.unreadable.append(("date of birth", rest))
            facts.notes.append(segment)
        else:
            facts.birth_dates.extend(dates)
        return
    if lowered == "pob" and rest:
        facts.birth_places.append(rest)
        return
    if lowered in ("nationality", "citizen") and rest:
        code = country_code(rest)
        if code is None:
            facts.unreadable.append(("nationality", rest))
            facts.notes.append(segment)
        else:
            facts.nationalities.append(code)
        return
    if _identifier_segment(value, facts):
        return
    facts.notes.append(segment)


def _identifier_segment(value: str, facts: RemarkFacts) -> bool:
    crypto = re.match(r"^(Digital Currency Address - \w+) (\S+)$", value)
    if crypto:
        facts.identifiers.append(make_identifier(crypto[1], crypto[2]))
        return True
    for label in _ID_LABELS:
        if value.startswith(label + " "):
            parts = _ID_VALUE.match(value[len(label) + 1 :])
            if parts is None or not parts["value"]:
                return False
            facts.identifiers.append(
                make_identifier(
                    label,
                    parts["value"],
                    parts["country"],
                    issued=parts["issued"],
                    expires=parts["expires"],
                )
            )
            return True
    return False


def _final_dot(target: str, known: frozenset[str]) -> str:
    """The last segment's ``.`` ends the remark, unless it ends the name (``... S.A.``): decide
    which."""
    bare = target[:-1] if target.endswith(".") else target
    if target in known:
        return target
    if bare in known:
        return bare
    return target if _ABBREVIATION.search(target) else bare


# --- assembling -----------------------------------------------------------------------------------


def linked(targets: list[str]) -> list[Relation]:
    return [Relation(RelationKind.LINKED_TO, target) for target in targets]


def finish(entity: ListedEntity, notes: list[str]) -> ListedEntity:
    """De-duplicate in order (OFAC repeats: ``alt. DOB`` equal to ``DOB``, one country per address)
    and set ``remarks`` from the notes."""
    entity.names = list(dict.fromkeys(entity.names))
    entity.birth_dates = list(dict.fromkeys(entity.birth_dates))
    entity.birth_places = list(dict.fromkeys(entity.birth_places))
    entity.nationalities = list(dict.fromkeys(entity.nationalities))
    entity.countries = list(dict.fromkeys(entity.countries))
    entity.addresses = list(dict.fromkeys(entity.addresses))
    entity.identifiers = list(dict.fromkeys(entity.identifiers))
    entity.programs = list(dict.fromkeys(entity.programs))
    entity.relations = list(dict.fromkeys(entity.relations))
    entity.remarks = "; ".join(dict.fromkeys(notes)) or None
    return entity


@dataclass(slots=True)
class Unresolved:
    """Values kept only as text because they could not be normalised, reported once per kind as
    warnings."""

    values: dict[str, dict[str, None]] = field(default_factory=dict)

    def add(self, what: str, value: str) -> None:
        self.values.setdefault(what, {})[value] = None

    def warnings(self) -> list[str]:
        out = []
        for what, values in self.values.items():
            shown = ", ".join(repr(v) for v in list(values)[:5])
            more = f" and {len(values) - 5} more" if len(values) > 5 else ""
            out.append(f"{len(values)} {what} value(s) kept as text, not normalised: {shown}{more}")
        return out
