"""OFAC classic XML (sdn.xml 2024-05-07, consolidated.xml 2024-05-06): parse_sdn / parse_cons."""

from __future__ import annotations

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
from aktsam.lists.parsers import get_parser
from aktsam.lists.parsers.ofac import parse_cons, parse_sdn
from tests.lists.conftest import LISTS, broken_copy, entity, line_of, refused

SDN_XML = LISTS / "ofac-sdn" / "sdn.xml"
CONS_XML = LISTS / "ofac-consolidated-nonsdn" / "consolidated.xml"
UN_XML = LISTS / "un-sc-consolidated" / "UN_consolidated.xml"


@pytest.fixture(scope="module")
def sdn() -> ParsedList:
    return parse_sdn(SDN_XML)


@pytest.fixture(scope="module")
def cons() -> ParsedList:
    return parse_cons(CONS_XML)


# --- the whole SDN file (20 MB) ------------------------------------------------------------------


@pytest.mark.slow
def test_sdn_counts_match_provenance(sdn: ParsedList) -> None:
    assert sdn.counts() == {
        "total": 14966,
        "person": 6855,
        "organization": 6884,
        "vessel": 851,
        "aircraft": 376,
    }


@pytest.mark.slow
def test_sdn_published_and_source(sdn: ParsedList) -> None:
    assert sdn.source == "ofac-sdn"
    assert sdn.published == "2024-05-07"
    assert sdn.files == [str(SDN_XML)]
    # the one value kept as text: a "None Identified" vessel flag
    assert sdn.warnings == [
        "1 vessel flag value(s) kept as text, not normalised: 'None Identified'"
    ]


@pytest.mark.slow
def test_sdn_every_entry_keyed_by_uid_with_one_primary_name(sdn: ParsedList) -> None:
    ids = [e.source_id for e in sdn.entities]
    assert len(set(ids)) == len(ids)
    assert all(i.isdigit() for i in ids)
    for e in sdn.entities:
        assert e.id == f"ofac-sdn:{e.source_id}"
        assert [n.kind for n in e.names].count(NameKind.PRIMARY) == 1, e.source_id
        assert e.url == f"https://sanctionssearch.ofac.treas.gov/Details.aspx?id={e.source_id}"
        codes = [*e.countries, *e.nationalities, *(i.country for i in e.identifiers if i.country)]
        assert all(len(c) == 2 and c.islower() for c in codes), e.source_id


@pytest.mark.slow
def test_sdn_every_linked_to_is_recovered(sdn: ParsedList) -> None:
    # sdn.xml has 6,380 "Linked To:" texts, all in <remarks>; each becomes one relation
    links = [r for e in sdn.entities for r in e.relations if r.kind is RelationKind.LINKED_TO]
    assert len(links) == SDN_XML.read_bytes().count(b"Linked To:") == 6380
    # the wrapping brackets are gone, a target's own survive: "TEHRIK-E TALIBAN PAKISTAN (TTP)"
    assert all(r.target.count("(") == r.target.count(")") for r in links)
    assert Relation(RelationKind.LINKED_TO, "TEHRIK-E TALIBAN PAKISTAN (TTP)") in (
        entity(sdn, "40096").relations
    )
    assert not any("Linked To" in (e.remarks or "") for e in sdn.entities)


@pytest.mark.slow
def test_individual_field_by_field(sdn: ParsedList) -> None:
    nasrallah = entity(sdn, "2686")
    assert nasrallah.schema is Schema.PERSON
    assert nasrallah.names == [
        Name("Hasan NASRALLAH"),
        Name("Hasan Abd-al-Karim NASRALLAH", NameKind.ALIAS),
    ]
    assert nasrallah.caption == "Hasan NASRALLAH"
    assert nasrallah.birth_dates == ["1960-08-31", "1953-08-31", "1955-08-31", "1958-08-31"]
    assert nasrallah.birth_places == ["Al Basuriyah, Lebanon"]
    assert nasrallah.identifiers == [Identifier("passport", "042833", "lb")]
    assert nasrallah.addresses == [Address("Lebanon", "lb")]
    assert nasrallah.countries == ["lb"]
    assert nasrallah.programs == ["SYRIA", "SDGT"]
    assert nasrallah.relations == [Relation(RelationKind.LINKED_TO, "HIZBALLAH")]
    # title, then the idList facts that are no identifiers
    assert nasrallah.remarks == (
        "Secretary General of Hizballah; Additional Sanctions Information - Subject to Secondary "
        "Sanctions Pursuant to the Hizballah Financial Sanctions Regulations; Gender Male"
    )
    assert nasrallah.listed_on is None and nasrallah.sublist is None


@pytest.mark.slow
def test_vessel_field_by_field(sdn: ParsedList) -> None:
    artavil = entity(sdn, "15036")
    assert artavil.schema is Schema.VESSEL
    assert artavil.names == [
        Name("ARTAVIL"),
        Name("ABADAN", NameKind.FORMER),  # f.k.a., strong
        Name("ALPHA", NameKind.FORMER),  # f.k.a., weak: still a former name
        Name("SHONA", NameKind.FORMER),
    ]
    assert artavil.identifiers == [
        Identifier("imo", "9187629", None, "Vessel Registration Identification"),
        Identifier("mmsi", "572469210"),
        Identifier("call_sign", "T2EU4"),
    ]
    # former flags (Malta, Tuvalu, Tanzania; "None Identified" resolves to nothing), then the flag
    assert artavil.countries == ["mt", "tv", "tz", "ir"]
    assert artavil.relations == [
        Relation(RelationKind.LINKED_TO, "NATIONAL IRANIAN TANKER COMPANY")
    ]
    assert artavil.remarks is not None
    assert "Former Vessel Flag None Identified" in artavil.remarks
    assert artavil.remarks.endswith(
        "Vessel Type Crude/Oil Products Tanker; Tonnage 99144; GRT 56068; Vessel Flag Iran"
    )


@pytest.mark.slow
def test_linked_to_targets_keep_their_own_brackets(sdn: ParsedList) -> None:
    # (Linked To: ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE; Linked To: HIZBALLAH)
    bank = entity(sdn, "4632")
    assert bank.relations == [
        Relation(RelationKind.LINKED_TO, "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"),
        Relation(RelationKind.LINKED_TO, "HIZBALLAH"),
    ]
    assert bank.remarks is None or "Linked" not in bank.remarks


@pytest.mark.slow
def test_circa_and_range_birth_dates(sdn: ParsedList) -> None:
    assert entity(sdn, "7782").birth_dates == ["1951"]  # circa 1951
    # "1951 to 1953", "1960 to 1962", "Apr 1961", "1953": each year of a range, precision kept
    assert entity(sdn, "12057").birth_dates == [
        "1951",
        "1952",
        "1953",
        "1960",
        "1961",
        "1962",
        "1961-04",
    ]
    dates = {d for e in sdn.entities for d in e.birth_dates}
    assert all(len(d) in (4, 7, 10) and d[:4].isdigit() for d in dates)


# --- the consolidated (non-SDN) file --------------------------------------------------------------


def test_consolidated_counts_and_published(cons: ParsedList) -> None:
    assert cons.source == "ofac-cons"
    assert cons.counts() == {"total": 443, "person": 79, "organization": 364}
    assert cons.published == "2024-05-06"
    assert cons.warnings == []


def test_entity_with_linked_to_field_by_field(cons: ParsedList) -> None:
    bank = entity(cons, "17017")
    assert bank.id == "ofac-cons:17017"
    assert bank.schema is Schema.ORGANIZATION
    assert bank.names == [
        Name("BM BANK JSC"),
        Name(
            "JOINT STOCK COMMERCIAL BANK - BANK OF MOSCOW OPEN JOINT STOCK COMPANY", NameKind.ALIAS
        ),
        Name(
            "AKTSIONERNY KOMMERCHESKI BANK BANK MOSKVY OTKRYTOE AKTSIONERNOE OBSCHCHESTVO",
            NameKind.FORMER,
        ),
        Name("BANK MOSKVY PAO", NameKind.FORMER),
        Name("BANK OF MOSCOW", NameKind.FORMER),
        Name("BM BANK PUBLIC JOINT STOCK COMPANY", NameKind.ALIAS),
        Name("PAO BM BANK", NameKind.ALIAS),
        Name("BM BANK AO", NameKind.ALIAS),
    ]
    assert bank.identifiers == [
        Identifier("registration", "1027700159497", "ru", "Registration ID"),
        Identifier("registration", "29292940", "ru", "Government Gazette Number"),
        Identifier("swift", "MOSWRUMM", None, "SWIFT/BIC"),
        Identifier("bik_ru", "044525219"),
    ]
    assert bank.addresses == [
        Address("8/15 Korp. 3 ul. Rozhdestvenka, Moscow 107996, Russia", "ru"),
        Address("Bld 3 8/15, Rozhdestvenka St., Moscow 107996, Russia", "ru"),
    ]
    assert bank.countries == ["ru"]
    assert bank.programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    assert bank.relations == [
        Relation(RelationKind.LINKED_TO, "VTB BANK PUBLIC JOINT STOCK COMPANY")
    ]
    assert bank.remarks == (
        "For more information on directives, please visit the following link: "
        "http://www.treasury.gov/resource-center/sanctions/Programs/Pages/ukraine.aspx"
        "#directives.; "
        "Executive Order 13662 Directive Determination - Subject to Directive 1; "
        "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, "
        "31 CFR 589.201 and/or 589.209; Target Type Financial Institution"
    )


def test_registry_reaches_both_lists(cons: ParsedList) -> None:
    assert get_parser("ofac-sdn") is parse_sdn
    assert get_parser("ofac-cons") is parse_cons
    again = get_parser("ofac-cons")(CONS_XML)
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in cons.entities]


def test_xml_comment_inside_an_entry_is_ignored(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, CONS_XML, b"<uid>17017</uid>", b"<uid>17017</uid><!-- note -->")
    assert entity(parse_cons(path), "17017").caption == "BM BANK JSC"


# --- bad input ------------------------------------------------------------------------------------


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, CONS_XML, b"<lastName>BM BANK JSC<", b"<lastName>BM & BANK JSC<")
    error = refused(parse_cons, path)
    assert error.location == f"line {line_of(path, b'BM & BANK')}"
    assert "malformed XML" in error.message
    assert str(error).startswith(f"{path}: line ")


def test_mismatched_tag(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, CONS_XML, b"<uid>17017</uid>", b"<uid>17017</uidx>")
    error = refused(parse_cons, path)
    assert error.location == f"line {line_of(path, b'</uidx>')}"
    assert "malformed XML" in error.message


def test_truncated_file_is_refused_not_cut(tmp_path: Path) -> None:
    half = CONS_XML.read_bytes()[: CONS_XML.stat().st_size // 2]
    path = tmp_path / "consolidated.xml"
    path.write_bytes(half)
    last_line = half.count(b"\n") + 1
    error = refused(parse_cons, path)
    assert error.location == f"line {last_line}"
    assert "truncated" in error.message


def test_bytes_not_utf8(tmp_path: Path) -> None:
    latin1 = "Rozhdestvenka Ä".encode("latin-1")
    path = broken_copy(tmp_path, CONS_XML, b"Rozhdestvenka", latin1)
    error = refused(parse_cons, path)
    assert error.location == f"line {line_of(path, latin1)}"
    assert "not valid UTF-8" in error.message


def test_declared_encoding_that_lies(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path, CONS_XML, b'<?xml version="1.0"', b'<?xml version="1.0" encoding="latin-1"'
    )
    error = refused(parse_cons, path)
    assert error.location == "line 1"
    assert "declares encoding latin-1" in error.message


def test_un_file_given_to_parse_sdn() -> None:
    error = refused(parse_sdn, UN_XML)
    assert error.location == f"line {line_of(UN_XML, b'<CONSOLIDATED_LIST')}, <CONSOLIDATED_LIST>"
    assert "not an OFAC list" in error.message


@pytest.mark.parametrize("content", [b"", b"  \n\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(content)
    error = refused(parse_cons, path)
    assert error.location == "line 1"
    assert "empty" in error.message


def test_record_count_that_disagrees(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, CONS_XML, b"<Record_Count>443<", b"<Record_Count>444<")
    error = refused(parse_cons, path)
    assert error.location == "<publshInformation>/<Record_Count>"
    assert "444" in error.message and "443" in error.message


def test_uid_that_is_not_a_number(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, CONS_XML, b"<uid>17017</uid>", b"<uid>17O17</uid>")
    error = refused(parse_cons, path)
    assert error.location == f"line {line_of(path, b'<uid>17O17') - 1}, <sdnEntry>"
    assert "'17O17' is not a number" in error.message


def test_uid_used_twice(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, CONS_XML, b"<uid>17017</uid>", b"<uid>9639</uid>")
    assert "uid 9639 appears twice" in refused(parse_cons, path).message


def test_entry_without_last_name(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, CONS_XML, b"<lastName>BM BANK JSC</lastName>", b"")
    error = refused(parse_cons, path)
    assert error.location is not None and error.location.endswith("<sdnEntry> uid=17017")
    assert "no <lastName>" in error.message


def test_list_without_entries(tmp_path: Path) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(b'<?xml version="1.0"?><sdnList xmlns="urn:x"></sdnList>')
    assert "no <sdnEntry>" in refused(parse_cons, path).message


def test_zip_still_packed(tmp_path: Path) -> None:
    path = tmp_path / "SDN_XML.ZIP"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert "ZIP archive" in refused(parse_cons, path).message


def test_doctype_with_entities_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    path = broken_copy(
        tmp_path,
        CONS_XML,
        b"<sdnList ",
        f'<!DOCTYPE sdnList [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n<sdnList '.encode(),
    )
    path.write_bytes(path.read_bytes().replace(b"BM BANK JSC<", b"BM BANK JSC&x;<", 1))
    error = refused(parse_cons, path)
    assert "DOCTYPE" in error.message
    assert "SECRET" not in str(error)


def test_missing_path() -> None:
    error = refused(parse_sdn, LISTS / "ofac-sdn" / "no-such.xml")
    assert "no such file" in error.message
