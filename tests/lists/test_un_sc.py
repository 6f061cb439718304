"""UN SC consolidated list parser, on the real 2026-02-27 and 2024-05-15 files (data/lists)."""

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
from aktsam.lists.parsers import un_sc
from tests.lists.conftest import LISTS, broken_copy, entity, line_of, refused

UN_2026 = LISTS / "un-sc-consolidated" / "UN_consolidated.xml"
UN_2024 = LISTS / "un-sc-consolidated" / "un_consolidated.xml"
EU_FILE = LISTS / "eu-fsf" / "20240513-FULL-1_1(xsd).xml"


@pytest.fixture(scope="module")
def un_2026() -> ParsedList:
    return un_sc.parse(UN_2026)


@pytest.fixture(scope="module")
def un_2024() -> ParsedList:
    return un_sc.parse(UN_2024)


# --- whole files ---------------------------------------------------------------------------------


def test_2026_counts_match_provenance(un_2026: ParsedList) -> None:
    assert un_2026.counts() == {"total": 1003, "person": 730, "organization": 273}


def test_2024_counts_match_provenance(un_2024: ParsedList) -> None:
    assert un_2024.counts() == {"total": 875, "person": 682, "organization": 193}


def test_published_is_the_files_date_generated(un_2026: ParsedList, un_2024: ParsedList) -> None:
    assert un_2026.published == "2026-02-27T00:00:09.554Z"
    assert un_2024.published == "2024-05-15T00:00:03.012Z"
    assert un_2026.source == un_2024.source == "un-sc"
    assert un_2026.files == [str(UN_2026)]


@pytest.mark.parametrize("name", ["un_2026", "un_2024"])
def test_every_entry_is_keyed_by_a_clean_reference_number(
    name: str, request: pytest.FixtureRequest
) -> None:
    parsed: ParsedList = request.getfixturevalue(name)
    ids = [e.source_id for e in parsed.entities]
    assert len(set(ids)) == len(ids)
    # trailing blanks ("KPe.031 ") are gone, and nothing fell back to DATAID
    assert all(re.fullmatch(r"[A-Z]{2}[ie]\.\d{3}", i) for i in ids)
    for e in parsed.entities:
        assert e.source == "un-sc"
        assert e.id == f"un-sc:{e.source_id}"
        assert e.names[0].kind is NameKind.PRIMARY
        assert e.schema is (Schema.PERSON if e.source_id[2] == "i" else Schema.ORGANIZATION)


def test_no_warning_other_than_name_quirks(un_2026: ParsedList) -> None:
    # the real file only has packed aliases and one mixed-script alias; every date and document
    # reads cleanly, and every country but a former state that is no country today
    assert len(un_2026.warnings) == 30
    quirks = [w for w in un_2026.warnings if not ("packs" in w or "Agha Jan Alizai" in w)]
    assert quirks == ["QDi.290: nationality 'former Soviet Union' is not a known country; ignored"]


# --- one individual, field by field --------------------------------------------------------------


def test_qdi_411_field_by_field(un_2026: ParsedList) -> None:
    e = entity(un_2026, "QDi.411")
    assert e.schema is Schema.PERSON
    assert e.caption == "SALIM MUSTAFA MUHAMMAD AL-MANSUR"
    assert e.names == [
        Name("SALIM MUSTAFA MUHAMMAD AL-MANSUR", NameKind.PRIMARY),
        Name("سالم مصطفى محمد ال منصور", NameKind.ORIGINAL_SCRIPT),
        Name("Salim Mustafa Muhammad Mansur Al-Ifri", NameKind.ALIAS),
        Name("Saleem Al-Ifri", NameKind.ALIAS),
        Name("Salim Mansur Mustafa", NameKind.ALIAS),
        Name("Salim Mansur", NameKind.ALIAS),
        Name("Hajji Salim Al-Shaklar", NameKind.ALIAS),
    ]
    assert e.birth_dates == ["1962-02-20", "1959"]
    assert e.birth_places == ["Baghdad, Iraq", "Tel Afar, Nineveh Province, Iraq"]
    assert e.nationalities == ["iq"]
    assert e.countries == ["iq"]
    assert e.addresses == [
        Address("17 Tamoz, Mosul, Iraq", "iq"),
        Address("Tel Afar – Al-Saad, Mosul, Iraq", "iq"),
    ]
    assert e.identifiers[0] == Identifier(
        "passport",
        "A6489694",
        "iq",
        "issued 2013-09-02; expires on 31 Aug. 2021; "
        "name in Arabic script: سالم مصطفى محمد ال منصور",
    )
    assert [(i.type, i.value) for i in e.identifiers[1:]] == [
        ("national_id", "00813602"),
        ("national_id", "300397"),
    ]
    assert e.identifiers[2].note is not None
    assert e.identifiers[2].note.startswith("Certificate of Iraqi Nationality; issued 2013-06-25")
    assert e.programs == ["Al-Qaida"]
    assert e.listed_on == "2018-03-06"
    assert e.remarks is not None
    assert "listed as Al-Qaida in Iraq (QDe.115)" in e.remarks
    assert e.relations == [Relation(RelationKind.LINKED_TO, "QDe.115", target_source="un-sc")]


def test_entity_names_aliases_and_former_names(un_2026: ParsedList) -> None:
    al_qaida = entity(un_2026, "QDe.004")
    assert al_qaida.schema is Schema.ORGANIZATION
    assert al_qaida.names[:3] == [
        Name("AL-QAIDA", NameKind.PRIMARY),
        Name("القاعدة", NameKind.ORIGINAL_SCRIPT),
        Name('"The Base"', NameKind.ALIAS),
    ]
    assert al_qaida.listed_on == "2001-10-06"
    adf = entity(un_2026, "CDe.001")
    assert [(n.value, n.kind) for n in adf.names if n.kind is NameKind.FORMER] == [
        (
            "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda",
            NameKind.FORMER,
        ),
        ("ADF/NALU", NameKind.FORMER),
        ("NALU", NameKind.FORMER),
    ]


def test_low_quality_alias_is_weak(un_2026: ParsedList) -> None:
    e = entity(un_2026, "CDi.003")
    assert e.names == [
        Name("GASTON IYAMUREMYE", NameKind.PRIMARY),
        Name("Rumuli", NameKind.WEAK_ALIAS),
        Name("Byiringiro Victor Rumuli", NameKind.ALIAS),
        Name("Victor Rumuri", NameKind.ALIAS),
        Name("Michel Byiringiro", NameKind.ALIAS),
    ]
    # the second place of birth is the one given with an alias (CITY_OF_BIRTH / COUNTRY_OF_BIRTH)
    assert e.birth_places == ["Musanze District, Northern Province, Rwanda", "Ruhengeri, Rwanda"]
    assert e.countries == ["rw", "cd"]


def test_packed_alias_is_split_by_script(un_2026: ParsedList) -> None:
    # <ALIAS_NAME>حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)</ALIAS_NAME>, quality Good
    names = entity(un_2026, "QDi.306").names
    assert Name("حسن غول", NameKind.ORIGINAL_SCRIPT) in names
    assert Name("Hassan Ghul", NameKind.ALIAS) in names
    assert Name("Hasan Gul", NameKind.ALIAS) in names
    # the same packing under quality Low stays weak in both scripts
    assert Name("أبو شيماء", NameKind.WEAK_ALIAS) in names
    assert Name("Abu-Shaima", NameKind.WEAK_ALIAS) in names
    assert not any("(" in n.value for n in names)


def test_latin_name_in_original_script_field_is_not_original_script(un_2026: ParsedList) -> None:
    # QDe.164's NAME_ORIGINAL_SCRIPT is "JAMAAH ANSHARUT DAULAH", the same as its primary name
    names = entity(un_2026, "QDe.164").names
    assert names[0] == Name("JAMAAH ANSHARUT DAULAH", NameKind.PRIMARY)
    assert all(n.kind is not NameKind.ORIGINAL_SCRIPT for n in names)


# --- dates ---------------------------------------------------------------------------------------


def test_birth_year_range_gives_each_year(un_2026: ParsedList) -> None:
    assert entity(un_2026, "CDi.030").birth_dates == ["1973", "1974"]
    assert entity(un_2026, "KPi.066").birth_dates == ["1967", "1968", "1969"]


def test_birth_date_only_in_note(un_2026: ParsedList) -> None:
    assert entity(un_2026, "CDi.004").birth_dates == ["1973-11"]  # NOTE "Nov. 1973"
    # "30-35 years old" is no date, and is not turned into one
    assert entity(un_2026, "LYi.022").birth_dates == []


def test_alias_birth_year_span_and_null(un_2024: ParsedList) -> None:
    # 2024 file: an alias DATE_OF_BIRTH "1958 - 1964", and CFi.009's aliases with "null"
    assert entity(un_2024, "TAi.150").birth_dates == [
        "1966-01-01",
        "1958",
        "1959",
        "1960",
        "1961",
        "1962",
        "1963",
        "1964",
    ]
    assert not any("null" in w for w in un_2024.warnings)


def test_listed_on_with_time_zone(un_2026: ParsedList) -> None:
    assert entity(un_2026, "QDi.352").listed_on == "2015-04-07"  # LISTED_ON 2015-04-07-04:00


def test_document_number_written_in_its_type(un_2026: ParsedList) -> None:
    # no NUMBER; TYPE_OF_DOCUMENT2 "Afghan national identification card (tazkira) number 545167"
    assert entity(un_2026, "TAi.071").identifiers == [
        Identifier(
            "national_id",
            "545167",
            None,
            "Afghan national identification card (tazkira); issued in 1974",
        )
    ]


# --- bad input -----------------------------------------------------------------------------------


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path, UN_2026, b"FRANK KAKOLELE</FIRST_NAME>", b"FRANK & KAKOLELE</FIRST_NAME>"
    )
    error = refused(un_sc.parse, path)
    assert error.path == str(path)
    assert error.location == f"line {line_of(path, b'FRANK & KAKOLELE')}"
    assert "malformed XML" in error.message
    assert str(error).startswith(f"{path}: line ")


def test_mismatched_tag_reports_its_line(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, UN_2026, b"<DATAID>6907994</DATAID>", b"<DATAID>6907994</DATAIDX>")
    error = refused(un_sc.parse, path)
    assert error.location == f"line {line_of(path, b'</DATAIDX>')}"
    assert "malformed XML" in error.message
    assert "DATAIDX" in error.message


def test_truncated_file(tmp_path: Path) -> None:
    data = UN_2026.read_bytes()
    path = tmp_path / "UN_consolidated.xml"
    path.write_bytes(data[: len(data) // 2])
    last_line = data[: len(data) // 2].count(b"\n") + 1
    error = refused(un_sc.parse, path)
    assert error.location == f"line {last_line}"
    assert "truncated" in error.message


def test_bytes_not_utf8(tmp_path: Path) -> None:
    # "Numéro de passeport" written in Latin-1 inside a file that declares UTF-8
    latin1 = "Numéro".encode("latin-1")
    path = broken_copy(tmp_path, UN_2026, "Numéro".encode(), latin1)
    error = refused(un_sc.parse, path)
    assert error.location == f"line {line_of(path, latin1)}"
    assert "not valid UTF-8" in error.message


def test_declared_encoding_that_lies(tmp_path: Path) -> None:
    # UTF-8 bytes labelled ISO-8859-1 would parse, with every Arabic name garbled: refused
    path = broken_copy(tmp_path, UN_2026, b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    error = refused(un_sc.parse, path)
    assert error.location == "line 1"
    assert "ISO-8859-1" in error.message


def test_eu_file_given_to_the_un_parser() -> None:
    error = refused(un_sc.parse, EU_FILE)
    assert error.location == "line 2, <export>"
    assert "not a UN Security Council consolidated list" in error.message
    assert "http://eu.europa.ec/fpi/fsd/export" in error.message


def test_entry_without_any_name(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path,
        UN_2026,
        b"<FIRST_NAME>ERIC</FIRST_NAME>\n      <SECOND_NAME>BADEGE</SECOND_NAME>",
        b"<FIRST_NAME/>",
    )
    error = refused(un_sc.parse, path)
    assert error.location == "line 4, <INDIVIDUAL> REFERENCE_NUMBER=CDi.001"
    assert "no name" in error.message


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(content)
    error = refused(un_sc.parse, path)
    assert error.location == "line 1"
    assert "empty" in error.message


def test_list_without_entries(tmp_path: Path) -> None:
    path = tmp_path / "none.xml"
    path.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">\n'
        b"<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>\n"
    )
    error = refused(un_sc.parse, path)
    assert error.location == "line 2, <CONSOLIDATED_LIST>"


def test_reference_number_used_twice(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, UN_2026, b">CDi.002<", b">CDi.001<")
    error = refused(un_sc.parse, path)
    assert error.location is not None
    assert error.location.endswith("<INDIVIDUAL> REFERENCE_NUMBER=CDi.001")
    assert "used twice (first at line 4)" in error.message


def test_missing_reference_number_falls_back_to_dataid(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, UN_2026, b"<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>", b"")
    parsed = un_sc.parse(path)
    assert len(parsed.entities) == 1003
    assert parsed.entities[0].source_id == "6907993"
    assert parsed.entities[0].caption == "ERIC BADEGE"
    assert "line 4: entry without REFERENCE_NUMBER, identified by DATAID 6907993" in parsed.warnings


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = broken_copy(
        tmp_path,
        UN_2026,
        b"<CONSOLIDATED_LIST ",
        f'<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'
        "<CONSOLIDATED_LIST ".encode(),
    )
    path.write_bytes(path.read_bytes().replace(b"<FIRST_NAME>ERIC", b"<FIRST_NAME>ERIC&x;", 1))
    parsed = un_sc.parse(path)
    assert not any("SECRET" in n.value for e in parsed.entities for n in e.names)
