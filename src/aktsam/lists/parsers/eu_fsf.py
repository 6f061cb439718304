"""EU Financial Sanctions Files (FSF), full list XML 1.1 (``…-FULL-1_1(xsd).xml``).

Layout: ``<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate=…>`` holding one
``<sanctionEntity logicalId euReferenceNumber unitedNationId designationDate>`` per designation, its
facts as attribute-heavy children (``nameAlias``, ``birthdate``, ``citizenship``, ``address``,
``identification``, ``regulation``, ``subjectType``, ``remark``), each repeated under a
``regulationSummary`` that aktsam does not need. Quirks seen in the 2024-05-13 file, handled here:

* The name order means nothing: an entry's first ``nameAlias`` is often its Swedish or Russian
  form, so the primary name is the first Latin-script one in the regulation language (no
  ``nameLanguage`` or ``EN``); all other spellings are aliases.
* ``nameLanguage`` is a language, not a script: Russian names come in Cyrillic and in Latin
  transliteration, both tagged ``RU``; the kind follows the letters, the language goes to ``lang``.
* About 160 names mix scripts inside a word: Cyrillic names typed with Latin look-alikes
  (``Сергiй`` with a Latin ``i``), one Latin name with a Cyrillic ``І`` (``ROMASHKІN``). They are
  kept as published, with a warning, never "corrected"; the majority of letters decides whether a
  name is original script.
* ``unitedNationId`` is the UN reference number of the same designation, the link EU and UN
  entries share. It is kept verbatim: a few are written short (``QDi.43``, ``LYi.28``) and
  zero-padding would be wrong for some (``QDi.43`` is in fact QDi.433 or QDi.434), so they are
  warned about instead.
* A birth date in another calendar (``calendarType="ISLAMIC"``) carries the Hijri day/month/year
  and sometimes the Gregorian ``birthdate``; only the Gregorian value is read.
* Country code ``00`` (``UNKNOWN``) means no country.
* The same designation can appear as two ``sanctionEntity`` elements with one ``logicalId``, one
  per regulation (Sayed Esmatullah Asem, logicalId 547, under both AFG and TAQA); they are merged
  into one entry, because the logicalId is the entry's identity.
* ``designationDate`` is missing on older entries; ``listed_on`` then stays empty rather than being
  taken from the regulation (which may be a later amendment).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

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
)
from aktsam.lists.values import (
    clean,
    country_code,
    is_original_script,
    iso_date,
    mixed_script_words,
    mixes_scripts,
)

SOURCE = "eu-fsf"

_NS = "{http://eu.europa.ec/fpi/fsd/export}"
_ROOT = f"{_NS}export"
_ENTRY = f"{_NS}sanctionEntity"
_NAME = f"{_NS}nameAlias"
_BIRTH = f"{_NS}birthdate"
_CITIZENSHIP = f"{_NS}citizenship"
_ADDRESS = f"{_NS}address"
_IDENTIFICATION = f"{_NS}identification"
_REGULATION = f"{_NS}regulation"
_SUBJECT = f"{_NS}subjectType"
_REMARK = f"{_NS}remark"

_SCHEMAS: dict[str, Schema] = {
    "person": Schema.PERSON,
    "P": Schema.PERSON,
    "enterprise": Schema.ORGANIZATION,
    "E": Schema.ORGANIZATION,
}
#: identificationTypeCode → aktsam identifier type; other codes are "other" with the EU's wording
_ID_TYPES: dict[str, str] = {
    "passport": "passport",
    "id": "national_id",
    "regnumber": "registration",
    "fiscalcode": "tax_id",
    "imo": "imo",
    "swiftbic": "swift",
}
_ID_FLAGS: dict[str, str] = {
    "diplomatic": "diplomatic",
    "knownExpired": "known expired",
    "knownFalse": "known false",
    "reportedLost": "reported lost",
    "revokedByIssuer": "revoked by issuer",
}
_REGULATION_LANGUAGES = frozenset({"", "en"})
_UN_REFERENCE = re.compile(r"\b[A-Z]{2}[ie]\.\d{3}\b")
#: birth-year ranges wider than this are kept as their two ends, not expanded year by year
_MAX_YEAR_SPAN = 20
_T = TypeVar("_T")


def parse(path: Path) -> ParsedList:
    """Parse an EU FSF 1.1 full-list file; a broken file is refused whole with ListFormatError."""
    path = Path(path)
    check_declared_encoding(
        path,
        "the EU publishes this list in UTF-8 (the file was re-encoded or is not the EU list)",
    )
    warnings: list[str] = []
    entities: dict[str, ListedEntity] = {}  # by logicalId, in file order
    stream = elements(path)
    root = next(stream)
    check_root(path, root, _ROOT, "an EU Financial Sanctions File")
    for elem in stream:
        if elem.tag != _ENTRY:
            continue
        entity = _entity(path, elem, warnings)
        earlier = entities.get(entity.source_id)
        if earlier is None:
            entities[entity.source_id] = entity
        else:
            _absorb(earlier, entity)
            warnings.append(
                f"{entity.source_id}: sanctionEntity repeated at line {elem.sourceline} "
                f"(programmes {', '.join(earlier.programs)}); merged into one entry"
            )
        release(elem)
    if not entities:
        raise ListFormatError(
            path, f"line {root.sourceline}, <export>", "the list has no sanctionEntity entries"
        )
    published = clean(root.get("generationDate"))
    if published is None:
        warnings.append("the file has no generationDate attribute; publication date unknown")
    return ParsedList(SOURCE, list(entities.values()), published, [str(path)], warnings)


# --- reading the file ----------------------------------------------------------------------------


def _location(elem: Element) -> str:
    """``line 10, <sanctionEntity> logicalId=13``."""
    where = f"line {elem.sourceline}, <sanctionEntity>"
    logical_id = clean(elem.get("logicalId"))
    return f"{where} logicalId={logical_id}" if logical_id else where


def _attr(elem: Element, name: str) -> str | None:
    return clean(elem.get(name))


def _joined(elem: Element, names: tuple[str, ...]) -> str | None:
    return ", ".join(v for name in names if (v := _attr(elem, name))) or None


def _country(elem: Element) -> str | None:
    """``countryIso2Code`` in lower case; ``00`` (UNKNOWN) is no country."""
    code = (_attr(elem, "countryIso2Code") or "").lower()
    if len(code) == 2 and code.isalpha():
        return code
    return None if code == "00" else country_code(_attr(elem, "countryDescription"))


def _country_text(elem: Element) -> str | None:
    """``countryDescription`` for joining into a place, unless it is the ``UNKNOWN`` placeholder."""
    text = _attr(elem, "countryDescription")
    return None if text is None or text.upper() == "UNKNOWN" else text


# --- one entry -----------------------------------------------------------------------------------


def _entity(path: Path, elem: Element, warnings: list[str]) -> ListedEntity:
    source_id = _source_id(path, elem, warnings)
    children: dict[str, list[Element]] = {}
    for child in elem:
        if isinstance(child.tag, str):  # skips XML comments
            children.setdefault(child.tag, []).append(child)
    names = _names(children.get(_NAME, []), source_id, warnings)
    if not names:
        raise ListFormatError(path, _location(elem), "the entry has no nameAlias with a name")
    births = children.get(_BIRTH, [])
    nationalities = [c for c in (_country(n) for n in children.get(_CITIZENSHIP, [])) if c]
    addresses = _addresses(children.get(_ADDRESS, []))
    identifiers = _identifiers(children.get(_IDENTIFICATION, []))
    countries = [*nationalities, *(a.country for a in addresses), *(_country(b) for b in births)]
    countries += [i.country for i in identifiers]
    remarks = "\n".join(r for r in (clean(n.text) for n in children.get(_REMARK, [])) if r)
    regulations = children.get(_REGULATION, [])
    return ListedEntity(
        source=SOURCE,
        source_id=source_id,
        schema=_schema(children.get(_SUBJECT, []), source_id, warnings),
        names=names,
        birth_dates=_birth_dates(births, source_id, warnings),
        birth_places=list(dict.fromkeys(p for p in map(_birth_place, births) if p)),
        nationalities=list(dict.fromkeys(nationalities)),
        countries=list(dict.fromkeys(c for c in countries if c)),
        addresses=addresses,
        identifiers=identifiers,
        programs=list(dict.fromkeys(p for r in regulations if (p := _attr(r, "programme")))),
        listed_on=_date(_attr(elem, "designationDate"), source_id, "designationDate", warnings),
        remarks=remarks or None,
        relations=_relations(_attr(elem, "unitedNationId"), remarks, source_id, warnings),
    )


def _source_id(path: Path, elem: Element, warnings: list[str]) -> str:
    """logicalId, the EU's stable key; euReferenceNumber only as a last resort."""
    logical_id = _attr(elem, "logicalId")
    if logical_id:
        return logical_id
    reference = _attr(elem, "euReferenceNumber")
    if reference is None:
        raise ListFormatError(
            path, _location(elem), "the entry has neither logicalId nor euReferenceNumber"
        )
    warnings.append(f"line {elem.sourceline}: entry without logicalId, identified by {reference}")
    return reference


def _schema(subjects: list[Element], source_id: str, warnings: list[str]) -> Schema:
    """``subjectType code="person"|"enterprise"`` (classificationCode P/E)."""
    for subject in subjects:
        for key in ("code", "classificationCode"):
            schema = _SCHEMAS.get(_attr(subject, key) or "")
            if schema is not None:
                return schema
    warnings.append(f"{source_id}: no known subjectType; schema unknown")
    return Schema.UNKNOWN


def _names(aliases: list[Element], source_id: str, warnings: list[str]) -> list[Name]:
    """Primary first (see :func:`_primary_rank`), then the other spellings once each, file order."""
    candidates: list[tuple[str, str | None, bool]] = []
    for alias in aliases:
        value = _attr(alias, "wholeName") or _joined_parts(alias)
        if value is not None:
            language = (_attr(alias, "nameLanguage") or "").lower() or None
            candidates.append((value, language, alias.get("strong", "true") != "false"))
    if not candidates:
        return []
    primary = min(range(len(candidates)), key=lambda i: (_primary_rank(*candidates[i]), i))
    ordered = [candidates[primary], *candidates[:primary], *candidates[primary + 1 :]]

    names: list[Name] = []
    seen: set[str] = set()
    for value, language, strong in ordered:
        if value.casefold() in seen:
            continue
        seen.add(value.casefold())
        if slips := mixed_script_words(value):
            warnings.append(f"{source_id}: name {value!r} mixes scripts within {slips}")
        kind = NameKind.PRIMARY if not names else _alias_kind(value, strong)
        names.append(Name(value, kind, lang=language))
    return names


def _joined_parts(alias: Element) -> str | None:
    return clean(
        " ".join(v for n in ("firstName", "middleName", "lastName") if (v := alias.get(n)))
    )


def _primary_rank(value: str, language: str | None, strong: bool) -> int:
    """Lower is better: a strong Latin name in the regulation language, then any Latin name."""
    rank = 0 if (language or "") in _REGULATION_LANGUAGES else 1
    if is_original_script(value):
        rank += 4
    elif mixes_scripts(value):  # a Latin name with a look-alike letter: better than none
        rank += 2
    return rank if strong else rank + 8


def _alias_kind(value: str, strong: bool) -> NameKind:
    """``strong="false"`` marks a weak alias; a name in a non-Latin script is original script."""
    if not strong:
        return NameKind.WEAK_ALIAS
    return NameKind.ORIGINAL_SCRIPT if is_original_script(value) else NameKind.ALIAS


def _birth_dates(births: list[Element], source_id: str, warnings: list[str]) -> list[str]:
    dates: list[str] = []
    for birth in births:
        dates += _birth_date(birth, source_id, warnings)
    return list(dict.fromkeys(dates))


def _birth_date(birth: Element, source_id: str, warnings: list[str]) -> list[str]:
    """One ``birthdate``: full date, year-month, year, or a yearRangeFrom..yearRangeTo span."""
    full = _attr(birth, "birthdate")
    if full:  # always Gregorian, even when calendarType is ISLAMIC
        parsed = _date(full, source_id, "birthdate", warnings)
        return [parsed] if parsed else []
    year = _attr(birth, "year")
    calendar = (_attr(birth, "calendarType") or "GREGORIAN").upper()
    if calendar != "GREGORIAN":
        if year:
            warnings.append(f"{source_id}: birth year {year} is {calendar}; not converted")
        return []
    month = _attr(birth, "monthOfYear")
    if year and month and month.isdigit():
        parsed = iso_date(f"{year}-{int(month):02d}")
        return [parsed] if parsed else []
    if year:
        parsed = _date(year, source_id, "birth year", warnings)
        return [parsed] if parsed else []
    first, last = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
    if first or last:
        return _year_range(first or last or "", last or first or "", source_id, warnings)
    return []


def _year_range(first: str, last: str, source_id: str, warnings: list[str]) -> list[str]:
    if not (first.isdigit() and last.isdigit() and len(first) == len(last) == 4):
        warnings.append(f"{source_id}: birth year range {first!r}..{last!r} is not two years")
        return []
    start, end = int(first), int(last)
    if start > end or end - start > _MAX_YEAR_SPAN:
        warnings.append(f"{source_id}: birth year range {first}..{last} kept as its two ends only")
        return list(dict.fromkeys([first, last]))
    return [str(year) for year in range(start, end + 1)]


def _date(value: str | None, source_id: str, what: str, warnings: list[str]) -> str | None:
    if value is None:
        return None
    parsed = iso_date(value)
    if parsed is None:
        warnings.append(f"{source_id}: {what} {value!r} is not a date; ignored")
    return parsed


def _birth_place(birth: Element) -> str | None:
    local = _joined(birth, ("place", "city", "region"))
    return ", ".join(p for p in (local, _country_text(birth)) if p) or None


def _addresses(nodes: list[Element]) -> list[Address]:
    addresses: list[Address] = []
    for node in nodes:
        parts = [_joined(node, ("street", "poBox", "place", "city", "zipCode", "region"))]
        full = ", ".join(p for p in [*parts, _country_text(node)] if p)
        address = Address(full, _country(node))
        if full and address not in addresses:
            addresses.append(address)
    return addresses


def _identifiers(nodes: list[Element]) -> list[Identifier]:
    found = (_identifier(node) for node in nodes)
    return list(dict.fromkeys(i for i in found if i is not None))


def _identifier(node: Element) -> Identifier | None:
    """An ``identification``; its flags (known false, expired…) and EU wording go into ``note``."""
    number = _attr(node, "number") or _attr(node, "latinNumber")
    if number is None:
        return None
    code = (_attr(node, "identificationTypeCode") or "").lower()
    notes = [] if code in _ID_TYPES else [_attr(node, "identificationTypeDescription") or code]
    notes += [label for flag, label in _ID_FLAGS.items() if node.get(flag) == "true"]
    for name, label in (
        ("issuedBy", "issued by"),
        ("issueDate", "issued"),
        ("validTo", "valid to"),
    ):
        if value := _attr(node, name):
            notes.append(f"{label} {value}")
    if holder := _attr(node, "nameOnDocument"):
        notes.append(f"name on document: {holder}")
    notes += [r for r in (clean(n.text) for n in node.iterfind(_REMARK)) if r]
    note = "; ".join(n for n in notes if n) or None
    return Identifier(_ID_TYPES.get(code, "other"), number, _country(node), note)


def _relations(
    united_nation_id: str | None, remarks: str, source_id: str, warnings: list[str]
) -> list[Relation]:
    """SAME_AS the UN designation (``unitedNationId``); LINKED_TO UN entries cited in remarks."""
    relations: list[Relation] = []
    own: set[str] = set()
    for target in re.split(r"[\s;,]+", united_nation_id or ""):
        if not target:
            continue
        if not _UN_REFERENCE.fullmatch(target):
            warnings.append(
                f"{source_id}: unitedNationId {target!r} is not a full UN reference number "
                "(two letters, i/e, three digits); kept verbatim"
            )
        own.add(target)
        relations.append(Relation(RelationKind.SAME_AS, target, target_source="un-sc"))
    for cited in dict.fromkeys(_UN_REFERENCE.findall(remarks)):
        if cited not in own:
            relations.append(Relation(RelationKind.LINKED_TO, cited, target_source="un-sc"))
    return relations


def _absorb(kept: ListedEntity, repeat: ListedEntity) -> None:
    """Merge a repeated sanctionEntity (same logicalId, another regulation) into the first one."""
    seen = {name.value.casefold() for name in kept.names}
    for name in repeat.names:
        if name.value.casefold() not in seen:
            seen.add(name.value.casefold())
            kind = _alias_kind(name.value, True) if name.kind is NameKind.PRIMARY else name.kind
            kept.names.append(Name(name.value, kind, lang=name.lang))
    _extend(kept.birth_dates, repeat.birth_dates)
    _extend(kept.birth_places, repeat.birth_places)
    _extend(kept.nationalities, repeat.nationalities)
    _extend(kept.countries, repeat.countries)
    _extend(kept.addresses, repeat.addresses)
    _extend(kept.identifiers, repeat.identifiers)
    _extend(kept.programs, repeat.programs)
    _extend(kept.relations, repeat.relations)
    dates = [d for d in (kept.listed_on, repeat.listed_on) if d]
    kept.listed_on = min(dates) if dates else None
    remarks = [r for r in (kept.remarks, repeat.remarks) if r]
    kept.remarks = "\n".join(dict.fromkeys(remarks)) or None


def _extend(values: list[_T], more: list[_T]) -> None:
    values += [value for value in more if value not in values]
