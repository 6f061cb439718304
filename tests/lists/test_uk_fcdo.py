"""FCDO UK Sanctions List parser: hand-made CSV and XML editions of one publication (fixtures/README.md)."""

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
from aktsam.lists.parsers import uk_fcdo, uk_hmt
from tests.lists.conftest import FIXTURES, entity, refused

CSV = FIXTURES / "uk_sanctions_list.csv"
XML = FIXTURES / "uk_sanctions_list.xml"


@pytest.fixture(scope="module")
def csv_list() -> ParsedList:
    return uk_fcdo.parse(CSV)


@pytest.fixture(scope="module")
def xml_list() -> ParsedList:
    return uk_fcdo.parse(XML)


@pytest.fixture(scope="module", params=["csv", "xml"])
def parsed(
    request: pytest.FixtureRequest, csv_list: ParsedList, xml_list: ParsedList
) -> ParsedList:
    return csv_list if request.param == "csv" else xml_list


# --- what both editions say ------------------------------------------------------------------------


def test_counts_published_and_source(parsed: ParsedList) -> None:
    assert parsed.source == "uk-hmt"
    assert parsed.published == "2026-02-13"
    assert parsed.counts() == {"total": 5, "person": 2, "organization": 2, "vessel": 1}
    assert [e.source_id for e in parsed.entities] == [
        "AFG0100",
        "RUS0251",
        "AFG0001",
        "RUS0212",
        "RUS2176",
    ]
    assert parsed.warnings == []
    assert parsed.files == [str(CSV if parsed.files[0].endswith(".csv") else XML)]


def test_csv_and_xml_editions_agree(csv_list: ParsedList, xml_list: ParsedList) -> None:
    assert csv_list.entities == xml_list.entities
    assert [e.content_hash() for e in csv_list.entities] == [
        e.content_hash() for e in xml_list.entities
    ]


def test_russia_individual_with_cyrillic_name(parsed: ParsedList) -> None:
    putin = entity(parsed, "RUS0251")
    assert putin.id == "uk-hmt:RUS0251"
    assert putin.schema is Schema.PERSON
    assert putin.names == [
        Name("Vladimir Vladimirovich PUTIN", NameKind.PRIMARY),
        Name("Владимир Владимирович ПУТИН", NameKind.ORIGINAL_SCRIPT, "ru"),
        Name("Vladimir Vladimirovitch POUTINE", NameKind.ALIAS),  # "Primary name variation"
    ]
    assert putin.caption == "Vladimir Vladimirovich PUTIN"
    assert putin.birth_dates == ["1952-10-07"]
    assert putin.birth_places == ["St Petersburg (then Leningrad), Russia"]
    assert putin.nationalities == ["ru"]
    assert putin.countries == ["ru"]
    assert putin.addresses == [Address("Moscow, Russia", "ru")]
    assert putin.identifiers == [Identifier("ofsi_group_id", "14200")]
    assert putin.programs == ["The Russia (Sanctions) (EU Exit) Regulations 2019"]
    assert putin.listed_on == "2022-02-25"
    assert putin.relations == []
    assert putin.remarks == (
        "UK Statement of Reasons: Vladimir Putin is the President of the Russian Federation and "
        "is responsible for the actions of the Government of the Russian Federation.\n"
        "Sanctions imposed: Asset freeze; Travel Ban\n"
        "Position: President of the Russian Federation\n"
        "Gender: Male\n"
        "Designation source: UK"
    )


def test_un_individual_documents_and_partial_dates(parsed: ParsedList) -> None:
    qurishi = entity(parsed, "AFG0100")
    assert qurishi.schema is Schema.PERSON
    assert qurishi.names == [
        Name("ABDUL GHAFFAR QURISHI ABDUL GHANI", NameKind.PRIMARY),  # Name 1, Name 2, then Name 6
        Name("عبدالغفار قریشی عبد الغنی", NameKind.ORIGINAL_SCRIPT),  # no script language given
        Name("Abdul Ghaffar QURESHI", NameKind.ALIAS),  # "Good quality a.k.a"
        Name("Qurishi", NameKind.WEAK_ALIAS),  # "Low quality a.k.a"
    ]
    assert qurishi.birth_dates == ["1970", "1967"]  # "dd/mm/1970", "dd/mm/1967"
    assert qurishi.birth_places == [
        "Turshut village, Wursaj District, Takhar Province, Afghanistan"
    ]
    assert qurishi.nationalities == ["af"]
    assert qurishi.addresses == [Address("Khairkhana Section, Number 3, Kabul, Afghanistan", "af")]
    assert qurishi.identifiers == [
        Identifier("ofsi_group_id", "7405"),
        Identifier("passport", "D 000933", "af", "(Afghan) Issued in Kabul on 13 Sep 1998"),
        Identifier("national_id", "55130", "af", "(Afghan) (tazkira)"),
    ]
    assert qurishi.programs == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]
    assert qurishi.listed_on == "2001-02-23"
    assert qurishi.relations == [Relation(RelationKind.SAME_AS, "TAi.130", "un-sc")]
    assert qurishi.remarks is not None
    lines = qurishi.remarks.split("\n")
    assert lines[0].startswith("Involved in drug trafficking. Belongs to Tajik ethnic group.")
    assert lines[1:] == [
        "Sanctions imposed: Asset freeze; Travel Ban; Arms embargo",
        "Title: Maulavi",
        "Position: Repatriation Attache, Taliban Embassy, Islamabad, Pakistan",
        "Gender: Male",
        "Designation source: UN",
    ]


def test_un_entity_with_addresses_and_weak_alias(parsed: ParsedList) -> None:
    exchange = entity(parsed, "AFG0001")
    assert exchange.schema is Schema.ORGANIZATION
    assert exchange.names == [
        Name("HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE", NameKind.PRIMARY),
        Name("حاجی خيرالله و حاجی ستار صرافی", NameKind.ORIGINAL_SCRIPT, "fa"),
        Name("Haji Khairullah-Haji Sattar Sarafi", NameKind.ALIAS),
        Name("Haji Alim Hawala", NameKind.WEAK_ALIAS),  # NameType "ALias", as the FCDO spells it
    ]
    assert exchange.addresses == [
        Address("Chaman Central Bazaar, Chaman, Baluchistan Province, Pakistan", "pk"),
        Address("Shop number 237, Shah Zada Market, Kabul, Afghanistan", "af"),
    ]
    assert exchange.countries == ["pk", "af"]
    assert exchange.nationalities == []
    assert exchange.birth_dates == []
    assert exchange.identifiers == [Identifier("ofsi_group_id", "12703")]
    assert exchange.relations == [Relation(RelationKind.SAME_AS, "TAe.010", "un-sc")]
    assert exchange.listed_on == "2012-06-29"
    assert exchange.remarks == (
        "Owned and operated by Haji Abdul Sattar Barakzai and Haji Khairullah Barakzai.\n"
        "Sanctions imposed: Asset freeze\n"
        "Designation source: UN\n"
        "Type of entity: Money service provider"
    )


def test_entity_with_registration_number_and_parent(parsed: ParsedList) -> None:
    roe = entity(parsed, "RUS0212")
    assert roe.names == [
        Name("JOINT STOCK COMPANY ROSOBORONEXPORT", NameKind.PRIMARY),
        Name("Акционерное общество «Рособоронэкспорт»", NameKind.ORIGINAL_SCRIPT, "ru"),
        Name("ROSOBORONEXPORT", NameKind.ALIAS),  # an alias without a strength is a plain alias
    ]
    assert roe.addresses == [Address("27 Stromynka Street, Moscow, 107076, Russia", "ru")]
    assert roe.identifiers == [
        Identifier("ofsi_group_id", "14182"),
        Identifier("registration", "1117746521452"),
    ]
    assert roe.remarks is not None
    assert "Parent company: State Corporation Rostec" in roe.remarks.split("\n")
    assert "Sanctions imposed: Asset freeze; Trust services sanctions" in roe.remarks


def test_ship_with_imo_flag_and_no_ofsi_group_id(parsed: ParsedList) -> None:
    ship = entity(parsed, "RUS2176")
    assert ship.schema is Schema.VESSEL
    assert ship.names == [Name("KOROLEV PROSPECT", NameKind.PRIMARY)]
    assert ship.identifiers == [Identifier("imo", "9826902")]  # published as "IMO9826902"
    assert ship.countries == ["ga"]  # current believed flag
    assert ship.addresses == []
    assert ship.listed_on == "2024-07-31"
    assert ship.remarks is not None
    lines = ship.remarks.split("\n")
    assert lines[0].startswith("Shipping sanctions: a specified ship is prohibited")
    assert lines[1].startswith("UK Statement of Reasons: KOROLEV PROSPECT (IMO 9826902) is")
    # the file repeats the measure ("…|…"); it is said once
    assert lines[2] == "Sanctions imposed: Shipping sanctions: (see 'Other information')"
    assert lines[3:] == [
        "Designation source: UK",
        "Current owner/operator: Stream Ship Management FZCO",
        "Current believed flag: Gabon",
        "Type of ship: Oil Tanker",
        "Year built: 2019",
    ]


def test_dispatch_from_uk_hmt(csv_list: ParsedList, xml_list: ParsedList) -> None:
    assert uk_hmt.parse(CSV) == csv_list
    assert uk_hmt.parse(XML) == xml_list
    assert uk_fcdo.detect(CSV.read_bytes())
    assert uk_fcdo.detect(XML.read_bytes())
    assert not uk_fcdo.detect(b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="x"/>')
    assert not uk_fcdo.detect(b"Last Updated,13/05/2022\nName 6,Name 1,Group ID\n")


# --- variants of the layout ------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _csv_lines() -> list[str]:
    return CSV.read_text(encoding="utf-8").splitlines(keepends=True)


def test_csv_rows_of_a_designation_are_grouped_across_the_file(tmp_path: Path) -> None:
    lines = _csv_lines()
    assert len(lines) == 14  # banner, header, 12 rows for 5 designations
    # line 6 is the only row giving Qurishi's second date of birth (and the QURESHI alias)
    without = _write(tmp_path, "UK-Sanctions-List.csv", "".join(lines[:5] + lines[6:]))
    qurishi = entity(uk_fcdo.parse(without), "AFG0100")
    assert qurishi.birth_dates == ["1970"]
    assert Name("Abdul Ghaffar QURESHI", NameKind.ALIAS) not in qurishi.names


def test_csv_with_bom_reads_the_same(tmp_path: Path, csv_list: ParsedList) -> None:
    copy = tmp_path / "UK-Sanctions-List.csv"
    copy.write_bytes(b"\xef\xbb\xbf" + CSV.read_bytes())
    assert uk_fcdo.parse(copy).entities == csv_list.entities
    assert uk_hmt.parse(copy).entities == csv_list.entities


def test_csv_without_report_date_line(tmp_path: Path, csv_list: ParsedList) -> None:
    path = _write(tmp_path, "UK-Sanctions-List.csv", "".join(_csv_lines()[1:]))
    parsed = uk_fcdo.parse(path)
    assert parsed.published is None
    assert parsed.warnings == ["no 'Report Date' line; publication date unknown"]
    assert parsed.entities == csv_list.entities


def test_xml_wrapper_variants_read_the_same(tmp_path: Path, xml_list: ParsedList) -> None:
    """Public code shows NonLatinNames with and without a NonLatinName wrapper, Titles in two places."""
    text = XML.read_text(encoding="utf-8")
    flat = text.replace("<NonLatinName>", "").replace("</NonLatinName>", "")
    moved = flat.replace("<Titles>\n      <Title>Maulavi</Title>\n    </Titles>\n", "").replace(
        "<Genders>", "<Titles><Title>Maulavi</Title></Titles>\n        <Genders>", 1
    )
    assert moved.count("<NameNonLatinScript>") == 4 and "<NonLatinName>" not in moved
    assert moved.count("Maulavi") == 1
    assert uk_fcdo.parse(_write(tmp_path, "flat.xml", moved)).entities == xml_list.entities


def test_xml_date_generated_missing_or_as_attribute(tmp_path: Path) -> None:
    text = XML.read_text(encoding="utf-8")
    without = text.replace("  <DateGenerated>13/02/2026</DateGenerated>\n", "")
    parsed = uk_fcdo.parse(_write(tmp_path, "a.xml", without))
    assert parsed.published is None
    assert parsed.warnings == ["the file has no <DateGenerated>; publication date unknown"]
    attribute = without.replace("<Designations ", '<Designations DateGenerated="12/02/2026" ')
    assert uk_fcdo.parse(_write(tmp_path, "b.xml", attribute)).published == "2026-02-12"


def test_data_oddities_are_warnings(tmp_path: Path) -> None:
    lines = _csv_lines()
    lines[3] = lines[3].replace("07/10/1952", "about 1952").replace(",Primary Name,", ",Nickname,")
    lines[4] = lines[4].replace("TAe.010", "E.29")  # an Iran-style UK label, not a UN number
    lines[5] = lines[5].replace("TAi.130", "TAe.130")  # an individual citing an entity number
    lines[8] = lines[8].replace("IMO9826902", "IMO 98269")
    lines[13] = lines[13].replace(",Afghanistan,", ",Congo (Democratic Republic),")
    parsed = uk_fcdo.parse(_write(tmp_path, "UK-Sanctions-List.csv", "".join(lines)))
    assert parsed.warnings == [
        "line 4: unknown Name type 'Nickname' read as an alias",
        "line 4: unreadable D.O.B 'about 1952'",
        "line 5: UN Reference Number 'E.29' is not a UN number; no link",
        "line 6: UN Reference Number TAe.130 is of the other kind (i/e); no link",
        "line 9: IMO number 'IMO 98269' is not seven digits; kept as written",
    ]
    putin = entity(parsed, "RUS0251")
    assert Name("Vladimir Vladimirovich PUTIN", NameKind.ALIAS) in putin.names
    assert putin.birth_dates == ["1952-10-07"]  # line 10, Putin's other row, still gives it
    # the other rows of AFG0001 and AFG0100 still cite their UN numbers, so the links stay
    assert entity(parsed, "AFG0001").relations == [
        Relation(RelationKind.SAME_AS, "TAe.010", "un-sc")
    ]
    assert entity(parsed, "AFG0100").relations == [
        Relation(RelationKind.SAME_AS, "TAi.130", "un-sc")
    ]
    assert entity(parsed, "RUS2176").identifiers == [Identifier("imo", "IMO 98269")]
    # "Congo (Democratic Republic)", as the FCDO writes it, is the DRC (cd), not Congo (cg)
    assert entity(parsed, "AFG0001").addresses[1] == Address(
        "Shop number 237, Shah Zada Market, Kabul, Congo (Democratic Republic)", "cd"
    )


def test_dates_of_birth_with_unknown_parts(tmp_path: Path) -> None:
    lines = _csv_lines()
    lines[2] = lines[2].replace("dd/mm/1970", "dd/05/1970")
    lines[5] = lines[5].replace("dd/mm/1967", "00/00/1967")
    lines[12] = lines[12].replace("dd/mm/1970", "31/02/1970")
    parsed = uk_fcdo.parse(_write(tmp_path, "UK-Sanctions-List.csv", "".join(lines)))
    assert entity(parsed, "AFG0100").birth_dates == ["1970-05", "1967"]
    assert parsed.warnings == ["line 13: unreadable D.O.B '31/02/1970'"]


# --- bad input: CSV --------------------------------------------------------------------------------


def test_csv_empty_and_banner_only(tmp_path: Path) -> None:
    assert refused(uk_fcdo.parse, _write(tmp_path, "empty.csv", "")).message == "the file is empty"
    assert (
        refused(uk_fcdo.parse, _write(tmp_path, "blank.csv", " \r\n\r\n")).message
        == "the file is empty"
    )
    banner = refused(uk_fcdo.parse, _write(tmp_path, "banner.csv", "Report Date: 13-Feb-2026\r\n"))
    assert banner.message == "no header line after 'Report Date'"


def test_csv_bad_report_date_and_foreign_file(tmp_path: Path) -> None:
    lines = _csv_lines()
    bad = refused(
        uk_fcdo.parse,
        _write(tmp_path, "a.csv", "Report Date: 31-Feb-2026\r\n" + "".join(lines[1:])),
    )
    assert bad.location == "line 1"
    assert "'31-Feb-2026' is not a date" in bad.message
    foreign = refused(uk_fcdo.parse, _write(tmp_path, "b.csv", "id,name\r\n1,ACME\r\n"))
    assert foreign.location == "line 1"
    assert "UK Sanctions List column header" in foreign.message


def test_csv_missing_and_duplicate_columns(tmp_path: Path) -> None:
    lines = _csv_lines()
    header = lines[1].replace("D.O.B,", "").replace("IMO number,", "Imo,")
    missing = refused(
        uk_fcdo.parse, _write(tmp_path, "a.csv", lines[0] + header + "".join(lines[2:]))
    )
    assert missing.location == "line 2"
    assert missing.message == "missing UK Sanctions List columns: D.O.B, IMO number"
    ofsi = refused(uk_fcdo.parse, _write(tmp_path, "b.csv", "Name 6,Group ID,Report Date\r\n"))
    assert ofsi.location == "line 1"  # "Report Date" is a column here, not the banner
    duplicate = lines[1].replace("Website,", "Gender,")
    error = refused(
        uk_fcdo.parse, _write(tmp_path, "c.csv", lines[0] + duplicate + "".join(lines[2:]))
    )
    assert (error.location, error.message) == ("line 2", "duplicate columns: Gender")


def test_csv_of_the_ofsi_list_is_named(tmp_path: Path) -> None:
    ofsi = (FIXTURES / "uk_conlist_2022.csv").read_text(encoding="utf-8").splitlines()
    for name, lines in (
        ("banner.csv", ofsi[:3]),
        ("header.csv", ["Report Date: 13-Feb-2026", *ofsi[1:3]]),
    ):
        error = refused(uk_fcdo.parse, _write(tmp_path, name, "\r\n".join(lines) + "\r\n"))
        assert error.location == ("line 1" if name == "banner.csv" else "line 2")
        assert error.message.endswith(
            "(this looks like the OFSI Consolidated List; its parser is uk_hmt)"
        )


def test_csv_row_with_wrong_cell_count_and_truncation(tmp_path: Path) -> None:
    lines = _csv_lines()
    lines[6] = lines[6].rstrip("\r\n") + ",extra\r\n"
    error = refused(uk_fcdo.parse, _write(tmp_path, "a.csv", "".join(lines)))
    assert (error.location, error.message) == ("line 7", "row has 59 cells, the header has 58")
    text = CSV.read_text(encoding="utf-8")
    cut = text[: text.index("Oil Tanker")]  # the download stopped inside line 9
    error = refused(uk_fcdo.parse, _write(tmp_path, "b.csv", cut))
    assert error.location == "line 9"
    assert "the header has 58" in error.message


def test_csv_empty_unique_id_and_unknown_type(tmp_path: Path) -> None:
    lines = _csv_lines()
    no_id = lines.copy()
    no_id[7] = no_id[7].replace(",RUS0212,", ",,")
    error = refused(uk_fcdo.parse, _write(tmp_path, "a.csv", "".join(no_id)))
    assert (error.location, error.message) == ("line 8, field 'Unique ID'", "empty Unique ID")
    aircraft = lines.copy()
    aircraft[8] = aircraft[8].replace(",Ship,", ",Aircraft,")
    error = refused(uk_fcdo.parse, _write(tmp_path, "b.csv", "".join(aircraft)))
    assert error.location == "line 9, field 'Designation Type'"
    assert "unknown designation type 'Aircraft'" in error.message


def test_csv_undecodable_bytes(tmp_path: Path) -> None:
    raw = CSV.read_bytes().splitlines(keepends=True)
    raw[9] = raw[9].replace(b"POUTINE", b"POUT\xefNE")
    path = tmp_path / "a.csv"
    path.write_bytes(b"".join(raw))
    error = refused(uk_fcdo.parse, path)
    assert error.location == "line 10"
    assert error.message.startswith("byte 0xef is not UTF-8")


def test_csv_header_only_and_nameless_designation(tmp_path: Path) -> None:
    lines = _csv_lines()
    assert refused(uk_fcdo.parse, _write(tmp_path, "a.csv", "".join(lines[:2]))).message == (
        "the file has a header but no rows"
    )
    nameless = lines[:8] + lines[9:]  # drop the ship's only row…
    nameless.append(lines[8].replace("KOROLEV PROSPECT,,,,,,Primary Name", ",,,,,,Primary Name"))
    error = refused(uk_fcdo.parse, _write(tmp_path, "b.csv", "".join(nameless)))
    assert (error.location, error.message) == ("line 14", "designation RUS2176 has no name")


# --- bad input: XML --------------------------------------------------------------------------------


def _xml() -> str:
    return XML.read_text(encoding="utf-8")


def test_xml_malformed_and_truncated(tmp_path: Path) -> None:
    broken = _xml().replace("<Name6>PUTIN</Name6>", "<Name6>PUTIN</Name5>")
    error = refused(uk_fcdo.parse, _write(tmp_path, "a.xml", broken))
    line = _xml().splitlines().index("        <Name6>PUTIN</Name6>") + 1
    assert error.location == f"line {line}"
    assert error.message.startswith("malformed XML: ")
    text = _xml()
    cut = refused(uk_fcdo.parse, _write(tmp_path, "b.xml", text[: text.index("<ShipDetails>")]))
    assert "truncated" in cut.message


def test_xml_wrong_root_and_no_designations(tmp_path: Path) -> None:
    un = '<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-02-13"/>\n'
    error = refused(uk_fcdo.parse, _write(tmp_path, "a.xml", un))
    assert error.location == "line 2, <CONSOLIDATED_LIST>"
    assert "expected <Designations>" in error.message
    namespaced = '<?xml version="1.0"?>\n<Designations xmlns="urn:x"><Designation/></Designations>'
    assert (
        "in namespace urn:x"
        in refused(uk_fcdo.parse, _write(tmp_path, "b.xml", namespaced)).message
    )
    empty = '<?xml version="1.0"?>\n<Designations>\n<DateGenerated>13/02/2026</DateGenerated>\n</Designations>'
    error = refused(uk_fcdo.parse, _write(tmp_path, "c.xml", empty))
    assert (error.location, error.message) == (
        "line 2, <Designations>",
        "the list has no <Designation> elements",
    )


def test_xml_designation_faults(tmp_path: Path) -> None:
    text = _xml()
    no_id = refused(
        uk_fcdo.parse, _write(tmp_path, "a.xml", text.replace("<UniqueID>RUS0212</UniqueID>", ""))
    )
    line = text.splitlines().index("    <UniqueID>RUS0212</UniqueID>") - 2  # its <Designation>
    assert no_id.location == f"line {line}, <Designation>"
    assert no_id.message == "<Designation> without a <UniqueID>"
    ship = text.replace(">Ship</IndividualEntityShip>", ">Boat</IndividualEntityShip>")
    error = refused(uk_fcdo.parse, _write(tmp_path, "b.xml", ship))
    assert "<Designation> UniqueID=RUS2176, <IndividualEntityShip>" in str(error.location)
    assert "unknown designation type 'Boat'" in error.message
    twice = text.replace("<UniqueID>RUS0212</UniqueID>", "<UniqueID>RUS0251</UniqueID>")
    error = refused(uk_fcdo.parse, _write(tmp_path, "c.xml", twice))
    assert "UniqueID=RUS0251" in str(error.location)
    assert "Unique ID RUS0251 is used twice" in error.message
    nameless = text.replace("<Name6>KOROLEV PROSPECT</Name6>", "")
    error = refused(uk_fcdo.parse, _write(tmp_path, "d.xml", nameless))
    assert "UniqueID=RUS2176" in str(error.location)
    assert error.message == "designation RUS2176 has no name"


def test_xml_bad_date_generated(tmp_path: Path) -> None:
    bad = _xml().replace("<DateGenerated>13/02/2026</", "<DateGenerated>Friday</")
    error = refused(uk_fcdo.parse, _write(tmp_path, "a.xml", bad))
    assert error.location == "line 3, <DateGenerated>"
    assert "'Friday' is not a dd/mm/yyyy date" in error.message


def test_xml_encoding_faults(tmp_path: Path) -> None:
    raw = XML.read_bytes().replace("ПУТИН".encode(), b"\xff\xfe")
    path = tmp_path / "a.xml"
    path.write_bytes(raw)
    error = refused(uk_fcdo.parse, path)
    assert error.message.startswith("bytes that are not valid UTF-8")
    declared = _xml().replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
    error = refused(uk_fcdo.parse, _write(tmp_path, "b.xml", declared))
    assert (error.location, error.message) == (
        "line 1",
        "the file declares encoding ISO-8859-1; the UK Sanctions List is published in UTF-8",
    )


def test_xml_empty_and_missing_file(tmp_path: Path) -> None:
    assert (
        refused(uk_fcdo.parse, _write(tmp_path, "empty.xml", "\n")).message == "the file is empty"
    )
    assert "cannot read the file" in refused(uk_fcdo.parse, tmp_path / "absent.xml").message
