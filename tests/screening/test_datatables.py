"""The screening reference tables: every row sourced and dated, bad files refused with file and row named."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from aktsam.errors import AktsamError
from aktsam.screening import chinese, names, translit
from aktsam.screening.datatables import (
    LINE,
    DataFileError,
    load_table,
    load_table_path,
    parse_table,
)

DATA = resources.files("aktsam.screening").joinpath("data")
TABLES = {
    "abbreviations.csv": ("abbr", "expansion"),
    "arabic_names.csv": ("arabic", "latin"),
    "cyrillic_latin.csv": ("letter", "latin"),
    "ko_surnames.csv": ("surname", "latin"),
    "romanisation.csv": ("spelling", "key", "letter", "systems"),
    "legal_forms.csv": ("alias", "code", "position"),
    "titles.csv": ("title",),
    "zh_surnames.csv": ("surname", "pinyin"),
    "zh_terms.csv": ("term", "english", "kind"),
}


def test_row_without_source_is_refused_naming_file_and_row() -> None:
    text = "abbr,expansion,source,date\nintl,international,Common usage,2026-11-25\ntech,technology,,2026-11-25\n"
    with pytest.raises(DataFileError) as caught:
        parse_table(text, "abbreviations.csv", ("abbr", "expansion"))
    assert (caught.value.file, caught.value.row) == ("abbreviations.csv", 3)
    assert str(caught.value) == "abbreviations.csv: row 3: missing 'source'"
    assert isinstance(caught.value, AktsamError)


def test_row_without_date_is_refused_also_when_the_cell_is_absent() -> None:
    text = "# comment line\nabbr,expansion,source,date\ngrp,group,Common usage\n"
    with pytest.raises(DataFileError, match=r"^t\.csv: row 3: missing 'date'$"):
        parse_table(text, "t.csv", ("abbr", "expansion"))


def test_header_without_provenance_columns_is_refused() -> None:
    with pytest.raises(DataFileError, match=r"header lacks column\(s\) source, date"):
        parse_table("abbr,expansion\nintl,international\n", "t.csv", ("abbr", "expansion"))


def test_missing_required_value_and_extra_cells_are_refused() -> None:
    with pytest.raises(DataFileError, match="row 2: missing 'expansion'"):
        parse_table("abbr,expansion,source,date\nintl,,S,2026\n", "t.csv", ("abbr", "expansion"))
    with pytest.raises(DataFileError, match="row 2: 5 cells but 4 columns"):
        parse_table("abbr,expansion,source,date\na,b,S,2026,x\n", "t.csv", ("abbr", "expansion"))


def test_empty_file_is_refused() -> None:
    with pytest.raises(DataFileError, match="empty file"):
        parse_table("# only a comment\n", "t.csv", ("abbr",))


def test_good_rows_are_read_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "# note\nabbr,expansion,source,date\n\nintl, international ,Common usage,2026-11-25\n",
        encoding="utf-8",
    )
    rows = load_table_path(path, ("abbr", "expansion"))
    assert rows == [
        {
            "abbr": "intl",
            "expansion": "international",
            "source": "Common usage",
            "date": "2026-11-25",
            LINE: "4",
        }
    ]


def test_optional_column_may_be_empty_or_absent() -> None:
    rows = parse_table("a,source,date\nx,S,2026\n", "t.csv", ("a",), optional=("b",))
    assert rows[0]["b"] == ""


@pytest.mark.parametrize(("filename", "columns"), sorted(TABLES.items()))
def test_every_bundled_table_is_sourced_and_dated(filename: str, columns: tuple[str, ...]) -> None:
    rows = load_table(filename, columns, optional=("class",))
    assert rows
    for row in rows:
        assert row["source"].strip() and row["date"].strip()


def test_provenance_describes_every_table() -> None:
    csvs = {p.name for p in DATA.iterdir() if p.name.endswith(".csv")}
    assert set(TABLES) <= csvs
    provenance = DATA.joinpath("PROVENANCE.md").read_text(encoding="utf-8")
    for filename in sorted(TABLES):
        assert f"## `{filename}`" in provenance, filename


def test_tables_load_through_their_users() -> None:
    # Loading resolves cross-references: every zh_terms legal form must be in a legal-form table.
    assert chinese.tables().terms["股份有限公司"].legal is not None
    assert names.abbreviations()["intl"] == [(("intl",), ("international",))]
    assert "dr" in names.titles()
    assert translit.arabic_table()["محمد"] == ("mohammad",)
    assert translit.korean_surnames()["김"] == "kim"
