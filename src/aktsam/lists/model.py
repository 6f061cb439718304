"""The one normalised entity model that every list parser produces.

Each official list has its own shape (UN XML, EU FSF XML, OFAC XML and CSV sets, the UK ConList CSV, the
trade.gov CSL CSV, FollowTheMoney JSON). Parsers translate all of them into :class:`ListedEntity`, so the
matcher, the store and the diff never need to know which format an entity came from.

Conventions (all parsers follow them; ``tests/lists`` checks them):

* ``source`` is the aktsam source name (``un-sc``, ``eu-fsf``, ``uk-hmt``, ``ofac-sdn``, ``ofac-cons``,
  ``us-csl``, ``ftm``, ``csv``); ``source_id`` is the publisher's own identifier, verbatim: UN reference
  number (``QDi.043``), OFAC uid, EU logicalId, UK Group ID, CSL ``_id`` row id.
* ``id`` is ``"{source}:{source_id}"``: stable across snapshots of the same source, so decisions and diffs can
  follow an entity from one snapshot to the next.
* Dates are ISO 8601 strings, possibly partial (``"1970"``, ``"1970-05"``, ``"1970-05-01"``), because lists
  often know only a year; never invented to full precision.
* Countries are ISO 3166-1 alpha-2 codes in lower case (``"cn"``), as rigour/FollowTheMoney use; a value
  that cannot be resolved is kept in ``remarks``-like fields (address text), never guessed.
* Every name keeps its kind. Original-script names (Arabic, Cyrillic, Chinese…) are ``ORIGINAL_SCRIPT``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Schema(StrEnum):
    """What kind of thing is listed. Matching penalises a person query against an organisation entry."""

    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class NameKind(StrEnum):
    """How the publisher qualifies a name; weak aliases and enriched names score with less confidence."""

    PRIMARY = "primary"
    ALIAS = "alias"  # a.k.a., good-quality alias
    WEAK_ALIAS = "weak_alias"  # OFAC/UN "low quality" a.k.a.
    FORMER = "former"  # f.k.a.
    ORIGINAL_SCRIPT = "original_script"
    ENRICHED = "enriched"  # added by aktsam from its sourced alias table, not by the publisher


class RelationKind(StrEnum):
    LINKED_TO = "linked_to"  # OFAC "Linked To: ..." remarks and XML relationships
    # e.g. an EU/UK entry citing the UN reference number of the same designation
    SAME_AS = "same_as"
    OWNED_BY = "owned_by"
    OWNER_OF = "owner_of"
    ASSOCIATE = "associate"


@dataclass(frozen=True, slots=True)
class Name:
    value: str
    kind: NameKind = NameKind.PRIMARY
    lang: str | None = None  # ISO 639 code where the source gives one (EU nameAlias@nameLanguage)
    source: str | None = None  # for ENRICHED names: where the alias comes from (alias table row)


@dataclass(frozen=True, slots=True)
class Address:
    full: str  # the address as one line of text, parts joined with ", "
    country: str | None = None  # ISO alpha-2, lower case


@dataclass(frozen=True, slots=True)
class Identifier:
    type: str  # e.g. "passport", "national_id", "imo", "registration", "tax_id", "swift", "other"
    value: str
    country: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    kind: RelationKind
    target: str  # a name or identifier as the source states it, e.g. "QDe.004" or an OFAC uid
    target_source: str | None = None  # source whose identifier ``target`` is, when known ("un-sc")
    note: str | None = None


@dataclass(slots=True)
class ListedEntity:
    source: str
    source_id: str
    schema: Schema
    names: list[Name]
    birth_dates: list[str] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    # any country the entry ties it to (address, seat…)
    countries: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)  # regimes / programmes, e.g. "SDGT", "IRAN"
    listed_on: str | None = None
    remarks: str | None = None
    relations: list[Relation] = field(default_factory=list)
    sublist: str | None = None  # for consolidated lists: the underlying list, e.g. "Entity List"
    url: str | None = None  # the publisher's page for this entry, when it gives one

    @property
    def id(self) -> str:
        return f"{self.source}:{self.source_id}"

    @property
    def caption(self) -> str:
        """The name to show: the first primary name, else the first name."""
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.value
        return self.names[0].value if self.names else self.source_id

    def to_dict(self) -> dict[str, Any]:
        """The entity as plain data, with ``id`` last: what ``dataclasses.asdict`` gives, plus ``id``.

        Written out because ``asdict`` (generic, recursive, deep-copying) was most of a list import's
        time. Keys keep the field order and enums stay enums, as with ``asdict``;
        ``tests/lists/test_model.py`` checks the two agree on every real entity.
        :meth:`from_dict` reads exactly these keys back.
        """
        return {
            "source": self.source,
            "source_id": self.source_id,
            "schema": self.schema,
            "names": [
                {"value": n.value, "kind": n.kind, "lang": n.lang, "source": n.source}
                for n in self.names
            ],
            "birth_dates": list(self.birth_dates),
            "birth_places": list(self.birth_places),
            "nationalities": list(self.nationalities),
            "countries": list(self.countries),
            "addresses": [{"full": a.full, "country": a.country} for a in self.addresses],
            "identifiers": [
                {"type": i.type, "value": i.value, "country": i.country, "note": i.note}
                for i in self.identifiers
            ],
            "programs": list(self.programs),
            "listed_on": self.listed_on,
            "remarks": self.remarks,
            "relations": [
                {
                    "kind": r.kind,
                    "target": r.target,
                    "target_source": r.target_source,
                    "note": r.note,
                }
                for r in self.relations
            ],
            "sublist": self.sublist,
            "url": self.url,
            "id": self.id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ListedEntity:
        """The entity :meth:`to_dict` gave (``id`` is derived, not read back)."""
        return cls(
            source=data["source"],
            source_id=data["source_id"],
            schema=Schema(data["schema"]),
            names=[
                Name(n["value"], NameKind(n["kind"]), n.get("lang"), n.get("source"))
                for n in data["names"]
            ],
            birth_dates=list(data.get("birth_dates", [])),
            birth_places=list(data.get("birth_places", [])),
            nationalities=list(data.get("nationalities", [])),
            countries=list(data.get("countries", [])),
            addresses=[Address(a["full"], a.get("country")) for a in data.get("addresses", [])],
            identifiers=[
                Identifier(i["type"], i["value"], i.get("country"), i.get("note"))
                for i in data.get("identifiers", [])
            ],
            programs=list(data.get("programs", [])),
            listed_on=data.get("listed_on"),
            remarks=data.get("remarks"),
            relations=[
                Relation(
                    RelationKind(r["kind"]), r["target"], r.get("target_source"), r.get("note")
                )
                for r in data.get("relations", [])
            ],
            sublist=data.get("sublist"),
            url=data.get("url"),
        )

    def content_hash(self) -> str:
        """A hash of everything the publisher says about the entity.

        Decisions (a hit cleared as false positive) hold this hash: when a later snapshot changes the entity,
        the hash changes and the clearance no longer applies.
        """
        payload = _HASH_ENCODER.encode(self.to_dict())
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


#: ``json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)`` made once: the same text
#: (stored hashes must not change), without building an encoder and checking for cycles per entity.
_HASH_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, default=str, check_circular=False
)


@dataclass(slots=True)
class ParsedList:
    """What a parser returns: the entities of one published file (or CSV set) and what the file says of itself."""

    source: str
    entities: list[ListedEntity]
    # publication date/time read from the file (ISO 8601), None if the file has none
    published: str | None
    files: list[str] = field(default_factory=list)  # the file(s) read, as given
    # data oddities kept, not fatal (e.g. "3033-09-30")
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Entity counts by schema (and total), stored with the snapshot."""
        out: dict[str, int] = {"total": len(self.entities)}
        for entity in self.entities:
            out[entity.schema.value] = out.get(entity.schema.value, 0) + 1
        return out
