"""Who makes equipment, and the names (registry entries, organisation names) that point at each maker.

``data/makers.csv`` lists the makers the audit can name; ``data/maker_aliases.csv`` maps the organisation
strings seen in the IEEE OUI registry, the IANA enterprise-number registry and device self-descriptions to a
maker, or only to a *brand* (a reseller's registry entry such as "Lt Security Inc": the relabel table then
says who makes that brand).

Matching is exact on a normalised form (case, punctuation and spacing ignored), then on the name without
legal-form words. It never matches substrings: "Shanghai Dahua Scale Factory" is not Dahua.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aktsam.devices.refdata import DATA_DIR, read_table

# legal-form words dropped before the second, looser comparison
_LEGAL_WORDS = frozenset(
    [
        "co",
        "ltd",
        "limited",
        "inc",
        "corp",
        "corporation",
        "company",
        "gmbh",
        "ab",
        "ag",
        "bv",
        "b",
        "v",
        "llc",
        "plc",
        "private",
        "pvt",
        "sa",
        "srl",
    ]
)


def normalise_name(text: str) -> str:
    """Lower case, ``&`` as ``and``, punctuation as spaces, spaces collapsed: ``"Co.,Ltd."`` → ``"co ltd"``."""
    text = text.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z\u00c0-\uffff]+", " ", text).split())


def core_name(text: str) -> str:
    """The normalised name without legal-form words (``"axis communications ab"`` → ``"axis communications"``)."""
    words = [w for w in normalise_name(text).split() if w not in _LEGAL_WORDS]
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Maker:
    """A company that makes the equipment (not a brand it is sold under)."""

    id: str
    name: str
    country: str | None
    parent: str | None
    source: str
    date: str


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What an organisation or label name points at: a maker, a brand, or both (a maker's own brand)."""

    name: str
    maker: str | None
    brand: str | None
    source: str


@dataclass(frozen=True, slots=True)
class MakerTable:
    makers: dict[str, Maker]
    exact: dict[str, NameMatch]
    core: dict[str, NameMatch]

    def get(self, maker_id: str) -> Maker:
        return self.makers[maker_id]

    def match(self, name: str) -> NameMatch | None:
        """The maker/brand ``name`` stands for, or None when the tables do not know it."""
        core = core_name(name)
        return self.exact.get(normalise_name(name)) or (self.core.get(core) if core else None)


def load_makers(
    makers_path: Path = DATA_DIR / "makers.csv",
    aliases_path: Path = DATA_DIR / "maker_aliases.csv",
) -> MakerTable:
    """Read both tables; an alias naming an unknown maker id is refused with its file and row."""
    makers: dict[str, Maker] = {}
    for row in read_table(makers_path, ["maker", "name"]):
        if row["maker"] in makers:
            raise row.error("maker", f"duplicate maker id {row['maker']!r}")
        if row["country"] and not re.fullmatch(r"[A-Z]{2}", row["country"]):
            raise row.error(
                "country", f"{row['country']!r}: a two-letter ISO code, or blank (unknown)"
            )
        makers[row["maker"]] = Maker(
            row["maker"], row["name"], row["country"] or None, row["parent"] or None,
            row["source"], row["date"],
        )  # fmt: skip
    exact: dict[str, NameMatch] = {}
    core: dict[str, NameMatch] = {}
    for maker in makers.values():  # a maker's id and display name always name it
        for name in (maker.id, maker.name):
            match = NameMatch(maker.name, maker.id, None, f"{makers_path.name}: {maker.source}")
            exact.setdefault(normalise_name(name), match)
            if core_name(name):
                core.setdefault(core_name(name), match)
    for row in read_table(aliases_path, ["alias"]):
        maker_id, brand = row["maker"] or None, row["brand"] or None
        if maker_id is None and brand is None:
            raise row.error("maker", "an alias needs a maker or a brand")
        if maker_id is not None and maker_id not in makers:
            raise row.error("maker", f"unknown maker id {maker_id!r} (not in {makers_path.name})")
        match = NameMatch(row["alias"], maker_id, brand, row["source"])
        exact[normalise_name(row["alias"])] = match
        if core_name(row["alias"]):
            core.setdefault(core_name(row["alias"]), match)
    return MakerTable(makers, exact, core)


@cache
def makers() -> MakerTable:
    """The bundled tables, read once."""
    return load_makers()
