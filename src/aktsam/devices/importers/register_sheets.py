"""An asset register's cells, row by row, from CSV or XLSX, with the row numbers the user sees.

CSV is decoded with the lists' text reader (``aktsam.lists.parsers.textfile``): UTF-8 with or
without Excel's BOM, a byte that does not decode refuses the file at its line (re-reading it as
Windows-1252 would silently garble names), and a quote the file never closes (a truncated
export) refuses it too. The delimiter (``,`` ``;`` tab ``|``) is sniffed: Excel in most of
Europe saves CSV with ``;``.

XLSX: the first sheet only (a register with one sheet per site is read one export at a time).
It is read with openpyxl twice: once for the values Excel saved for formulas (``data_only``),
once to see which cells hold a formula, so a formula whose value was never saved (a file
written by a script and not opened in Excel since) is reported instead of read as empty. A
merged cell's value is given to every cell it covers: a site name merged down twenty rows
belongs to all twenty devices, and a header merged across two columns names both.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from aktsam.devices.importers.xmlfile import as_input_error
from aktsam.errors import InputError
from aktsam.lists.parsers.textfile import csv_records, decode_utf8, read_bytes

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(slots=True)
class Sheet:
    """The cells of a register as text, with each row's number as a spreadsheet or editor shows it."""

    rows: list[tuple[int, list[str]]]
    #: (row, column index) of formula cells that have no saved value
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)


def read_sheet(path: Path) -> Sheet:
    """The register's rows (XLSX by extension, anything else as CSV); unreadable → InputError."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path)
    return _read_csv(path)


def _read_csv(path: Path) -> Sheet:
    with as_input_error(path):
        raw = read_bytes(path)
        text = decode_utf8(path, raw, "is not UTF-8 (save the register as CSV UTF-8)")
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
        return Sheet(rows=list(csv_records(path, text, delimiter)))


def _read_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook  # imported here: only XLSX users pay for it

    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged or foreign file
        raise InputError(f"cannot read as XLSX: {error}", file=str(path)) from None
    sheet, formula_sheet = values.worksheets[0], formulas.worksheets[0]
    merged: dict[tuple[int, int], Any] = {}
    for cell_range in sheet.merged_cells.ranges:
        top_left = sheet.cell(cell_range.min_row, cell_range.min_col).value
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for column in range(cell_range.min_col, cell_range.max_col + 1):
                merged[(row, column)] = top_left
    result = Sheet(rows=[])
    for row_cells, formula_cells in zip(sheet.iter_rows(), formula_sheet.iter_rows(), strict=False):
        if not row_cells:
            continue
        number = row_cells[0].row
        texts: list[str] = []
        for index, (cell, formula_cell) in enumerate(zip(row_cells, formula_cells, strict=False)):
            value = merged.get((number, index + 1), cell.value)
            formula = formula_cell.value
            if value is None and isinstance(formula, str) and formula.startswith("="):
                result.unsaved_formulas.add((number, index))
            texts.append(cell_text(value))
        if not any(cell_text(cell.value) for cell in row_cells):
            texts = [""] * len(texts)  # a merged value passing through a blank row is no data
        result.rows.append((number, texts))
    values.close()
    formulas.close()
    return result


def cell_text(value: Any) -> str:
    """A cell as text: dates as ISO, whole numbers without ``.0``, nothing as ``""``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def nonblank(rows: list[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """The rows with at least one non-blank cell: blank rows are layout, not data."""
    return ((n, cells) for n, cells in rows if any(c.strip() for c in cells))
