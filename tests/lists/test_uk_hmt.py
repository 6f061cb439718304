"""UK HMT/OFSI Consolidated List parser: the real 2018 legacy CSV and a hand-made 2022 file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree

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
from aktsam.lists.parsers import get_parser, uk_fcdo, uk_hmt
from tests.lists.conftest import FIXTURES, LISTS, entity, refused

LEGACY = LISTS / "uk-ofsi-conlist" / "sanctionsconlist.csv"
UN_2024 = LISTS / "un-sc-consolidated" / "un_consolidated.xml"
CURRENT = FIXTURES / "uk_conlist_2022.csv"


@pytest.fixture(scope="module")
def legacy() -> ParsedList:
    return uk_hmt.parse(LEGACY)


@pytest.fixture(scope="module")
def current() -> ParsedList:
    return uk_hmt.parse(CURRENT)


# --- legacy file (2018-04-13, Windows-1252) ------------------------------------------------------


def test_legacy_counts_match_provenance(legacy: ParsedList) -> None:
    assert legacy.counts() == {"total": 2106, "person": 1426, "organization": 680}
    assert legacy.source == "uk-hmt"
    assert legacy.files == [str(LEGACY)]
    assert get_parser("uk-hmt") is uk_hmt.parse


def test_legacy_published_is_the_last_updated_line(legacy: ParsedList) -> None:
    assert legacy.published == "2018-04-13"


def test_every_row_lands_in_its_group(legacy: ParsedList) -> None:
    with LEGACY.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle))[2:]
    assert len(rows) == 9487
    names_per_group: dict[str, set[str]] = {}
    for row in rows:
        name = " ".join(" ".join(part for part in [*row[1:6], row[0]] if part.strip()).split())
        names_per_group.setdefault(row[28], set()).add(name)
    assert {e.source_id for e in legacy.entities} == set(names_per_group)
    for parsed in legacy.entities:
        assert {name.value for name in parsed.names} == names_per_group[parsed.source_id]
        assert sum(name.kind is NameKind.PRIMARY for name in parsed.names) >= 1


def test_taliban_individual_with_partial_birth_dates(legacy: ParsedList) -> None:
    qurishi = entity(legacy, "7405")
    assert qurishi.id == "uk-hmt:7405"
    assert qurishi.schema is Schema.PERSON
    assert qurishi.names == [
        Name("Abdul Ghafar Qurishi ABDUL GHANI", NameKind.PRIMARY),
        Name("Abdul Ghaffar QURESHI", NameKind.ALIAS),
    ]
    assert qurishi.caption == "Abdul Ghafar Qurishi ABDUL GHANI"
    # DOB cells "00/00/1970" and "00/00/1967": only the years are known
    assert qurishi.birth_dates == ["1970", "1967"]
    assert qurishi.birth_places == [
        "Turshut village, Wursaj District, Takhar Province, Afghanistan"
    ]
    assert qurishi.nationalities == ["af"]
    assert qurishi.addresses == [Address("Khairkhana Section, Number 3, Kabul, Afghanistan", "af")]
    assert qurishi.identifiers == [
        Identifier(
            "passport", "D 000933", "af", "D 000933 (Afghan) Issued in Kabul on 13 Sep 1998"
        ),
        Identifier("national_id", "55130", "af", "55130 (Afghan) (tazkira)"),
    ]
    assert qurishi.programs == ["Afghanistan"]
    assert qurishi.listed_on == "2001-02-23"
    # the pre-2014 UN number TI.Q.130.01 is today's TAi.130
    assert qurishi.relations == [
        Relation(RelationKind.SAME_AS, "TAi.130", "un-sc", "UN reference as written: TI.Q.130.01")
    ]
    assert qurishi.remarks is not None
    assert qurishi.remarks.startswith("UN Ref TI.Q.130.01.")
    assert "Position: Repatriation Attache, Taliban Embassy, Islamabad, Pakistan" in qurishi.remarks


def test_individual_with_full_birth_date_and_current_un_number(legacy: ParsedList) -> None:
    kim = entity(legacy, "13562")
    assert kim.caption == "Kim Kyong IL"  # Name 1 "Kim Kyong " + Name 6 " IL", spaces collapsed
    assert kim.birth_dates == ["1979-08-01"]
    assert kim.identifiers == [Identifier("passport", "836210029", None, "Passport No. 836210029")]
    assert kim.programs == ["North Korea (Democratic People's Republic of Korea)"]
    assert kim.listed_on == "2017-12-22"
    # "UN Ref.KPI.067." written with a capital I
    assert kim.relations == [
        Relation(RelationKind.SAME_AS, "KPi.067", "un-sc", "UN reference as written: KPI.067")
    ]


def test_entity_with_address_aliases_and_un_link(legacy: ParsedList) -> None:
    academy = entity(legacy, "12871")
    assert academy.schema is Schema.ORGANIZATION
    assert academy.caption == "SECOND ACADEMY OF NATURAL SCIENCES"
    assert Name("2ND ACADEMY OF NATURAL SCIENCES", NameKind.ALIAS) in academy.names
    assert len(academy.names) == 9
    assert academy.addresses == [Address("Pyongyang, DPRK", "kp")]
    assert academy.countries == ["kp"]
    assert academy.relations == [Relation(RelationKind.SAME_AS, "KPe.018", "un-sc")]


def test_fka_is_a_former_name_and_imo_an_identifier(legacy: ParsedList) -> None:
    aqim = entity(legacy, "7247")
    assert Name("SALAFIST GROUP FOR CALL AND COMBAT", NameKind.FORMER) in aqim.names
    vessel = entity(legacy, "13556")
    assert vessel.caption == "TONG SAN 2"
    assert vessel.schema is Schema.ORGANIZATION  # the 2018 file has no "Ship" group type
    assert vessel.identifiers == [Identifier("imo", "8937675")]


def test_wrong_kind_and_non_un_references_give_no_link(legacy: ParsedList) -> None:
    # an individual whose Other Information reads "UN Ref QDe.004" (the Al-Qaida entity)
    assert entity(legacy, "13349").relations == []
    # "UN Ref E.29" on Iranian entities is not a UN number
    assert entity(legacy, "9103").relations == []
    assert any("'E.29' is not a UN number" in warning for warning in legacy.warnings)
    assert any("QDe.004 of the other kind" in warning for warning in legacy.warnings)


def test_uk_links_resolve_to_un_reference_numbers(legacy: ParsedList) -> None:
    """The SAME_AS targets are real UN numbers: most are still listed in the 2024 UN file."""
    un_numbers = {
        (element.text or "").strip() for element in etree.parse(UN_2024).iter("REFERENCE_NUMBER")
    }
    targets = [
        relation.target
        for parsed in legacy.entities
        for relation in parsed.relations
        if relation.kind is RelationKind.SAME_AS
    ]
    assert all(
        relation.target_source == "un-sc" for e in legacy.entities for relation in e.relations
    )
    assert len(targets) >= 600
    resolved = sum(target in un_numbers for target in targets)
    assert resolved / len(targets) > 0.85  # the rest were delisted between 2018 and 2024


# --- 2022 format (hand-made fixture, see fixtures/README.md) -----------------------------------


def test_current_format_counts_and_published(current: ParsedList) -> None:
    assert current.counts() == {"total": 6, "person": 4, "organization": 1, "vessel": 1}
    assert current.published == "2022-05-13"
    assert current.warnings == []


def test_current_format_individual(current: ParsedList) -> None:
    qurishi = entity(current, "7405")
    assert qurishi.names == [
        Name("ABDUL GHAFFAR QURISHI", NameKind.PRIMARY),
        Name("عبدالغفار قریشی عبد الغنی", NameKind.ORIGINAL_SCRIPT),
        Name("Abdul Ghaffar QURESHI", NameKind.ALIAS),
    ]
    assert qurishi.birth_dates == ["1970", "1967"]
    assert qurishi.identifiers == [
        Identifier("passport", "D 000933", "af", "(Afghan) Issued in Kabul on 13 Sep 1998"),
        Identifier("national_id", "55130", "af", "(Afghan) (tazkira)"),
    ]
    assert qurishi.relations == [Relation(RelationKind.SAME_AS, "TAi.130", "un-sc")]
    assert qurishi.listed_on == "2001-02-23"
    assert qurishi.remarks is not None
    assert "(UK Sanctions List Ref):AFG0100." in qurishi.remarks


def test_only_the_tagged_un_reference_links(current: ParsedList) -> None:
    # Other Information also cites the Haqqani Network (TAe.012) and its leader (TAi.144)
    abbasin = entity(current, "12156")
    assert abbasin.relations == [Relation(RelationKind.SAME_AS, "TAi.155", "un-sc")]
    assert abbasin.birth_dates == ["1969"]


def test_alias_quality_and_name_variation(current: ParsedList) -> None:
    zawahiri = entity(current, "6897")
    assert zawahiri.names == [
        Name("Aiman Muhammed Rabi AL-ZAWAHIRI", NameKind.PRIMARY),
        Name("Ayman AL-ZAWAHRI", NameKind.ALIAS),  # "Primary name variation"
        Name("Abu Mohammed", NameKind.WEAK_ALIAS),  # AKA, "Low quality"
    ]
    assert zawahiri.birth_dates == ["1951-06-19"]
    assert zawahiri.birth_places == ["Giza, Egypt"]


def test_original_script_language_ship_and_entity(current: ParsedList) -> None:
    putin = entity(current, "14200")
    assert Name("Владимир Владимирович ПУТИН", NameKind.ORIGINAL_SCRIPT, "ru") in putin.names
    assert putin.relations == []
    assert putin.listed_on == "2022-02-25"
    assert entity(current, "13556").schema is Schema.VESSEL
    engineering = entity(current, "12431")
    assert engineering.schema is Schema.ORGANIZATION
    assert engineering.addresses == [Address("PO Box 21120, Baramkeh, Damascus, Syria", "sy")]


def test_current_format_with_bom_reads_the_same(tmp_path: Path, current: ParsedList) -> None:
    copy = tmp_path / "ConList.csv"
    copy.write_bytes(b"\xef\xbb\xbf" + CURRENT.read_bytes())
    assert uk_hmt.parse(copy).entities == current.entities


# --- bad input -----------------------------------------------------------------------------------


def _lines(path: Path, encoding: str) -> list[str]:
    return path.read_text(encoding=encoding).splitlines(keepends=True)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    lines = _lines(CURRENT, "utf-8")
    lines[1] = lines[1].replace("Alias Quality,", "").replace("Group ID", "Group")
    broken = tmp_path / "ConList.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    error = refused(uk_hmt.parse, broken)
    assert error.location == "line 2"
    assert "missing columns for the 2022 format layout: Alias Quality, Group ID" in error.message


def test_row_with_wrong_column_count(tmp_path: Path) -> None:
    lines = _lines(LEGACY, "cp1252")
    lines[500] = lines[500].rstrip("\r\n") + ",extra\r\n"
    broken = tmp_path / "sanctionsconlist.csv"
    broken.write_text("".join(lines), encoding="cp1252", newline="")
    error = refused(uk_hmt.parse, broken)
    assert error.location == "line 501"
    assert "30 cells, the header has 29" in error.message


def test_unknown_group_type(tmp_path: Path) -> None:
    lines = _lines(CURRENT, "utf-8")
    lines[5] = lines[5].replace(",Entity,", ",Company,")
    broken = tmp_path / "ConList.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    error = refused(uk_hmt.parse, broken)
    assert error.location == "line 6, field 'Group Type'"
    assert "'Company'" in error.message


def test_undecodable_bytes_in_a_utf8_file(tmp_path: Path) -> None:
    raw = CURRENT.read_bytes().splitlines(keepends=True)
    raw[6] = raw[6].replace(b"ABBASIN", b"ABB\xffSIN")
    broken = tmp_path / "ConList.csv"
    broken.write_bytes(b"".join(raw))
    error = refused(uk_hmt.parse, broken)
    assert error.location == "line 7"
    assert "0xff" in error.message


def test_empty_file_header_only_and_foreign_csv(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in refused(uk_hmt.parse, empty).message
    header_only = tmp_path / "header.csv"
    header_only.write_text("".join(_lines(CURRENT, "utf-8")[:2]), encoding="utf-8")
    assert "no rows" in refused(uk_hmt.parse, header_only).message
    other = tmp_path / "other.csv"
    other.write_text("id,name\n1,ACME\n", encoding="utf-8")
    assert refused(uk_hmt.parse, other).location == "line 1"


def test_fcdo_uk_sanctions_list_is_handed_to_its_parser(tmp_path: Path) -> None:
    """FCDO files (CSV by first line or header, XML by root) go to uk_fcdo, OFSI files stay here."""
    for name in ("uk_sanctions_list.csv", "uk_sanctions_list.xml"):
        fcdo = FIXTURES / name
        assert uk_hmt.parse(fcdo) == uk_fcdo.parse(fcdo)
        assert uk_hmt.parse(fcdo).entities[0].source_id == "AFG0100"  # a Unique ID, not a Group ID
    # a header-only FCDO CSV is refused by the FCDO parser, naming what is wrong
    fcdo = tmp_path / "UK_Sanctions_List.csv"
    fcdo.write_text(
        "Report Date: 13-Feb-2026\n"
        "Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,Group ID\n",
        encoding="utf-8",
    )
    error = refused(uk_hmt.parse, fcdo)
    assert error.location == "line 2"
    assert "missing UK Sanctions List columns: Name 1" in error.message
    # so is one without the Report Date line, recognised by its header
    fcdo.write_text("Last Updated,Unique ID,OFSI Group ID,Name 6,Group ID\n", encoding="utf-8")
    assert "missing UK Sanctions List columns" in refused(uk_hmt.parse, fcdo).message
    # an FCDO XML file cut short is refused by the FCDO parser, not read as an OFSI CSV
    broken = tmp_path / "UK_Sanctions_List.xml"
    broken.write_text('<?xml version="1.0"?>\n<Designations><Designation>', encoding="utf-8")
    assert "truncated" in refused(uk_hmt.parse, broken).message
    # the OFSI files are not taken for FCDO ones
    assert not uk_fcdo.detect(CURRENT.read_bytes())
    assert not uk_fcdo.detect(LEGACY.read_bytes()[:4096])
