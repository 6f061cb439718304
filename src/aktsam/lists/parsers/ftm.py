"""FollowTheMoney entities as JSON lines, e.g. an OpenSanctions export (source ``ftm``).

Each line is one entity, ``{"id", "schema", "properties": {prop: [values]}, …}``. Schemata and
properties are resolved with the installed ``followthemoney`` model, so subclasses (``Company`` is a
``LegalEntity``) and property types are the model's, not a copy of it.

Only "things" a screening can hit become :class:`ListedEntity` (one per FtM id): ``Person`` →
person; ``LegalEntity`` and its descendants (``Organization``, ``Company``, ``PublicBody``) →
organization; ``Vessel`` → vessel; ``Airplane`` → aircraft; any other ``Vehicle`` → unknown. The
other entities describe those things and are folded into them:

* ``Sanction`` (``entity`` → the sanctioned thing): ``programId`` (OpenSanctions' programme key,
  ``GB-RUS``, the same key a thing's own ``programId`` holds), else the ``program`` text →
  programs; the earliest ``listingDate`` / ``startDate`` → ``listed_on``; authority, program and
  reason → a line of ``remarks``.
* ``Ownership`` → ``OWNER_OF`` on the owner and ``OWNED_BY`` on the asset; ``Family`` and
  ``Associate`` → ``ASSOCIATE``; ``Directorship``, ``Membership``, ``Employment``,
  ``Representation`` and ``UnknownLink`` → ``LINKED_TO``, both ways. ``target`` is the other
  entity's FtM id (``target_source="ftm"``), ``note`` its role and caption.
* ``Address`` entities referenced by ``addressEntity`` → addresses; ``Passport`` and
  ``Identification`` (``holder``) → identifiers.
* Other schemata (``Payment``, ``Document``…) are counted in a warning and otherwise ignored.

Names: ``name`` → primary, ``alias`` → alias, ``weakAlias`` → weak alias, ``previousName`` →
former. A ``name`` or ``alias`` written wholly outside the Latin alphabet is ``ORIGINAL_SCRIPT``
(the model's convention; FtM itself does not mark scripts). ``published`` is the newest
``last_seen`` (when the exporter last confirmed the data), else the newest ``last_change``, else
``None``: plain FtM files carry neither. Things an OpenSanctions export marks ``"target": false``
(relatives, owned companies) are listed too, since screening should find them, with a remark
saying they are not themselves targets.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.schema import Schema as FtmSchema
from followthemoney.types import registry

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
from aktsam.lists.parsers.textfile import decode_utf8, read_bytes
from aktsam.lists.values import clean, country_code, is_original_script

SOURCE = "ftm"

_NAME_PROPERTIES: tuple[tuple[str, NameKind], ...] = (
    ("name", NameKind.PRIMARY),
    ("alias", NameKind.ALIAS),
    ("weakAlias", NameKind.WEAK_ALIAS),
    ("previousName", NameKind.FORMER),
)

# (kind for the edge's source end, kind for its target end)
_EDGES: dict[str, tuple[RelationKind, RelationKind]] = {
    "Ownership": (RelationKind.OWNER_OF, RelationKind.OWNED_BY),
    "Family": (RelationKind.ASSOCIATE, RelationKind.ASSOCIATE),
    "Associate": (RelationKind.ASSOCIATE, RelationKind.ASSOCIATE),
    "Directorship": (RelationKind.LINKED_TO, RelationKind.LINKED_TO),
    "Membership": (RelationKind.LINKED_TO, RelationKind.LINKED_TO),
    "Employment": (RelationKind.LINKED_TO, RelationKind.LINKED_TO),
    "Representation": (RelationKind.LINKED_TO, RelationKind.LINKED_TO),
    "UnknownLink": (RelationKind.LINKED_TO, RelationKind.LINKED_TO),
}

# FtM identifier properties → aktsam identifier types. Others of the identifier type are "other",
# except those that classify rather than identify.
_IDENTIFIER_TYPES: dict[str, str] = {
    "passportNumber": "passport",
    "idNumber": "national_id",
    "socialSecurityNumber": "national_id",
    "innCode": "tax_id",
    "taxNumber": "tax_id",
    "vatCode": "tax_id",
    "registrationNumber": "registration",
    "ogrnCode": "registration",
    "okpoCode": "registration",
    "uscCode": "registration",
    "leiCode": "lei",
    "swiftBic": "swift",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "call_sign",
    "isinCode": "isin",
    "dunsCode": "duns",
}
_NOT_IDENTIFIERS = frozenset({"programId", "okvedCode", "wikidataId"})
_COUNTRY_PROPERTIES = ("country", "jurisdiction", "mainCountry", "birthCountry")
_NATIONALITY_PROPERTIES = ("nationality", "citizenship")
_REMARK_PROPERTIES = ("notes", "summary", "position")


def parse(path: Path) -> ParsedList:
    """Read FtM JSON lines; every line must be an entity with an ``id`` and a known ``schema``."""
    path = Path(path)
    entities = _read(path, decode_utf8(path, read_bytes(path)))
    things: dict[str, _Thing] = {}
    others: list[tuple[FtmSchema, dict[str, Any]]] = []
    for schema, data in entities:
        target_schema = _listed_schema(schema)
        if target_schema is None:
            others.append((schema, data))
        else:
            things[data["id"]] = _Thing(data, target_schema)
    by_id = {data["id"]: data for _, data in entities}
    ignored: Counter[str] = Counter()
    for schema, data in others:
        if not _fold(schema, data, things, by_id):
            ignored[schema.name] += 1
    for thing in things.values():
        thing.add_addresses(by_id)
    warnings = []
    if ignored:
        listed = ", ".join(f"{name} {count}" for name, count in sorted(ignored.items()))
        warnings.append(f"entities not folded into a listed entity: {listed}")
    return ParsedList(
        source=SOURCE,
        entities=[thing.entity() for thing in things.values()],
        published=_published(data for _, data in entities),
        files=[str(path)],
        warnings=warnings,
    )


def _read(path: Path, text: str) -> list[tuple[FtmSchema, dict[str, Any]]]:
    out: list[tuple[FtmSchema, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    # split on "\n" only: str.splitlines() would also break inside strings holding U+2028
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise ListFormatError(path, where, f"not JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise ListFormatError(path, where, "not a JSON object")
        entity_id = data.get("id")
        if not isinstance(entity_id, str) or not entity_id.strip():
            raise ListFormatError(path, f"{where}, field 'id'", "missing or empty id")
        schema_name = data.get("schema")
        if not isinstance(schema_name, str):
            raise ListFormatError(path, f"{where}, field 'schema'", "missing schema")
        schema = model.get(schema_name)
        if schema is None:
            raise ListFormatError(
                path, f"{where}, field 'schema'", f"unknown FollowTheMoney schema {schema_name!r}"
            )
        properties = data.setdefault("properties", {})
        if not isinstance(properties, dict) or not all(
            isinstance(values, list) for values in properties.values()
        ):
            raise ListFormatError(
                path, f"{where}, field 'properties'", "not an object of value lists"
            )
        if entity_id in seen:
            raise ListFormatError(
                path, f"{where}, field 'id'", f"id {entity_id!r} repeats line {seen[entity_id]}"
            )
        seen[entity_id] = number
        out.append((schema, data))
    if not out:
        raise ListFormatError(path, None, "the file holds no entities")
    return out


def _listed_schema(schema: FtmSchema) -> Schema | None:
    if schema.is_a("Person"):
        return Schema.PERSON
    if schema.is_a("Vessel"):
        return Schema.VESSEL
    if schema.is_a("Airplane"):
        return Schema.AIRCRAFT
    if schema.is_a("LegalEntity"):
        return Schema.ORGANIZATION
    if schema.is_a("Vehicle"):
        return Schema.UNKNOWN
    return None


def _values(data: dict[str, Any], prop: str) -> list[str]:
    values = (clean(str(value)) for value in data["properties"].get(prop, []))
    return [value for value in values if value]


def _first(data: dict[str, Any], prop: str) -> str | None:
    values = _values(data, prop)
    return values[0] if values else None


def _add(values: list[str], value: str | None) -> None:
    if value and value not in values:
        values.append(value)


def _date(value: str) -> str:
    """FtM dates are ISO already, possibly with a time: keep the date part."""
    return value[:10]


def _fold(
    schema: FtmSchema,
    data: dict[str, Any],
    things: dict[str, _Thing],
    by_id: dict[str, dict[str, Any]],
) -> bool:
    """Apply a non-thing entity to the things it is about; ``False`` when it concerns none."""
    if schema.is_a("Sanction"):
        sanctioned = [things[ref] for ref in _values(data, "entity") if ref in things]
        for thing in sanctioned:
            thing.add_sanction(data)
        return bool(sanctioned)
    if schema.name in _EDGES and schema.edge_source and schema.edge_target:
        sources = _values(data, schema.edge_source)
        targets = _values(data, schema.edge_target)
        forward, backward = _EDGES[schema.name]
        role = _first(data, "role") or _first(data, "relationship") or schema.label
        folded = False
        for source_id in sources:
            for target_id in targets:
                if source_id in things:
                    things[source_id].add_relation(forward, target_id, role, by_id)
                    folded = True
                if target_id in things:
                    things[target_id].add_relation(backward, source_id, role, by_id)
                    folded = True
        return folded
    if schema.is_a("Identification"):
        holders = [things[ref] for ref in _values(data, "holder") if ref in things]
        kind = "passport" if schema.is_a("Passport") else "national_id"
        number = _first(data, "number") or _first(data, "passportNumber")
        for thing in holders:
            if number:
                thing.add_identifier(
                    Identifier(kind, number, country_code(_first(data, "country")))
                )
        return bool(holders)
    return schema.is_a("Address") and any(  # folded when a thing refers to it
        data["id"] in thing.address_ids for thing in things.values()
    )


def _published(entities: Iterable[dict[str, Any]]) -> str | None:
    seen: list[str] = []
    changed: list[str] = []
    for data in entities:
        if isinstance(data.get("last_seen"), str):
            seen.append(data["last_seen"])
        if isinstance(data.get("last_change"), str):
            changed.append(data["last_change"])
    if seen:
        return max(seen)
    return max(changed) if changed else None


@dataclass
class _Thing:
    """A listed entity being assembled from its own properties and the entities about it."""

    data: dict[str, Any]
    schema: Schema
    programs: list[str] = field(default_factory=list)
    listed_dates: list[str] = field(default_factory=list)
    sanction_remarks: list[str] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)

    def __post_init__(self) -> None:
        ftm_schema = model.get(self.data["schema"])
        assert ftm_schema is not None  # checked when the line was read
        for prop_name, values in self.data["properties"].items():
            prop = ftm_schema.get(prop_name)
            if prop is None or prop.type != registry.identifier:
                continue
            if prop_name in _NOT_IDENTIFIERS:
                continue
            kind = _IDENTIFIER_TYPES.get(prop_name, "other")
            for value in values:
                text = clean(str(value))
                if text:
                    self.add_identifier(Identifier(kind, text, None, prop.label))
        for program in _values(self.data, "programId"):
            _add(self.programs, program)

    @property
    def address_ids(self) -> list[str]:
        return _values(self.data, "addressEntity")

    def add_identifier(self, identifier: Identifier) -> None:
        if identifier not in self.identifiers:
            self.identifiers.append(identifier)

    def add_sanction(self, data: dict[str, Any]) -> None:
        for program in _values(data, "programId") or _values(data, "program"):
            _add(self.programs, program)
        for prop in ("listingDate", "startDate"):
            for value in _values(data, prop):
                _add(self.listed_dates, _date(value))
        parts = [
            _first(data, "authority"),
            _first(data, "program"),
            _first(data, "reason"),
        ]
        line = " — ".join(part for part in parts if part)
        if line:
            _add(self.sanction_remarks, f"Sanction: {line}")

    def add_relation(
        self, kind: RelationKind, other_id: str, role: str, by_id: dict[str, dict[str, Any]]
    ) -> None:
        other = by_id.get(other_id)
        caption = clean(str(other.get("caption"))) if other and other.get("caption") else None
        note = "; ".join(part for part in (role, caption) if part)
        relation = Relation(kind, other_id, SOURCE, note or None)
        if relation not in self.relations:
            self.relations.append(relation)

    def add_addresses(self, by_id: dict[str, dict[str, Any]]) -> None:
        for address_id in self.address_ids:
            data = by_id.get(address_id)
            if data is None:
                continue
            parts = ("street", "postalCode", "city", "region")
            full = (
                _first(data, "full")
                or ", ".join(value for prop in parts if (value := _first(data, prop)))
                or clean(str(data.get("caption") or ""))
            )
            if full:
                address = Address(full, country_code(_first(data, "country")))
                if address not in self.addresses:
                    self.addresses.append(address)
        for text in _values(self.data, "address"):
            address = Address(text, None)
            if all(text != known.full for known in self.addresses):
                self.addresses.append(address)

    def entity(self) -> ListedEntity:
        data = self.data
        names = self._names()
        nationalities: list[str] = []
        for prop in _NATIONALITY_PROPERTIES:
            for value in _values(data, prop):
                _add(nationalities, country_code(value))
        countries = list(nationalities)
        for prop in _COUNTRY_PROPERTIES:
            for value in _values(data, prop):
                _add(countries, country_code(value))
        for address in self.addresses:
            _add(countries, address.country)
        remarks = [value for prop in _REMARK_PROPERTIES for value in _values(data, prop)]
        remarks += self.sanction_remarks
        if data.get("target") is False:
            remarks.append("Not itself a target in this export: listed as a related entity.")
        datasets = [str(name) for name in data.get("datasets", []) if name]
        return ListedEntity(
            source=SOURCE,
            source_id=data["id"],
            schema=self.schema,
            names=names,
            birth_dates=[_date(value) for value in _values(data, "birthDate")],
            birth_places=_values(data, "birthPlace"),
            nationalities=nationalities,
            countries=countries,
            addresses=self.addresses,
            identifiers=self.identifiers,
            programs=self.programs,
            listed_on=min(self.listed_dates) if self.listed_dates else None,
            remarks="\n".join(remarks) or None,
            relations=self.relations,
            sublist="; ".join(datasets) or None,
            url=_first(data, "sourceUrl"),
        )

    def _names(self) -> list[Name]:
        names: list[Name] = []
        seen: set[str] = set()
        caption = clean(str(self.data.get("caption") or "")) or ""
        for prop, kind in _NAME_PROPERTIES:
            values = _values(self.data, prop)
            if prop == "name" and caption in values:  # the exporter's display name first
                values.remove(caption)
                values.insert(0, caption)
            for value in values:
                if value in seen:
                    continue
                seen.add(value)
                if kind in (NameKind.PRIMARY, NameKind.ALIAS) and is_original_script(value):
                    names.append(Name(value, NameKind.ORIGINAL_SCRIPT))
                else:
                    names.append(Name(value, kind))
        if not names:
            parts = ("firstName", "secondName", "middleName", "fatherName", "lastName")
            whole = " ".join(part for prop in parts if (part := _first(self.data, prop)))
            if whole:
                names.append(Name(whole, NameKind.PRIMARY))
        return names
