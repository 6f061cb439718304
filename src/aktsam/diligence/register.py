"""The due-diligence register: parties, relations, evidence and installed equipment.

Store-level functions (``add_party``, ``add_relation``, …) each run one transaction; the session-level
``put_*`` functions are what they (and ``registerio``'s import) compose, so that a whole import is one
transaction too. Every change writes its audit-trail entry in the same transaction; a value that does not
validate raises :class:`~aktsam.errors.InputError` naming the field, before anything is written.

Validation:

* party ids are lower-case slugs (``[a-z0-9][a-z0-9._-]*``, at most 100 characters); names are required;
  ``kind``, ``roles``, relation kinds, evidence kinds and stances come from ``diligence.model``;
  ``country`` is an ISO 3166-1 alpha-2 code (stored upper-case);
* a relation needs both parties in the register, may not point from a party to itself, and ``since``
  may not be after ``until``;
* ``share`` (percent) is only for ``owns`` and lies in (0, 100]; the ``owns`` shares into one party that
  hold at the same time may not add up to more than 100 %;
* ``owns`` / ``controls`` may not form a cycle (a → b → a) among relations that hold at the same time;
* equipment: ``installed_on`` may not be after ``warranty_until``.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aktsam.devices.audit import AuditResult
from aktsam.diligence.model import (
    EVIDENCE_KINDS,
    OWNERSHIP_KINDS,
    PARTY_KINDS,
    RELATION_KINDS,
    ROLES,
    STANCES,
    Equipment,
    Evidence,
    Party,
    Relation,
)
from aktsam.errors import InputError, NotFoundError
from aktsam.store import trail
from aktsam.store.db import Store
from aktsam.store.schema import EquipmentRow, EvidenceRow, PartyRow, RelationRow

Change = Literal["added", "updated", "unchanged"]

_SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_EVIDENCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_EV_NUMBER = re.compile(r"EV-(\d+)\Z")
# two-letter codes in FollowTheMoney's country list that are not countries
_NOT_COUNTRIES = frozenset({"zz", "eu", "un"})
_EPSILON = 1e-9

__all__ = [
    "Change",
    "LinkSummary",
    "add_equipment",
    "add_evidence",
    "add_party",
    "add_relation",
    "check_country",
    "check_party_id",
    "equipment_for",
    "evidence_for",
    "get_evidence",
    "get_party",
    "link_audit",
    "list_equipment",
    "list_evidence",
    "list_parties",
    "list_relations",
    "next_evidence_id",
    "put_equipment",
    "put_evidence",
    "put_party",
    "put_relation",
    "relations_of",
    "remove_relation",
    "require_party",
    "update_party",
    "validate_equipment",
    "validate_evidence",
    "validate_party",
    "validate_relation",
]


# --- validation (pure) ---------------------------------------------------------------------------------


def check_party_id(value: str, *, field: str = "id") -> str:
    """``value`` if it is a valid party id (lower-case slug), else InputError naming ``field``."""
    text = (value or "").strip()
    if not text:
        raise InputError("a party id is required", field=field)
    if len(text) > 100 or not _SLUG.match(text):
        raise InputError(
            f"party id {text!r} is not a lower-case slug (letters a-z, digits, '.', '_', '-'; "
            "starting with a letter or digit; at most 100 characters), e.g. 'hikvision'",
            field=field,
        )
    return text


def check_country(value: str | None, *, field: str = "country") -> str | None:
    """An ISO 3166-1 alpha-2 code, upper-case (``None`` for blank); anything else is an InputError."""
    text = (value or "").strip()
    if not text:
        return None
    from followthemoney.types import registry

    code = text.lower()
    if len(code) != 2 or code in _NOT_COUNTRIES or code not in registry.country.names:
        raise InputError(
            f"{text!r} is not an ISO 3166-1 alpha-2 country code (e.g. NO, CN, US)", field=field
        )
    return code.upper()


def _choice(value: str, allowed: tuple[str, ...], what: str, field: str) -> str:
    text = (value or "").strip()
    if text not in allowed:
        raise InputError(f"unknown {what} {text!r}; one of: {', '.join(allowed)}", field=field)
    return text


def _opt(value: str | None) -> str | None:
    text = (value or "").strip() if isinstance(value, str) else value
    return text or None


def _limit(value: str | None, size: int, field: str) -> str | None:
    text = _opt(value)
    if text is not None and len(text) > size:
        raise InputError(f"at most {size} characters ({len(text)} given)", field=field)
    return text


def _dated(value: Any, field: str) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=field)


def _order(first: date | None, second: date | None, names: tuple[str, str]) -> None:
    if first is not None and second is not None and first > second:
        raise InputError(
            f"{names[0]} {first.isoformat()} is after {names[1]} {second.isoformat()}",
            field=names[0],
        )


def validate_party(party: Party) -> Party:
    """``party`` checked and normalised (trimmed text, upper-case country, roles and aliases deduplicated)."""
    name = (party.name or "").strip()
    if not name:
        raise InputError("a party needs a name", field="name")
    roles = tuple(dict.fromkeys(_choice(r, ROLES, "role", "roles") for r in party.roles))
    aliases = tuple(dict.fromkeys(a.strip() for a in party.aliases if a.strip()))
    identifiers: dict[str, str] = {}
    for key, value in party.identifiers.items():
        k, v = str(key).strip(), str(value).strip()
        if not k or not v or any(c in k for c in "=;") or ";" in v:
            raise InputError(
                f"identifier {key!r}={value!r}: give key=value with a non-empty key and value "
                "(no '=' or ';' in the key, no ';' in the value)",
                field="identifiers",
            )
        identifiers[k] = v
    return dataclasses.replace(
        party,
        id=check_party_id(party.id),
        name=name,
        kind=_choice(party.kind, PARTY_KINDS, "party kind", "kind"),
        roles=roles,
        country=check_country(party.country),
        region=_limit(party.region, 100, "region"),
        sector=_limit(party.sector, 100, "sector"),
        end_user_type=_limit(party.end_user_type, 50, "end_user_type"),
        aliases=aliases,
        identifiers=dict(sorted(identifiers.items())),
        website=_opt(party.website),
        notes=_opt(party.notes),
    )


def validate_relation(relation: Relation) -> Relation:
    """The checks that need no store: ids, kind, share range, dates in order, no self-relation."""
    source = check_party_id(relation.source, field="source")
    target = check_party_id(relation.target, field="target")
    kind = _choice(relation.kind, RELATION_KINDS, "relation kind", "kind")
    if source == target:
        raise InputError(f"a relation from {source!r} to itself", field="target")
    share = relation.share
    if share is not None:
        if kind != "owns":
            raise InputError(
                f"a share is only given for 'owns' (this relation is {kind!r})", field="share"
            )
        if not (0 < share <= 100):
            raise InputError(f"share {share:g} % is not in (0, 100]", field="share")
    since = _dated(relation.since, "since")
    until = _dated(relation.until, "until")
    _order(since, until, ("since", "until"))
    return dataclasses.replace(
        relation,
        source=source,
        target=target,
        kind=kind,
        share=float(share) if share is not None else None,
        since=since,
        until=until,
        source_url=_opt(relation.source_url),
        source_date=_dated(relation.source_date, "source_date"),
        note=_opt(relation.note),
    )


def validate_evidence(evidence: Evidence) -> Evidence:
    """Kind, stance, title, id format and party id checked (the id may be ``""``: allocated on write)."""
    evidence_id = (evidence.id or "").strip()
    if evidence_id and (len(evidence_id) > 40 or not _EVIDENCE_ID.match(evidence_id)):
        raise InputError(
            f"evidence id {evidence_id!r} must be letters, digits, '.', '_', '-' (e.g. EV-0001)",
            field="id",
        )
    title = (evidence.title or "").strip()
    if not title:
        raise InputError("evidence needs a title", field="title")
    party = _opt(evidence.party)
    return dataclasses.replace(
        evidence,
        id=evidence_id,
        party=check_party_id(party, field="party") if party is not None else None,
        kind=_choice(evidence.kind, EVIDENCE_KINDS, "evidence kind", "kind"),
        stance=_choice(evidence.stance, STANCES, "stance", "stance"),
        topic=_limit(evidence.topic, 40, "topic"),
        title=title,
        publisher=_opt(evidence.publisher),
        url=_opt(evidence.url),
        published=_dated(evidence.published, "published"),
        author=_opt(evidence.author),
        quote=_opt(evidence.quote),
    )


def validate_equipment(equipment: Equipment) -> Equipment:
    device_id = (equipment.device_id or "").strip()
    if not device_id:
        raise InputError("a device id is required", field="device_id")
    customer = _opt(equipment.customer)
    installed_on = _dated(equipment.installed_on, "installed_on")
    warranty_until = _dated(equipment.warranty_until, "warranty_until")
    _order(installed_on, warranty_until, ("installed_on", "warranty_until"))
    return dataclasses.replace(
        equipment,
        party=check_party_id(equipment.party, field="party"),
        device_id=_limit(device_id, 255, "device_id") or device_id,
        brand=_limit(equipment.brand, 200, "brand"),
        model=_limit(equipment.model, 200, "model"),
        site=_limit(equipment.site, 200, "site"),
        customer=check_party_id(customer, field="customer") if customer is not None else None,
        installed_on=installed_on,
        warranty_until=warranty_until,
        finding=_limit(equipment.finding, 40, "finding"),
        source=_opt(equipment.source),
    )


# --- parties -------------------------------------------------------------------------------------------


def require_party(session: Session, party_id: str, *, field: str = "party") -> PartyRow:
    """The party's row; NotFoundError naming the id and how to add it."""
    row = session.get(PartyRow, party_id)
    if row is None:
        raise NotFoundError(
            f"no party {party_id!r} in the register ({field}); add it first: "
            f"aktsam parties add {party_id} --name '…' (or import a register file)"
        )
    return row


def _known_party(session: Session, party_id: str, field: str) -> None:
    """Like :func:`require_party`, as an InputError naming ``field`` (for values in input)."""
    if session.get(PartyRow, party_id) is None:
        raise InputError(
            f"unknown party {party_id!r}; add it first (aktsam parties add {party_id} --name …) "
            "or include it in parties.csv",
            field=field,
        )


def _now(at: datetime | None) -> datetime:
    return (at or datetime.now(UTC)).astimezone(UTC)


def _apply_party(row: PartyRow, party: Party) -> None:
    row.name, row.kind, row.roles = party.name, party.kind, list(party.roles)
    row.country, row.region, row.sector = party.country, party.region, party.sector
    row.end_user_type, row.aliases = party.end_user_type, list(party.aliases)
    row.identifiers, row.website, row.notes = dict(party.identifiers), party.website, party.notes


def put_party(
    session: Session, party: Party, *, actor: str, at: datetime | None = None
) -> tuple[Party, Change]:
    """Add ``party`` or update the one with its id (trail ``party.add`` / ``party.update`` with before and
    after); an identical party changes nothing and writes no entry."""
    party = validate_party(party)
    moment = _now(at)
    row = session.get(PartyRow, party.id)
    if row is None:
        row = PartyRow(id=party.id, created_at=moment, updated_at=moment)
        _apply_party(row, party)
        session.add(row)
        session.flush()
        trail.record(session, actor=actor, action="party.add", object_type="party",
                     object_id=party.id, after=party.to_dict(), at=moment)  # fmt: skip
        return Party.from_row(row), "added"
    before = Party.from_row(row)
    if before.to_dict() == party.to_dict():
        return before, "unchanged"
    _apply_party(row, party)
    row.updated_at = moment
    session.flush()
    trail.record(session, actor=actor, action="party.update", object_type="party",
                 object_id=party.id, before=before.to_dict(), after=party.to_dict(),
                 at=moment)  # fmt: skip
    return Party.from_row(row), "updated"


def add_party(
    store: Store,
    party_id: str,
    name: str,
    *,
    actor: str,
    kind: str = "organization",
    roles: Iterable[str] = (),
    country: str | None = None,
    region: str | None = None,
    sector: str | None = None,
    end_user_type: str | None = None,
    aliases: Iterable[str] = (),
    identifiers: Mapping[str, str] | None = None,
    website: str | None = None,
    notes: str | None = None,
) -> Party:
    """Add a new party; an id already in the register is an InputError (use :func:`update_party`)."""
    party = validate_party(
        Party(
            id=party_id,
            name=name,
            kind=kind,
            roles=tuple(roles),
            country=country,
            region=region,
            sector=sector,
            end_user_type=end_user_type,
            aliases=tuple(aliases),
            identifiers=dict(identifiers or {}),
            website=website,
            notes=notes,
        )
    )
    with store.session() as session:
        if session.get(PartyRow, party.id) is not None:
            raise InputError(
                f"party {party.id!r} is already in the register; change it with update "
                f"(aktsam parties update {party.id} …)",
                field="id",
            )
        added, _ = put_party(session, party, actor=actor)
    return added


_UPDATABLE = frozenset(f.name for f in dataclasses.fields(Party)) - {
    "id", "created_at", "updated_at",
}  # fmt: skip


def update_party(store: Store, party_id: str, *, actor: str, **changes: Any) -> Party:
    """Change some fields of a party (e.g. ``country="CN"``, ``roles=("supplier",)``); the trail entry
    holds the whole party before and after."""
    unknown = sorted(set(changes) - _UPDATABLE)
    if unknown:
        raise InputError(
            f"cannot change {unknown[0]!r}; changeable: {', '.join(sorted(_UPDATABLE))}",
            field=unknown[0],
        )
    for key in ("roles", "aliases"):
        if key in changes:
            changes[key] = tuple(changes[key] or ())
    if "identifiers" in changes:
        changes["identifiers"] = dict(changes["identifiers"] or {})
    with store.session() as session:
        current = Party.from_row(require_party(session, party_id, field="id"))
        updated, _ = put_party(session, dataclasses.replace(current, **changes), actor=actor)
    return updated


def get_party(store: Store, party_id: str) -> Party:
    with store.session() as session:
        return Party.from_row(require_party(session, party_id, field="id"))


def list_parties(store: Store, *, role: str | None = None) -> list[Party]:
    """Every party by id, or those with ``role``."""
    if role is not None:
        role = _choice(role, ROLES, "role", "role")
    with store.session() as session:
        parties = [
            Party.from_row(r) for r in session.scalars(select(PartyRow).order_by(PartyRow.id))
        ]
    return [p for p in parties if role is None or role in p.roles]


# --- relations -----------------------------------------------------------------------------------------


def _overlap(a: Relation, b: Relation) -> bool:
    """Whether two relations hold at some common moment (open ends run forever)."""
    return (a.since or date.min) <= (b.until or date.max) and (b.since or date.min) <= (
        a.until or date.max
    )


def _relation_label(relation: Relation) -> str:
    return f"{relation.source} {relation.kind} {relation.target}"


def _check_shares(relation: Relation, others: list[Relation]) -> None:
    """The largest total of ``owns`` shares into the target held at one moment, with ``relation``."""
    if relation.share is None:
        return
    concurrent = [r for r in others if r.share is not None and _overlap(r, relation)]
    concurrent.append(relation)
    start, end = relation.since or date.min, relation.until or date.max
    worst: list[Relation] = []
    for moment in sorted({max(r.since or date.min, start) for r in concurrent}):
        if moment > end:
            continue
        holding = [
            r for r in concurrent if (r.since or date.min) <= moment <= (r.until or date.max)
        ]
        if sum(r.share or 0.0 for r in holding) > sum(r.share or 0.0 for r in worst):
            worst = holding
    total = sum(r.share or 0.0 for r in worst)
    if total > 100 + _EPSILON:
        owners = ", ".join(f"{r.source} {r.share:g} %" for r in sorted(worst, key=Relation.key))
        raise InputError(
            f"the shares in {relation.target!r} would add up to {total:g} % ({owners}); "
            "shares held in one party at the same time cannot exceed 100 %",
            field="share",
        )


def _check_cycle(relation: Relation, others: list[Relation]) -> None:
    """No owns/controls path back from the target to the source (among relations holding meanwhile)."""
    graph: dict[str, list[str]] = {}
    for r in others:
        if r.kind in OWNERSHIP_KINDS and _overlap(r, relation):
            graph.setdefault(r.source, []).append(r.target)
    parent: dict[str, str] = {relation.target: relation.target}
    queue = [relation.target]
    while queue:
        node = queue.pop(0)
        if node == relation.source:
            path = [node]
            while path[-1] != relation.target:
                path.append(parent[path[-1]])
            chain = [relation.source, *reversed(path)]
            raise InputError(
                "cyclic ownership/control: "
                + " → ".join(chain)
                + f" (adding {_relation_label(relation)} would make a party own or control itself)",
                field="target",
            )
        for nxt in sorted(graph.get(node, ())):
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)


def _relations(session: Session) -> list[Relation]:
    return [Relation.from_row(r) for r in session.scalars(select(RelationRow))]


def _find_relation(session: Session, source: str, target: str, kind: str) -> RelationRow | None:
    return session.scalars(
        select(RelationRow).where(
            RelationRow.source_id == source,
            RelationRow.target_id == target,
            RelationRow.kind == kind,
        )
    ).one_or_none()


def _apply_relation(row: RelationRow, relation: Relation) -> None:
    row.share, row.since, row.until = relation.share, relation.since, relation.until
    row.source, row.source_date, row.note = (
        relation.source_url,
        relation.source_date,
        relation.note,
    )


def put_relation(
    session: Session, relation: Relation, *, actor: str, replace: bool = True
) -> tuple[Relation, Change]:
    """Add ``relation``, or (``replace``) update the one with the same source, target and kind."""
    relation = validate_relation(relation)
    _known_party(session, relation.source, "source")
    _known_party(session, relation.target, "target")
    others = [r for r in _relations(session) if r.key() != relation.key()]
    if relation.kind == "owns":
        _check_shares(
            relation, [r for r in others if r.kind == "owns" and r.target == relation.target]
        )
    if relation.kind in OWNERSHIP_KINDS:
        _check_cycle(relation, others)
    label = _relation_label(relation)
    row = _find_relation(session, *relation.key())
    if row is None:
        row = RelationRow(source_id=relation.source, target_id=relation.target, kind=relation.kind)
        _apply_relation(row, relation)
        session.add(row)
        session.flush()
        trail.record(session, actor=actor, action="relation.add", object_type="relation",
                     object_id=label, after=relation.to_dict())  # fmt: skip
        return Relation.from_row(row), "added"
    before = Relation.from_row(row)
    if before.to_dict() == relation.to_dict():
        return before, "unchanged"
    if not replace:
        raise InputError(
            f"{label} is already in the register; remove it first or replace it", field="kind"
        )
    _apply_relation(row, relation)
    session.flush()
    trail.record(session, actor=actor, action="relation.update", object_type="relation",
                 object_id=label, before=before.to_dict(), after=relation.to_dict())  # fmt: skip
    return Relation.from_row(row), "updated"


def add_relation(
    store: Store,
    source: str,
    target: str,
    kind: str,
    *,
    actor: str,
    share: float | None = None,
    since: date | None = None,
    until: date | None = None,
    source_url: str | None = None,
    source_date: date | None = None,
    note: str | None = None,
    replace: bool = False,
) -> Relation:
    """Record ``source`` ``kind`` ``target`` (e.g. ``owns`` with ``share``); an existing one with the same
    three is an error unless ``replace``."""
    relation = Relation(source=source, target=target, kind=kind, share=share, since=since,
                        until=until, source_url=source_url, source_date=source_date,
                        note=note)  # fmt: skip
    with store.session() as session:
        added, _ = put_relation(session, relation, actor=actor, replace=replace)
    return added


def remove_relation(store: Store, source: str, target: str, kind: str, *, actor: str) -> Relation:
    """Remove one relation (trail ``relation.remove`` with what it was); NotFoundError if absent."""
    with store.session() as session:
        row = _find_relation(session, source, target, kind)
        if row is None:
            raise NotFoundError(f"no relation {source} {kind} {target} in the register")
        removed = Relation.from_row(row)
        session.delete(row)
        session.flush()
        trail.record(session, actor=actor, action="relation.remove", object_type="relation",
                     object_id=_relation_label(removed), before=removed.to_dict())  # fmt: skip
    return removed


def list_relations(store: Store, *, kind: str | None = None) -> list[Relation]:
    """Every relation (or those of ``kind``), by source, target and kind."""
    with store.session() as session:
        relations = sorted(_relations(session), key=Relation.key)
    return [r for r in relations if kind is None or r.kind == kind]


def relations_of(store: Store, party_id: str) -> list[Relation]:
    """The relations from and to a party (``source`` or ``target`` is it), by source, target, kind."""
    with store.session() as session:
        require_party(session, party_id, field="id")
        rows = session.scalars(
            select(RelationRow).where(
                or_(RelationRow.source_id == party_id, RelationRow.target_id == party_id)
            )
        )
        return sorted((Relation.from_row(r) for r in rows), key=Relation.key)


# --- evidence ------------------------------------------------------------------------------------------


def next_evidence_id(session: Session) -> str:
    """The next free ``EV-nnnn`` id (in ``session``'s transaction)."""
    numbers = [
        int(m.group(1))
        for evidence_id in session.scalars(select(EvidenceRow.id))
        if (m := _EV_NUMBER.match(evidence_id))
    ]
    return f"EV-{max(numbers, default=0) + 1:04d}"


def _apply_evidence(row: EvidenceRow, evidence: Evidence) -> None:
    row.party_id, row.kind, row.topic = evidence.party, evidence.kind, evidence.topic
    row.stance, row.title, row.publisher = evidence.stance, evidence.title, evidence.publisher
    row.url, row.published = evidence.url, evidence.published
    row.author, row.quote = evidence.author, evidence.quote


def put_evidence(
    session: Session, evidence: Evidence, *, actor: str, at: datetime | None = None
) -> tuple[Evidence, Change]:
    """Add ``evidence`` (an empty id gets the next ``EV-nnnn``) or update the one with its id."""
    evidence = validate_evidence(evidence)
    if evidence.party is not None:
        _known_party(session, evidence.party, "party")
    if not evidence.id:
        evidence = dataclasses.replace(evidence, id=next_evidence_id(session))
    row = session.get(EvidenceRow, evidence.id)
    if row is None:
        row = EvidenceRow(id=evidence.id, added_by=actor, added_at=_now(at))
        _apply_evidence(row, evidence)
        session.add(row)
        session.flush()
        trail.record(session, actor=actor, action="evidence.add", object_type="evidence",
                     object_id=evidence.id, after=evidence.to_dict(), at=at)  # fmt: skip
        return Evidence.from_row(row), "added"
    before = Evidence.from_row(row)
    if before.to_dict() == evidence.to_dict():
        return before, "unchanged"
    _apply_evidence(row, evidence)
    session.flush()
    trail.record(session, actor=actor, action="evidence.update", object_type="evidence",
                 object_id=evidence.id, before=before.to_dict(), after=evidence.to_dict(),
                 at=at)  # fmt: skip
    return Evidence.from_row(row), "updated"


def add_evidence(
    store: Store,
    *,
    party: str | None,
    kind: str,
    title: str,
    actor: str,
    stance: str = "adverse",
    topic: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    published: date | None = None,
    author: str | None = None,
    quote: str | None = None,
    evidence_id: str | None = None,
    at: datetime | None = None,
) -> Evidence:
    """Record a document or finding; its id is ``evidence_id`` or the next ``EV-nnnn``."""
    evidence = validate_evidence(
        Evidence(
            id=evidence_id or "",
            party=party,
            kind=kind,
            title=title,
            stance=stance,
            topic=topic,
            publisher=publisher,
            url=url,
            published=published,
            author=author,
            quote=quote,
        )
    )
    with store.session() as session:
        if evidence.id and session.get(EvidenceRow, evidence.id) is not None:
            raise InputError(f"evidence {evidence.id!r} already exists", field="id")
        added, _ = put_evidence(session, evidence, actor=actor, at=at)
    return added


def get_evidence(store: Store, evidence_id: str) -> Evidence:
    with store.session() as session:
        row = session.get(EvidenceRow, evidence_id)
        if row is None:
            raise NotFoundError(f"no evidence {evidence_id!r} in the register")
        return Evidence.from_row(row)


def evidence_for(store: Store, party_id: str) -> list[Evidence]:
    """A party's evidence, by id."""
    with store.session() as session:
        require_party(session, party_id, field="id")
        rows = session.scalars(
            select(EvidenceRow).where(EvidenceRow.party_id == party_id).order_by(EvidenceRow.id)
        )
        return [Evidence.from_row(r) for r in rows]


def list_evidence(store: Store) -> list[Evidence]:
    """All evidence, by id."""
    with store.session() as session:
        return [
            Evidence.from_row(r)
            for r in session.scalars(select(EvidenceRow).order_by(EvidenceRow.id))
        ]


# --- equipment -----------------------------------------------------------------------------------------


def _equipment_label(equipment: Equipment) -> str:
    return f"{equipment.party}/{equipment.device_id}"


def _apply_equipment(row: EquipmentRow, equipment: Equipment) -> None:
    row.brand, row.model, row.site = equipment.brand, equipment.model, equipment.site
    row.customer_id, row.installed_on = equipment.customer, equipment.installed_on
    row.warranty_until, row.finding, row.source = (
        equipment.warranty_until,
        equipment.finding,
        equipment.source,
    )


def _find_equipment(session: Session, party: str, device_id: str) -> EquipmentRow | None:
    return session.scalars(
        select(EquipmentRow)
        .where(EquipmentRow.party_id == party, EquipmentRow.device_id == device_id)
        .order_by(EquipmentRow.id)
        .limit(1)
    ).one_or_none()


def put_equipment(
    session: Session, equipment: Equipment, *, actor: str
) -> tuple[Equipment, Change]:
    """Add a device, or update the one with the same maker party and device id."""
    equipment = validate_equipment(equipment)
    _known_party(session, equipment.party, "party")
    if equipment.customer is not None:
        _known_party(session, equipment.customer, "customer")
    label = _equipment_label(equipment)
    row = _find_equipment(session, equipment.party, equipment.device_id)
    if row is None:
        row = EquipmentRow(party_id=equipment.party, device_id=equipment.device_id)
        _apply_equipment(row, equipment)
        session.add(row)
        session.flush()
        trail.record(session, actor=actor, action="equipment.add", object_type="equipment",
                     object_id=label, after=equipment.to_dict())  # fmt: skip
        return Equipment.from_row(row), "added"
    before = Equipment.from_row(row)
    if before.to_dict() == equipment.to_dict():
        return before, "unchanged"
    _apply_equipment(row, equipment)
    session.flush()
    trail.record(session, actor=actor, action="equipment.update", object_type="equipment",
                 object_id=label, before=before.to_dict(), after=equipment.to_dict())  # fmt: skip
    return Equipment.from_row(row), "updated"


def add_equipment(
    store: Store,
    *,
    party: str,
    device_id: str,
    actor: str,
    brand: str | None = None,
    model: str | None = None,
    site: str | None = None,
    customer: str | None = None,
    installed_on: date | None = None,
    warranty_until: date | None = None,
    finding: str | None = None,
    source: str | None = None,
) -> Equipment:
    """Record an installed device made by ``party`` (installed for ``customer``); the same maker and device
    id twice is an InputError."""
    equipment = validate_equipment(
        Equipment(
            party=party,
            device_id=device_id,
            brand=brand,
            model=model,
            site=site,
            customer=customer,
            installed_on=installed_on,
            warranty_until=warranty_until,
            finding=finding,
            source=source,
        )
    )
    with store.session() as session:
        if _find_equipment(session, equipment.party, equipment.device_id) is not None:
            raise InputError(
                f"device {equipment.device_id!r} of {equipment.party!r} is already recorded",
                field="device_id",
            )
        added, _ = put_equipment(session, equipment, actor=actor)
    return added


def equipment_for(store: Store, party_id: str, *, as_customer: bool = False) -> list[Equipment]:
    """Devices made by a party (or, ``as_customer``, installed for it), by device id."""
    column = EquipmentRow.customer_id if as_customer else EquipmentRow.party_id
    with store.session() as session:
        require_party(session, party_id, field="id")
        rows = session.scalars(
            select(EquipmentRow).where(column == party_id).order_by(EquipmentRow.device_id)
        )
        return [Equipment.from_row(r) for r in rows]


def list_equipment(store: Store) -> list[Equipment]:
    """All recorded devices, by maker party and device id."""
    with store.session() as session:
        rows = session.scalars(
            select(EquipmentRow).order_by(EquipmentRow.party_id, EquipmentRow.device_id)
        )
        return [Equipment.from_row(r) for r in rows]


# --- the equipment audit feeds in ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """What :func:`link_audit` did with an audit's devices. ``devices == linked + unidentified +
    sum(without_party.values())``: none is dropped without being counted."""

    devices: int
    added: int
    updated: int
    unchanged: int
    unidentified: int  # the audit named no maker
    without_party: Mapping[
        str, int
    ]  # maker id → devices whose maker has no party (identifiers maker=…)
    by_party: Mapping[str, int]  # party id → devices linked to it
    customer: str | None = None

    @property
    def linked(self) -> int:
        return self.added + self.updated + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        return {
            "devices": self.devices,
            "linked": self.linked,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "unidentified": self.unidentified,
            "without_party": dict(sorted(self.without_party.items())),
            "by_party": dict(sorted(self.by_party.items())),
            "customer": self.customer,
        }


def _audit_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _maker_parties(session: Session) -> dict[str, str]:
    """maker id → party id, from the parties' ``maker`` identifier; two parties for one maker is an error."""
    out: dict[str, str] = {}
    for row in session.scalars(select(PartyRow).order_by(PartyRow.id)):
        maker = (row.identifiers or {}).get("maker")
        if not maker:
            continue
        if maker in out:
            raise InputError(
                f"parties {out[maker]!r} and {row.id!r} both claim maker {maker!r}; keep the "
                "identifier maker=… on one of them",
                field="identifiers",
            )
        out[str(maker)] = row.id
    return out


def link_audit(
    store: Store, audit_result: AuditResult, *, customer_id: str | None = None, actor: str
) -> LinkSummary:
    """Record each audited device as equipment of the party whose identifiers say ``maker=<maker id>``
    (installed for ``customer_id``). Devices with no identified maker, or whose maker has no party, are
    counted in the summary (and its trail entry ``equipment.link-audit``), never dropped silently."""
    counts: Counter[str] = Counter()
    without: Counter[str] = Counter()
    by_party: Counter[str] = Counter()
    with store.session() as session:
        if customer_id is not None:
            require_party(session, customer_id, field="customer")
        makers = _maker_parties(session)
        for device in audit_result.devices:
            record, maker = device.record, device.identification.maker
            if maker is None:
                counts["unidentified"] += 1
                continue
            party = makers.get(maker)
            if party is None:
                without[maker] += 1
                continue
            device_id = record.device_id or str(record.origin)
            equipment = Equipment(
                party=party,
                device_id=device_id,
                brand=device.identification.brand or record.brand,
                model=record.model,
                site=record.site,
                customer=customer_id,
                installed_on=_audit_date(record.installed_on),
                warranty_until=_audit_date(record.warranty_until),
                finding=device.finding,
                source=str(record.origin),
            )
            try:
                _, change = put_equipment(session, equipment, actor=actor)
            except InputError as exc:
                raise InputError(
                    f"device {device_id!r} ({record.origin}): {exc.message}", field=exc.field
                ) from None
            counts[change] += 1
            by_party[party] += 1
        summary = LinkSummary(
            devices=len(audit_result.devices),
            added=counts["added"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            unidentified=counts["unidentified"],
            without_party=dict(without),
            by_party=dict(by_party),
            customer=customer_id,
        )
        trail.record(session, actor=actor, action="equipment.link-audit",
                     object_type="equipment", object_id=customer_id or "-",
                     after=summary.to_dict())  # fmt: skip
    return summary
