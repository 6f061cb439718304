"""One hit per designation: the entries of several lists that the lists link as one designation.

OFAC's SDN entries come twice, once from the SDN file and once as their copy in the Consolidated
Screening List (whose ``entity_number`` is the OFAC uid); UK and EU entries cite the UN reference
number of the designation they implement. :mod:`aktsam.lists.designations` follows these explicit
links into groups, and the index keeps them (``MatchIndex.entity_designation``). Here the hits of a
screening are grouped by designation, as yente shows a merged entity: the best-scoring entry leads,
the others follow with their own score, explanation and review state, and the group lists every
entry (list and identifier) the designation has in the lists screened.

Only explicit links merge. Two entries that merely share a name stay apart.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, TypeVar

from aktsam.screening.index import MatchIndex

#: review states, most serious first: a designation shows the most serious state of its entries, so
#: one open or confirmed entry keeps it from reading "cleared"
SEVERITY: tuple[str, ...] = ("confirmed", "pending", "open", "cleared")


@dataclass(frozen=True, slots=True)
class Listing:
    """One entry of a designation: the list, its own identifier there, and its sub-list (CSL)."""

    entity_id: str
    source: str
    source_id: str
    sublist: str | None
    caption: str

    def to_dict(self) -> dict[str, str | None]:
        return {
            "entity_id": self.entity_id,
            "source": self.source,
            "source_id": self.source_id,
            "sublist": self.sublist,
            "caption": self.caption,
        }


H = TypeVar("H")

_entity_id: Callable[[Any], str] = attrgetter("entity_id")


def designation_key(index: MatchIndex, entity_id: str) -> str:
    """The id that names ``entity_id``'s designation: the smallest entity id of its group (itself
    when the lists link it to no other entry)."""
    position = index.entity_position(entity_id)
    if position is None:
        return entity_id
    members = index.entity_designation.get(position)
    return index.entity_ids[members[0]] if members else entity_id


def listings(
    index: MatchIndex, entity_id: str, sources: Collection[str] | None = None
) -> tuple[Listing, ...]:
    """Every entry of ``entity_id``'s designation (itself included), in ``sources`` when given."""
    position = index.entity_position(entity_id)
    if position is None:
        return ()
    members = index.entity_designation.get(position, (position,))
    return tuple(
        Listing(
            entity_id=index.entity_ids[e],
            source=index.entity_source[e],
            source_id=index.entity_source_id[e],
            sublist=index.entity_sublist[e],
            caption=index.entity_caption[e],
        )
        for e in members
        if sources is None or index.entity_source[e] in sources
    )


def group_hits(
    index: MatchIndex, hits: Iterable[H], entity_of: Callable[[H], str] = _entity_id
) -> list[tuple[str, list[H]]]:
    """``hits`` (best first) grouped by designation: (designation key, its hits best first), in the
    order of each group's best hit. ``entity_of`` gives a hit's entity id (default: ``.entity_id``)."""
    groups: dict[str, list[H]] = {}
    for hit in hits:
        groups.setdefault(designation_key(index, entity_of(hit)), []).append(hit)
    return list(groups.items())


def first_designations(index: MatchIndex, hits: Sequence[H], limit: int) -> list[H]:
    """The hits of the best ``limit`` designations, in their original order (a result limit counts
    designations, not entries: the SDN entry and its CSL copy take one place)."""
    kept: set[str] = set()
    out: list[H] = []
    for hit in hits:
        key = designation_key(index, _entity_id(hit))
        if key not in kept:
            if len(kept) >= limit:
                continue
            kept.add(key)
        out.append(hit)
    return out


def most_serious(statuses: Iterable[str]) -> str:
    """The most serious review state among ``statuses`` (:data:`SEVERITY`)."""
    found = set(statuses)
    for status in SEVERITY:
        if status in found:
            return status
    raise ValueError("no status")
