"""A list file's bytes and text: read whole or refused whole, with the line an editor shows.

The CSV and JSON-lines parsers (OFSI and FCDO CSV, the trade.gov CSL, FollowTheMoney, a user's
watchlist) read their files through here, because the ways a text file goes wrong do not depend
on its publisher (OFAC's legacy CSV set decodes line by line itself, see ``ofac_csv``):

* **Encoding lies.** A list is published in UTF-8, but a copy re-saved by a spreadsheet is
  Windows-1252, and a download cut inside a character ends in half of one. Decoding with
  ``errors="replace"`` would turn ``Müller`` into ``M�ller`` and the name would no longer match, so
  a byte that does not decode refuses the file, naming the byte and its line. Only the legacy OFSI
  list, which *was* Windows-1252, falls back to it (:func:`decode_utf8_or_cp1252`), and only when
  nothing before the bad byte was UTF-8.
* **BOM.** Excel writes a UTF-8 byte-order mark; it is dropped, so that it never becomes part of
  the first column's name.
* **Line numbers** are the 1-based lines a text editor shows (a spreadsheet's row numbers agree
  until a quoted cell holds a line break); a CSV record spanning lines is reported at the line it
  starts on, and a decoding error at the line of the bad byte (counting ``\\n`` before it).
* **Truncation** shows up as a last row with too few cells or a quoted cell that never closes
  (``csv`` strict mode: "unexpected end of data"); both are refused, never read as a shorter list.
* **Unreadable files** (missing, a directory, no permission) are a :class:`ListFormatError` with the
  system's reason, like every other refusal, not an ``OSError`` escaping the parser.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from aktsam.errors import ListFormatError


def read_bytes(path: Path) -> bytes:
    """The whole file; an unreadable one is a :class:`ListFormatError` naming the system's reason."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error}") from None


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes (fewer for a shorter file), to tell a format by, unreadable refused."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error}") from None


def line_of(raw: bytes, offset: int) -> int:
    """The 1-based line that holds byte ``offset`` of ``raw``."""
    return raw.count(b"\n", 0, offset) + 1


def decode_utf8(path: Path, raw: bytes, problem: str = "is not UTF-8") -> str:
    """``raw`` as UTF-8 without its BOM; a blank file or a byte that does not decode is refused.

    The refusal reads ``byte 0xe9 <problem>`` at the byte's line; ``problem`` says what the user
    should know about this format (``"is not UTF-8 (save the watchlist as UTF-8)"``).
    """
    if not raw.strip():
        raise ListFormatError(path, None, "the file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"byte 0x{raw[error.start]:02x} {problem}"
        raise ListFormatError(path, f"line {line_of(raw, error.start)}", message) from None


def decode_utf8_or_cp1252(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM) if it is UTF-8, else Windows-1252 (legacy OFSI files).

    A file that is UTF-8 up to a bad byte (it already holds multi-byte UTF-8 characters) is refused
    rather than re-read as Windows-1252, which would silently garble every non-ASCII name in it.
    """
    if not raw.strip():
        raise ListFormatError(path, None, "the file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if any(byte >= 0x80 for byte in raw[: error.start]):
            message = f"byte 0x{raw[error.start]:02x} is not UTF-8"
            raise ListFormatError(path, f"line {line_of(raw, error.start)}", message) from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ListFormatError(
            path,
            f"line {line_of(raw, error.start)}",
            f"byte 0x{raw[error.start]:02x} is neither UTF-8 nor Windows-1252",
        ) from None


def csv_records(path: Path, text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Every CSV record of ``text``, blank ones included, with the line it starts on.

    Read in ``csv`` strict mode: a stray quote (``"a"b``) or a quoted cell the file cuts off is
    refused at the record's line as ``not CSV: …`` instead of being read as some other value.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ListFormatError(path, f"line {start}", f"not CSV: {error}") from None
        yield start, cells
        start = reader.line_num + 1


def check_unique_columns(path: Path, header: list[str], line: int) -> None:
    """Refuse a header that names a column twice: which of the two a value is read from is arbitrary."""
    duplicates = sorted(name for name, count in Counter(header).items() if count > 1 and name)
    if duplicates:
        raise ListFormatError(path, f"line {line}", f"duplicate columns: {', '.join(duplicates)}")


def csv_rows(
    path: Path, records: Iterator[tuple[int, list[str]]], header: list[str]
) -> Iterator[tuple[int, list[str]]]:
    """The rows of ``records`` that have a non-blank cell, each with exactly the header's cell count.

    A row with another count is refused: a stray delimiter would shift its values into the wrong
    columns, and a file cut inside the row would leave the last ones empty.
    """
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise ListFormatError(
                path, f"line {line}", f"row has {len(cells)} cells, the header has {len(header)}"
            )
        yield line, cells
