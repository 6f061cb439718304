"""FollowTheMoney JSON-lines parser, on the three real yente fixtures (data/lists)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aktsam.lists.model import (
    Address,
    Identifier,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
    Schema,
)
from aktsam.lists.parsers import ftm, get_parser
from tests.lists.conftest import LISTS, entity, refused

FTM = LISTS / "opensanctions-ftm"
T1 = FTM / "yente-t1" / "entities.ftm.json"
ZALA = FTM / "yente-zala" / "entities.ftm.json"
PARTEISPENDEN = FTM / "yente-parteispenden" / "entities.ftm.json"

ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"
LLC_CST = "NK-abdzbEBkqyT29GyREbiURZ"
KALASHNIKOV = "NK-nR5AXM9AVPq4pQaSPSaVam"


@pytest.fixture(scope="module")
def zala() -> ParsedList:
    return ftm.parse(ZALA)


def test_only_things_become_entities() -> None:
    t1 = ftm.parse(T1)  # 7 lines: 4 Person, 2 Organization, 1 Address nobody refers to
    assert t1.counts() == {"total": 6, "person": 4, "organization": 2}
    assert t1.published == "2024-06-01T10:57:03"
    assert t1.warnings == ["entities not folded into a listed entity: Address 1"]
    parteispenden = ftm.parse(PARTEISPENDEN)  # 475 lines: 290 Payment, 89 Address, 96 things
    assert parteispenden.counts() == {"total": 96, "person": 22, "organization": 74}
    assert parteispenden.published is None  # plain FtM: no last_seen / last_change
    assert parteispenden.warnings == ["entities not folded into a listed entity: Payment 290"]
    assert get_parser("ftm") is ftm.parse


def test_zala_counts_and_published(zala: ParsedList) -> None:
    # 91 lines: 41 Sanction, 14 Ownership, 11 Company, 11 Address, 6 Person, 4 Family,
    # 3 Directorship, 1 Passport; all but the things are folded into them
    assert zala.counts() == {"total": 17, "person": 6, "organization": 11}
    assert zala.published == "2026-04-29T12:53:04"
    assert zala.warnings == []
    assert all(e.source == "ftm" and e.id == f"ftm:{e.source_id}" for e in zala.entities)


def test_person_names_and_details(zala: ParsedList) -> None:
    zakharov = entity(zala, ZAKHAROV)
    assert zakharov.schema is Schema.PERSON
    assert zakharov.caption == "Alexander Vyacheslavovich ZAKHAROV"
    assert Name("Александр Вячеславович Захаров", NameKind.ORIGINAL_SCRIPT) in zakharov.names
    assert Name("Zacharov Aleksandr Vjačeslavovič", NameKind.ALIAS) in zakharov.names
    assert len(zakharov.names) == 17
    assert zakharov.birth_dates == ["1965-09-21"]
    assert "Izhevsk, Russia" in zakharov.birth_places
    assert zakharov.nationalities == ["ru"]
    assert Identifier("tax_id", "183111242406", None, "INN") in zakharov.identifiers
    assert zakharov.addresses[0] == Address(
        "272 Pushkinskaya Street, Apt 41, Izhevsk, 426008", "ru"
    )


def test_sanctions_fold_into_programs_and_listing_date(zala: ParsedList) -> None:
    zakharov = entity(zala, ZAKHAROV)
    assert zakharov.programs == [
        "UA-SA1644",
        "US-RUSHAR",
        "NZ-RSA2022",
        "SECO-UKRAINE",
        "GB-RUS",
        "EU-UKR",
        "Reciprocal",
    ]
    assert zakharov.listed_on == "2023-07-01"
    assert zakharov.remarks is not None
    assert "Sanction: Federal Public Service Finance — 2025/389 (OJ L24022025)" in zakharov.remarks
    cst = entity(zala, LLC_CST)
    assert cst.listed_on == "2021-10-30"
    assert {"US-BIS-EL", "GB-RUS", "EU-UKR", "AU-RUSSIA"} <= set(cst.programs)


def test_family_directorship_and_ownership_become_relations(zala: ParsedList) -> None:
    zakharov = entity(zala, ZAKHAROV)
    kinds = {(r.kind, r.target) for r in zakharov.relations}
    assert (RelationKind.ASSOCIATE, "NK-JseaPJctnK9o8wrmz8xmoT") in kinds  # son, Family
    assert (RelationKind.LINKED_TO, LLC_CST) in kinds  # Directorship: "Leader or official of"
    assert (RelationKind.OWNER_OF, LLC_CST) in kinds  # Ownership
    assert len(zakharov.relations) == 14
    assert all(r.target_source == "ftm" for r in zakharov.relations)
    cst = entity(zala, LLC_CST)
    assert cst.relations[0] == Relation(
        RelationKind.OWNED_BY, KALASHNIKOV, "ftm", "subsidiary of; JSC Kalashnikov Concern"
    )
    assert (
        Relation(
            RelationKind.LINKED_TO,
            ZAKHAROV,
            "ftm",
            "Leader or official of; Alexander Vyacheslavovich ZAKHAROV",
        )
        in cst.relations
    )
    kalashnikov = entity(zala, KALASHNIKOV)
    assert {(r.kind, r.target) for r in kalashnikov.relations} == {(RelationKind.OWNER_OF, LLC_CST)}


def test_related_entities_that_are_not_targets_say_so(zala: ParsedList) -> None:
    related = entity(zala, "ru-inn-5920040846")
    assert related.programs == []
    assert related.remarks == "Not itself a target in this export: listed as a related entity."


def test_passport_and_identification_entities(tmp_path: Path) -> None:
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Jane Doe"]}},
        {
            "id": "pp1",
            "schema": "Passport",
            "properties": {"holder": ["p1"], "number": ["X123"], "country": ["fr"]},
        },
        {
            "id": "id1",
            "schema": "Identification",
            "properties": {"holder": ["p1"], "number": ["987"]},
        },
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"], "program": ["Demo"]}},
    ]
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    parsed = ftm.parse(path)
    (jane,) = parsed.entities
    assert jane.identifiers == [
        Identifier("passport", "X123", "fr"),
        Identifier("national_id", "987"),
    ]
    assert jane.programs == ["Demo"]
    assert parsed.published is None


def test_line_separator_characters_inside_strings(tmp_path: Path) -> None:
    """U+2028 inside a JSON string is not a line break (str.splitlines() would split there)."""
    data = {"id": "a", "schema": "Person", "properties": {"name": ["Jane\u2028Doe"]}}
    path = tmp_path / "entities.ftm.json"
    path.write_text(json.dumps(data, ensure_ascii=False) + "\r\n", encoding="utf-8")
    assert ftm.parse(path).entities[0].names == [Name("Jane Doe", NameKind.PRIMARY)]


# --- bad input -----------------------------------------------------------------------------------


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _zala_lines() -> list[str]:
    return ZALA.read_text(encoding="utf-8").splitlines()


def test_line_that_is_not_json(tmp_path: Path) -> None:
    lines = _zala_lines()
    lines[40] = lines[40][:-5]  # truncated
    error = refused(ftm.parse, _write(tmp_path, lines))
    assert error.location == "line 41"
    assert error.message.startswith("not JSON")


def test_missing_id_or_schema(tmp_path: Path) -> None:
    lines = _zala_lines()
    data = json.loads(lines[9])
    del data["id"]
    lines[9] = json.dumps(data)
    assert refused(ftm.parse, _write(tmp_path, lines)).location == "line 10, field 'id'"
    lines = _zala_lines()
    data = json.loads(lines[9])
    del data["schema"]
    lines[9] = json.dumps(data)
    assert refused(ftm.parse, _write(tmp_path, lines)).location == "line 10, field 'schema'"


def test_unknown_schema(tmp_path: Path) -> None:
    lines = _zala_lines()
    lines[2] = lines[2].replace('"schema": "', '"schema": "Bogus', 1)
    error = refused(ftm.parse, _write(tmp_path, lines))
    assert error.location == "line 3, field 'schema'"
    assert "unknown FollowTheMoney schema 'Bogus" in error.message


def test_bad_properties_duplicate_id_and_not_an_object(tmp_path: Path) -> None:
    path = _write(tmp_path, ['{"id": "a", "schema": "Person", "properties": {"name": "x"}}'])
    assert refused(ftm.parse, path).location == "line 1, field 'properties'"
    path = _write(tmp_path, ['{"id": "a", "schema": "Person"}', '{"id": "a", "schema": "Company"}'])
    assert refused(ftm.parse, path).location == "line 2, field 'id'"
    assert refused(ftm.parse, _write(tmp_path, ["[1, 2]"])).message == "not a JSON object"


def test_empty_file_and_undecodable_bytes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"\n\n")
    assert "empty" in refused(ftm.parse, empty).message
    broken = tmp_path / "broken.json"
    broken.write_bytes(T1.read_bytes().replace(b"KUZMENKO", b"KUZM\xc3NKO", 1))
    error = refused(ftm.parse, broken)
    assert error.location == "line 2"
    assert "0xc3" in error.message
