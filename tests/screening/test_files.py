"""Reading parties for screen-file and writing hits: every bad row is named, nothing half-read."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from aktsam.errors import InputError
from aktsam.lists.model import Schema
from aktsam.screening.files import (
    HIT_COLUMNS,
    iter_parties,
    parse_schema,
    read_pairs,
    read_parties,
    write_table,
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_reads_csv_with_optional_columns(tmp_path: Path) -> None:
    src = write(
        tmp_path / "parties.csv",
        "id,name,schema,country,birth_date\n"
        "c1,Hangzhou Hikvision Digital Technology Co Ltd,organization,China,\n"
        "c2,Vladimir Putin,person,RU,1952-10-07\n"
        "\n"
        "c3,Axis Communications AB,,SE;NO,\n",
    )
    parties = read_parties(src)
    assert [p.id for p in parties] == ["c1", "c2", "c3"]
    assert parties[0].schema is Schema.ORGANIZATION and parties[0].countries == ("cn",)
    assert parties[1].birth_date == "1952-10-07" and parties[1].row == 3
    assert parties[2].schema is None and parties[2].countries == ("se", "no")


def test_column_mapping_and_semicolon_delimiter(tmp_path: Path) -> None:
    src = write(tmp_path / "erp.csv", "Kundennr;Firma\n1001;Dahua Technology\n")
    parties = read_parties(src, {"id": "Kundennr", "name": "Firma"})
    assert parties[0].id == "1001" and parties[0].name == "Dahua Technology"


@pytest.mark.parametrize(
    ("body", "row", "field", "words"),
    [
        ("id,name\nc1,\n", 2, "name", "empty name"),
        ("id,name\n,Acme\n", 2, "id", "empty id"),
        ("id,name,schema\nc1,Acme,robot\n", 2, "schema", "unknown schema"),
        ("id,name,country\nc1,Acme,Atlantis\n", 2, "country", "unknown country"),
        ("id,name,birth_date\nc1,Acme,07/10/1952\n", 2, "birth_date", "is not YYYY"),
        ("id,name\nc1,Acme\nc1,Other\n", 3, "id", "already used on row 2"),
        ("id,name\nc1,Acme,extra\n", 2, None, "3 values"),
    ],
)
def test_bad_rows_name_file_row_and_field(
    tmp_path: Path, body: str, row: int, field: str | None, words: str
) -> None:
    src = write(tmp_path / "bad.csv", body)
    with pytest.raises(InputError) as info:
        read_parties(src)
    assert info.value.file == str(src) and info.value.row == row and info.value.field == field
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("value", "schema"),
    [
        ("Person", Schema.PERSON),
        ("Company", Schema.ORGANIZATION),
        ("Organization", Schema.ORGANIZATION),
        ("PublicBody", Schema.ORGANIZATION),
        ("legalentity", None),
        ("LegalEntity", None),
        ("Vessel", Schema.VESSEL),
        ("Airplane", Schema.AIRCRAFT),
    ],
)
def test_followthemoney_schema_names_are_accepted(
    tmp_path: Path, value: str, schema: Schema | None
) -> None:
    """FtM is the ecosystem's vocabulary: an export from yente or OpenSanctions names its schemata so.
    ``LegalEntity`` may be a person or an organisation, so it screens as "any"."""
    src = write(tmp_path / "ftm.csv", f"id,name,schema\nc1,Acme,{value}\n")
    assert read_parties(src)[0].schema is schema
    pairs = write(tmp_path / "pairs.csv", f"name1,name2,schema\nAcme,Acme Ltd,{value}\n")
    assert parse_schema(read_pairs(pairs)[0][1]["schema"]) is schema


def test_a_followthemoney_schema_that_is_not_a_party_is_refused(tmp_path: Path) -> None:
    src = write(tmp_path / "ftm.csv", "id,name,schema\nc1,Acme,Address\n")
    with pytest.raises(InputError, match="unknown schema 'Address'") as info:
        read_parties(src)
    assert info.value.row == 2 and info.value.field == "schema"


def test_missing_name_column_says_how_to_map(tmp_path: Path) -> None:
    src = write(tmp_path / "x.csv", "id,customer\n1,Acme\n")
    with pytest.raises(InputError, match="--name-column"):
        read_parties(src)


def test_non_utf8_is_refused_with_line(tmp_path: Path) -> None:
    src = tmp_path / "latin1.csv"
    src.write_bytes("id,name\n1,Acme\n2,Sécurité SA\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_parties(src)
    assert info.value.row == 3 and "UTF-8" in str(info.value)


def test_reads_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "country"])
    sheet.append([42, "Zhejiang Dahua Technology", "CN"])
    book.save(tmp_path / "p.xlsx")
    [party] = read_parties(tmp_path / "p.xlsx")
    assert party.id == "42" and party.countries == ("cn",)


def test_pairs_require_both_names(tmp_path: Path) -> None:
    src = write(tmp_path / "pairs.csv", "name1,name2\nHikvision,\n")
    with pytest.raises(InputError) as info:
        read_pairs(src)
    assert info.value.row == 2 and info.value.field == "name2"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
def test_write_table_round_trips(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"hits{suffix}"
    rows = [{"query_id": "c1", "score": 0.93, "entity_name": "杭州海康威视"}]
    assert write_table(out, HIT_COLUMNS, rows) == 1
    if suffix == ".csv":
        with out.open(encoding="utf-8") as handle:
            got = list(csv.DictReader(handle))
        assert got[0]["entity_name"] == "杭州海康威视" and got[0]["score"] == "0.93"
    elif suffix == ".json":
        assert json.loads(out.read_text(encoding="utf-8"))[0]["score"] == 0.93
    else:
        sheet = load_workbook(out).active
        assert sheet is not None
        assert sheet.cell(row=2, column=2).value == 0.93
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_quoted_field_with_doubled_quotes_is_read_whole(tmp_path: Path) -> None:
    # RFC 4180: the sniffer saw no doubled quote in the first rows and turned them off, splitting a
    # valid field into six values ("6 values but the header has 3 columns")
    rows = [f"C-{i},Company {i} Ltd,organization" for i in range(300)]
    rows.append('C-300,"""STRELA"" MCKENZIE, of CO.,",person')
    path = tmp_path / "parties.csv"
    path.write_text("id,name,schema\n" + "\n".join(rows) + "\n", encoding="utf-8")
    parties = read_parties(path)
    assert parties[-1].name == '"STRELA" MCKENZIE, of CO.,' and parties[-1].row == 302


def test_parties_are_read_as_they_are_consumed(tmp_path: Path) -> None:
    path = tmp_path / "parties.csv"
    path.write_text("id,name\nA,Alpha\nA,Again\n", encoding="utf-8")
    parties = iter_parties(path)
    assert next(parties).name == "Alpha"  # the bad row is only reached later
    with pytest.raises(InputError, match="already used on row 2"):
        next(parties)
