"""EU FSF 1.1 parser, on the real 2024-05-13 full list (data/lists/eu-fsf, ~20 MB).

Tests that parse the whole file are marked ``slow`` (they still run by default); the bad-input tests
work on a three-entry excerpt cut from the real file.
"""

from __future__ import annotations

import re
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
from aktsam.lists.parsers import eu_fsf, un_sc
from tests.lists.conftest import LISTS, entity, line_of, refused

EU_FILE = LISTS / "eu-fsf" / "20240513-FULL-1_1(xsd).xml"
UN_2024 = LISTS / "un-sc-consolidated" / "un_consolidated.xml"


@pytest.fixture(scope="module")
def eu() -> ParsedList:
    return eu_fsf.parse(EU_FILE)


# --- whole file ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_count_matches_provenance_less_repeated_entries(eu: ParsedList) -> None:
    # PROVENANCE counts 4,811 <sanctionEntity> elements; three logicalIds (547, 593, 120128) appear
    # twice, once per regulation, and are merged: 4,808 entries.
    assert EU_FILE.read_bytes().count(b"<sanctionEntity ") == 4811
    assert eu.counts() == {"total": 4808, "person": 3753, "organization": 1055}
    merged = [w for w in eu.warnings if "sanctionEntity repeated" in w]
    assert [w.split(":")[0] for w in merged] == ["547", "593", "120128"]


@pytest.mark.slow
def test_published_and_ids(eu: ParsedList) -> None:
    assert eu.published == "2024-05-13T17:44:28.283+02:00"
    assert eu.source == "eu-fsf"
    ids = [e.source_id for e in eu.entities]
    assert len(set(ids)) == len(ids)
    assert all(i.isdigit() for i in ids)
    assert all(e.id == f"eu-fsf:{e.source_id}" for e in eu.entities)
    assert all(e.names[0].kind is NameKind.PRIMARY for e in eu.entities)


@pytest.mark.slow
def test_saddam_hussein_field_by_field(eu: ParsedList) -> None:
    e = entity(eu, "13")
    assert e.schema is Schema.PERSON
    assert e.names == [
        Name("Saddam Hussein Al-Tikriti", NameKind.PRIMARY),
        Name("Abu Ali", NameKind.ALIAS),
        Name("Abou Ali", NameKind.ALIAS, lang="fr"),
    ]
    assert e.birth_dates == ["1937-04-28"]
    assert e.birth_places == ["al-Awja, near Tikrit, IRAQ"]
    assert e.nationalities == ["iq"]
    assert e.countries == ["iq"]
    assert e.programs == ["IRQ"]
    assert e.listed_on is None  # no designationDate on this 2003 entry
    assert e.remarks == "UNSC RESOLUTION 1483"
    assert e.relations == []


@pytest.mark.slow
def test_united_nation_id_links_to_the_un_entry(eu: ParsedList) -> None:
    e = entity(eu, "115699")
    assert e.caption == "Salim Mustafa Muhammad Mansur Al-Ifri"
    assert e.relations == [Relation(RelationKind.SAME_AS, "QDi.411", target_source="un-sc")]
    assert e.birth_dates == ["1962-02-20", "1959"]
    assert e.addresses == [
        Address("Tel Afar – Al-Saad, Mosul, IRAQ", "iq"),
        Address("17 Tamoz, Mosul, IRAQ", "iq"),
    ]
    assert [(i.type, i.value, i.country) for i in e.identifiers] == [
        ("passport", "A6489694", "iq"),
        ("national_id", "00813602", "iq"),
        ("other", "300397", "iq"),
    ]
    assert e.identifiers[0].note is not None
    assert e.identifiers[0].note.startswith("issued 2013-09-02; valid to 2021-08-31; Passport no:")
    assert e.programs == ["TAQA"]
    assert e.listed_on == "2018-03-06"


@pytest.mark.slow
def test_every_same_as_link_but_three_short_ones_resolves_in_the_un_list(eu: ParsedList) -> None:
    un_ids = {e.source_id for e in un_sc.parse(UN_2024).entities}
    links = [
        (e.source_id, r.target)
        for e in eu.entities
        for r in e.relations
        if r.kind is RelationKind.SAME_AS
    ]
    assert len(links) == 82
    assert all(r.target_source == "un-sc" for e in eu.entities for r in e.relations)
    unresolved = [(source_id, target) for source_id, target in links if target not in un_ids]
    # written short by the EU: LYi.028 and QDi.433 / QDi.434; kept verbatim, with warnings
    assert unresolved == [("118593", "LYi.28"), ("148432", "QDi.43"), ("153124", "QDi.43")]
    for source_id, target in unresolved:
        assert any(w.startswith(f"{source_id}: unitedNationId {target!r}") for w in eu.warnings)


@pytest.mark.slow
def test_un_references_in_remarks_are_linked(eu: ParsedList) -> None:
    assert entity(eu, "5795").relations == [
        Relation(RelationKind.LINKED_TO, "TAe.012", target_source="un-sc")
    ]
    assert entity(eu, "115730").relations == [
        Relation(RelationKind.SAME_AS, "QDe.157", target_source="un-sc"),
        Relation(RelationKind.LINKED_TO, "QDi.412", target_source="un-sc"),
    ]


# --- names --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_primary_is_the_latin_regulation_language_name(eu: ParsedList) -> None:
    # the file lists the Russian form first; the primary is the first Latin name without language
    e = entity(eu, "3413")
    assert e.names == [
        Name("Vladimir Vladimirovich NAUMOV", NameKind.PRIMARY),
        Name("Владимир Владимирович НАУМОВ", NameKind.ORIGINAL_SCRIPT, lang="ru"),
        Name("Uladzimir Uladzimiravitj NAVUMAU", NameKind.ALIAS, lang="sv"),
        Name("Vladimir Vladimirovitj NAUMOV", NameKind.ALIAS, lang="sv"),
        Name("Уладзімір Уладзіміравіч НАВУМАЎ", NameKind.ORIGINAL_SCRIPT, lang="be"),
        Name("Uladzimir Uladzimiravich NAVUMAU", NameKind.ALIAS),
    ]


@pytest.mark.slow
def test_look_alike_letters_are_kept_and_reported(eu: ParsedList) -> None:
    # "ROMASHKІN" is typed with a Cyrillic "І"; it is still the only Latin name, so the primary
    e = entity(eu, "119656")
    assert e.names == [
        Name("Ruslan Alexandrovich ROMASHK\u0406N", NameKind.PRIMARY),
        Name("Руслан Александрович РОМАШКИН", NameKind.ORIGINAL_SCRIPT),
    ]
    assert any(w.startswith("119656: name 'Ruslan") for w in eu.warnings)
    # a Cyrillic name typed with Latin "i" is still original script
    names = entity(eu, "7281").names
    assert Name("Сергiй Валерiйович АКСЬОНОВ", NameKind.ORIGINAL_SCRIPT) in names


@pytest.mark.slow
def test_repeated_entity_is_merged(eu: ParsedList) -> None:
    e = entity(eu, "547")
    assert e.programs == ["AFG", "TAQA"]
    assert e.names[0] == Name("Sayed Esmatullah Asem", NameKind.PRIMARY)
    assert Name("Asem, Sayed Esmatullah", NameKind.ALIAS) in e.names  # from the TAQA entry
    assert e.listed_on == "2001-02-23"
    assert e.birth_places == [
        "Qalayi Shaikh, Chaparhar District, Nangarhar province, AFGHANISTAN",
        "Ningarhar province, AFGHANISTAN",
    ]


# --- dates, documents ---------------------------------------------------------------------------


@pytest.mark.slow
def test_birth_dates(eu: ParsedList) -> None:
    assert entity(eu, "521").birth_dates == ["1953", "1954", "1955", "1956", "1957", "1958"]
    # ISLAMIC calendar: the Gregorian birthdate attribute is read, never the Hijri 1402-06-24
    assert entity(eu, "6177").birth_dates == ["1982-04-19", "1982-04-18"]
    # Hijri year 1343 alone is not converted; the entry's Gregorian years remain
    assert entity(eu, "127388").birth_dates == ["1965", "1964"]
    assert "127388: birth year 1343 is ISLAMIC; not converted" in eu.warnings


@pytest.mark.slow
def test_identifiers(eu: ParsedList) -> None:
    assert entity(eu, "505").identifiers == [
        Identifier("passport", "D 0001203", "af", "(afghan passport)")
    ]
    ship = entity(eu, "107840")
    assert ship.schema is Schema.ORGANIZATION
    assert ship.identifiers == [Identifier("imo", "5342883", None, None)]
    assert ship.countries == ["kp"]


# --- bad input ----------------------------------------------------------------------------------


def excerpt(entries: int = 3) -> bytes:
    """The real file's header and first ``entries`` sanctionEntity elements, closed properly."""
    with EU_FILE.open("rb") as handle:
        data = handle.read(200_000)
    end = 0
    for _ in range(entries):
        end = data.index(b"</sanctionEntity>", end) + len(b"</sanctionEntity>")
    return data[:end] + b"\n</export>\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "eu.xml"
    path.write_bytes(data)
    return path


def test_excerpt_parses(tmp_path: Path) -> None:
    parsed = eu_fsf.parse(write(tmp_path, excerpt()))
    assert [e.source_id for e in parsed.entities] == ["13", "20", "23"]
    assert parsed.published == "2024-05-13T17:44:28.283+02:00"
    assert parsed.warnings == []


def test_malformed_xml(tmp_path: Path) -> None:
    data = excerpt().replace(b'wholeName="Abu Ali"', b'wholeName="Abu Ali', 1)
    line = line_of(data, b'wholeName="Abu Ali')
    error = refused(eu_fsf.parse, write(tmp_path, data))
    assert error.location == f"line {line}"
    assert "malformed XML" in error.message


def test_truncated_file(tmp_path: Path) -> None:
    data = excerpt()[:-200]
    last_line = data.count(b"\n") + 1
    error = refused(eu_fsf.parse, write(tmp_path, data))
    assert error.location == f"line {last_line}"
    assert "truncated" in error.message


def test_bytes_not_utf8(tmp_path: Path) -> None:
    data = excerpt().replace("Qoussaï".encode(), "Qoussaï".encode("latin-1"), 1)
    error = refused(eu_fsf.parse, write(tmp_path, data))
    assert error.location == f"line {line_of(data, 'Qoussaï'.encode('latin-1'))}"
    assert "not valid UTF-8" in error.message


def test_declared_encoding_that_lies(tmp_path: Path) -> None:
    data = excerpt().replace(b'encoding="UTF-8"', b'encoding="windows-1252"', 1)
    error = refused(eu_fsf.parse, write(tmp_path, data))
    assert error.location == "line 1"
    assert "windows-1252" in error.message


def test_un_file_given_to_the_eu_parser() -> None:
    error = refused(eu_fsf.parse, UN_2024)
    assert error.location == "line 2, <CONSOLIDATED_LIST>"
    assert "not an EU Financial Sanctions File" in error.message


def test_root_without_the_fsf_namespace(tmp_path: Path) -> None:
    data = excerpt().replace(b' xmlns="http://eu.europa.ec/fpi/fsd/export"', b"", 1)
    error = refused(eu_fsf.parse, write(tmp_path, data))
    assert error.location == "line 2, <export>"
    assert "(no namespace)" in error.message


def test_entry_without_any_name(tmp_path: Path) -> None:
    data = excerpt()
    # blank every wholeName and name part of the second entry (logicalId 20)
    start = data.index(b'logicalId="20"')
    end = data.index(b"</sanctionEntity>", start)
    entry = re.sub(
        rb'(wholeName|firstName|middleName|lastName)="[^"]*"', rb'\1=""', data[start:end]
    )
    data = data[:start] + entry + data[end:]
    line = line_of(data, b'euReferenceNumber="EU.39.56"')
    error = refused(eu_fsf.parse, write(tmp_path, data))
    assert error.location == f"line {line}, <sanctionEntity> logicalId=20"
    assert "no nameAlias" in error.message


@pytest.mark.parametrize("content", [b"", b"\n \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    error = refused(eu_fsf.parse, write(tmp_path, content))
    assert error.location == "line 1"
    assert "empty" in error.message


def test_export_without_entries(tmp_path: Path) -> None:
    data = excerpt()
    data = data[: data.index(b"<sanctionEntity ")] + b"</export>\n"
    error = refused(eu_fsf.parse, write(tmp_path, data))
    assert error.location == "line 2, <export>"
    assert "no sanctionEntity" in error.message


def test_unknown_subject_type_is_kept_as_unknown(tmp_path: Path) -> None:
    data = excerpt().replace(b'code="person" classificationCode="P"', b'code="vessel"', 1)
    parsed = eu_fsf.parse(write(tmp_path, data))
    assert parsed.entities[0].schema is Schema.UNKNOWN
    assert "13: no known subjectType; schema unknown" in parsed.warnings
