"""A user's own watchlist CSV: mapped columns, sniffed delimiters, derived ids, refusals."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from aktsam.errors import ListFormatError
from aktsam.lists.model import Name, NameKind, Schema
from aktsam.lists.parsers import get_parser, watchlist
from tests.lists.conftest import refused


def write(tmp_path: Path, text: str, *, name: str = "watchlist.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


DEFAULT = (
    "id,name,schema,country,birth_date,aliases,program,remarks\n"
    "w1,Hangzhou Hikvision Digital Technology Co Ltd,organization,China,,"
    "Hikvision;海康威视,Internal ban,Refused supplier 2023\n"
    'w2,Vladimir Putin,person,RU,1952-10-07,"Putin, Vladimir Vladimirovich",,\n'
    "\n"
    "w3,Axis Communications AB,,SE;NO,,,,\n"
)


def test_default_columns(tmp_path: Path) -> None:
    parsed = watchlist.parse(write(tmp_path, DEFAULT))
    assert parsed.source == "csv"
    assert parsed.published is None
    assert parsed.warnings == []
    assert parsed.counts() == {"total": 3, "organization": 1, "person": 1, "unknown": 1}
    hikvision, putin, axis = parsed.entities
    assert hikvision.id == "csv:w1"
    assert hikvision.schema is Schema.ORGANIZATION
    assert hikvision.names == [
        Name("Hangzhou Hikvision Digital Technology Co Ltd", NameKind.PRIMARY),
        Name("Hikvision", NameKind.ALIAS),
        Name("海康威视", NameKind.ORIGINAL_SCRIPT),
    ]
    assert hikvision.countries == ["cn"]
    assert hikvision.programs == ["Internal ban"]
    assert hikvision.remarks == "Refused supplier 2023"
    assert putin.birth_dates == ["1952-10-07"]
    assert putin.countries == ["ru"]
    assert putin.names[1] == Name("Putin, Vladimir Vladimirovich", NameKind.ALIAS)
    assert axis.schema is Schema.UNKNOWN
    assert axis.countries == ["se", "no"]
    assert get_parser("csv") is watchlist.parse


def test_mapped_columns_semicolon_delimiter_and_bom(tmp_path: Path) -> None:
    text = (
        "Kunde;Typ;Land;Geburtsdatum;Weitere Namen\n"
        "Dahua Technology;company;CN;;Zhejiang Dahua\n"
        "Max Mustermann;Individual;Germany;1970;\n"
        "Erika Mustermann;person;DE;12/08/1964;\n"
    )
    columns = {
        "name": "Kunde",
        "schema": "typ",  # header matching ignores case
        "country": "Land",
        "birth_date": "Geburtsdatum",
        "aliases": "Weitere Namen",
    }
    parsed = watchlist.parse_watchlist(write(tmp_path, text, bom=True), columns)
    dahua, max_, erika = parsed.entities
    assert dahua.names == [
        Name("Dahua Technology", NameKind.PRIMARY),
        Name("Zhejiang Dahua", NameKind.ALIAS),
    ]
    assert dahua.schema is Schema.ORGANIZATION
    assert max_.schema is Schema.PERSON
    assert max_.countries == ["de"]
    assert max_.birth_dates == ["1970"]
    assert erika.birth_dates == ["1964-08-12"]  # dd/mm/yyyy
    # no id column: derived from name and schema, stable between runs
    assert dahua.source_id.startswith("h-") and len(dahua.source_id) == 18
    again = watchlist.parse_watchlist(write(tmp_path, text, name="again.csv"), columns)
    assert [e.id for e in again.entities] == [e.id for e in parsed.entities]


def test_unreadable_partial_date_is_refused(tmp_path: Path) -> None:
    # "00/00/1970" is the UK list convention, not a date a user's file may rely on
    text = "name,birth_date\nMax Mustermann,00/00/1970\n"
    assert error(write(tmp_path, text)).location == "line 2, field 'birth_date'"


def test_explicit_delimiter_and_tab(tmp_path: Path) -> None:
    text = "name\tcountry\nACME Trading\tAE\n"
    parsed = watchlist.parse_watchlist(write(tmp_path, text), delimiter="\t")
    assert parsed.entities[0].countries == ["ae"]
    assert watchlist.parse(write(tmp_path, text, name="sniffed.csv")).entities == parsed.entities


def test_derived_id_ignores_case_and_spacing(tmp_path: Path) -> None:
    first = watchlist.parse(write(tmp_path, "name,schema\nACME  Trading,company\n"))
    second = watchlist.parse(write(tmp_path, "name,schema\nacme trading,Organization\n", name="b"))
    assert first.entities[0].source_id == second.entities[0].source_id
    third = watchlist.parse(write(tmp_path, "name,schema\nacme trading,person\n", name="c"))
    assert third.entities[0].source_id != first.entities[0].source_id


def test_header_only_is_an_empty_watchlist(tmp_path: Path) -> None:
    parsed = watchlist.parse(write(tmp_path, "id,name\n"))
    assert parsed.entities == []
    assert parsed.warnings == ["the watchlist has a header but no entries"]


# --- bad input -----------------------------------------------------------------------------------


def error(path: Path, columns: dict[str, str] | None = None) -> ListFormatError:
    return refused(partial(watchlist.parse_watchlist, columns=columns), path)


def test_missing_name_column_and_missing_mapped_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "id,full_name\n1,ACME\n")
    assert error(path).location == "line 1"
    assert error(path).message == "missing columns: 'name'"
    mapped = error(path, {"name": "full_name", "country": "Land", "aliases": "AKA"})
    assert mapped.message == "missing columns: 'Land', 'AKA'"
    unknown = error(path, {"nom": "full_name"})
    assert "unknown fields in the column mapping: nom" in unknown.message


def test_wrong_column_count(tmp_path: Path) -> None:
    failure = error(write(tmp_path, "id,name\n1,ACME\n2,Beta,extra\n"))
    assert failure.location == "line 3"
    assert failure.message == "row has 3 cells, the header has 2"


def test_unknown_schema_and_country(tmp_path: Path) -> None:
    failure = error(write(tmp_path, "name,schema\nACME,spaceship\n"))
    assert failure.location == "line 2, field 'schema'"
    assert "'spaceship'" in failure.message
    failure = error(write(tmp_path, "name,country\nACME,Atlantis\n", name="b.csv"))
    assert failure.location == "line 2, field 'country'"


def test_empty_name_and_duplicate_ids(tmp_path: Path) -> None:
    assert error(write(tmp_path, "id,name\n1, \n")).location == "line 2, field 'name'"
    failure = error(write(tmp_path, "id,name\n1,ACME\n1,Beta\n", name="b.csv"))
    assert failure.location == "line 3, field 'id'"
    assert "already used on line 2" in failure.message
    failure = error(write(tmp_path, "name\nACME\nacme\n", name="c.csv"))
    assert "give the rows ids" in failure.message


def test_undecodable_bytes_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nACME\nMüller GmbH\n".encode("latin-1"))
    failure = error(path)
    assert failure.location == "line 3"
    assert "0xfc is not UTF-8" in failure.message
    assert "empty" in error(write(tmp_path, "", name="empty.csv")).message
    assert "empty" in error(write(tmp_path, "\n\n", bom=True, name="blank.csv")).message
    assert "empty" in error(write(tmp_path, " , \n", name="commas.csv")).message
