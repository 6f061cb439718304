"""Designations: the entries of several lists that the lists themselves say are one designation.

A UK or EU entry implementing a UN designation cites its UN reference number (EU ``unitedNationId``,
UK "UN Reference Number"); every row of the US Consolidated Screening List taken from OFAC carries the
OFAC uid as its ``entity_number``. The parsers turn these into ``SAME_AS`` relations; here they are
followed, transitively, into groups. Only explicit links count: two entries with the same name on two
lists are not merged, because equal names are not proof of one designation.

Screening shows the entries of one group as one hit that lists every list it is on
(:mod:`aktsam.screening.designations`); the benchmark uses the same groups as its "twins".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from aktsam.lists.model import ListedEntity, RelationKind

#: Where a same-as link names no source, these are tried in order (CSL entity numbers are OFAC
#: uids).
_UNSOURCED_TARGETS: Mapping[str, tuple[str, ...]] = {
    "us-csl": ("ofac-sdn", "ofac-cons"),
}


_UN_REF = re.compile(r"^([A-Z]{2}[ie])\.0*(\d+)$")


def ref_variants(ref: str, source: str) -> tuple[str, ...]:
    """``ref`` and, for UN references written without zero padding (EU ``QDi.43``), ``QDi.043``."""
    ref = ref.strip()
    match = _UN_REF.match(ref) if source == "un-sc" else None
    if match is None:
        return (ref,)
    padded = f"{match.group(1)}.{int(match.group(2)):03d}"
    return (ref, padded) if padded != ref else (ref,)


def link_targets(entity: ListedEntity, ids: frozenset[str] | set[str]) -> list[str]:
    """Ids of entities in ``ids`` that ``entity`` explicitly names as the same designation.

    Links are SAME_AS relations (UN reference number cited by UK/EU entries, OFAC uid given as the
    CSL ``entity_number``) and, for CSL rows, an identifier of type ``entity_number``/``ofac_uid``
    if the parser keeps it there instead.
    """
    found: list[str] = []
    for relation in entity.relations:
        if relation.kind is not RelationKind.SAME_AS:
            continue
        sources = (
            (relation.target_source,)
            if relation.target_source
            else _UNSOURCED_TARGETS.get(entity.source, ())
        )
        for source in sources:
            for ref in ref_variants(relation.target, source):
                target = f"{source}:{ref}"
                if target in ids and target != entity.id:
                    found.append(target)
                    break
            else:
                continue
            break
    if entity.source == "us-csl":
        for identifier in entity.identifiers:
            if identifier.type.lower() in {"entity_number", "ofac_uid", "ofac-uid", "ofac"}:
                for source in _UNSOURCED_TARGETS["us-csl"]:
                    target = f"{source}:{identifier.value}"
                    if target in ids:
                        found.append(target)
                        break
    return found


def twin_groups(entities: Sequence[ListedEntity]) -> dict[str, frozenset[str]]:
    """Entity id → the ids linked to it, transitively, by :func:`link_targets` (union-find)."""
    ids = {e.id for e in entities}
    parent: dict[str, str] = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for entity in entities:
        for target in link_targets(entity, ids):
            a, b = find(entity.id), find(target)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, set[str]] = defaultdict(set)
    for i in ids:
        members[find(i)].add(i)
    out: dict[str, frozenset[str]] = {}
    for group in members.values():
        frozen = frozenset(group)
        for i in group:
            out[i] = frozen
    return out
