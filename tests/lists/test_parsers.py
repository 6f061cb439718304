"""What every parser promises (aktsam.lists.parsers): a fault in the file is a ListFormatError.

The file-level plumbing is shared (parsers/textfile.py, parsers/xmlstream.py), so these faults are
refused alike whatever the source.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aktsam.lists.parsers import SOURCES, get_parser
from tests.lists.conftest import FIXTURES, LISTS, refused

CSL = LISTS / "us-csl" / "consolidated.csv"


@pytest.mark.parametrize("source", SOURCES)
def test_missing_file_is_refused_by_name(tmp_path: Path, source: str) -> None:
    error = refused(get_parser(source), tmp_path / "absent.xml")
    assert error.location is None
    assert "no such file" in error.message.lower()


@pytest.mark.parametrize("source", [s for s in SOURCES if not s.startswith("ofac-")])
def test_directory_is_refused_by_name(tmp_path: Path, source: str) -> None:
    # (OFAC reads a directory as a legacy CSV set: tests/lists/test_ofac_csv.py)
    error = refused(get_parser(source), tmp_path)
    assert error.location is None
    assert error.message.startswith("cannot read the file: ")


def test_download_cut_inside_a_quoted_cell_is_refused(tmp_path: Path) -> None:
    # the cut leaves row 9 with all its 29 cells, the last one (ids) short: read leniently, the file
    # gave 8 entries and a truncated passport list without a word
    lines = CSL.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "consolidated.csv"
    path.write_text("".join(lines[:8]) + lines[8][: lines[8].index("JO, 2014")], encoding="utf-8")
    error = refused(get_parser("us-csl"), path)
    assert (error.location, error.message) == ("line 9", "not CSV: unexpected end of data")


@pytest.mark.parametrize(
    ("source", "original"),
    [
        ("uk-hmt", FIXTURES / "uk_conlist_2022.csv"),
        ("uk-hmt", FIXTURES / "uk_sanctions_list.csv"),
        ("us-csl", CSL),
    ],
    ids=["ofsi", "fcdo", "csl"],
)
def test_text_after_a_closing_quote_is_refused(tmp_path: Path, source: str, original: Path) -> None:
    # '"Khairkhana Section, Number 3" Kabul,' keeps the row's cell count: read leniently, it gave
    # one cell 'Khairkhana Section, Number 3 Kabul' and a lost or stray quote went unseen
    lines = original.read_bytes().splitlines(keepends=True)
    assert b'",' in lines[2]
    lines[2] = lines[2].replace(b'",', b'" Kabul,', 1)
    path = tmp_path / original.name
    path.write_bytes(b"".join(lines))
    error = refused(get_parser(source), path)
    assert (error.location, error.message) == ("line 3", "not CSV: ',' expected after '\"'")
