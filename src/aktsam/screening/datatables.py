"""Loading the screening reference tables (``screening/data/*.csv``) with their provenance enforced.

Every row of every table must say where it comes from (``source``) and when it was compiled
(``date``): matching decisions are explained from these tables, and a row nobody can trace back is a
liability in a compliance review. The loader therefore refuses a whole file when any row lacks
either, naming the file and the row (as a spreadsheet shows it: header = row 1), instead of silently
skipping the row.

Lines starting with ``#`` are comments (for notes inside the file); blank lines are ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from aktsam.errors import AktsamError

PROVENANCE_COLUMNS: tuple[str, ...] = ("source", "date")
#: Key added to every row: its line number in the file, for errors about the row's content.
LINE = "_line"


class DataFileError(AktsamError):
    """A bundled reference table is malformed: a missing column, or a row without source or date."""

    def __init__(self, file: str, row: int | None, message: str) -> None:
        self.file, self.row, self.message = file, row, message
        where = f"{file}: row {row}" if row is not None else file
        super().__init__(f"{where}: {message}")


def parse_table(
    text: str, name: str, columns: Sequence[str], *, optional: Sequence[str] = ()
) -> list[dict[str, str]]:
    """Rows of CSV ``text`` as dicts; every column in ``columns`` plus ``source``/``date`` is
    required.

    ``name`` is used in error messages only. Values are stripped; ``optional`` columns may be absent
    from the header (they read as ``""``) and may be empty. Each row also carries its line number
    under :data:`LINE`, so a loader that finds a bad value can name the row too.
    """
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header: list[str] | None = None
    out: list[dict[str, str]] = []
    required = [*columns, *PROVENANCE_COLUMNS]
    # Row numbers count physical lines of the file, comments included, so an error points at the
    # line.
    physical = [
        i + 1 for i, line in enumerate(text.splitlines()) if not line.lstrip().startswith("#")
    ]
    for index, raw in enumerate(reader):
        row_number = physical[index] if index < len(physical) else index + 1
        if not raw or all(not cell.strip() for cell in raw):
            continue
        cells = [cell.strip() for cell in raw]
        if header is None:
            header = cells
            missing = [c for c in required if c not in header]
            if missing:
                raise DataFileError(
                    name, row_number, f"header lacks column(s) {', '.join(missing)}"
                )
            continue
        if len(cells) > len(header):
            raise DataFileError(name, row_number, f"{len(cells)} cells but {len(header)} columns")
        row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        for column in optional:
            row.setdefault(column, "")
        for column in required:
            if not row.get(column):
                raise DataFileError(name, row_number, f"missing {column!r}")
        row[LINE] = str(row_number)
        out.append(row)
    if header is None:
        raise DataFileError(name, None, "empty file (no header)")
    return out


def load_table(
    filename: str, columns: Sequence[str], *, optional: Sequence[str] = ()
) -> list[dict[str, str]]:
    """Rows of the bundled table ``screening/data/<filename>`` (see :func:`parse_table`)."""
    ref = resources.files("aktsam.screening").joinpath("data", filename)
    text = ref.read_text(encoding="utf-8")
    return parse_table(text, f"screening/data/{filename}", columns, optional=optional)


def load_table_path(
    path: Path, columns: Sequence[str], *, optional: Sequence[str] = ()
) -> list[dict[str, str]]:
    """Rows of a table at ``path`` (used by tests and by callers supplying their own tables)."""
    return parse_table(path.read_text(encoding="utf-8"), str(path), columns, optional=optional)
