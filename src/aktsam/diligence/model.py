"""The due-diligence register as plain values: parties, relations, evidence and installed equipment.

Service functions (``aktsam.diligence.register``) return these frozen dataclasses, never ORM rows. Each
has ``from_row`` (from the store's row) and ``to_dict`` (the register file's columns, dates as ISO
text: what the trail records as before/after and what the CSV/XLSX export writes).

The vocabularies (kinds, roles, stances) are those of ``docs/design/diligence.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aktsam.store.schema import (
    PARTY_KINDS,
    RELATION_KINDS,
    EquipmentRow,
    EvidenceRow,
    PartyRow,
    RelationRow,
)

ROLES: tuple[str, ...] = (
    "self", "supplier", "manufacturer", "brand", "distributor", "reseller", "integrator",
    "customer", "end-user", "owner", "state-owner",
)  # fmt: skip
"""Roles a party plays for the reporting organisation (``self``)."""

OWNERSHIP_KINDS: tuple[str, ...] = ("owns", "controls")
"""Relation kinds that form the ownership / control graph (no cycles allowed)."""

EVIDENCE_KINDS: tuple[str, ...] = (
    "list-hit", "regime", "ngo-report", "public-body", "council-on-ethics", "media",
    "supplier-answer", "audit-result", "internal",
)  # fmt: skip
STANCES: tuple[str, ...] = ("adverse", "mitigating", "neutral")

PARTY_COLUMNS: tuple[str, ...] = (
    "id", "name", "kind", "roles", "country", "region", "sector", "end_user_type", "aliases",
    "identifiers", "website", "notes",
)  # fmt: skip
RELATION_COLUMNS: tuple[str, ...] = (
    "source", "target", "kind", "share", "since", "until", "source_url", "source_date", "note",
)  # fmt: skip
EVIDENCE_COLUMNS: tuple[str, ...] = (
    "id", "party", "kind", "topic", "stance", "title", "publisher", "url", "published", "author",
    "quote",
)  # fmt: skip
EQUIPMENT_COLUMNS: tuple[str, ...] = (
    "party", "device_id", "brand", "model", "site", "customer", "installed_on", "warranty_until",
    "finding", "source",
)  # fmt: skip

__all__ = [
    "EQUIPMENT_COLUMNS",
    "EVIDENCE_COLUMNS",
    "EVIDENCE_KINDS",
    "OWNERSHIP_KINDS",
    "PARTY_COLUMNS",
    "PARTY_KINDS",
    "RELATION_COLUMNS",
    "RELATION_KINDS",
    "ROLES",
    "STANCES",
    "Equipment",
    "Evidence",
    "Party",
    "Relation",
]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class Party:
    """A supplier, maker, brand, reseller, customer, end user or owner (or the reporting organisation).

    ``identifiers`` maps a scheme to a value; ``maker`` links the party to the equipment audit's maker id
    (``devices/data/makers.csv``), e.g. ``{"maker": "hikvision", "lei": "…"}``.
    """

    id: str
    name: str
    kind: str = "organization"
    roles: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-2, upper case
    region: str | None = None
    sector: str | None = None
    end_user_type: str | None = None
    aliases: tuple[str, ...] = ()
    identifiers: Mapping[str, str] = field(default_factory=dict, hash=False)
    website: str | None = None
    notes: str | None = None
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, row: PartyRow) -> Party:
        return cls(
            id=row.id,
            name=row.name,
            kind=row.kind,
            roles=tuple(str(r) for r in row.roles or ()),
            country=row.country,
            region=row.region,
            sector=row.sector,
            end_user_type=row.end_user_type,
            aliases=tuple(str(a) for a in row.aliases or ()),
            identifiers={str(k): str(v) for k, v in (row.identifiers or {}).items()},
            website=row.website,
            notes=row.notes,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    def maker(self) -> str | None:
        """The equipment audit's maker id this party stands for, if any."""
        return self.identifiers.get("maker")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "roles": list(self.roles),
            "country": self.country,
            "region": self.region,
            "sector": self.sector,
            "end_user_type": self.end_user_type,
            "aliases": list(self.aliases),
            "identifiers": dict(sorted(self.identifiers.items())),
            "website": self.website,
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True)
class Relation:
    """``source`` → ``target``: owns (``share`` %), controls, maker-of, distributor-of, supplies-to.

    ``source_url`` / ``source_date`` say where and when the link is stated. ``id`` is the store's row id
    (``None`` before it is stored).
    """

    source: str
    target: str
    kind: str
    share: float | None = None
    since: date | None = None
    until: date | None = None
    source_url: str | None = None
    source_date: date | None = None
    note: str | None = None
    id: int | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, row: RelationRow) -> Relation:
        return cls(
            source=row.source_id,
            target=row.target_id,
            kind=row.kind,
            share=row.share,
            since=row.since,
            until=row.until,
            source_url=row.source,
            source_date=row.source_date,
            note=row.note,
            id=row.id,
        )

    def key(self) -> tuple[str, str, str]:
        """What makes a relation unique in the register: (source, target, kind)."""
        return (self.source, self.target, self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
            "share": self.share,
            "since": _iso(self.since),
            "until": _iso(self.until),
            "source_url": self.source_url,
            "source_date": _iso(self.source_date),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """A document or finding about a party (or general, ``party=None``): source, date, author, quote."""

    id: str
    party: str | None
    kind: str
    title: str
    stance: str = "adverse"
    topic: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: date | None = None
    author: str | None = None
    quote: str | None = None
    added_by: str | None = field(default=None, compare=False)
    added_at: datetime | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, row: EvidenceRow) -> Evidence:
        return cls(
            id=row.id,
            party=row.party_id,
            kind=row.kind,
            title=row.title,
            stance=row.stance,
            topic=row.topic,
            publisher=row.publisher,
            url=row.url,
            published=row.published,
            author=row.author,
            quote=row.quote,
            added_by=row.added_by,
            added_at=row.added_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party": self.party,
            "kind": self.kind,
            "topic": self.topic,
            "stance": self.stance,
            "title": self.title,
            "publisher": self.publisher,
            "url": self.url,
            "published": _iso(self.published),
            "author": self.author,
            "quote": self.quote,
        }


@dataclass(frozen=True, slots=True)
class Equipment:
    """An installed device, linked to the party that made it (``party``) and the one it is installed for
    (``customer``); ``finding`` is the equipment audit's (e.g. ``restricted everywhere``)."""

    party: str
    device_id: str
    brand: str | None = None
    model: str | None = None
    site: str | None = None
    customer: str | None = None
    installed_on: date | None = None
    warranty_until: date | None = None
    finding: str | None = None
    source: str | None = None
    id: int | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, row: EquipmentRow) -> Equipment:
        return cls(
            party=row.party_id,
            device_id=row.device_id,
            brand=row.brand,
            model=row.model,
            site=row.site,
            customer=row.customer_id,
            installed_on=row.installed_on,
            warranty_until=row.warranty_until,
            finding=row.finding,
            source=row.source,
            id=row.id,
        )

    def key(self) -> tuple[str, str]:
        """What makes a device unique in the register: (maker party, device id)."""
        return (self.party, self.device_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "device_id": self.device_id,
            "brand": self.brand,
            "model": self.model,
            "site": self.site,
            "customer": self.customer,
            "installed_on": _iso(self.installed_on),
            "warranty_until": _iso(self.warranty_until),
            "finding": self.finding,
            "source": self.source,
        }
