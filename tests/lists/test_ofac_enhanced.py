"""OFAC enhanced XML (CONS_ENHANCED.XML, dataAsOf 2025-01-10) through parse_cons."""

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
from aktsam.lists.parsers.ofac import parse_cons, parse_sdn
from tests.lists.conftest import LISTS, broken_copy, entity, line_of, refused

ENHANCED = LISTS / "ofac-consolidated-nonsdn" / "CONS_ENHANCED.XML"
CLASSIC = LISTS / "ofac-consolidated-nonsdn" / "consolidated.xml"


@pytest.fixture(scope="module")
def cons() -> ParsedList:
    return parse_cons(ENHANCED)


def test_counts_and_published(cons: ParsedList) -> None:
    assert cons.source == "ofac-cons"
    assert cons.counts() == {"total": 443, "person": 80, "organization": 363}
    assert cons.published == "2025-01-10T00:00:00"
    assert cons.warnings == []
    assert cons.files == [str(ENHANCED)]


def test_every_entity_has_one_latin_primary_name(cons: ParsedList) -> None:
    for e in cons.entities:
        primaries = [n for n in e.names if n.kind is NameKind.PRIMARY]
        assert len(primaries) == 1, e.source_id
        assert primaries[0].value.isascii(), e.source_id


def test_chinese_company_with_original_script_name(cons: ParsedList) -> None:
    dji = entity(cons, "33111")
    assert dji.schema is Schema.ORGANIZATION
    assert dji.names == [
        Name("SZ DJI TECHNOLOGY CO., LTD."),
        Name("深圳市大疆创新科技有限公司", NameKind.ORIGINAL_SCRIPT),
    ]
    assert dji.identifiers == [
        Identifier("registration", "914403007954257495", "cn", "Unified Social Credit Code (USCC)")
    ]
    assert dji.addresses == [
        Address(
            "14 F, West Block of Skyworth Semiconductor Design Building, No. 18 Gaoxin South 4th "
            "Road, Nanshan District, Shenzhen, Guangdong 518057, China",
            "cn",
        )
    ]
    assert dji.countries == ["cn"]
    assert dji.programs == ["CMIC-EO13959"]
    assert dji.sublist == "Non-SDN CMIC List"
    assert dji.listed_on == "2021-12-16"
    assert dji.remarks == (
        "Effective Date (CMIC) 14 Feb 2022; Listing Date (CMIC) 16 Dec 2021; "
        "Purchase/Sales For Divestment Date (CMIC) 16 Dec 2022"
    )


def test_bank_features_and_documents(cons: ParsedList) -> None:
    vtb = entity(cons, "17013")
    assert vtb.caption == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    assert Name("БАНК ВТБ ПАО", NameKind.ORIGINAL_SCRIPT) in vtb.names
    assert Name("JSC VTB BANK", NameKind.FORMER) in vtb.names
    assert vtb.identifiers == [
        Identifier("swift", "VTBRRUMM", None, "SWIFT/BIC"),
        Identifier("website", "www.vtb.com"),
        Identifier("website", "www.vtb.ru", None, "Russian Language website for the bank"),
        Identifier("bik_ru", "044030707"),
        Identifier("bik_ru", "044525187"),
        Identifier("registration", "1027739609391", "ru", "Registration ID"),
        Identifier("registration", "00032520", "ru", "Government Gazette Number"),
        Identifier("tax_id", "7702070139", "ru", "Tax ID No."),
        Identifier("license", "1000", "ru"),
        Identifier("lei", "253400V1H6ART1UQ0N98", "ru", "Legal Entity Number"),
    ]
    assert vtb.countries == ["ru", "in", "cn"]
    assert vtb.sublist == "Sectoral Sanctions Identifications List; SDN List"
    assert vtb.listed_on == "2014-07-29"
    assert vtb.remarks is not None and "Organization Established Date 17 Oct 1990" in vtb.remarks


def test_relationship_to_an_entity_of_the_file(cons: ParsedList) -> None:
    bank = entity(cons, "17017")
    assert bank.relations == [
        Relation(
            RelationKind.OWNED_BY,
            "17013",
            "ofac-cons",
            "Owned or Controlled By: VTB BANK PUBLIC JOINT STOCK COMPANY",
        )
    ]
    assert entity(cons, "17013").caption == "VTB BANK PUBLIC JOINT STOCK COMPANY"


def test_relationship_to_an_entity_outside_the_file(cons: ParsedList) -> None:
    # HAMAS (uid 4695) is on the SDN list, not in this file: its source is left unsaid
    zahhar = entity(cons, "9647")
    assert zahhar.relations == [
        Relation(RelationKind.LINKED_TO, "4695", None, "Acting for or on behalf of: HAMAS")
    ]


def test_individual(cons: ParsedList) -> None:
    haniya = entity(cons, "9639")
    assert haniya.schema is Schema.PERSON
    assert haniya.names == [
        Name("Ismail Abdul Salah HANIYA"),
        Name("Ismail HANIYA", NameKind.ALIAS),
        Name("Ismaeel HANIYYA", NameKind.ALIAS),
    ]
    assert haniya.birth_dates == ["1962"]
    assert haniya.birth_places == ["Shati"]
    assert haniya.sublist == "Non-SDN Palestinian Legislative Council List"
    assert haniya.listed_on == "2006-04-12"
    assert haniya.addresses == []  # an <address> element with no parts and no country


def test_enhanced_and_classic_agree(cons: ParsedList) -> None:
    classic = parse_cons(CLASSIC)
    for uid in ("9639", "17017", "33111"):
        new, old = entity(cons, uid), entity(classic, uid)
        assert [n for n in new.names if n.kind is not NameKind.ORIGINAL_SCRIPT] == old.names
        assert new.addresses == old.addresses
        assert new.birth_dates == old.birth_dates
        assert set(new.identifiers) == set(old.identifiers)


# --- bad input ------------------------------------------------------------------------------------


def test_consolidated_file_given_to_parse_sdn() -> None:
    error = refused(parse_sdn, ENHANCED)
    assert error.location == f"line {line_of(ENHANCED, b'<publicationInfo>')}, <publicationInfo>"
    assert "Consolidated List, not the SDN List" in error.message


def test_truncated(tmp_path: Path) -> None:
    half = ENHANCED.read_bytes()[: ENHANCED.stat().st_size // 2]
    path = tmp_path / ENHANCED.name
    path.write_bytes(half)
    last_line = half.count(b"\n") + 1
    error = refused(parse_cons, path)
    assert error.location == f"line {last_line}"
    assert "truncated" in error.message


def test_entity_id_that_is_not_a_number(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, ENHANCED, b'<entity id="9639">', b'<entity id="x9639">')
    error = refused(parse_cons, path)
    assert error.location == f"line {line_of(path, b'x9639')}, <entity>"
    assert "'x9639' is not a number" in error.message


def test_entity_id_used_twice(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, ENHANCED, b'<entity id="9640">', b'<entity id="9639">')
    assert "id 9639 appears twice" in refused(parse_cons, path).message


def test_entity_without_a_primary_name(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path,
        ENHANCED,
        b"<isPrimary>true</isPrimary>\n          <isLowQuality>",
        b"<isLowQuality>",
    )
    assert "no primary Latin-script name" in refused(parse_cons, path).message


def test_no_entities(tmp_path: Path) -> None:
    data = ENHANCED.read_bytes()
    path = tmp_path / ENHANCED.name
    path.write_bytes(data[: data.index(b"<entities>")] + b"<entities /></sanctionsData>")
    assert "no <entity> entries" in refused(parse_cons, path).message
