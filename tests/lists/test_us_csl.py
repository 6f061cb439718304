"""trade.gov Consolidated Screening List parser, on the real 2022 consolidated.csv (data/lists)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from aktsam.lists.model import (
    Address,
    Identifier,
    ListedEntity,
    Name,
    NameKind,
    ParsedList,
    Relation,
    RelationKind,
    Schema,
)
from aktsam.lists.parsers import get_parser, us_csl
from tests.lists.conftest import LISTS, entity, refused

CSL = LISTS / "us-csl" / "consolidated.csv"
OFAC_NS = "{https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML}"
EL = "Entity List (EL) - Bureau of Industry and Security"


@pytest.fixture(scope="module")
def csl() -> ParsedList:
    return us_csl.parse(CSL)


def named(parsed: ParsedList, caption: str, sublist: str) -> ListedEntity:
    matches = [e for e in parsed.entities if e.caption == caption and e.sublist == sublist]
    assert len(matches) == 1, caption
    return matches[0]


def test_counts_per_sublist_match_provenance(csl: ParsedList) -> None:
    codes = Counter(us_csl.sublist_code(e.sublist or "") for e in csl.entities)
    assert codes == {
        "SDN": 10026,
        "EL": 2001,
        "DTC": 727,
        "DPL": 462,
        "SSI": 290,
        "UVL": 201,
        "ISN": 163,
        "PLC": 78,
        "MEU": 71,
        "CMIC": 68,
        "CAP": 52,  # 53 rows: BANK OF KUNLUN is listed twice (lines 1979 and 1980)
        "NS-MBS": 17,
        "FSE": 3,
    }
    assert csl.counts() == {
        "total": 14159,
        "person": 5286,
        "organization": 4532,
        "vessel": 433,
        "aircraft": 283,
        "unknown": 3625,  # the BIS and State lists leave `type` blank
    }
    assert "line 1980: repeats the listing of line 1979; skipped" in csl.warnings
    assert get_parser("us-csl") is us_csl.parse


def test_no_publication_date(csl: ParsedList) -> None:
    assert csl.published is None
    assert csl.warnings[0] == (
        "the CSL states no publication date; its newest start_date is 2022-04-21"
    )
    assert "line 1753: implausible start_date 0097-06-30 kept as published" in csl.warnings


def test_ids_are_unique_and_stable(csl: ParsedList) -> None:
    ids = [e.id for e in csl.entities]
    assert len(ids) == len(set(ids))
    # BANK BELVEB is on SDN, SSI and CAP under one OFAC uid
    assert [entity(csl, sid).caption for sid in ("18291", "18291-SSI", "18291-CAP")] == [
        "BANK BELVEB OJSC"
    ] * 3


def test_hikvision_on_the_entity_list(csl: ParsedList) -> None:
    hikvision = named(csl, "Hangzhou Hikvision Digital Technology Co., Ltd.", EL)
    assert hikvision.source_id == "f095626c9f8becc70b5948507fb6de6e443b257a"
    assert hikvision.schema is Schema.UNKNOWN
    assert hikvision.names == [
        Name("Hangzhou Hikvision Digital Technology Co., Ltd.", NameKind.PRIMARY),
        Name("Hikvision", NameKind.ALIAS),
    ]
    assert hikvision.listed_on == "2019-10-09"
    assert hikvision.addresses[0] == Address(
        "No. 555 Qianmo Road, Binjiang District, Hangzhou, 310052, CN", "cn"
    )
    assert len(hikvision.addresses) == 3
    assert hikvision.countries == ["cn"]
    assert hikvision.programs == []
    assert hikvision.relations == []
    assert hikvision.url == "http://bit.ly/1L47xrV"
    assert us_csl.sublist_code(hikvision.sublist or "") == "EL"
    assert hikvision.remarks is not None
    assert "Federal Register notice: 84 FR 54002; 85 FR 44159" in hikvision.remarks
    assert "License requirement: For all items subject to the EAR." in hikvision.remarks


def test_hikvision_on_the_cmic_list_links_to_ofac(csl: ParsedList) -> None:
    cmic = entity(csl, "30946-CMIC")
    assert cmic.caption == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert cmic.schema is Schema.ORGANIZATION
    assert Name("HIKVISION", NameKind.ALIAS) in cmic.names
    assert cmic.programs == ["CMIC-EO13959"]
    assert Identifier("isin", "CNE100000PM8", None, "ISIN") in cmic.identifiers
    assert cmic.relations == [Relation(RelationKind.SAME_AS, "30946", "ofac-cons")]


def test_dahua_technology_and_the_unrelated_dahua_electronics(csl: ParsedList) -> None:
    dahua = named(csl, "Dahua Technology", EL)
    assert dahua.listed_on == "2019-10-09"
    assert dahua.countries == ["cn"]
    assert len(dahua.addresses) == 4
    # A US firm in Flushing, NY on the Denied Persons List: same word, different company.
    electronics = named(
        csl,
        "DAHUA ELECTRONICS CORPORATION",
        "Denied Persons List (DPL) - Bureau of Industry and Security",
    )
    assert electronics.source_id == "9d575b755f97b8e5e97a297c95fdc3a197a16fe8"
    assert electronics.schema is Schema.UNKNOWN
    assert electronics.names == [Name("DAHUA ELECTRONICS CORPORATION", NameKind.PRIMARY)]
    assert electronics.addresses == [Address("134-12 59HT AVENUE, FLUSHING, NY, 11355", None)]
    assert electronics.listed_on == "2017-09-28"
    assert electronics.remarks == (
        "FR NOTICE ADDED\nFederal Register notice: 82 F.R. 46480 10/5/2017\n"
        "Standard order: Y\nEnd date: 2025-11-19"
    )


def test_sdn_individual_row(csl: ParsedList) -> None:
    sufian = entity(csl, "9935")
    assert sufian.schema is Schema.PERSON
    assert sufian.caption == "'ABD AL-RAZZIQ, Abu Sufian al-Salamabi Muhammed Ahmed"
    assert len(sufian.names) == 15
    assert sufian.birth_dates == ["1962-08-06"]
    assert sufian.birth_places == ["Al-Bawgah, Sudan", "Albaouga, Sudan"]
    assert sufian.nationalities == ["ca", "sd"]
    assert sufian.identifiers == [Identifier("passport", "BC166787", "ca", "Passport")]
    assert sufian.programs == ["SDGT"]
    assert sufian.relations == [Relation(RelationKind.SAME_AS, "9935", "ofac-sdn")]


def test_birth_year_ranges_and_circa(csl: ParsedList) -> None:
    assert entity(csl, "19810").birth_dates == ["1958", "1959", "1960"]  # "1958 to 1960"
    assert entity(csl, "8183").birth_dates == ["1967"]  # "circa 1967"


def test_vessel_with_imo_and_linked_to(csl: ParsedList) -> None:
    vessel = entity(csl, "23156")
    assert vessel.schema is Schema.VESSEL
    assert vessel.identifiers == [
        Identifier("imo", "8898831", None, "Vessel Registration Identification")
    ]
    assert vessel.countries == ["kp"]
    assert vessel.relations == [
        Relation(RelationKind.LINKED_TO, "YUSONG SHIPPING CO"),
        Relation(RelationKind.SAME_AS, "23156", "ofac-sdn"),
    ]
    assert vessel.remarks is not None
    assert "Secondary sanctions risk: North Korea Sanctions Regulations" in vessel.remarks


def test_ofac_links_resolve_to_ofac_uids(csl: ParsedList) -> None:
    """SAME_AS targets are OFAC uids; nearly all are still listed in the 2024 OFAC files."""

    def uids(path: Path) -> set[str]:
        return {
            element.findtext(f"{OFAC_NS}uid") or ""
            for element in etree.parse(path).iter(f"{OFAC_NS}sdnEntry")
        }

    sdn = uids(LISTS / "ofac-sdn" / "sdn.xml")
    cons = uids(LISTS / "ofac-consolidated-nonsdn" / "consolidated.xml")
    links = Counter(
        (
            relation.target_source,
            relation.target in (sdn if relation.target_source == "ofac-sdn" else cons),
        )
        for e in csl.entities
        for relation in e.relations
        if relation.kind is RelationKind.SAME_AS
    )
    assert links[("ofac-sdn", True)] + links[("ofac-sdn", False)] == 10026
    assert links[("ofac-cons", True)] + links[("ofac-cons", False)] == 508
    assert links[("ofac-sdn", True)] / 10026 > 0.95
    assert links[("ofac-cons", True)] / 508 > 0.9


def test_sublist_code() -> None:
    assert us_csl.sublist_code(EL) == "EL"
    assert us_csl.sublist_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury") == (
        "NS-MBS"
    )
    assert us_csl.sublist_code("Some list") is None


# --- bad input -----------------------------------------------------------------------------------


def _broken(
    tmp_path: Path, replace: dict[int, str] | None = None, header: str | None = None
) -> Path:
    lines = CSL.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, text in (replace or {}).items():
        lines[index] = text
    if header is not None:
        lines[0] = header
    path = tmp_path / "consolidated.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_missing_columns_are_named(tmp_path: Path) -> None:
    header = CSL.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    path = _broken(tmp_path, header=header.replace("_id,", "id,").replace(",ids", ",idents"))
    error = refused(us_csl.parse, path)
    assert error.location == "line 1"
    assert error.message == "missing columns: _id, ids"


def test_duplicate_columns_are_named(tmp_path: Path) -> None:
    # two "name" columns: which one a row's name would be read from is arbitrary
    header = CSL.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    path = _broken(tmp_path, header=header.replace(",ids\n", ",ids,name\n"))
    error = refused(us_csl.parse, path)
    assert (error.location, error.message) == ("line 1", "duplicate columns: name")


def test_row_with_wrong_column_count(tmp_path: Path) -> None:
    lines = CSL.read_text(encoding="utf-8").splitlines(keepends=True)
    path = _broken(tmp_path, {7: lines[7].rstrip("\n") + ",surplus\n"})
    error = refused(us_csl.parse, path)
    assert error.location == "line 8"
    assert "30 cells, the header has 29" in error.message


def test_unknown_type(tmp_path: Path) -> None:
    lines = CSL.read_text(encoding="utf-8").splitlines(keepends=True)
    path = _broken(tmp_path, {7: lines[7].replace(",Individual,", ",Spaceship,", 1)})
    error = refused(us_csl.parse, path)
    assert error.location == "line 8, field 'type'"
    assert "'Spaceship'" in error.message


def test_undecodable_bytes(tmp_path: Path) -> None:
    raw = CSL.read_bytes().splitlines(keepends=True)
    raw[41] = raw[41].replace(b",", b"\xe9,", 1)
    path = tmp_path / "consolidated.csv"
    path.write_bytes(b"".join(raw))
    error = refused(us_csl.parse, path)
    assert error.location == "line 42"
    assert "0xe9 is not UTF-8" in error.message


def test_empty_and_header_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("\n", encoding="utf-8")
    assert "empty" in refused(us_csl.parse, empty).message
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(us_csl.COLUMNS) + "\n", encoding="utf-8")
    assert "no rows" in refused(us_csl.parse, header_only).message


def test_repeated_id_with_other_details(tmp_path: Path) -> None:
    lines = CSL.read_text(encoding="utf-8").splitlines(keepends=True)
    path = _broken(tmp_path, {1979: lines[1979].replace("BANK OF KUNLUN", "BANK OF KUNLUNG")})
    error = refused(us_csl.parse, path)
    assert error.location == "line 1980, field '_id'"
