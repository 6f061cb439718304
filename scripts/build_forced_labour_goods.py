#!/usr/bin/env python3
"""Derive ``src/aktsam/diligence/data/forced_labour_goods.csv`` from the ILAB goods XML.

Input: ``goods_2021.xml`` from github:USDepartmentofLabor/Child-Labor-Android
(``app/src/main/assets/goods_2021.xml``): the US DOL ILAB *List of Goods Produced by Child Labor or
Forced Labor* (TVPRA List), 10th edition, 28 Sep 2022. One output row per good-country line item
(``<Good>/<Countries>/<Country>``); country names are mapped to ISO 3166-1 alpha-2 with ``rigour``
(plus :data:`NAMES` for spellings it does not know). A name that cannot be mapped stops the build.

    .venv/bin/python scripts/build_forced_labour_goods.py /path/to/goods_2021.xml [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from rigour.territories import lookup_territory

OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "aktsam"
    / "diligence"
    / "data"
    / "forced_labour_goods.csv"
)

SOURCE = (
    "US DOL ILAB, List of Goods Produced by Child Labor or Forced Labor (TVPRA List), "
    "10th edition, 28 Sep 2022; via github:USDepartmentofLabor/Child-Labor-Android "
    "app/src/main/assets/goods_2021.xml @ b8891386cc88513baa4411196561934f0a36f063; US public domain"
)
DATE = "2022-09-28"

NAMES = {"Turkey (Türkiye)": "TR"}

COLUMNS = [
    "good",
    "sector",
    "country",
    "country_name",
    "child_labor",
    "forced_labor",
    "forced_child_labor",
    "derived",
    "derived_from_country",
    "source",
    "date",
]


def country_code(name: str) -> str:
    """ISO alpha-2 (upper case) of an ILAB country name; ValueError when unknown."""
    if name in NAMES:
        return NAMES[name]
    territory = lookup_territory(name)
    if territory is None or len(territory.code) != 2:
        raise ValueError(f"country name {name!r} cannot be mapped to ISO alpha-2")
    return territory.code.upper()


def _yes(text: str | None) -> str:
    return "yes" if (text or "").strip().lower() == "yes" else "no"


def derive(xml_path: Path) -> list[dict[str, str]]:
    root = ET.parse(xml_path).getroot()
    rows: list[dict[str, str]] = []
    for good in root.iter("Good"):
        name = (good.findtext("Good_Name") or "").strip()
        sector = (good.findtext("Good_Sector") or "").strip()
        for country in good.iter("Country"):
            country_name = (country.findtext("Country_Name") or "").strip()
            derived_from = (country.findtext("Derived_Country") or "").strip()
            rows.append(
                {
                    "good": name,
                    "sector": sector,
                    "country": country_code(country_name),
                    "country_name": country_name,
                    "child_labor": _yes(country.findtext("Child_Labor")),
                    "forced_labor": _yes(country.findtext("Forced_Labor")),
                    "forced_child_labor": _yes(country.findtext("Forced_Child_Labor")),
                    "derived": _yes(country.findtext("Derived_Labor_Exploitation")),
                    "derived_from_country": (
                        "" if derived_from.lower() in ("", "no") else country_code(derived_from)
                    ),
                    "source": SOURCE,
                    "date": DATE,
                }
            )
    return rows


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Derive forced_labour_goods.csv from ILAB XML")
    parser.add_argument("xml", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = derive(args.xml)
    write(rows, args.out)
    print(f"{len(rows)} good-country rows written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
