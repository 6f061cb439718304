"""The record of each screening run: what was screened, against which list snapshots, and every hit.

Regulators and auditors ask "was this customer screened on that date, against which lists, and what
came up?". A run row answers that by pointing at the exact snapshots used (which are never
modified), and the hit rows keep the score and the matcher's explanation as they were at the time,
so a later change of the matching code cannot rewrite history.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from aktsam.errors import InputError, NotFoundError
from aktsam.store.db import Store
from aktsam.store.schema import ScreeningHitRow, ScreeningRunRow, SnapshotRow

BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class HitRecord:
    """One hit as screening produced it: query ``query_id`` matched ``entity_id`` of
    ``snapshot_id``.

    ``explanation`` is whatever the matcher reports (JSON-serialisable); ``status`` is the hit's
    review state at recording time (``open`` unless a decision already applied, e.g. ``cleared``).
    """

    query_id: str
    query_name: str
    entity_id: str
    snapshot_id: int
    score: float
    matched_name: str
    explanation: Mapping[str, Any] = field(default_factory=dict)
    status: str = "open"


@dataclass(frozen=True, slots=True)
class Run:
    """A recorded screening run with its hits (in recording order)."""

    id: int
    created_at: dt.datetime
    actor: str
    kind: str
    params: dict[str, Any]
    snapshot_ids: list[int]
    query_count: int
    hit_count: int
    hits: list[HitRecord]


def record_run(
    store: Store,
    *,
    kind: str,
    params: Mapping[str, Any],
    snapshot_ids: Sequence[int],
    actor: str,
    hits: Iterable[HitRecord],
    query_count: int | None = None,
) -> int:
    """Store a run and all its hits in one transaction; returns the run id. ``hits`` is consumed
    once, in batches: a generator keeps memory flat however many hits a run has.

    ``query_count`` is the number of parties screened; it defaults to the number of distinct query
    ids among the hits, which undercounts parties without hits, so callers screening a file should
    pass it. Every hit must refer to one of ``snapshot_ids``: a hit against a snapshot the run does
    not declare would make the record contradict itself.
    """
    for name, value in (("kind", kind), ("actor", actor)):
        if not value.strip():
            raise InputError(f"{name} is required and must not be empty", field=name)
    declared = [int(i) for i in snapshot_ids]
    allowed = set(declared)
    # streamed: the hits are read and inserted in batches inside one transaction, never all held
    with store.session() as session:
        existing = set(
            session.scalars(sa.select(SnapshotRow.id).where(SnapshotRow.id.in_(declared)))
        )
        missing = [i for i in declared if i not in existing]
        if missing:
            raise NotFoundError(f"no snapshot with id {', '.join(map(str, missing))}")
        run = ScreeningRunRow(
            created_at=dt.datetime.now(dt.UTC),
            actor=actor,
            kind=kind,
            params=dict(params),
            snapshot_ids=declared,
            query_count=0,
            hit_count=0,
        )
        session.add(run)
        session.flush()
        queries: set[str] = set()
        batch: list[dict[str, Any]] = []
        count = 0
        for index, hit in enumerate(hits):
            if hit.snapshot_id not in allowed:
                raise InputError(
                    f"hit {index} ({hit.entity_id}) refers to snapshot {hit.snapshot_id}, "
                    f"not one of the run's snapshots {declared}",
                    field="snapshot_id",
                )
            if not math.isfinite(hit.score):
                raise InputError(
                    f"hit {index} ({hit.entity_id}) has score {hit.score}", field="score"
                )
            queries.add(hit.query_id)
            batch.append(
                {
                    "run_id": run.id,
                    "query_id": hit.query_id,
                    "query_name": hit.query_name,
                    "entity_id": hit.entity_id,
                    "snapshot_id": hit.snapshot_id,
                    "score": float(hit.score),
                    "matched_name": hit.matched_name,
                    "explanation": dict(hit.explanation),
                    "status": hit.status,
                }
            )
            count += 1
            if len(batch) >= BATCH_SIZE:
                session.execute(sa.insert(ScreeningHitRow), batch)
                batch = []
        if batch:
            session.execute(sa.insert(ScreeningHitRow), batch)
        if query_count is not None and query_count < len(queries):
            raise InputError(
                f"query_count {query_count} is less than the {len(queries)} queries with hits",
                field="query_count",
            )
        run.query_count = len(queries) if query_count is None else query_count
        run.hit_count = count
        return run.id


def get_run(store: Store, run_id: int) -> Run:
    """A run and its hits; :class:`NotFoundError` if there is no such run."""
    with store.session() as session:
        run = session.get(ScreeningRunRow, run_id)
        if run is None:
            raise NotFoundError(f"no screening run {run_id}")
        hits = [
            HitRecord(
                query_id=h.query_id,
                query_name=h.query_name,
                entity_id=h.entity_id,
                snapshot_id=h.snapshot_id,
                score=h.score,
                matched_name=h.matched_name,
                explanation=dict(h.explanation),
                status=h.status,
            )
            for h in session.scalars(
                sa.select(ScreeningHitRow)
                .where(ScreeningHitRow.run_id == run_id)
                .order_by(ScreeningHitRow.id)
            )
        ]
        return Run(
            id=run.id,
            created_at=run.created_at,
            actor=run.actor,
            kind=run.kind,
            params=dict(run.params),
            snapshot_ids=[int(i) for i in run.snapshot_ids],
            query_count=run.query_count,
            hit_count=run.hit_count,
            hits=hits,
        )
