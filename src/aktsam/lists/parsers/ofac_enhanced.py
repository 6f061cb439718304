"""OFAC's enhanced XML (``SDN_ENHANCED.XML``, ``CONS_ENHANCED.XML``): root ``<sanctionsData>``.

Unlike the classic XML it models the data: lookup tables first (``<referenceValues>``: countries
with ISO codes, alias types, scripts, relationship types; ``<featureTypes>``), then ``<entities>``.
Format quirks:

* an entity's ``id`` attribute is the uid the classic XML and CSV call ``uid`` / ``ent_num``;
* each ``<name>`` has ``<translations>``, one per script: the Latin one is the name, the others
  (Cyrillic, Chinese...) are ORIGINAL_SCRIPT. ``formattedFullName`` writes persons ``LAST, First``,
  so person names are rebuilt from ``formattedFirstName`` + ``formattedLastName`` as ``First LAST``
  like every OFAC parser does;
* country values point at ``<referenceValue>``s that carry ``<isoCode>``: used first, the name as
  fallback;
* features (birth date, nationality, website, sanctions information...) are one generic
  ``<feature>`` element with a type label; the labels are the classic XML's ``idType`` ones and go
  through the same :func:`aktsam.lists.parsers.ofac_remarks.label_role`;
* ``<relationships>`` name the related entity by uid (``relatedEntity@entityId``), which becomes the
  relation target; the OFAC wording (``Owned or Controlled By``) is the relation's note;
* ``<sanctionsLists>`` names the underlying lists (``Non-SDN CMIC List``) with ``datePublished``:
  the list(s) other than the aggregate ``Consolidated List`` are ``sublist``, the earliest date
  ``listed_on``;
* ``publicationInfo/filters`` says which list the file is (``SDN List`` / ``Consolidated List``): a
  file of the other list is refused rather than imported under the wrong source.

``sanctionsTypes`` (``Block``, ``Reject``) and ``legalAuthorities`` are listing administration with
no place in the model and are not kept.
"""

from __future__ import annotations

from datetime import datetime
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
    join_name,
    label_role,
    make_identifier,
    ofac_dates,
    schema_of,
    split_linked_to,
)
from aktsam.lists.parsers.ofac_xml import Node, iter_nodes
from aktsam.lists.values import clean, country_code, iso_date

LIST_NAMES = {"ofac-sdn": "SDN List", "ofac-cons": "Consolidated List"}
_AGGREGATE = "Consolidated List"

_RELATIONS: dict[str, RelationKind] = {
    "owned or controlled by": RelationKind.OWNED_BY,
    "owns, controls, or operates": RelationKind.OWNER_OF,
    "associate of": RelationKind.ASSOCIATE,
    "family member of": RelationKind.ASSOCIATE,
}


class _Context:
    """The lookup tables, filled as they stream past, and what entities need from them."""

    def __init__(self, path: Path, source: str) -> None:
        self.path, self.source = path, source
        self.iso: dict[str, str] = {}  # COUNTRY referenceValue refId → alpha-2, lower case
        self.unresolved = Unresolved()

    def country(self, node: Node | None) -> tuple[str | None, str | None]:
        """``(code, name)`` of a country element: its ``refId``'s ISO code, else by its name."""
        if node is None:
            return None, None
        name = clean(node.element.text)
        return self.code(node.element.get("refId"), name), name

    def code(self, ref: str | None, name: str | None) -> str | None:
        return self.iso.get(ref or "") or country_code(name)


def parse_enhanced(path: Path, source: str, namespace: str) -> ParsedList:
    """Parse a whole ``<sanctionsData>`` file; any fault refuses the file."""
    context = _Context(path, source)
    entities: dict[str, ListedEntity] = {}
    published: str | None = None
    for name, node in iter_nodes(path, namespace, "publicationInfo", "referenceValue", "entity"):
        if name == "publicationInfo":
            published = _timestamp(node.text("dataAsOf"))
            _check_list(context, node)
        elif name == "referenceValue":
            code = node.text("isoCode")
            if node.text("type") == "COUNTRY" and code:
                context.iso[node.element.get("refId") or ""] = code.lower()
        else:
            entity = _entity(context, node)
            if entity.source_id in entities:
                raise ListFormatError(
                    path, f"line {node.line}, <entity>", f"id {entity.source_id} appears twice"
                )
            entities[entity.source_id] = entity
    if not entities:
        raise ListFormatError(path, None, "the file has no <entity> entries")
    _resolve_targets(entities, source)
    warnings = [] if published else ["no valid dataAsOf in <publicationInfo>: published left empty"]
    return ParsedList(
        source=source,
        entities=list(entities.values()),
        published=published,
        files=[str(path)],
        warnings=warnings + context.unresolved.warnings(),
    )


def _timestamp(value: str | None) -> str | None:
    """``dataAsOf`` as the file writes it (``2025-01-10T00:00:00``), when it is ISO 8601."""
    if value is None:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return None
    return value


def _check_list(context: _Context, info: Node) -> None:
    lists = info.texts("filters/sanctionsLists/sanctionsList")
    expected = LIST_NAMES.get(context.source)
    if expected and lists and expected not in lists:
        raise ListFormatError(
            context.path,
            f"line {info.line}, <publicationInfo>",
            f"this enhanced XML is the {', '.join(lists)}, not the {expected} "
            f"that {context.source} reads",
        )


def _entity(context: _Context, node: Node) -> ListedEntity:
    uid = clean(node.element.get("id"))
    if uid is None or not (uid.isascii() and uid.isdigit()):
        raise ListFormatError(
            context.path, f"line {node.line}, <entity>", f"id {uid!r} is not a number"
        )
    kind = node.text("generalInfo/entityType")
    schema = schema_of(kind)
    if schema is None:
        context.unresolved.add("entityType", kind or "")
        schema = Schema.UNKNOWN
    entity = ListedEntity(
        source=context.source,
        source_id=uid,
        schema=schema,
        names=_names(node, schema),
        programs=node.texts("sanctionsPrograms/sanctionsProgram"),
        url=ENTRY_URL.format(uid=uid),
    )
    if not any(name.kind is NameKind.PRIMARY for name in entity.names):
        raise ListFormatError(
            context.path, f"line {node.line}, <entity> id={uid}", "no primary Latin-script name"
        )
    _lists(entity, node)
    notes, targets = split_linked_to(node.text("generalInfo/remarks"))
    entity.relations.extend(Relation(RelationKind.LINKED_TO, target) for target in targets)
    _addresses(context, entity, node)
    notes.extend(_features(context, entity, node))
    _documents(context, entity, node)
    _relationships(entity, node)
    return finish(entity, notes)


def _names(node: Node, schema: Schema) -> list[Name]:
    names: list[Name] = []
    for item in node.all("names/name"):
        if item.text("isPrimary") == "true":
            kind = NameKind.PRIMARY
        elif (item.text("aliasType") or "").upper() == "F.K.A.":
            kind = NameKind.FORMER
        elif item.text("isLowQuality") == "true":
            kind = NameKind.WEAK_ALIAS
        else:
            kind = NameKind.ALIAS
        for translation in item.all("translations/translation"):
            full = translation.text("formattedFullName")
            if schema is Schema.PERSON:
                first, last = (
                    translation.text("formattedFirstName"),
                    translation.text("formattedLastName"),
                )
                full = join_name(first, last) or full
            if full is None:
                continue
            latin = (translation.text("script") or "Latin") == "Latin"
            names.append(Name(full, kind if latin else NameKind.ORIGINAL_SCRIPT))
    return names


def _lists(entity: ListedEntity, node: Node) -> None:
    lists = [
        (clean(item.element.text), item.element.get("datePublished"))
        for item in node.all("sanctionsLists/sanctionsList")
    ]
    own = [(name, date) for name, date in lists if name and name != _AGGREGATE] or lists
    entity.sublist = "; ".join(name for name, _ in own if name) or None
    dates = sorted(d for d in (iso_date(date) for _, date in own) if d)
    entity.listed_on = dates[0] if dates else None


def _addresses(context: _Context, entity: ListedEntity, node: Node) -> None:
    for item in node.all("addresses/address"):
        code, country = context.country(item.first("country"))
        if code:
            entity.countries.append(code)
        for translation in item.all("translations/translation") or [item]:
            full = _address_text(translation, country)
            if full:
                entity.addresses.append(Address(full, code))


def _address_text(translation: Node, country: str | None) -> str | None:
    parts: dict[str, list[str]] = {}
    for part in translation.all("addressParts/addressPart"):
        label, value = (part.text("type") or "").upper(), part.text("value")
        if value:
            parts.setdefault(label, []).append(value)
    joined = {label: ", ".join(values) for label, values in parts.items()}
    streets = [joined.pop(label, None) for label in ("ADDRESS1", "ADDRESS2", "ADDRESS3")]
    city, state, postal = (
        joined.pop(label, None) for label in ("CITY", "STATE/PROVINCE", "POSTAL CODE")
    )
    return address_line(streets, city, state, postal, country, *joined.values())  # REGION, newer


def _features(context: _Context, entity: ListedEntity, node: Node) -> list[str]:
    notes: list[str] = []
    for feature in node.all("features/feature"):
        label, value = feature.text("type"), feature.text("value")
        if label is None or value is None:
            continue
        if (feature.text("reliability") or "").lower() == "false":
            notes.append(f"{fact(label, value)} (reported false)")
            continue
        low = label.lower()
        if low == "birthdate":
            dates = ofac_dates(value) or _value_date(feature)
            if dates:
                entity.birth_dates.extend(dates)
            else:
                context.unresolved.add("date of birth", value)
                notes.append(f"DOB {value}")
        elif low == "place of birth":
            entity.birth_places.append(value)
        elif low in ("nationality country", "citizenship country"):
            code = context.code(feature.text("valueRefId"), value)
            if code:
                entity.nationalities.append(code)
            else:
                context.unresolved.add("nationality", value)
                notes.append(fact(label, value))
        else:
            notes.extend(_labelled(context, entity, feature, label, value))
    return notes


def _labelled(
    context: _Context, entity: ListedEntity, feature: Node, label: str, value: str
) -> list[str]:
    role = label_role(label)
    if role == "identifier":
        entity.identifiers.append(make_identifier(label, value, note=feature.text("comments")))
        return []
    if role == "linked_to":
        entity.relations.append(Relation(RelationKind.LINKED_TO, value))
        return []
    if role == "flag":
        code = context.code(feature.text("valueRefId"), value)
        if code:
            entity.countries.append(code)
    return [fact(label, value)]


def _value_date(feature: Node) -> list[str]:
    """The structured date, when the text is not one OFAC's date reader knows: its years."""
    begin = iso_date(feature.text("valueDate/fromDateBegin"))
    end = iso_date(feature.text("valueDate/toDateEnd"))
    if begin is None or end is None:
        return []
    return ofac_dates(f"{begin[:4]} to {end[:4]}") or []


def _documents(context: _Context, entity: ListedEntity, node: Node) -> None:
    for document in node.all("identityDocuments/identityDocument"):
        label, number = document.text("type"), document.text("documentNumber")
        if label is None or number is None:
            continue
        code, country = context.country(document.first("issuingCountry"))
        notes = [document.text("issuingAuthority")]
        if document.text("isValid") == "false":
            notes.append("not valid")
        note = "; ".join(n for n in notes if n) or None
        entity.identifiers.append(make_identifier(label, number, country, iso=code, note=note))


def _relationships(entity: ListedEntity, node: Node) -> None:
    for item in node.all("relationships/relationship"):
        related = item.first("relatedEntity")
        if related is None:
            continue
        name = clean(related.element.text)
        target = clean(related.element.get("entityId")) or name
        if target is None:
            continue
        wording = item.text("type") or "related to"
        kind = _RELATIONS.get(wording.lower(), RelationKind.LINKED_TO)
        entity.relations.append(Relation(kind, target, None, f"{wording}: {name or target}"))


def _resolve_targets(entities: dict[str, ListedEntity], source: str) -> None:
    """A relationship target is an OFAC uid: name its source when it is an entity of this file."""
    for entity in entities.values():
        entity.relations = [
            Relation(r.kind, r.target, source, r.note)
            if r.target.isdigit() and r.target in entities
            else r
            for r in entity.relations
        ]
