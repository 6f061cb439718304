"""Grouping hits by designation (aktsam.screening.designations) on a small hand-made index."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from aktsam.lists.designations import twin_groups
from aktsam.lists.model import ListedEntity, Name, NameKind, Relation, RelationKind, Schema
from aktsam.screening.designations import (
    designation_key,
    first_designations,
    group_hits,
    listings,
    most_serious,
)
from aktsam.screening.index import MatchIndex


def _entity(source: str, source_id: str, name: str, *same_as: tuple[str, str]) -> ListedEntity:
    return ListedEntity(
        source=source,
        source_id=source_id,
        schema=Schema.ORGANIZATION,
        names=[Name(name, NameKind.PRIMARY)],
        relations=[Relation(RelationKind.SAME_AS, ref, target_source=to) for to, ref in same_as],
    )


UN = _entity("un-sc", "QDe.004", "AL-QAIDA")
EU = _entity("eu-fsf", "17", "Al-Qaida", ("un-sc", "QDe.4"))  # EU writes the reference unpadded
UK = _entity("uk-hmt", "6896", "AL QAIDA", ("un-sc", "QDe.004"))
OTHER = _entity("eu-fsf", "99", "Al-Qaida in Iraq")  # same words, no link: stays apart


@pytest.fixture(scope="module")
def index() -> MatchIndex:
    return MatchIndex.build([UN, EU, UK, OTHER])


@dataclass(frozen=True)
class _Hit:
    entity_id: str


def test_explicit_links_make_one_designation(index: MatchIndex) -> None:
    groups = twin_groups([UN, EU, UK, OTHER])
    assert groups[UN.id] == groups[EU.id] == groups[UK.id] == {UN.id, EU.id, UK.id}
    assert groups[OTHER.id] == {OTHER.id}
    assert designation_key(index, UK.id) == designation_key(index, UN.id) == "eu-fsf:17"
    assert designation_key(index, OTHER.id) == OTHER.id
    assert designation_key(index, "un-sc:not-there") == "un-sc:not-there"
    assert [x.source for x in listings(index, UK.id)] == ["eu-fsf", "uk-hmt", "un-sc"]
    assert [x.source for x in listings(index, UK.id, {"uk-hmt", "un-sc"})] == ["uk-hmt", "un-sc"]


def test_hits_group_in_the_order_of_their_best(index: MatchIndex) -> None:
    hits = [_Hit(UK.id), _Hit(OTHER.id), _Hit(UN.id)]
    assert group_hits(index, hits) == [("eu-fsf:17", [hits[0], hits[2]]), (OTHER.id, [hits[1]])]
    assert first_designations(index, hits, 1) == [hits[0], hits[2]]
    assert first_designations(index, hits, 2) == hits


def test_the_most_serious_state_wins() -> None:
    assert most_serious(["cleared", "open"]) == "open"
    assert most_serious(["cleared", "pending", "open"]) == "pending"
    assert most_serious(["confirmed", "cleared"]) == "confirmed"
    assert most_serious(["cleared", "cleared"]) == "cleared"
    with pytest.raises(ValueError):
        most_serious([])
