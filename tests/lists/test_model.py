"""ListedEntity.to_dict: written out by hand, it must stay what dataclasses.asdict gave."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pytest

from aktsam.lists.model import (
    Address,
    Identifier,
    ListedEntity,
    Name,
    NameKind,
    Relation,
    RelationKind,
    Schema,
)
from aktsam.lists.parsers import parse
from tests.lists.conftest import FIXTURES, LISTS

#: real files whose entities, together, fill every field of the model
REAL = [
    (LISTS / "un-sc-consolidated" / "UN_consolidated.xml", "un-sc"),
    (LISTS / "ofac-consolidated-nonsdn" / "CONS_ENHANCED.XML", "ofac-cons"),
    (LISTS / "ofac-consolidated-nonsdn", "ofac-cons"),
    (LISTS / "opensanctions-ftm" / "yente-zala" / "entities.ftm.json", "ftm"),
    (FIXTURES / "uk_sanctions_list.xml", "uk-hmt"),
    (FIXTURES / "uk_conlist_2022.csv", "uk-hmt"),
]

EVERYTHING = ListedEntity(
    source="csv",
    source_id="w1",
    schema=Schema.VESSEL,
    names=[
        Name("TONG SAN 2"),
        Name("Tong San", NameKind.ENRICHED, "en", "alias table row 12"),
    ],
    birth_dates=["1970"],
    birth_places=["Nampo"],
    nationalities=["kp"],
    countries=["kp", "cn"],
    addresses=[Address("Nampo, North Korea", "kp"), Address("somewhere")],
    identifiers=[Identifier("imo", "8937675", "kp", "as published")],
    programs=["DPRK"],
    listed_on="2017-10-19",
    remarks="Tanker",
    relations=[Relation(RelationKind.OWNED_BY, "ACME", "ofac-sdn", "vessel owner")],
    sublist="Entity List",
    url="https://example.org/w1",
)


def asdict_with_id(entity: ListedEntity) -> dict[str, Any]:
    """What ``to_dict`` returned when it was ``asdict`` plus ``id``."""
    data = asdict(entity)
    data["id"] = entity.id
    return data


def same(a: Any, b: Any) -> bool:
    """Equal, with the same key order and the same types (an enum stays an enum) all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@pytest.mark.parametrize(("path", "source"), REAL, ids=[p.name for p, _ in REAL])
def test_to_dict_is_asdict_on_real_entities(path: Path, source: str) -> None:
    for entity in parse(path, source).entities:
        data = entity.to_dict()
        assert same(data, asdict_with_id(entity)), entity.id
        assert ListedEntity.from_dict(data) == entity


def test_to_dict_covers_every_field() -> None:
    data = EVERYTHING.to_dict()
    assert same(data, asdict_with_id(EVERYTHING))
    assert list(data) == [f.name for f in fields(ListedEntity)] + ["id"]
    assert ListedEntity.from_dict(data) == EVERYTHING


def test_to_dict_copies_the_lists() -> None:
    data = EVERYTHING.to_dict()
    data["countries"].append("zz")
    data["names"][0]["value"] = "changed"
    assert EVERYTHING.countries == ["kp", "cn"]
    assert EVERYTHING.names[0].value == "TONG SAN 2"


def test_content_hash_recipe_is_unchanged() -> None:
    # decisions hold this hash: the recipe must give the same text, hence the same hash, as before
    expected = json.dumps(
        asdict_with_id(EVERYTHING), sort_keys=True, ensure_ascii=False, default=str
    )
    assert EVERYTHING.content_hash() == hashlib.sha256(expected.encode("utf-8")).hexdigest()
