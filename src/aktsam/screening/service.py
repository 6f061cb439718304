"""Screening as a service: the lists in force, the matching index, analysts' decisions, and the run record.

This is the one place the CLI (and later the HTTP API and web UI) call to screen parties, so they cannot
disagree. It:

1. makes sure a list snapshot is in force for every source (importing the bundled snapshot on first use);
2. loads the matching index for exactly the current snapshots from the on-disk cache, or builds and caches it
   (the cache key is the snapshots' ids and sha256 plus the matcher's own signature, so a list update or a
   change of weights never reuses a stale index);
3. matches, then applies decisions through :func:`aktsam.screening.decisions.review_hit` (the one rule for
   a hit's status: a hit an analyst cleared as a false positive stays cleared for that party while the
   listed entity's content is unchanged; a clearance awaiting four-eyes approval is ``pending``, never
   ``cleared``);
4. records the run (parameters, snapshot ids, every hit with its explanation) so an auditor can later see what
   a decision rested on;
5. attaches a warning for every list it used that is past its staleness limit
   (:func:`aktsam.lists.staleness.staleness_warnings`).

The CLI, the pages, ``POST /api/screen`` and the yente-compatible ``POST /match`` all screen through
:meth:`Screener.screen_groups` (or its single-name and file forms), so they cannot disagree.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import pickle
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cache
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from aktsam.errors import InputError
from aktsam.lists.bundled import ensure_bundled
from aktsam.lists.model import ListedEntity, Schema
from aktsam.lists.snapshots import Snapshot, current_snapshots, entity_hashes, load_entities
from aktsam.lists.staleness import StaleList, staleness_warnings
from aktsam.screening.decisions import (
    Decision,
    HitStatus,
    decisions_for,
    record_decisions,
    review_hit,
)
from aktsam.screening.designations import (
    Listing,
    first_designations,
    group_hits,
    listings,
    most_serious,
)
from aktsam.screening.explain import Explanation
from aktsam.screening.files import PartyRow
from aktsam.screening.index import MatchIndex
from aktsam.screening.matcher import Hit, Query, match_many
from aktsam.screening.mentions import NOT_SEARCHED, MentionIndex, Mentions
from aktsam.screening.runs import HitRecord, record_run
from aktsam.screening.weights import DEFAULT_THRESHOLD
from aktsam.settings import Settings
from aktsam.store.db import Store, open_store
from aktsam.store.trail import default_actor

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 10  # hits per party: beyond ten, a reviewer is reading noise, not candidates
#: entries fetched per designation shown: a designation is on up to five lists (UN, EU, UK, OFAC and
#: OFAC's copy in the CSL), so three per place keeps ``limit`` designations in reach
DESIGNATION_HEADROOM = 3
BATCH = 500  # parties matched per call in screen_parties: large enough to vectorise, small enough to report


@dataclass(frozen=True, slots=True)
class ScreenedHit:
    """A match plus its review state for this party: ``open``, ``cleared``, ``confirmed`` or
    ``pending`` (see :data:`aktsam.screening.decisions.HIT_STATUSES`).

    ``decision`` is the decision in force; ``pending`` a clearance awaiting a second person's approval
    (four eyes), which makes the status ``pending``: not cleared until approved."""

    hit: Hit
    status: HitStatus
    decision: Decision | None = None
    snapshot_id: int = 0
    pending: Decision | None = None

    @property
    def confirmed(self) -> bool:
        """A confirmation is in force (also while a clearance of it awaits approval: ``pending``)."""
        return self.decision is not None and self.decision.decision == "confirmed"

    @property
    def stands_confirmed(self) -> bool:
        """Status ``confirmed`` or ``pending``: a match that counts as confirmed until a second person
        approves its clearance (what the sale check, the assessment and the BIS affiliates check use)."""
        return self.status in ("confirmed", "pending")

    # Shortcuts so callers rarely need ``.hit``.
    @property
    def score(self) -> float:
        return self.hit.score

    @property
    def entity_id(self) -> str:
        return self.hit.entity_id

    @property
    def caption(self) -> str:
        return self.hit.caption

    @property
    def explanation(self) -> Explanation:
        return self.hit.explanation


@dataclass(frozen=True, slots=True)
class DesignationHit:
    """The hits on the entries of one designation, shown as one (:mod:`aktsam.screening.designations`).

    ``hits``: the entries that matched, best first, each with its own score, explanation and review
    state; ``listings``: every entry the designation has in the lists screened, matched or not.
    """

    key: str  # the designation's id: the smallest entity id of its entries
    hits: tuple[ScreenedHit, ...]
    listings: tuple[Listing, ...]

    @property
    def lead(self) -> ScreenedHit:
        return self.hits[0]

    @property
    def score(self) -> float:
        return self.hits[0].score

    @property
    def entity_id(self) -> str:
        return self.hits[0].entity_id

    @property
    def caption(self) -> str:
        return self.hits[0].caption

    @property
    def status(self) -> str:
        """The most serious state of its entries: "cleared" only when every matched entry is."""
        return most_serious(h.status for h in self.hits)

    @property
    def also(self) -> tuple[ScreenedHit, ...]:
        return self.hits[1:]


@dataclass(frozen=True, slots=True)
class PartyResult:
    """One party's hits, one per listed entry (what rules and records use), and the same hits
    grouped by designation (``designations``: what a reviewer reads)."""

    party_id: str
    query: Query
    hits: list[ScreenedHit]
    designations: list[DesignationHit] = field(default_factory=list)
    #: listed entries whose remarks name the party (:mod:`aktsam.screening.mentions`): not hits, read
    #: beside them; searched only when the caller asks (``mentions=True``)
    mentions: Mentions = NOT_SEARCHED

    @property
    def open_hits(self) -> list[ScreenedHit]:
        return [h for h in self.hits if h.status != "cleared"]


@dataclass(frozen=True, slots=True)
class ScreeningRun:
    """The outcome of one screening call: results per party and the snapshots they rest on."""

    results: list[PartyResult]
    snapshots: list[Snapshot]
    threshold: float
    lists: tuple[str, ...]
    run_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    #: the lists used that are past their staleness limit: every front end shows these as warnings
    stale_lists: list[StaleList] = field(default_factory=list)

    def data_as_of(self) -> str:
        """ "list data as of …": each list with its publication date (or import date when the file has none)."""
        return data_as_of(self.snapshots)


@dataclass(slots=True)
class StreamedRun:
    """A screening run produced batch by batch (:meth:`Screener.stream_parties`): ``results`` yields
    each party's result once; the counts grow as it is consumed, and ``run_id`` is set once the last
    result was read and the run recorded."""

    results: Iterator[PartyResult]
    snapshots: list[Snapshot]
    threshold: float
    lists: tuple[str, ...]
    stale_lists: list[StaleList]
    run_id: int | None = None
    parties: int = 0
    with_open_hits: int = 0
    hits: int = 0

    def data_as_of(self) -> str:
        return data_as_of(self.snapshots)


def data_as_of(snapshots: Sequence[Snapshot]) -> str:
    """ "list data as of …" for a set of snapshots: each list with its publication date, or when it was
    retrieved or imported if the file states none (CSL, OFAC CSV)."""
    parts = []
    for snap in sorted(snapshots, key=lambda s: s.source):
        if snap.published:
            day = snap.published[:10]
        elif snap.retrieved_at is not None:
            day = f"undated, retrieved {snap.retrieved_at:%Y-%m-%d}"
        else:
            day = f"undated, imported {snap.imported_at:%Y-%m-%d}"
        parts.append(f"{snap.source} {day}")
    return "list data as of " + ", ".join(parts)


@dataclass(frozen=True, slots=True)
class QueryGroup:
    """One party screened under one or more forms of its record (name, aliases, joined name parts): its
    hits are the best per listed entity over all forms. ``queries[0]`` is the party's main form."""

    party_id: str
    queries: Sequence[Query]


def party_key(name: str) -> str:
    """The party id used when the caller gives none: the name, case- and space-folded."""
    return "name:" + " ".join(name.casefold().split())


class Screener:
    """Screens parties against the current snapshots in a store. Create with :meth:`open`."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._snapshots: list[Snapshot] | None = None
        self._index: MatchIndex | None = None
        self._mentions_index: MentionIndex | None = None
        self._hashes: dict[int, dict[str, str]] = {}

    @classmethod
    def open(cls, settings: Settings | None = None, *, store: Store | None = None) -> Screener:
        """A screener on ``settings`` (default: from the environment), opening the store if not given."""
        settings = settings or Settings.from_env()
        return cls(store or open_store(settings), settings)

    # -- lists and index ---------------------------------------------------------------------------

    @property
    def snapshots(self) -> list[Snapshot]:
        """The snapshots in force (the bundled snapshot is imported for any source that has none)."""
        if self._snapshots is None:
            ensure_bundled(self.store)
            self._snapshots = current_snapshots(self.store)
        return self._snapshots

    def index_path(self) -> Path:
        key = "|".join(f"{s.id}:{s.sha256}" for s in sorted(self.snapshots, key=lambda s: s.id))
        digest = hashlib.sha256(f"{key}|{matcher_signature()}".encode()).hexdigest()[:20]
        return self.settings.cache_dir / f"index-{digest}.bin"

    def index(self, progress: Callable[[str], None] | None = None) -> MatchIndex:
        """The matching index of the current snapshots: from the cache, else built once and cached."""
        if self._index is None:

            def build() -> MatchIndex:
                if progress:
                    progress("building the matching index (once per list update)")
                return MatchIndex.build(self._entities())

            self._index = _settled(_load_or_build(self.index_path(), MatchIndex.load, build))
        return self._index

    def mention_index(self) -> MentionIndex:
        """The remarks index of the current snapshots (:mod:`aktsam.screening.mentions`): from the
        cache beside the matching index, else built once and cached."""
        if self._mentions_index is None:
            index = self.index_path()
            path = index.with_name("mentions-" + index.name.removeprefix("index-"))
            self._mentions_index = _load_or_build(
                path, MentionIndex.load, lambda: MentionIndex.build(self._entities())
            )
        return self._mentions_index

    def _entities(self) -> list[ListedEntity]:
        return load_entities(self.store, [s.id for s in self.snapshots])

    def _mentions(self, result: PartyResult, sources: Collection[str]) -> Mentions:
        # every listing of the designations hit (the hits' own entries among them)
        hit = {x.entity_id for d in result.designations for x in d.listings}
        query = result.query
        return self.mention_index().find(query.name, query.schema, exclude=hit, sources=sources)

    def _snapshot_for(self, source: str) -> Snapshot:
        for snap in self.snapshots:
            if snap.source == source:
                return snap
        raise InputError(f"no snapshot in force for list {source!r}")

    def _content_hash(self, snapshot_id: int, entity_id: str) -> str:
        if snapshot_id not in self._hashes:
            self._hashes[snapshot_id] = entity_hashes(self.store, snapshot_id)
        return self._hashes[snapshot_id].get(entity_id, "")

    def _check_lists(self, lists: Collection[str] | None) -> tuple[str, ...]:
        available = {s.source for s in self.snapshots}
        if not lists:
            return tuple(sorted(available))
        unknown = sorted(set(lists) - available)
        if unknown:
            raise InputError(
                f"no snapshot for list(s) {', '.join(unknown)}; available: {', '.join(sorted(available))}",
                field="lists",
            )
        return tuple(lists)

    # -- screening -----------------------------------------------------------------------------------

    def screen(
        self,
        name: str,
        *,
        schema: Schema | str | None = None,
        countries: Sequence[str] = (),
        birth_date: str | None = None,
        party_id: str | None = None,
        lists: Collection[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        actor: str | None = None,
        record: bool = True,
        mentions: bool = False,
    ) -> ScreeningRun:
        """Screen one party; see :meth:`screen_parties` for files of parties. ``mentions``: also
        the listed entries whose remarks name the party (``PartyResult.mentions``)."""
        if not name.strip():
            raise InputError("the name to screen is empty", field="name")
        party = PartyRow(
            row=1,
            id=party_id or party_key(name),
            name=name,
            schema=Schema(schema)
            if isinstance(schema, str) and schema != "any"
            else (schema if isinstance(schema, Schema) else None),
            countries=tuple(c.lower() for c in countries),
            birth_date=birth_date,
        )
        return self.screen_parties(
            [party],
            lists=lists,
            threshold=threshold,
            limit=limit,
            actor=actor,
            record=record,
            kind="single",
            mentions=mentions,
        )

    def screen_parties(
        self,
        parties: Sequence[PartyRow],
        *,
        lists: Collection[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        actor: str | None = None,
        record: bool = True,
        kind: str = "file",
        progress: Callable[[int], None] | None = None,
        mentions: bool = False,
    ) -> ScreeningRun:
        """Screen many parties; ``progress`` is called with the number of parties done after each batch."""
        return self.screen_groups(
            [_group(p) for p in parties],
            lists=lists,
            threshold=threshold,
            limit=limit,
            actor=actor,
            record=record,
            kind=kind,
            progress=progress,
            mentions=mentions,
        )

    def screen_groups(
        self,
        groups: Sequence[QueryGroup],
        *,
        lists: Collection[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        actor: str | None = None,
        record: bool = True,
        kind: str = "file",
        progress: Callable[[int], None] | None = None,
        exclude_schemas: Collection[Schema] = (),
        params: Mapping[str, Any] | None = None,
        mentions: bool = False,
    ) -> ScreeningRun:
        """Screen parties, each under one or more query forms: match, review, record, warn.

        ``lists=None`` means every list in force (an empty collection is the same: screening against
        nothing would answer "no hits"). Hits of ``exclude_schemas`` are left out before ``limit``.
        ``params`` are added to the run's recorded parameters. ``mentions``: each party's main name is
        also looked for in the listed entries' remarks (``PartyResult.mentions``; the entries of the
        designations it hits are left out).
        """
        if not 0.0 < threshold <= 1.0:
            raise InputError(f"threshold must be in (0, 1], got {threshold}", field="threshold")
        if any(not g.queries for g in groups):
            raise InputError("every party needs at least one name to screen", field="name")
        sources = self._check_lists(lists)
        decisions = decisions_for(self.store, [g.party_id for g in groups])
        results: list[PartyResult] = []
        for start in range(0, len(groups), BATCH):
            chunk = groups[start : start + BATCH]
            results += self._screen_chunk(
                chunk, threshold, limit, sources, decisions, exclude_schemas, mentions
            )
            if progress:
                progress(min(start + BATCH, len(groups)))
        snaps = [s for s in self.snapshots if s.source in sources]
        stale = staleness_warnings(self.store, sources=sources)
        run = ScreeningRun(
            results=results, snapshots=snaps, threshold=threshold, lists=sources, stale_lists=stale
        )
        if not record:
            return run
        many = {g.party_id: len(g.queries) > 1 for g in groups}
        run_id = record_run(
            self.store,
            kind=kind,
            params={
                "threshold": threshold,
                "limit": limit,
                "lists": list(sources),
                "parties": len(groups),
                **(params or {}),
                # what was shown beside the hits, kept with the run (a mention is not a hit row)
                **(
                    {
                        "mentions": {
                            r.party_id: {"name": r.query.name, **r.mentions.to_dict()}
                            for r in results
                        }
                    }
                    if mentions
                    else {}
                ),
            },
            snapshot_ids=[s.id for s in snaps],
            actor=actor or default_actor(),
            query_count=len(groups),
            hits=(_record(r, h, many[r.party_id]) for r in results for h in r.hits),
        )
        return ScreeningRun(
            results=results,
            snapshots=snaps,
            threshold=threshold,
            lists=sources,
            run_id=run_id,
            stale_lists=stale,
        )

    def _screen_chunk(
        self,
        groups: Sequence[QueryGroup],
        threshold: float,
        limit: int,
        sources: tuple[str, ...],
        decisions: Sequence[Decision],
        exclude_schemas: Collection[Schema] = (),
        mentions: bool = False,
    ) -> list[PartyResult]:
        """Match one batch of parties together and review each one's hits: the best per listed
        entity over its query forms, ``limit`` designations (enough entries are fetched for them)."""
        index = self.index()
        flat = [q for g in groups for q in g.queries]
        matched = match_many(
            index, flat, threshold=threshold, limit=limit * DESIGNATION_HEADROOM, sources=sources
        )
        results: list[PartyResult] = []
        position = 0
        for group in groups:
            found = matched[position : position + len(group.queries)]
            position += len(group.queries)
            hits = found[0] if len(found) == 1 else best_per_entity(found)
            if exclude_schemas:
                hits = [h for h in hits if h.schema not in exclude_schemas]
            hits = first_designations(index, hits, limit)
            result = self._review(group.party_id, group.queries[0], hits, decisions, sources)
            if mentions:
                result = replace(result, mentions=self._mentions(result, sources))
            results.append(result)
        return results

    def stream_parties(
        self,
        parties: Iterable[PartyRow],
        *,
        lists: Collection[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        actor: str | None = None,
        kind: str = "file",
        progress: Callable[[int], None] | None = None,
    ) -> StreamedRun:
        """:meth:`screen_parties` for inputs of any size: parties are read, matched, reviewed and
        handed on ``BATCH`` at a time, so memory does not grow with the input. The hits of the run are
        spooled to a temporary file as they come and recorded in one transaction once the last party
        is done (before the last result is returned): a run is recorded whole or not at all."""
        if not 0.0 < threshold <= 1.0:
            raise InputError(f"threshold must be in (0, 1], got {threshold}", field="threshold")
        sources = self._check_lists(lists)
        snaps = [s for s in self.snapshots if s.source in sources]
        run = StreamedRun(
            results=iter(()),
            snapshots=snaps,
            threshold=threshold,
            lists=sources,
            stale_lists=staleness_warnings(self.store, sources=sources),
        )
        run.results = self._stream(parties, run, limit, actor or default_actor(), kind, progress)
        return run

    def _stream(
        self,
        parties: Iterable[PartyRow],
        run: StreamedRun,
        limit: int,
        actor: str,
        kind: str,
        progress: Callable[[int], None] | None,
    ) -> Iterator[PartyResult]:
        # the last result is held back until the run is recorded: a consumer that read every result
        # knows the run is on record
        pending: PartyResult | None = None
        with tempfile.TemporaryFile(prefix="aktsam-run-") as spool:
            iterator = iter(parties)
            while chunk := list(islice(iterator, BATCH)):
                decisions = decisions_for(self.store, [p.id for p in chunk])
                results = self._screen_chunk(
                    [_group(p) for p in chunk], run.threshold, limit, run.lists, decisions
                )
                records = [_record(r, h, False) for r in results for h in r.hits]
                # plain tuples: unpickling a slotted dataclass calls back into Python per record
                pickle.dump(
                    [_fields(record) for record in records],
                    spool,
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
                run.parties += len(chunk)
                run.hits += len(records)
                run.with_open_hits += sum(1 for r in results if r.open_hits)
                if progress:
                    progress(run.parties)
                if pending is not None:
                    yield pending
                yield from results[:-1]
                pending = results[-1]
            spool.seek(0)
            run.run_id = record_run(
                self.store,
                kind=kind,
                params={
                    "threshold": run.threshold,
                    "limit": limit,
                    "lists": list(run.lists),
                    "parties": run.parties,
                    "streamed": True,
                },
                snapshot_ids=[s.id for s in run.snapshots],
                actor=actor,
                query_count=run.parties,
                hits=_unspool(spool),
            )
        if pending is not None:
            yield pending

    def _review(
        self,
        party_id: str,
        query: Query,
        hits: Sequence[Hit],
        decisions: Sequence[Decision],
        sources: Collection[str],
    ) -> PartyResult:
        reviewed: list[ScreenedHit] = []
        for hit in hits:
            snap = self._snapshot_for(hit.source)
            # the one rule for a hit's status (decisions.review_hit): the newest decision in force
            # counts, a clearance lapses once the listing changed, a clearance awaiting approval is
            # "pending"
            review = review_hit(
                decisions,
                party_id=party_id,
                entity_id=hit.entity_id,
                current_content_hash=self._content_hash(snap.id, hit.entity_id),
            )
            reviewed.append(
                ScreenedHit(
                    hit=hit,
                    status=review.status,
                    decision=review.decision,
                    snapshot_id=snap.id,
                    pending=review.pending,
                )
            )
        index = self.index()
        designations = [
            DesignationHit(key, tuple(group), listings(index, group[0].entity_id, sources))
            for key, group in group_hits(index, reviewed)
        ]
        return PartyResult(party_id=party_id, query=query, hits=reviewed, designations=designations)

    # -- decisions -------------------------------------------------------------------------------

    def decide(
        self, *, party_id: str, entity_id: str, decision: str, reason: str, actor: str | None = None
    ) -> Decision:
        """Record an analyst's decision on a hit against the entity as it stands in the current snapshot.

        The decision covers the designation: it is recorded on every entry the lists link to
        ``entity_id`` that is in a current snapshot (the SDN entry and its CSL copy, a UN designation
        and the UK and EU entries implementing it), each against its own content. Returns the
        decision on ``entity_id``.
        """
        entry = self._entry(entity_id)
        if entry is None:
            snap = self._snapshot_for(entity_id.split(":", 1)[0])
            raise InputError(
                f"{entity_id} is not in the current {snap.source} snapshot ({snap.label})",
                field="entity",
            )
        current = {s.source for s in self.snapshots}
        others = (
            self._entry(x.entity_id)
            for x in listings(self.index(), entity_id, current)
            if x.entity_id != entity_id
        )
        recorded = record_decisions(
            self.store,
            party_id=party_id,
            entries=[entry, *(e for e in others if e is not None)],
            decision=decision,
            reason=reason,
            actor=actor or default_actor(),
        )
        return recorded[0]

    def _entry(self, entity_id: str) -> tuple[str, int, str] | None:
        """(entity id, current snapshot id, content hash), or None when the entity is not in its
        list's current snapshot."""
        snap = self._snapshot_for(entity_id.split(":", 1)[0])
        content = self._content_hash(snap.id, entity_id)
        return (entity_id, snap.id, content) if content else None


class _Cached(Protocol):
    def save(self, path: Path) -> None: ...


C = TypeVar("C", bound=_Cached)


def _load_or_build(path: Path, load: Callable[[Path], C], build: Callable[[], C]) -> C:
    """What the cache file ``path`` holds, else ``build()``, saved there, and the stale caches of its
    kind (same name prefix: ``index-``, ``mentions-``) removed. A damaged or outdated cache is
    rebuilt, never trusted."""
    if path.exists():
        try:
            return load(path)
        except Exception as exc:
            log.warning("rebuilding: cached %s unusable (%s)", path, exc)
    built = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    built.save(path)
    prefix = path.name.split("-", 1)[0]
    for stale in path.parent.glob(f"{prefix}-*.bin"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return built


#: whether this process has frozen its live objects once (:func:`_settled`)
_frozen = False


def _settled(index: MatchIndex) -> MatchIndex:
    """``index``, with garbage collected and, the first time in a process, every live object moved out
    of the cyclic collector's sight (``gc.freeze``).

    A screening run allocates enough containers to trigger many full collections, and each walked every
    long-lived object of the process (modules, functions, classes, the store's and the index's
    objects): 10 to 20% of ``screen-file``'s CPU time. Frozen objects are still freed by reference
    counting; only a reference cycle among them outlives its use. So the freeze happens once per
    process, when the first index is in place: a server that reloads the index after a list update, or
    a test session that opens many stores, does not pin what is alive at each reload.
    """
    global _frozen
    gc.collect()  # also untracks the index's tuples of strings, so later walks skip them
    if not _frozen:
        gc.freeze()
        _frozen = True
    return index


def _group(party: PartyRow) -> QueryGroup:
    """A party of a file screened under its one name."""
    query = Query(party.name, party.schema, party.countries, party.birth_date, id=party.id)
    return QueryGroup(party.id, [query])


def _record(result: PartyResult, hit: ScreenedHit, many: bool) -> HitRecord:
    """The run record of one hit (the form that matched, when a party was screened under several)."""
    return HitRecord(
        query_id=result.party_id,
        query_name=hit.hit.explanation.query_name if many else result.query.name,
        entity_id=hit.entity_id,
        snapshot_id=hit.snapshot_id,
        score=hit.score,
        matched_name=hit.hit.matched_name,
        explanation=hit.hit.explanation.to_dict(),
        status=hit.status,
    )


#: a hit record's fields as a plain tuple, in the order ``HitRecord(*fields)`` takes them back
_fields: Callable[[HitRecord], tuple[Any, ...]] = attrgetter(*(f.name for f in fields(HitRecord)))


def _unspool(spool: IO[bytes]) -> Iterator[HitRecord]:
    while True:
        try:
            batch: list[tuple[Any, ...]] = pickle.load(spool)
        except EOFError:
            return
        for values in batch:
            yield HitRecord(*values)


def best_per_entity(groups: Sequence[Sequence[Hit]]) -> list[Hit]:
    """The best-scoring hit per listed entity over several query forms, best first."""
    best: dict[str, Hit] = {}
    for group in groups:
        for hit in group:
            if hit.entity_id not in best or hit.score > best[hit.entity_id].score:
                best[hit.entity_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.entity_id))


@cache
def matcher_signature() -> str:
    """The index format and weights plus a hash of every normalisation data file (legal forms, Chinese
    terms, aliases…): a change to any of them must rebuild the cached index, never reuse it."""
    data = Path(__file__).with_name("data")
    digest = hashlib.sha256(json.dumps(MatchIndex.fingerprint(), sort_keys=True).encode())
    for path in sorted(data.glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
