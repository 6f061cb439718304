"""The BIS Affiliates Rule for one register party: its listed owners, screened, and the rule applied.

:func:`listing_of` turns a screening hit on the CSL Entity List / MEU List / SDN (or OFAC's SDN list)
into an :class:`~aktsam.lists.ownership_rules.Listing` with the entry's licence requirement, licence
policy and programmes (read from the stored entity's remarks). :func:`check_party` screens the owners
above a party in the register (relations in force on ``on``), follows ownership through the entities
they own 50 % or more (:func:`aktsam.diligence.ownership.affiliates_holdings`) and applies the rule as
dated in ``lists/data/ownership_rules.yml`` (:func:`aktsam.lists.ownership_rules.affiliates_finding`).
The sale check uses it; the assessment does the same from the hits it already has.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any

from aktsam.diligence.ownership import OwnershipGraph, affiliates_holdings, upstream
from aktsam.errors import NotFoundError
from aktsam.lists import ownership_rules
from aktsam.lists.ownership_rules import AffiliatesFinding, Listing
from aktsam.lists.parsers.us_csl import sublist_code
from aktsam.lists.snapshots import get_entity
from aktsam.store.db import Store
from aktsam.store.schema import PartyRow

CODES: tuple[str, ...] = ("EL", "MEU", "SDN")


def listing_of(store: Store, hit: Any) -> Listing | None:
    """The :class:`Listing` of a :class:`~aktsam.screening.service.ScreenedHit` on a list the rule
    looks at (CSL EL / MEU / SDN, OFAC SDN); None for other lists."""
    source, sublist = hit.hit.source, hit.hit.sublist
    code = (
        "SDN"
        if source == "ofac-sdn"
        else (sublist_code(sublist) if source == "us-csl" and sublist else None)
    )
    if code not in CODES:
        return None
    requirement = policy = None
    programs: tuple[str, ...] = ()
    with contextlib.suppress(NotFoundError):
        entity = get_entity(store, hit.snapshot_id, hit.entity_id)
        requirement, policy = ownership_rules.licence_terms(entity.remarks)
        programs = tuple(entity.programs)
    return Listing(code, hit.entity_id, hit.caption, requirement, policy, programs)


def _names(row: PartyRow) -> Iterable[str]:
    return dict.fromkeys(n.strip() for n in (row.name, *(row.aliases or ())) if str(n).strip())


def check_party(
    store: Store,
    screener: Any,
    party_id: str,
    *,
    on: dt.date,
    actor: str,
    strong_match: float = 0.9,
) -> AffiliatesFinding | None:
    """The rule applied to ``party_id`` on ``on`` (None when no owner above it is listed).

    Every owner above the party (any share, any depth) is screened under its register id; a hit
    counts when an analyst confirmed it or it scores at least ``strong_match`` (a fuzzy name match is
    not a listing), and a cleared hit never counts.
    """
    with store.session() as session:
        graph = OwnershipGraph.from_session(session, as_of=on)
        party = session.get(PartyRow, party_id)
        if party is None:
            raise NotFoundError(f"no party {party_id!r}")
        owners = [link.ancestor for link in upstream(graph, party_id) if "owns" in link.kinds]
        rows = {pid: row for pid in owners if (row := session.get(PartyRow, pid)) is not None}
        country = party.country
    listed: dict[str, tuple[Listing, ...]] = {}
    for pid, row in rows.items():
        schema = "person" if row.kind == "person" else "organization"
        found: dict[str, Listing] = {}
        for name in _names(row):
            run = screener.screen(name, schema=schema, party_id=pid, actor=actor)
            for result in run.results:
                for hit in result.hits:
                    strong = hit.stands_confirmed or hit.score >= strong_match
                    if hit.status == "cleared" or not strong:
                        continue
                    listing = listing_of(store, hit)
                    if listing is not None:
                        found.setdefault(listing.entity_id, listing)
        if found:
            listed[pid] = tuple(found.values())
    if not listed:
        return None
    rules = ownership_rules.load_rules()
    holdings = affiliates_holdings(graph, listed, party_id, rules.affiliates.threshold)
    if not holdings:
        return None
    return ownership_rules.affiliates_finding(holdings, on=on, party_country=country, rules=rules)


__all__ = ["CODES", "check_party", "listing_of"]
