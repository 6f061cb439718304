"""Brands that are sold by one company and made by another (OEM relabels), with how sure each claim is.

``data/relabels.csv`` has one row per (brand, source): a brand may have several sources, and the strongest
one counts. ``strength`` grades the *source*, not the claim:

- ``confirmed``: the maker's or brand's own statement, filing or registry entry
- ``reported``: press, NGO, encyclopaedia or retailer
- ``user-report``: a forum post, issue thread or community signature comment

``made_by`` is a maker id, or several joined by ``|`` when the source does not say which (Panasonic,
Honeywell): such a brand is shown as a possible relabel but never names a maker on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aktsam.devices.makers import MakerTable, makers
from aktsam.devices.refdata import DATA_DIR, read_table

STRENGTHS = ("confirmed", "reported", "user-report")  # strongest first


def brand_key(label: str) -> str:
    """Case- and punctuation-insensitive key: ``"LT Security"``, ``"lt-security"`` → ``"ltsecurity"``."""
    return re.sub(r"[\W_]+", "", label.casefold())


@dataclass(frozen=True, slots=True)
class RelabelClaim:
    """One source saying who makes a brand."""

    made_by: tuple[str, ...]
    strength: str
    source: str
    date: str
    note: str


@dataclass(frozen=True, slots=True)
class Brand:
    """A brand and every claim about who makes it; ``best`` is the claim the identification uses."""

    name: str
    claims: tuple[RelabelClaim, ...]

    @property
    def best(self) -> RelabelClaim:
        return min(self.claims, key=lambda c: STRENGTHS.index(c.strength))

    @property
    def maker(self) -> str | None:
        """The maker when the best source names exactly one; None when it is ambiguous."""
        made_by = self.best.made_by
        return made_by[0] if len(made_by) == 1 else None

    @property
    def strength(self) -> str:
        return self.best.strength


@dataclass(frozen=True, slots=True)
class RelabelTable:
    brands: dict[str, Brand]  # by brand_key of the name and of each alias

    def lookup(self, label: str) -> Brand | None:
        """The brand a label names (``"LT Security"`` → LTS), or None when it is not a known relabel."""
        key = brand_key(label)
        if key in self.brands:
            return self.brands[key]
        # "LTS (LT Security)" or "Annke NC400": try the words before a bracket / the first word
        head = re.split(r"[(\[/]", label, maxsplit=1)[0]
        for candidate in (head, head.split()[0] if head.split() else ""):
            if brand_key(candidate) in self.brands:
                return self.brands[brand_key(candidate)]
        return None


def load_relabels(
    path: Path = DATA_DIR / "relabels.csv", table: MakerTable | None = None
) -> RelabelTable:
    """Read the relabel table; unknown maker ids and unknown strengths are refused with file and row."""
    known = (table or makers()).makers
    claims: dict[str, list[RelabelClaim]] = {}
    names: dict[str, str] = {}
    aliases: dict[str, set[str]] = {}
    for row in read_table(path, ["brand", "made_by", "strength"]):
        if row["strength"] not in STRENGTHS:
            raise row.error("strength", f"strength must be one of {', '.join(STRENGTHS)}")
        made_by = tuple(m.strip() for m in row["made_by"].split("|"))
        for maker_id in made_by:
            if maker_id not in known:
                raise row.error("made_by", f"unknown maker id {maker_id!r}")
        key = brand_key(row["brand"])
        names.setdefault(key, row["brand"])
        claims.setdefault(key, []).append(
            RelabelClaim(made_by, row["strength"], row["source"], row["date"], row["note"])
        )
        aliases.setdefault(key, set()).update(a for a in row["aliases"].split("|") if a.strip())
    brands: dict[str, Brand] = {}
    for key, brand_claims in claims.items():
        brand = Brand(names[key], tuple(brand_claims))
        brands[key] = brand
        for alias in aliases[key]:
            brands.setdefault(brand_key(alias), brand)
    return RelabelTable(brands)


@cache
def relabels() -> RelabelTable:
    """The bundled relabel table, read once."""
    return load_relabels()
