"""Maker attribution: is a device's maker, or the company behind it, on a US export-control list?

``data/maker_listings.csv`` records, per maker id, its BIS Entity List entry as published in the
Consolidated Screening List (entity, date, Federal Register citation, licence requirement and review
policy quoted from the list; source and date on every row). For a device, :func:`attribution` says:

* the maker is listed ("maker Hikvision is on the BIS Entity List (…)");
* the device is sold under another brand the relabel table attributes to a listed maker ("sold as EZVIZ,
  a brand the relabel table attributes to Hikvision");
* the maker's parent chain (``parent`` in makers.csv) reaches a listed maker: the **BIS Affiliates Rule**
  (``aktsam.lists.ownership_rules``), whose state on the audit date is dated data (in force, suspended,
  not yet in force), may extend the listed owner's licence requirements to it. makers.csv records no
  ownership share, so the share is unknown: while the rule is in force that is Red Flag 29, "licence
  required or investigate", never clear.

What an Entity List entry (and the Affiliates Rule) binds: anyone who **exports, reexports or transfers
(in country) items subject to the EAR to** the listed entity (15 CFR 744.11) needs a licence. It concerns
selling or sending such items to the maker, not owning or using its cameras: the note is information
for the organisation's dealings with the maker and never changes a device's ``finding``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from aktsam.devices.makers import MakerTable, makers
from aktsam.devices.refdata import DATA_DIR, ReferenceDataError, read_table
from aktsam.devices.relabels import relabels

LISTINGS_FILE = DATA_DIR / "maker_listings.csv"
LISTS = {"EL": "BIS Entity List", "MEU": "BIS Military End-User List"}
"""List codes a row may use (the Affiliates Rule's lists) and how the report names them."""
BINDS = (
    "binds exporters, reexporters and transferors of items subject to the EAR to the listed entity "
    "(15 CFR 744.11), not owners or users of its equipment; information only"
)


@dataclass(frozen=True, slots=True)
class MakerListing:
    """One maker's entry on a BIS list, as the source publishes it."""

    maker: str
    list: str  # EL | MEU
    listed_entity: str
    listed_on: dt.date
    added_by: str  # the Federal Register notice that added it
    citation: str
    requirement: str
    policy: str
    policy_short: str
    csl_id: str
    source: str
    date: str
    note: str

    @property
    def list_name(self) -> str:
        return LISTS[self.list]

    def describe(self, maker_name: str) -> str:
        return (
            f"maker {maker_name} is on the {self.list_name} as {self.listed_entity!r} "
            f"({self.added_by}; licence review policy: {self.policy_short})"
        )


def load_listings(
    path: Path = LISTINGS_FILE, table: MakerTable | None = None
) -> dict[str, tuple[MakerListing, ...]]:
    """The listings by maker id; an unknown maker, list code or date is refused naming file and row."""
    table = table or makers()
    required = ["maker", "list", "listed_entity", "listed_on", "added_by", "citation", "requirement",
                "policy", "policy_short", "csl_id"]  # fmt: skip
    out: dict[str, list[MakerListing]] = {}
    for row in read_table(path, required):
        if row["maker"] not in table.makers:
            raise row.error("maker", f"unknown maker id {row['maker']!r} (not in makers.csv)")
        if row["list"] not in LISTS:
            raise row.error("list", f"list must be one of {', '.join(LISTS)}")
        try:
            listed_on = dt.date.fromisoformat(row["listed_on"])
        except ValueError:
            raise row.error("listed_on", f"{row['listed_on']!r} is not YYYY-MM-DD") from None
        out.setdefault(row["maker"], []).append(
            MakerListing(
                row["maker"],
                row["list"],
                row["listed_entity"],
                listed_on,
                row["added_by"],
                row["citation"],
                row["requirement"],
                row["policy"],
                row["policy_short"],
                row["csl_id"],
                row["source"],
                row["date"],
                row["note"],
            )
        )
    return {m: tuple(rows) for m, rows in out.items()}


@cache
def listings() -> dict[str, tuple[MakerListing, ...]]:
    """The bundled listings, read once."""
    try:
        return load_listings()
    except FileNotFoundError:
        raise ReferenceDataError(LISTINGS_FILE, None, None, "missing bundled file") from None


def _parents(maker_id: str, table: MakerTable) -> list[str]:
    chain: list[str] = []
    current = table.makers[maker_id].parent if maker_id in table.makers else None
    while current is not None and current not in chain and current != maker_id:
        chain.append(current)
        current = table.makers[current].parent if current in table.makers else None
    return chain


class Attributor:
    """Attribution notes per (maker, brand, relabelled), computed once per key for one audit date."""

    def __init__(
        self,
        on: dt.date,
        table: MakerTable | None = None,
        found: dict[str, tuple[MakerListing, ...]] | None = None,
    ) -> None:
        self.on = on
        self.table = table or makers()
        self.listings = listings() if found is None else found
        self._seen: dict[tuple[str, str, bool], tuple[str, ...]] = {}

    def notes(self, maker: str | None, brand: str | None, relabelled: bool) -> tuple[str, ...]:
        if maker is None:
            return ()
        key = (maker, brand or "", relabelled)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._notes(maker, brand, relabelled)
        return found

    def _name(self, maker_id: str) -> str:
        return self.table.makers[maker_id].name if maker_id in self.table.makers else maker_id

    def _notes(self, maker: str, brand: str | None, relabelled: bool) -> tuple[str, ...]:
        out: list[str] = []
        own = self.listings.get(maker, ())
        name = self._name(maker)
        for listing in own:
            out.append(listing.describe(name))
        if own and relabelled and brand:
            claim = relabels().lookup(brand)
            strength = f" ({claim.strength})" if claim is not None else ""
            out.append(
                f"sold as {brand}, a brand the relabel table attributes to {name}{strength}; a "
                f"company owned 50 % or more by {name} selling it would fall under the BIS Affiliates "
                f"Rule ({self.rule_state(cite=False)})"
            )
        parents = _parents(maker, self.table)
        listed = [p for p in parents if p in self.listings]
        if listed:
            out.append(self._affiliate(maker, parents, listed[0]))
        if out:
            out.append(BINDS)
        return tuple(out)

    def rule_state(self, *, cite: bool = True) -> str:
        """The BIS Affiliates Rule's state on the audit date, with the period's citation (``cite``; the
        per-device notes leave it to the report's summary, which always gives it)."""
        from aktsam.lists.ownership_rules import affiliates_rule_status

        status = affiliates_rule_status(self.on)
        period = status.period
        if period is None:
            changes = status.changes_on.isoformat() if status.changes_on else "?"
            return f"not yet in force on {self.on.isoformat()} (from {changes})"
        unread = "" if period.row.verified else "; not read at the primary source"
        if status.state == "suspended":
            back = status.changes_on.isoformat() if status.changes_on else "?"
            where = f"; {period.row.citation}{unread}" if cite else ""
            return f"suspended on {self.on.isoformat()} (would apply again from {back}{where})"
        since = period.row.start.isoformat()
        text = f"in force on {self.on.isoformat()} since {since}"
        if cite:
            text += f" ({period.row.citation}{unread})"
        if not period.row.verified and any(p.state == "suspended" for p in _periods()):
            text += "; whether BIS extended the suspension could not be checked"
        return text

    def _affiliate(self, maker: str, parents: list[str], owner: str) -> str:
        from aktsam.lists.ownership_rules import Holding, Listing, affiliates_finding

        upto = parents[: parents.index(owner) + 1]
        chain = " → ".join(self._name(m) for m in [maker, *upto])
        holdings = [
            Holding(
                self._name(owner),
                None,
                tuple(
                    Listing(
                        x.list,
                        f"maker-listings:{x.csl_id}",
                        x.listed_entity,
                        x.requirement,
                        x.policy,
                    )
                    for x in self.listings[owner]
                ),
                tuple(upto),
            )
        ]
        country = self.table.makers[maker].country if maker in self.table.makers else None
        finding = affiliates_finding(holdings, on=self.on, party_country=country)
        lists = "; ".join(f"{x.list_name} ({x.policy_short})" for x in self.listings[owner])
        outcome = {
            "red-flag": "ownership share unknown: licence required or investigate (Red Flag 29) "
            "before exporting, reexporting or transferring items subject to the EAR to it",
            "licence-required": "licence required to export, reexport or transfer items subject to "
            "the EAR to it",
            "suspended": "while suspended the owner's listing does not extend to it; ownership by a "
            "listed party stays a red flag to review",
            "not-yet": "",
            "not-applicable": "the rule covers foreign (non-U.S.) entities; this maker is in the US",
        }.get(finding.outcome, "")
        if not country and finding.outcome != "not-applicable":
            outcome += "; the maker's country is not recorded (the rule covers non-U.S. entities)"
        parts = [
            f"maker {self._name(maker)} is owned by a listed maker ({chain}; makers.csv parent, "
            f"share not recorded): {self._name(owner)} is on the {lists}",
            f"BIS Affiliates Rule {self.rule_state(cite=False)}",
            outcome,
        ]
        return "; ".join(p.strip().rstrip(".") for p in parts if p)


def _periods() -> tuple[Any, ...]:
    from aktsam.lists.ownership_rules import load_rules

    return load_rules().affiliates.periods


__all__ = ["BINDS", "LISTINGS_FILE", "Attributor", "MakerListing", "listings", "load_listings"]
