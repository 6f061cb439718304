"""Reading the bundled reference tables (``devices/data/*.csv``): every row must say where it comes from.

House rule (STYLE.md, "reference data as data"): each row carries a ``source`` and a ``date``; a row missing
either is refused with the file and the row number (as a spreadsheet shows it: header = row 1), so a gap is
fixed in the data instead of being papered over in code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from aktsam.errors import AktsamError

DATA_DIR = Path(__file__).resolve().parent / "data"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReferenceDataError(AktsamError):
    """A bundled reference table has a bad row: names the file, the row and the field."""

    def __init__(self, file: Path | str, row: int | None, field: str | None, message: str) -> None:
        self.file, self.row, self.field, self.message = str(file), row, field, message
        parts = [self.file]
        if row is not None:
            parts.append(f"row {row}")
        if field:
            parts.append(f"field {field!r}")
        super().__init__(f"{': '.join(parts)}: {message}")


@dataclass(frozen=True, slots=True)
class Row:
    """One data row with its position, so later checks (unknown maker id, bad regex) can point at it."""

    file: str
    number: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def error(self, column: str | None, message: str) -> ReferenceDataError:
        return ReferenceDataError(self.file, self.number, column, message)


def read_table(path: Path, required: Iterable[str]) -> list[Row]:
    """Rows of ``path``; ``source`` and ``date`` (ISO) are always required, plus ``required`` columns."""
    needed = ["source", "date", *required]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in needed if c not in header]
        if missing:
            raise ReferenceDataError(path, 1, None, f"missing column(s) {', '.join(missing)}")
        rows: list[Row] = []
        for number, raw in enumerate(reader, start=2):
            values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
            row = Row(str(path), number, values)
            for column in needed:
                if not values.get(column):
                    raise row.error(column, f"empty {column}: every row needs a {column}")
            if not _ISO_DATE.match(values["date"]):
                raise row.error("date", f"date {values['date']!r} is not YYYY-MM-DD")
            rows.append(row)
    return rows
