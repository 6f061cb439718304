#!/usr/bin/env python3
"""Derive ``src/aktsam/diligence/data/country_risk.csv`` from a V-Dem country-year CSV.

Input: a CSV with V-Dem's ``country_text_id`` (ISO 3166-1 alpha-3 for present-day states),
``country_name``, ``year`` and ``v2x_libdem`` columns (``NA`` for missing), e.g. ``vdem3.csv`` from
github:ES-1085/f2025-ds1-project-f4 (see ``src/aktsam/diligence/data/PROVENANCE.md``). Rows whose
``country_text_id`` is empty (World Bank aggregates merged into that file) are ignored. For every
country the latest year with a ``v2x_libdem`` value is kept and banded (:data:`BANDS`).

    .venv/bin/python scripts/build_country_risk.py /path/to/vdem3.csv [--out FILE] [--date YYYY-MM-DD]

The same input always gives the same bytes (rows sorted by country code).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path

from rigour.territories import get_territories

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "aktsam"
    / "diligence"
    / "data"
    / "country_risk.csv"
)

# Lower bound of v2x_libdem (0-1) for each level, checked in order: aktsam's banding, not V-Dem's.
BANDS: tuple[tuple[float, str], ...] = (
    (0.6, "low"),
    (0.4, "medium"),
    (0.2, "high"),
    (0.0, "critical"),
)

SOURCE = (
    "V-Dem Country-Year dataset (v15, March 2025, as implied by coverage to 2024), v2x_libdem; "
    "Coppedge et al., V-Dem Project, CC BY-SA 4.0; via github:ES-1085/f2025-ds1-project-f4 "
    "data/vdem3.csv @ f4e1a8e33eca0a216b6ccd0cd97ecff2571844f4"
)

COLUMNS = ["country", "name", "vdem_libdem", "vdem_year", "level", "source", "date"]


def band(libdem: float) -> str:
    """The aktsam risk level of a liberal democracy index value."""
    for lower, level in BANDS:
        if libdem >= lower:
            return level
    return BANDS[-1][1]


def _alpha3_to_alpha2() -> dict[str, str]:
    return {
        t.alpha3.upper(): t.code.upper() for t in get_territories() if t.alpha3 and len(t.code) == 2
    }


def derive(
    rows: Iterable[dict[str, str]], date: str, source: str = SOURCE
) -> tuple[list[dict[str, str]], list[str]]:
    """Output rows (sorted by code) and the V-Dem codes that could not be mapped to ISO alpha-2."""
    latest: dict[str, dict[str, str]] = {}
    for row in rows:
        code = (row.get("country_text_id") or "").strip()
        value = (row.get("v2x_libdem") or "").strip()
        if not code or value in ("", "NA"):
            continue
        if code not in latest or int(row["year"]) > int(latest[code]["year"]):
            latest[code] = row
    to_alpha2 = _alpha3_to_alpha2()
    out: list[dict[str, str]] = []
    unmapped: list[str] = []
    for code, row in latest.items():
        alpha2 = to_alpha2.get(code)
        if alpha2 is None:
            unmapped.append(code)
            continue
        libdem = float(row["v2x_libdem"])
        out.append(
            {
                "country": alpha2,
                "name": row["country_name"],
                "vdem_libdem": f"{libdem:.3f}",
                "vdem_year": row["year"],
                "level": band(libdem),
                "source": source,
                "date": date,
            }
        )
    out.sort(key=lambda r: r["country"])
    return out, sorted(unmapped)


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("vdem", type=Path, help="V-Dem country-year CSV (e.g. vdem3.csv)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--date", default=dt.date.today().isoformat(), help="value of the date column"
    )
    args = parser.parse_args(argv)
    with args.vdem.open(encoding="utf-8", newline="") as handle:
        rows, unmapped = derive(csv.DictReader(handle), args.date)
    write(rows, args.out)
    print(f"{len(rows)} countries written to {args.out}")
    if unmapped:
        print(f"not mapped to ISO alpha-2: {', '.join(unmapped)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
