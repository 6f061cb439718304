"""UN Security Council Consolidated List, XML (``consolidated.xml`` from scsanctions.un.org).

Layout: ``<CONSOLIDATED_LIST dateGenerated=…>`` holding ``<INDIVIDUALS>/<INDIVIDUAL>`` and
``<ENTITIES>/<ENTITY>``, one element per designation, keyed by REFERENCE_NUMBER (``QDi.043``:
regime, ``i``ndividual or ``e``ntity, serial). Quirks seen in the 2024-05 and 2026-02 files:

* An entity's whole name sits in FIRST_NAME; a person's is split over FIRST_NAME..FOURTH_NAME.
* Alias QUALITY is ``Good`` or ``a.k.a.`` (alias), ``Low`` (weak alias) or ``f.k.a.`` (former
  name); a person without aliases still has an empty ``<INDIVIDUAL_ALIAS>`` placeholder.
* An alias may carry its own DATE_OF_BIRTH / CITY_OF_BIRTH / COUNTRY_OF_BIRTH (the identity it
  was used with); those count as the person's alternative dates and places of birth.
* Dates are ``xs:date`` and a few carry a time zone (LISTED_ON ``2015-03-27-04:00``).
* A date of birth is DATE (a day), YEAR, FROM_YEAR/TO_YEAR (TYPE_OF_DATE ``BETWEEN``) or only a
  free-text NOTE (``Nov. 1973``, ``24/06/1402 (Hijri Calendar)``); only a plain month-and-year
  note is read, nothing is converted from another calendar.
* NAME_ORIGINAL_SCRIPT once holds a Latin-script name, so a name's kind follows its letters.
* TYPE_OF_DOCUMENT is coarse (``Passport``, ``National Identification Number``, a few in French
  or Spanish); TYPE_OF_DOCUMENT2 is the publisher's wording and sometimes holds the number
  itself (``… (tazkira) number 57388``) when NUMBER is missing.
* REFERENCE_NUMBER sometimes has trailing blanks (``KPe.031 ``).
* COMMENTS1 cites other designations by reference number (``… associated with (QDe.004)``);
  those become relations so a reviewer can follow the network.
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
from aktsam.lists.parsers.xmlstream import (
    Element,
    check_declared_encoding,
    check_root,
    elements,
    release,
    source_line,
)
from aktsam.lists.values import (
    clean,
    country_code,
    is_original_script,
    iso_date,
    mixed_script_words,
    mixes_scripts,
)

SOURCE = "un-sc"

_ROOT = "CONSOLIDATED_LIST"
_SCHEMAS: dict[str, Schema] = {"INDIVIDUAL": Schema.PERSON, "ENTITY": Schema.ORGANIZATION}
_CONTAINERS = frozenset({"INDIVIDUALS", "ENTITIES"})
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
_BIRTH_PLACE_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")
_ALIAS_KINDS: dict[str, NameKind] = {
    "good": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "low": NameKind.WEAK_ALIAS,
    "f.k.a.": NameKind.FORMER,
}
#: a UN reference number as comments and other lists cite it: regime, i/e, dot, three digits
_UN_REFERENCE = re.compile(r"\b[A-Z]{2}[ie]\.\d{3}\b")
_XSD_DATE_TZ = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})")
_PACKED_SEPARATORS = re.compile(r"[();]|\boriginal script\b:?", re.IGNORECASE)
_YEAR_SPAN = re.compile(r"(\d{4})\s*-\s*(\d{4})")
_MONTH_YEAR_NOTE = re.compile(r"[A-Za-z]{3,9}\.? \d{4}")
_NUMBER_IN_TYPE = re.compile(r"\s*\bnumber:?\s+([A-Za-z0-9][A-Za-z0-9/.-]*)$", re.IGNORECASE)
#: FROM_YEAR/TO_YEAR spans wider than this are kept as their two ends, not expanded year by year
_MAX_YEAR_SPAN = 20


def parse(path: Path) -> ParsedList:
    """Parse a UN SC consolidated list; a broken file is refused whole with ListFormatError."""
    path = Path(path)
    check_declared_encoding(
        path,
        "the UN publishes this list in UTF-8 (the file was re-encoded or is not the UN list)",
    )
    warnings: list[str] = []
    entities: list[ListedEntity] = []
    lines: dict[str, int] = {}
    stream = elements(path)
    root = next(stream)
    check_root(path, root, _ROOT, "a UN Security Council consolidated list")
    for elem in stream:
        if elem.tag not in _SCHEMAS:
            continue
        parent = elem.getparent()
        if parent is None or parent.tag not in _CONTAINERS:
            continue
        entity = _entity(path, elem, warnings)
        if entity.source_id in lines:
            raise ListFormatError(
                path,
                _location(elem),
                f"reference number {entity.source_id} is used twice "
                f"(first at line {lines[entity.source_id]})",
            )
        lines[entity.source_id] = source_line(elem)
        entities.append(entity)
        release(elem)
    if not entities:
        raise ListFormatError(
            path,
            f"line {root.sourceline}, <{_ROOT}>",
            "the list has no INDIVIDUAL or ENTITY entries",
        )
    published = clean(root.get("dateGenerated"))
    if published is None:
        warnings.append("the file has no dateGenerated attribute; publication date unknown")
    return ParsedList(SOURCE, entities, published, files=[str(path)], warnings=warnings)


# --- reading the file ----------------------------------------------------------------------------


def _location(elem: Element) -> str:
    """``line 10, <INDIVIDUAL> REFERENCE_NUMBER=QDi.043`` (DATAID when the reference is missing)."""
    where = f"line {elem.sourceline}, <{elem.tag}>"
    reference = _text(elem, "REFERENCE_NUMBER")
    if reference:
        return f"{where} REFERENCE_NUMBER={reference}"
    data_id = _text(elem, "DATAID")
    return f"{where} DATAID={data_id}" if data_id else where


def _text(elem: Element, path: str) -> str | None:
    return clean(elem.findtext(path))


def _values(elem: Element, tag: str) -> list[str]:
    """The cleaned ``<TAG><VALUE>…</VALUE>…</TAG>`` values (NATIONALITY, TITLE, DESIGNATION)."""
    return [v for v in (clean(e.text) for e in elem.iterfind(f"{tag}/VALUE")) if v]


# --- one entry -----------------------------------------------------------------------------------


def _entity(path: Path, elem: Element, warnings: list[str]) -> ListedEntity:
    source_id = _source_id(path, elem, warnings)
    names = _names(elem, source_id, warnings)
    if not names:
        raise ListFormatError(
            path,
            _location(elem),
            "the entry has no name (no FIRST_NAME, original-script name or alias)",
        )
    birth_places = _birth_places(elem)
    nationalities = _countries(_values(elem, "NATIONALITY"), source_id, "nationality", warnings)
    addresses = _addresses(elem, source_id, warnings)
    identifiers = _identifiers(elem)
    countries = [*nationalities, *(a.country for a in addresses), *_birth_countries(elem)]
    countries += [i.country for i in identifiers]
    comments = _text(elem, "COMMENTS1")
    return ListedEntity(
        source=SOURCE,
        source_id=source_id,
        schema=_SCHEMAS[elem.tag],
        names=names,
        birth_dates=_birth_dates(elem, source_id, warnings),
        birth_places=birth_places,
        nationalities=nationalities,
        countries=list(dict.fromkeys(c for c in countries if c)),
        addresses=addresses,
        identifiers=identifiers,
        programs=[p for p in [_text(elem, "UN_LIST_TYPE")] if p],
        listed_on=_date(_text(elem, "LISTED_ON"), source_id, "LISTED_ON", warnings),
        remarks=comments,
        relations=_relations(comments, source_id),
    )


def _source_id(path: Path, elem: Element, warnings: list[str]) -> str:
    """REFERENCE_NUMBER, the identifier the UN and other lists cite; DATAID as a last resort."""
    reference = _text(elem, "REFERENCE_NUMBER")
    if reference:
        return reference
    data_id = _text(elem, "DATAID")
    if data_id is None:
        raise ListFormatError(
            path, _location(elem), "the entry has neither REFERENCE_NUMBER nor DATAID"
        )
    warnings.append(
        f"line {elem.sourceline}: entry without REFERENCE_NUMBER, identified by DATAID {data_id}"
    )
    return data_id


def _names(elem: Element, source_id: str, warnings: list[str]) -> list[Name]:
    """Primary name, original-script name, then aliases, each once, in the order the UN gives."""
    candidates: list[tuple[str, NameKind]] = []
    primary = _joined_name(elem)
    if primary:
        candidates.append((primary, NameKind.PRIMARY))
    original = _text(elem, "NAME_ORIGINAL_SCRIPT")
    candidates += [(v, NameKind.ORIGINAL_SCRIPT) for v in _unpacked(original, source_id, warnings)]
    for alias in elem.iterfind(f"{elem.tag}_ALIAS"):
        quality = (_text(alias, "QUALITY") or "").casefold()
        kind = _ALIAS_KINDS.get(quality, NameKind.ALIAS)
        alias_name = _text(alias, "ALIAS_NAME") or _joined_name(alias)
        if alias_name is not None and quality and quality not in _ALIAS_KINDS:
            warnings.append(f"{source_id}: alias quality {quality!r} unknown, read as a.k.a.")
        candidates += [(v, kind) for v in _unpacked(alias_name, source_id, warnings)]

    names: list[Name] = []
    seen: set[str] = set()
    for value, kind in candidates:
        if value.casefold() in seen:
            continue
        seen.add(value.casefold())
        if slips := mixed_script_words(value):
            warnings.append(f"{source_id}: name {value!r} mixes scripts within {slips}")
        names.append(Name(value, _by_script(value, kind)))
    return names


def _by_script(value: str, kind: NameKind) -> NameKind:
    """Plain aliases and NAME_ORIGINAL_SCRIPT take their kind from their letters, not the field."""
    if kind in (NameKind.ALIAS, NameKind.ORIGINAL_SCRIPT):
        return NameKind.ORIGINAL_SCRIPT if is_original_script(value) else NameKind.ALIAS
    return kind


def _unpacked(value: str | None, source_id: str, warnings: list[str]) -> list[str]:
    """Split an alias the UN packs as ``حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)``.

    Only names mixing Latin with another script are split: a Latin-only name such as ``Ansar al
    Charia in Libya (ASL)`` keeps its brackets, as a company name would.
    """
    if value is None:
        return []
    if not mixes_scripts(value):
        return [value]
    parts = [clean(part.strip(" ,")) for part in _PACKED_SEPARATORS.split(value)]
    names = [part for part in parts if part and any(ch.isalpha() for ch in part)]
    if len(names) > 1:
        warnings.append(f"{source_id}: name {value!r} packs {len(names)} names; split")
    return names


def _joined_name(elem: Element) -> str | None:
    return clean(" ".join(part for tag in _NAME_PARTS if (part := _text(elem, tag))))


def _birth_dates(elem: Element, source_id: str, warnings: list[str]) -> list[str]:
    dates: list[str] = []
    for dob in elem.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        dates += _date_of_birth(dob, source_id, warnings)
    for node in elem.iterfind("INDIVIDUAL_ALIAS/DATE_OF_BIRTH"):
        dates += _alias_date_of_birth(clean(node.text), source_id, warnings)
    return list(dict.fromkeys(dates))


def _alias_date_of_birth(value: str | None, source_id: str, warnings: list[str]) -> list[str]:
    """An alias's DATE_OF_BIRTH: a date, ``1958 - 1964``, or the literal ``null`` (none)."""
    if value is None or value.casefold() == "null":
        return []
    span = _YEAR_SPAN.fullmatch(value)
    if span:
        return _year_range(span.group(1), span.group(2), source_id, warnings)
    parsed = _date(value, source_id, "alias date of birth", warnings)
    return [parsed] if parsed else []


def _date_of_birth(dob: Element, source_id: str, warnings: list[str]) -> list[str]:
    """One INDIVIDUAL_DATE_OF_BIRTH as partial ISO dates; a BETWEEN range gives each year in it."""
    exact = _text(dob, "DATE") or _text(dob, "YEAR")
    if exact:
        parsed = _date(exact, source_id, "date of birth", warnings)
        return [parsed] if parsed else []
    first, last = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
    if first or last:
        return _year_range(first or last or "", last or first or "", source_id, warnings)
    note = _text(dob, "NOTE")
    if note and _MONTH_YEAR_NOTE.fullmatch(note):  # "Nov. 1973", "August 1961"
        parsed = iso_date(note.replace(".", ""))
        return [parsed] if parsed else []
    return []


def _year_range(first: str, last: str, source_id: str, warnings: list[str]) -> list[str]:
    if not (first.isdigit() and last.isdigit() and len(first) == len(last) == 4):
        warnings.append(
            f"{source_id}: birth year range {first!r}..{last!r} is not two years; ignored"
        )
        return []
    start, end = int(first), int(last)
    if start > end or end - start > _MAX_YEAR_SPAN:
        warnings.append(f"{source_id}: birth year range {first}..{last} kept as its two ends only")
        return list(dict.fromkeys([first, last]))
    return [str(year) for year in range(start, end + 1)]


def _date(value: str | None, source_id: str, what: str, warnings: list[str]) -> str | None:
    """An ``xs:date`` as partial ISO 8601; a time zone is dropped (it is a day, not an instant)."""
    if value is None:
        return None
    zoned = _XSD_DATE_TZ.fullmatch(value)
    parsed = iso_date(zoned.group(1) if zoned else value)
    if parsed is None:
        warnings.append(f"{source_id}: {what} {value!r} is not a date; ignored")
    return parsed


def _birth_places(elem: Element) -> list[str]:
    places = [
        _joined(pob, _BIRTH_PLACE_PARTS) for pob in elem.iterfind("INDIVIDUAL_PLACE_OF_BIRTH")
    ]
    places += [
        _joined(alias, ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"))
        for alias in elem.iterfind("INDIVIDUAL_ALIAS")
    ]
    return list(dict.fromkeys(p for p in places if p))


def _birth_countries(elem: Element) -> list[str | None]:
    nodes = [*elem.iterfind("INDIVIDUAL_PLACE_OF_BIRTH/COUNTRY")]
    nodes += elem.iterfind("INDIVIDUAL_ALIAS/COUNTRY_OF_BIRTH")
    return [country_code(node.text) for node in nodes]


def _joined(elem: Element, parts: tuple[str, ...]) -> str | None:
    return ", ".join(v for tag in parts if (v := _text(elem, tag))) or None


def _countries(values: list[str], source_id: str, what: str, warnings: list[str]) -> list[str]:
    codes: list[str] = []
    for value in values:
        code = country_code(value)
        if code is None:
            warnings.append(f"{source_id}: {what} {value!r} is not a known country; ignored")
        elif code not in codes:
            codes.append(code)
    return codes


def _addresses(elem: Element, source_id: str, warnings: list[str]) -> list[Address]:
    addresses: list[Address] = []
    for node in elem.iterfind(f"{elem.tag}_ADDRESS"):
        full = _joined(node, _ADDRESS_PARTS)
        if full is None:
            continue
        country_text = _text(node, "COUNTRY")
        country = country_code(country_text)
        if country_text and country is None:
            warnings.append(f"{source_id}: address country {country_text!r} unknown; kept as text")
        address = Address(full, country)
        if address not in addresses:
            addresses.append(address)
    return addresses


def _identifiers(elem: Element) -> list[Identifier]:
    found = (_identifier(doc) for doc in elem.iterfind(f"{elem.tag}_DOCUMENT"))
    return list(dict.fromkeys(i for i in found if i is not None))


def _identifier(doc: Element) -> Identifier | None:
    """A travel or identity document; the UN's own wording and issue details go into ``note``."""
    coarse = _text(doc, "TYPE_OF_DOCUMENT")
    wording = _text(doc, "TYPE_OF_DOCUMENT2")
    number = _text(doc, "NUMBER")
    if number is None and wording:  # "Afghan national identification card (tazkira) number 57388"
        match = _NUMBER_IN_TYPE.search(wording)
        if match and any(ch.isdigit() for ch in match.group(1)):
            number, wording = match.group(1), clean(wording[: match.start()])
    if number is None:
        return None
    notes = [wording] if wording and wording.casefold() != (coarse or "").casefold() else []
    if issued := _text(doc, "DATE_OF_ISSUE"):
        notes.append(f"issued {issued}")
    if city := _text(doc, "CITY_OF_ISSUE"):
        notes.append(f"in {city}")
    if note := _text(doc, "NOTE"):
        notes.append(note)
    country = country_code(_text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE"))
    return Identifier(_document_type(coarse), number, country, "; ".join(notes) or None)


def _document_type(coarse: str | None) -> str:
    """``Passport`` (``Numéro de passeport``, ``Número de pasaporte``) or national ID."""
    text = (coarse or "").casefold()
    if any(word in text for word in ("passport", "passeport", "pasaporte")):
        return "passport"
    if "identi" in text:
        return "national_id"
    return "other"


def _relations(comments: str | None, source_id: str) -> list[Relation]:
    """Other UN designations cited in COMMENTS1 (``Associated with Al-Qaida (QDe.004)``)."""
    cited = dict.fromkeys(_UN_REFERENCE.findall(comments or ""))
    cited.pop(source_id, None)
    return [Relation(RelationKind.LINKED_TO, ref, target_source=SOURCE) for ref in cited]
