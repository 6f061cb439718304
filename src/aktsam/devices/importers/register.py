"""Asset registers (CSV or XLSX): one :class:`DeviceRecord` per data row.

The header is the first row in which at least two cells name known columns
(:mod:`register_columns`), so a title row, a logo row or a blank row above it does no harm; rows
are numbered as the spreadsheet (or a text editor, for CSV) shows them.

What is wrong with a value is reported, and what is right is kept:

* an unknown column is kept verbatim in ``extra`` and reported once, as a warning (the survey's
  organisation, sector and quantity columns, ``register_columns.PASSTHROUGH``, are kept in
  ``extra`` too, but known: they help find the header and are not reported);
* a MAC, IP, date or price that cannot be read is a **warning**: the value is dropped and the
  row kept, because a bad MAC must not hide the Hikvision model in the same row;
* a serial number seen before is a warning on the second row, naming the first (two rows for
  one device, or a copy-paste error: the user decides which);
* a row with no device-describing value left (no asset id, brand, model, serial, MAC, IP,
  hostname, firmware or type) is an **error**: it is skipped and counted;
* a CSV row with more cells than the header is an error: its values would land in the wrong
  columns; fewer cells are read as empty trailing cells;
* blank rows are layout, skipped without being counted.

``rows_read`` counts the non-blank rows below the header, so ``rows_read == records + errors``.
A file that cannot be read at all (missing, not UTF-8, not XLSX, no header row) raises
:class:`InputError` naming the file and, where known, the row.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Mapping
from pathlib import Path

from aktsam.devices.importers.register_columns import (
    SYNONYMS,
    field_for,
    header_key,
    passthrough_for,
)
from aktsam.devices.importers.register_sheets import Sheet, nonblank, read_sheet
from aktsam.devices.importers.register_values import parse_date, parse_price
from aktsam.devices.macs import check_mac
from aktsam.devices.model import DeviceRecord, ImportIssue, ImportResult, Origin
from aktsam.errors import InputError

KIND = "register"
HEADER_SEARCH_ROWS = 20  # a title block taller than this is not a header problem we can guess at
_DESCRIBING = (
    "device_id", "brand", "model", "serial", "mac", "ip", "hostname", "firmware", "device_type",
)  # fmt: skip


class _Columns:
    """Which column index feeds which field, and which columns go to ``extra``."""

    def __init__(self, header: list[str], mapping: Mapping[str, str]) -> None:
        self.fields: dict[str, int] = {}
        self.extra: list[tuple[int, str]] = []
        self.price_currency: str | None = None
        self.duplicates: list[str] = []
        self.passthrough: set[int] = set()  # extra columns another command reads (not unknown)
        explicit = {header_key(name): field for field, name in mapping.items()}
        for index, name in enumerate(header):
            field = explicit.get(header_key(name)) if name.strip() else None
            currency = None
            if field is None and name.strip() and header_key(name) not in explicit:
                field, currency = field_for(name)
            if field is not None and field not in self.fields:
                self.fields[field] = index
                self.price_currency = currency or self.price_currency
            else:
                label = name.strip() or f"column {index + 1}"
                if field is not None:
                    self.duplicates.append(f"{label!r} (column {index + 1}) as another {field}")
                if field is not None or label in (seen for _, seen in self.extra):
                    label = f"{label} (column {index + 1})"  # keep extra keys unique
                elif name.strip() and passthrough_for(name) is not None:
                    self.passthrough.add(index)
                self.extra.append((index, label))

    def known(self) -> int:
        """Columns recognised; passthrough ones count only beside at least one real field."""
        return len(self.fields) + (len(self.passthrough) if self.fields else 0)


def import_register(path: Path | str, columns: Mapping[str, str] | None = None) -> ImportResult:
    """Every data row of a CSV/XLSX asset register, with an issue for each problem found.

    ``columns`` maps DeviceRecord fields to the file's headers (``{"serial": "Utstyrsnr"}``),
    overriding the built-in header words.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    mapping = dict(columns or {})
    unknown_fields = sorted(set(mapping) - set(SYNONYMS))
    if unknown_fields:
        raise InputError(
            f"cannot map columns to unknown field(s) {', '.join(unknown_fields)}; "
            f"fields are: {', '.join(SYNONYMS)}",
            file=str(path),
        )
    sheet = read_sheet(path)
    header_row, cols = _find_header(path, sheet, mapping)
    result = ImportResult(file=str(path), kind=KIND)
    header_origin = Origin(file=str(path), row=header_row, kind=KIND)
    for duplicate in cols.duplicates:
        result.issues.append(
            ImportIssue(header_origin, None, f"kept {duplicate} as an extra value", "warning")
        )
    width = max(cols.fields.values(), default=0) + 1
    width = max([width, *(index + 1 for index, _ in cols.extra)])
    serials: dict[str, int] = {}
    for number, cells in nonblank([r for r in sheet.rows if r[0] > header_row]):
        result.rows_read += 1
        origin = Origin(file=str(path), row=number, kind=KIND)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            result.issues.append(
                ImportIssue(
                    origin, None, f"row has {len(cells)} cells, the header has {width}", "error"
                )
            )
            continue
        _read_row(origin, cells, cols, sheet, serials, result)
    # a column with no header is reported only if some row uses it (XLSX sheets run wide)
    used = {i for n, cells in sheet.rows if n > header_row for i, c in enumerate(cells) if c}
    unknown = [
        label
        for index, label in cols.extra
        if index not in cols.passthrough and (index in used or _header_named(label))
    ]
    if unknown:
        message = f"column(s) not recognised, kept as extra values: {', '.join(unknown)}"
        result.issues.insert(0, ImportIssue(header_origin, None, message, "warning"))
    return result


def _header_named(label: str) -> bool:
    """Whether an extra column's label came from the header (not ``column N`` for a blank one)."""
    return not label.startswith("column ")


def _find_header(path: Path, sheet: Sheet, mapping: Mapping[str, str]) -> tuple[int, _Columns]:
    for searched, (number, cells) in enumerate(nonblank(sheet.rows), start=1):
        cols = _Columns(cells, mapping)
        if cols.known() >= 2:
            missing = sorted(
                f"{name!r}" for field, name in mapping.items() if field not in cols.fields
            )
            if missing:
                raise InputError(
                    f"no column {', '.join(missing)} in the header "
                    f"(columns are: {', '.join(c for c in cells if c)})",
                    file=str(path),
                    row=number,
                )
            return number, cols
        if searched >= HEADER_SEARCH_ROWS:
            break
    raise InputError(
        f"no header row: none of the first {HEADER_SEARCH_ROWS} rows names two known columns "
        "(e.g. Brand, Model, Serial number, MAC address, IP address); "
        "map the columns explicitly",
        file=str(path),
    )


_REPEATED = frozenset(
    ["site", "location", "brand", "manufacturer", "model", "device_type", "firmware", "currency",
     "network_segment"]
)  # fmt: skip
"""Fields whose few distinct values repeat over thousands of rows: interned, stored once (bench/devices.py)."""


def _read_row(
    origin: Origin,
    cells: list[str],
    cols: _Columns,
    sheet: Sheet,
    serials: dict[str, int],
    result: ImportResult,
) -> None:
    def warn(field: str, message: str) -> None:
        result.issues.append(ImportIssue(origin, field, message, "warning"))

    number = origin.row or 0
    values: dict[str, str] = {}
    for field, index in cols.fields.items():
        if (number, index) in sheet.unsaved_formulas:
            warn(field, "formula with no saved value (open and save the file in Excel)")
        value = cells[index].strip() if index < len(cells) else ""
        if value:
            values[field] = sys.intern(value) if field in _REPEATED else value
    mac, reason = check_mac(values.get("mac"))
    if reason:
        warn("mac", f"{reason}; MAC dropped")
    ip = values.get("ip")
    if ip is not None:
        try:
            ip = str(ipaddress.ip_address(ip))
        except ValueError:
            warn("ip", f"{ip!r} is not an IP address; dropped")
            ip = None
    dates: dict[str, str | None] = {}
    for field in ("installed_on", "warranty_until"):
        dates[field], reason = parse_date(values.get(field, ""))
        if reason:
            warn(field, f"{reason}; dropped")
    price, price_currency, reason = parse_price(values.get("purchase_price", ""))
    if reason:
        warn("purchase_price", f"{reason}; dropped")
    currency = values.get("currency")
    if currency and len(currency) == 3 and currency.isalpha():
        currency = currency.upper()
    if price_currency and currency and price_currency != currency:
        warn("currency", f"price says {price_currency} but the currency column says {currency}")
    currency = currency or price_currency or (cols.price_currency if price is not None else None)
    serial = values.get("serial")
    if serial is not None:
        key = serial.casefold()
        if key in serials:
            warn("serial", f"serial {serial!r} already on row {serials[key]}")
        else:
            serials[key] = number
    parsed: dict[str, str | None] = {**values, "mac": mac, "ip": ip, **dates}
    if not any(parsed.get(field) for field in _DESCRIBING):
        dropped = (
            " (its only device value could not be read)" if values.keys() & {"mac", "ip"} else ""
        )
        result.issues.append(
            ImportIssue(
                origin,
                None,
                "row has no asset id, brand, model, serial, MAC, IP, hostname, firmware or "
                f"device type{dropped}; skipped",
            )
        )
        return
    extra = tuple(
        (label, cells[index].strip())
        for index, label in cols.extra
        if index < len(cells) and cells[index].strip()
    )
    device_id = values.get("device_id") or (
        f"serial:{serial}" if serial else f"mac:{mac}" if mac else f"ip:{ip}" if ip else None
    )
    result.records.append(
        DeviceRecord(
            origin=origin,
            device_id=device_id,
            site=values.get("site"),
            location=values.get("location"),
            brand=values.get("brand"),
            model=values.get("model"),
            serial=serial,
            mac=mac,
            ip=ip,
            hostname=values.get("hostname"),
            firmware=values.get("firmware"),
            device_type=values.get("device_type"),
            installed_on=dates["installed_on"],
            warranty_until=dates["warranty_until"],
            purchase_price=price,
            currency=currency,
            network_segment=values.get("network_segment"),
            extra=extra,
        )
    )
