"""The monitored population: every register party (all roles) and every row of every watched file.

A party is screened under its name and each alias (one query form each, as the assessment and the sale
check screen it), with its schema (person / organisation), country, birth date and identifiers. Its
*fingerprint* hashes exactly that, so a change to anything screening reads (and nothing else) makes a
delta run screen the party again. Its *keys* are what the reverse index stores: the normalised name
tokens of every form, their Metaphone codes (``~`` prefix) and normalised identifiers (``#`` prefix).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from aktsam.lists.model import Schema
from aktsam.screening import weights as W
from aktsam.screening.matcher import Query
from aktsam.screening.names import name_forms
from aktsam.screening.qualifiers import max_bonus, normalise_identifier
from aktsam.screening.romanisation import romanisation_key
from aktsam.screening.vocabulary import phonetic_code
from aktsam.store.db import Store
from aktsam.store.schema import PartyRow

REGISTER = "register"
#: register identifiers that link a party inside aktsam rather than identify it (not screened)
INTERNAL_IDENTIFIERS = frozenset({"maker", "products"})
_BATCH = 20_000


@dataclass(frozen=True, slots=True)
class MonitoredParty:
    """One monitored party as screening sees it."""

    party_id: str
    origin: str  # "register" or "watch:NAME"
    name: str
    aliases: tuple[str, ...] = ()
    schema: str | None = None  # "person", "organization" or None (any)
    countries: tuple[str, ...] = ()  # lower case
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(n.strip() for n in (self.name, *self.aliases) if n.strip()))

    def data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "schema": self.schema,
            "countries": list(self.countries),
            "birth_date": self.birth_date,
            "identifiers": list(self.identifiers),
        }

    @classmethod
    def from_data(cls, party_id: str, origin: str, data: dict[str, Any]) -> MonitoredParty:
        return cls(
            party_id=party_id,
            origin=origin,
            name=str(data["name"]),
            aliases=tuple(data.get("aliases") or ()),
            schema=data.get("schema"),
            countries=tuple(data.get("countries") or ()),
            birth_date=data.get("birth_date"),
            identifiers=tuple(data.get("identifiers") or ()),
        )

    def fingerprint(self) -> str:
        text = json.dumps(self.data(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def queries(self) -> list[Query]:
        """One matcher query per name form (name, then aliases)."""
        schema = Schema(self.schema) if self.schema else None
        return [
            Query(
                name=name,
                schema=schema,
                countries=self.countries,
                birth_date=self.birth_date,
                identifiers=self.identifiers,
                id=self.party_id,
            )
            for name in self.names
        ]

    def forms(self) -> list[list[str]]:
        """The tokens of every query form the matcher prepares for the party (each name form of its
        name and aliases, :func:`aktsam.screening.names.name_forms`), stored with the party so that a
        delta run can bound its score without preparing them again (:mod:`aktsam.monitoring.retrieval`)."""
        schema = Schema(self.schema) if self.schema else None
        return [
            list(form.tokens)
            for name in self.names
            for form in name_forms(name, schema)
            if form.tokens
        ]

    def max_bonus(self) -> float:
        """The most the qualifiers (country, birth date) can add to the party's score
        (:func:`aktsam.screening.qualifiers.max_bonus`)."""
        return max_bonus(self.countries, self.birth_date)

    def index_keys(self, forms: list[list[str]] | None = None) -> set[str]:
        """The reverse-index keys: name tokens, ``~`` Metaphone codes, ``^`` romanisation keys, ``#``
        identifiers."""
        out: set[str] = set()
        for tokens in self.forms() if forms is None else forms:
            for token in tokens:
                out.add(token[:100])
                code = phonetic_code(token)
                if code is not None:
                    out.add("~" + code)
                key = romanisation_key(token)
                if key is not None:
                    out.add(("^" + key)[:100])
        for value in self.identifiers:
            norm = normalise_identifier(value)
            if len(norm) >= W.IDENTIFIER_MIN_LENGTH:
                out.add(("#" + norm)[:100])
        return out


#: What :meth:`MonitoredParty.index_keys` puts before a key that is not a name token: Metaphone
#: codes, romanisation keys, identifiers.
DERIVED_KEY_PREFIXES: tuple[str, ...] = ("~", "^", "#")

_TOKEN_END = "\x1f"
_FORM_END = "\x1e"


def encode_forms(forms: Sequence[Sequence[str]]) -> str:
    """Query forms' tokens as one string (``monitor_parties.forms``): tokens separated by U+001F, forms
    by U+001E; neither occurs in a token (tokens are letters and digits)."""
    return _FORM_END.join(_TOKEN_END.join(tokens) for tokens in forms)


def decode_forms(text: str) -> tuple[tuple[str, ...], ...]:
    """The inverse of :func:`encode_forms`."""
    return tuple(tuple(form.split(_TOKEN_END)) for form in text.split(_FORM_END)) if text else ()


def from_register_row(row: PartyRow) -> MonitoredParty:
    identifiers = tuple(
        str(v)
        for k, v in sorted((row.identifiers or {}).items())
        if k not in INTERNAL_IDENTIFIERS and str(v).strip()
    )
    return MonitoredParty(
        party_id=row.id,
        origin=REGISTER,
        name=row.name,
        aliases=tuple(str(a) for a in (row.aliases or ()) if str(a).strip()),
        schema="person" if row.kind == "person" else "organization",
        countries=(row.country.lower(),) if row.country else (),
        identifiers=identifiers,
    )


def register_parties(
    store: Store, *, changed_since: datetime | None = None
) -> Iterator[MonitoredParty]:
    """Register parties (only those updated at or after ``changed_since``, if given), by id."""
    query = sa.select(PartyRow).order_by(PartyRow.id)
    if changed_since is not None:
        query = query.where(PartyRow.updated_at >= changed_since)
    with store.session() as session:
        for row in session.scalars(query.execution_options(yield_per=_BATCH)):
            yield from_register_row(row)


def register_ids(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.scalars(sa.select(PartyRow.id)))


def register_count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(PartyRow)) or 0)


def watched_party_id(name: str, row_id: str) -> str:
    return f"watch:{name}:{row_id}"


def group_queries(parties: Sequence[MonitoredParty]) -> list[tuple[str, list[Query]]]:
    return [(p.party_id, p.queries()) for p in parties if p.names]


__all__ = [
    "INTERNAL_IDENTIFIERS",
    "REGISTER",
    "MonitoredParty",
    "decode_forms",
    "encode_forms",
    "from_register_row",
    "group_queries",
    "register_count",
    "register_ids",
    "register_parties",
    "watched_party_id",
]
