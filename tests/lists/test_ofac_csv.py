"""OFAC legacy CSV sets (SDN 2021 snapshot; consolidated non-SDN 2025) through parse_sdn / parse_cons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aktsam.errors import ListFormatError
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
from aktsam.lists.parsers.ofac_remarks import parse_remarks
from tests.lists.conftest import LISTS, break_file, entity, refused

SDN_DIR = LISTS / "ofac-sdn"
CONS_DIR = LISTS / "ofac-consolidated-nonsdn"
CONS_FILES = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
NO_DATE = "the legacy OFAC CSV set carries no publication date: published is left empty"


@pytest.fixture(scope="module")
def sdn() -> ParsedList:
    return parse_sdn(SDN_DIR)


@pytest.fixture(scope="module")
def cons() -> ParsedList:
    return parse_cons(CONS_DIR / "cons_prim.csv")


# --- whole sets ------------------------------------------------------------------------------------


def test_sdn_set_counts_match_provenance(sdn: ParsedList) -> None:
    assert sdn.counts() == {
        "total": 8976,
        "person": 4620,
        "organization": 3673,
        "vessel": 406,
        "aircraft": 277,
    }
    assert sdn.source == "ofac-sdn"


def test_sdn_set_has_no_date_and_says_so(sdn: ParsedList) -> None:
    assert sdn.published is None
    assert sdn.warnings == [
        NO_DATE,
        "sdn_comments.csv has no 0x1A end-of-file marker: it may be cut short",  # an excerpt
        "1 nationality value(s) kept as text, not normalised: 'possibly Palestinian'",
        "1 date of birth value(s) kept as text, not normalised: 'circa 1979-1982'",
        "1 vessel flag value(s) kept as text, not normalised: 'None Identified'",
    ]
    assert sdn.files == [
        str(SDN_DIR / name) for name in ("sdn.csv", "sdn_comments.csv", "alt.csv", "add.csv")
    ]


def test_consolidated_set_counts(cons: ParsedList) -> None:
    assert cons.source == "ofac-cons"
    assert cons.counts() == {"total": 442, "person": 79, "organization": 363}
    assert cons.published is None
    assert cons.warnings == [NO_DATE]


def test_directory_and_main_file_give_the_same_list(cons: ParsedList) -> None:
    by_directory = parse_cons(CONS_DIR)
    assert [e.to_dict() for e in by_directory.entities] == [e.to_dict() for e in cons.entities]


def test_eof_marker_is_not_an_entry(sdn: ParsedList, cons: ParsedList) -> None:
    # the last line of sdn.csv / cons_prim.csv is a lone 0x1A byte
    assert (SDN_DIR / "sdn.csv").read_bytes().endswith(b"\r\n\x1a")
    assert sdn.entities[-1].source_id == "32391"
    assert cons.entities[-1].source_id == "50476"


# --- entries, field by field --------------------------------------------------------------------


def test_individual_field_by_field(sdn: ParsedList) -> None:
    # 2686,"NASRALLAH, Hasan","individual","SDGT] [SYRIA","Secretary General of Hizballah",...,
    # "DOB 31 Aug 1960; alt. DOB 31 Aug 1953; ...; Passport 042833 (Lebanon); ...; Linked To: HIZBALLAH."
    nasrallah = entity(sdn, "2686")
    assert nasrallah.schema is Schema.PERSON
    assert nasrallah.names == [
        Name("Hasan NASRALLAH"),
        Name("Hasan Abd-al-Karim NASRALLAH", NameKind.ALIAS),  # alt.csv
    ]
    assert nasrallah.birth_dates == ["1960-08-31", "1953-08-31", "1955-08-31", "1958-08-31"]
    assert nasrallah.birth_places == ["Al Basuriyah, Lebanon"]
    assert nasrallah.identifiers == [Identifier("passport", "042833", "lb")]
    assert nasrallah.addresses == [Address("Lebanon", "lb")]  # add.csv
    assert nasrallah.programs == ["SDGT", "SYRIA"]
    assert nasrallah.relations == [Relation(RelationKind.LINKED_TO, "HIZBALLAH")]  # dot dropped
    assert nasrallah.remarks == (
        "Additional Sanctions Information - Subject to Secondary Sanctions Pursuant to the "
        "Hizballah Financial Sanctions Regulations; Gender Male; Secretary General of Hizballah"
    )


def test_csv_and_xml_agree_on_the_same_entry(sdn: ParsedList) -> None:
    from_xml = entity(parse_cons(CONS_DIR / "consolidated.xml"), "9639")
    from_csv = entity(parse_cons(CONS_DIR), "9639")
    for field in ("schema", "names", "birth_dates", "birth_places", "identifiers", "relations"):
        assert getattr(from_csv, field) == getattr(from_xml, field), field
    assert set(from_csv.programs) == set(from_xml.programs)


def test_weak_alias_lives_in_the_remarks(sdn: ParsedList) -> None:
    # 306,"BANCO NACIONAL DE CUBA",...,"a.k.a. 'BNC'."  (strong aliases are in alt.csv)
    bank = entity(sdn, "306")
    assert bank.schema is Schema.ORGANIZATION  # SDN_Type "-0- "
    assert bank.names == [
        Name("BANCO NACIONAL DE CUBA"),
        Name("BNC", NameKind.WEAK_ALIAS),
        Name("NATIONAL BANK OF CUBA", NameKind.ALIAS),
    ]
    assert bank.remarks is None
    assert bank.addresses[0] == Address("Zweierstrasse 35, Zurich CH-8022, Switzerland", "ch")
    assert bank.countries == ["ch", "es", "jp", "pa"]


def test_final_dot_of_a_linked_name_is_kept(sdn: ParsedList) -> None:
    # "...; Linked To: DISTRIBUIDORA DE ELEMENTOS PARA LA CONSTRUCCION S.A." ends the remark
    assert [r.target for r in entity(sdn, "4358").relations] == [
        "AGROPECUARIA LA ROBLEDA S.A.",
        "GANADERIAS DEL VALLE S.A.",
        "INMOBILIARIA U.M.V. S.A.",
        "DISTRIBUIDORA DE ELEMENTOS PARA LA CONSTRUCCION S.A.",
    ]


def test_comments_file_continues_cut_remarks(sdn: ParsedList, cons: ParsedList) -> None:
    # sdn.csv's remark of 12300 stops at "Linked To: PROMO RAI"; sdn_comments.csv goes on "Z S.A.S."
    targets = [r.target for r in entity(sdn, "12300").relations]
    assert "PROMO RAIZ S.A.S." in targets and "PROMO RAI" not in targets
    assert targets[-1] == "R D I S.A."  # the continuation's own last link
    # cons_prim.csv cuts 17250 after "1027700070518 " (a space); cons_comments.csv: "(Russia); ..."
    assert Identifier("registration", "1027700070518", "ru", "Registration Number") in (
        entity(cons, "17250").identifiers
    )


def test_vessel_columns(sdn: ParsedList) -> None:
    # 4243,"SAND SWAN","vessel","CUBA",-0- ,"P3QG3","General Cargo","2595","1116","Cyprus",
    # "Sand & Swan Navigation Co. Ltd.","f.k.a. 'ANA I'."
    vessel = entity(sdn, "4243")
    assert vessel.schema is Schema.VESSEL
    assert vessel.names == [Name("SAND SWAN"), Name("ANA I", NameKind.FORMER)]
    assert vessel.identifiers == [Identifier("call_sign", "P3QG3")]
    assert vessel.countries == ["cy"]
    assert vessel.relations == [
        Relation(RelationKind.OWNED_BY, "Sand & Swan Navigation Co. Ltd.", note="vessel owner")
    ]
    assert vessel.remarks == "Vessel Type General Cargo; Tonnage 2595; GRT 1116; Vessel Flag Cyprus"


def test_every_linked_to_is_recovered(sdn: ParsedList) -> None:
    texts = b"".join((SDN_DIR / name).read_bytes() for name in ("sdn.csv", "sdn_comments.csv"))
    links = [r for e in sdn.entities for r in e.relations if r.kind is RelationKind.LINKED_TO]
    assert len(links) == texts.count(b"Linked To:") == 3408
    assert not any("Linked To" in (e.remarks or "") for e in sdn.entities)


# --- remark segments ------------------------------------------------------------------------------


def test_remark_segments_into_fields() -> None:
    facts = parse_remarks(
        "DOB circa 1965; alt. DOB 1970 to 1972; POB Tehran, Iran; nationality Korea, North; "
        "alt. citizen Syria; Passport 008827 (Iran) issued 1999 expires 2004; "
        "Vessel Registration Identification IMO 9187629; Digital Currency Address - XBT 1AbC; "
        "Former Vessel Flag Malta; a.k.a. 'SMITH, John'; f.k.a. 'DOE, Jane'; "
        "Gender Male; Linked To: ACME CO.",
        Schema.PERSON,
    )
    assert facts.birth_dates == ["1965", "1970", "1971", "1972"]
    assert facts.birth_places == ["Tehran, Iran"]
    assert facts.nationalities == ["kp", "sy"]
    assert facts.identifiers == [
        Identifier("passport", "008827", "ir", "issued 1999; expires 2004"),
        Identifier("imo", "9187629", None, "Vessel Registration Identification"),
        Identifier("crypto_wallet", "1AbC", None, "XBT"),
    ]
    assert facts.countries == ["mt"]
    assert facts.names == [
        Name("John SMITH", NameKind.WEAK_ALIAS),
        Name("Jane DOE", NameKind.FORMER),
    ]
    assert facts.linked_to == ["ACME CO."]  # an abbreviation keeps its dot
    assert facts.notes == ["Former Vessel Flag Malta", "Gender Male"]


def test_remark_final_dot_decided_by_known_names() -> None:
    known = frozenset({"ALPHA LTDA", "BETA S.A."})
    assert parse_remarks("Linked To: ALPHA LTDA.", Schema.PERSON, known).linked_to == ["ALPHA LTDA"]
    assert parse_remarks("Linked To: BETA S.A.", Schema.PERSON, known).linked_to == ["BETA S.A."]
    assert parse_remarks("Linked To: GAMMA.", Schema.PERSON, known).linked_to == ["GAMMA"]


def test_unreadable_remark_values_stay_as_text() -> None:
    facts = parse_remarks("DOB circa 1979-1982; nationality possibly Palestinian.", Schema.PERSON)
    assert facts.birth_dates == [] and facts.nationalities == []
    assert facts.notes == ["DOB circa 1979-1982", "nationality possibly Palestinian"]
    assert facts.unreadable == [
        ("date of birth", "circa 1979-1982"),
        ("nationality", "possibly Palestinian"),
    ]


# --- bad input ------------------------------------------------------------------------------------


def copy_set(tmp_path: Path) -> Path:
    target = tmp_path / "cons"
    target.mkdir()
    for name in CONS_FILES:
        shutil.copy(CONS_DIR / name, target / name)
    return target


def broken_set(tmp_path: Path, name: str, old: bytes, new: bytes) -> tuple[ListFormatError, int]:
    """Parse a copy of the set with ``old`` replaced once in file ``name``: its refusal, the line."""
    folder = copy_set(tmp_path)
    line = break_file(folder / name, old, new)
    return refused(parse_cons, folder, names=folder / name), line


def test_row_with_wrong_column_count(tmp_path: Path) -> None:
    error, line = broken_set(
        tmp_path, "cons_prim.csv", b'9641,"AL-SHANTI, Jamileh Abdullah",', b'9641,"AL-SHANTI", "X",'
    )
    main = tmp_path / "cons" / "cons_prim.csv"
    assert (error.path, error.location) == (str(main), f"line {line}")
    assert "expected 12 columns" in error.message and "found 13" in error.message


def test_ent_num_that_is_not_a_number(tmp_path: Path) -> None:
    error, line = broken_set(tmp_path, "cons_prim.csv", b"9641,", b"96A1,")
    assert error.location == f"line {line}"
    assert "ent_num '96A1' is not a number" in error.message


def test_bytes_not_valid_utf8(tmp_path: Path) -> None:
    error, line = broken_set(tmp_path, "cons_prim.csv", b"Jamileh", "Jamîleh".encode("latin-1"))
    assert error.location == f"line {line}"
    assert "0xee is not valid UTF-8" in error.message


def test_eof_marker_in_the_middle(tmp_path: Path) -> None:
    error, line = broken_set(tmp_path, "cons_prim.csv", b"9641,", b"\x1a\r\n9641,")
    assert error.location == f"line {line}"
    assert "end-of-file marker 0x1A before the end" in error.message


def test_missing_eof_marker_is_a_warning(tmp_path: Path, cons: ParsedList) -> None:
    folder = copy_set(tmp_path)
    main = folder / "cons_prim.csv"
    main.write_bytes(main.read_bytes().rstrip(b"\x1a"))
    parsed = parse_cons(folder)
    assert len(parsed.entities) == len(cons.entities)
    assert "cons_prim.csv has no 0x1A end-of-file marker: it may be cut short" in parsed.warnings


def test_bad_quoting(tmp_path: Path) -> None:
    error, line = broken_set(tmp_path, "cons_prim.csv", b'"NS-PLC",-0- ', b'"NS-PLC"x,-0- ')
    assert error.location == f"line {line}"
    assert "malformed CSV" in error.message


def test_duplicate_ent_num(tmp_path: Path) -> None:
    error, line = broken_set(tmp_path, "cons_prim.csv", b"9641,", b"9639,")
    assert error.location == f"line {line}"
    assert "ent_num 9639 appears twice" in error.message


def test_directory_without_the_main_file(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    (folder / "cons_prim.csv").unlink()
    error = refused(parse_cons, folder)
    assert error.path == str(folder) and error.location is None
    assert "no cons_prim.csv in this directory" in error.message


@pytest.mark.parametrize("content", [b"", b"\x1a"])
def test_empty_main_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    error = refused(parse_sdn, path)
    assert error.location == "line 1"
    assert "empty" in error.message or "no entries" in error.message


def test_companion_with_wrong_column_count_names_the_companion(tmp_path: Path) -> None:
    error, line = broken_set(
        tmp_path, "cons_alt.csv", b'9639,9150,"aka",', b'9639,9150,"aka",-0- ,'
    )
    alt = tmp_path / "cons" / "cons_alt.csv"
    assert (error.path, error.location) == (str(alt), f"line {line}")
    assert "expected 5 columns" in error.message


def test_companion_row_for_unknown_entry_is_a_warning(tmp_path: Path, cons: ParsedList) -> None:
    folder = copy_set(tmp_path)
    break_file(folder / "cons_add.csv", b"9639,", b"99999999,")
    parsed = parse_cons(folder)
    assert len(parsed.entities) == len(cons.entities)
    assert (
        "cons_add.csv: 1 row(s) refer to ent_num not in cons_prim.csv, ignored: 99999999"
        in parsed.warnings
    )


def test_missing_companion_is_a_warning(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    (folder / "cons_alt.csv").unlink()
    parsed = parse_cons(folder / "cons_prim.csv")
    assert "cons_alt.csv not found beside cons_prim.csv: strong aliases not loaded" in (
        parsed.warnings
    )
    assert entity(parsed, "9639").names == [Name("Ismail Abdul Salah HANIYA")]


def test_upper_case_file_names_as_ofac_ships_them(tmp_path: Path, cons: ParsedList) -> None:
    folder = copy_set(tmp_path)
    for name in CONS_FILES:
        (folder / name).rename(folder / name.upper())
    parsed = parse_cons(folder)
    assert [e.to_dict() for e in parsed.entities] == [e.to_dict() for e in cons.entities]


def test_the_other_lists_main_file_is_refused() -> None:
    error = refused(parse_sdn, CONS_DIR / "cons_prim.csv")
    assert "cons_prim.csv is the other OFAC list's file" in error.message
    refused(parse_cons, SDN_DIR / "sdn.csv")


def test_a_non_ofac_csv_is_refused_at_its_first_line() -> None:
    # the UK list's "Last Updated,13/04/2018" fails the layout before its cp1252 bytes (line 73)
    error = refused(parse_sdn, LISTS / "uk-ofsi-conlist" / "sanctionsconlist.csv")
    assert error.location == "line 1"
    assert "expected 12 columns" in error.message and "found 2" in error.message
