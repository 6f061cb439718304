"""Warnings for lists in force that are past their staleness limit.

Every answer that rests on the lists (``screen``, ``screen-file``, ``sales check``, ``POST /match``,
``POST /api/screen``, ``POST /api/sales/check``, the screening page) carries these warnings. A line of
dates alone ("list data as of …") is not a warning: a reader skims past it, and a "no hit" on a list
last updated months ago then reads as an all-clear it is not.

The limit of each source is ``stale_after_days`` in ``lists/data/sources.yml`` (with the publisher's
cadence as its reason there); a snapshot is stale when its age, counted from the publication day its file
states (else the day it was retrieved, else imported), exceeds that limit. Sources outside the catalogue
(a watchlist, an FtM export) have no limit and never warn. A catalogue source with no snapshot in force at
all is the stalest state there is and warns too. This module is the one place the rule lives; every
adapter calls :func:`staleness_warnings` (or :func:`stale_lists` for the snapshots a recorded run used).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aktsam.lists.snapshots import Snapshot, current_snapshots, reference_day
from aktsam.lists.sources import SourceDef, load_sources
from aktsam.store.db import Store

UPDATE_HINT = "run `aktsam lists update` (or import the current file with `aktsam lists import`)"


@dataclass(frozen=True, slots=True)
class StaleList:
    """One list in force past its staleness limit (or missing), with the warning to show."""

    source: str
    snapshot: str | None  # the snapshot label; None when the source has no snapshot in force
    published: str | None  # the publication date the file states (None: undated or no snapshot)
    as_of: str | None  # the day the age counts from, ISO (published, else retrieved, else imported)
    age_days: int | None
    limit_days: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "snapshot": self.snapshot,
            "published": self.published,
            "as_of": self.as_of,
            "age_days": self.age_days,
            "limit_days": self.limit_days,
            "message": self.message,
        }


def stale_lists(
    snapshots: Iterable[Snapshot],
    catalogue: Mapping[str, SourceDef],
    today: dt.date,
) -> list[StaleList]:
    """The ``snapshots`` past their source's limit on ``today``, ordered by source."""
    out: list[StaleList] = []
    for snap in sorted(snapshots, key=lambda s: s.source):
        source_def = catalogue.get(snap.source)
        if source_def is None:
            continue
        day = reference_day(snap)
        age = (today - day).days
        limit = source_def.stale_after_days
        if age <= limit:
            continue
        if snap.published:
            dated = f"published {snap.published[:10]}"
        elif snap.retrieved_at is not None:
            dated = f"undated, retrieved {day.isoformat()}"
        else:
            dated = f"undated, imported {day.isoformat()}"
        out.append(
            StaleList(
                source=snap.source,
                snapshot=snap.label,
                published=snap.published,
                as_of=day.isoformat(),
                age_days=age,
                limit_days=limit,
                message=(
                    f"list {snap.source} ({dated}) is {age} days old, past its limit of {limit} "
                    f"days: designations made since are not screened; {UPDATE_HINT}"
                ),
            )
        )
    return out


def staleness_warnings(
    store: Store,
    *,
    today: dt.date | None = None,
    sources: Collection[str] | None = None,
) -> list[StaleList]:
    """The warnings for the lists in force now (only ``sources``, if given), ordered by source.

    A catalogue source (of ``sources``) with no snapshot in force is reported too.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    catalogue = load_sources(store.settings.sources_file)
    snaps = current_snapshots(store, sources)
    out = stale_lists(snaps, catalogue, today)
    present = {s.source for s in snaps}
    wanted = catalogue if sources is None else [s for s in sources if s in catalogue]
    for source in sorted(set(wanted) - present):
        limit = catalogue[source].stale_after_days
        out.append(
            StaleList(
                source=source,
                snapshot=None,
                published=None,
                as_of=None,
                age_days=None,
                limit_days=limit,
                message=f"list {source} has no snapshot in force: nothing is screened against it; "
                + UPDATE_HINT,
            )
        )
    return sorted(out, key=lambda w: w.source)


__all__ = ["UPDATE_HINT", "StaleList", "stale_lists", "staleness_warnings"]
