"""Screening runs are recorded with their snapshots and every hit, all or nothing."""

from __future__ import annotations

import datetime as dt
import math

import pytest
import sqlalchemy as sa

from aktsam.errors import InputError, NotFoundError
from aktsam.lists.model import ListedEntity, Name, ParsedList, Schema
from aktsam.lists.snapshots import Snapshot, import_parsed
from aktsam.screening.runs import HitRecord, get_run, record_run
from aktsam.store import Store
from aktsam.store.schema import ScreeningHitRow, ScreeningRunRow


@pytest.fixture
def snap(store: Store) -> Snapshot:
    entities = [
        ListedEntity("csv", str(i), Schema.ORGANIZATION, [Name(f"Co {i}")]) for i in range(3)
    ]
    return import_parsed(
        store, ParsedList("csv", entities, "2026-01-01"), sha256="a" * 64, file_name="w.csv"
    ).snapshot


def _hit(snap: Snapshot, query: str, entity: str, score: float = 0.91) -> HitRecord:
    return HitRecord(
        query_id=query,
        query_name=f"Query {query}",
        entity_id=entity,
        snapshot_id=snap.id,
        score=score,
        matched_name="Co 1",
        explanation={"tokens": ["co", "1"], "penalties": {"country": -0.05}},
    )


def _count(store: Store, model: type[ScreeningRunRow] | type[ScreeningHitRow]) -> int:
    with store.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_record_and_get(store: Store, snap: Snapshot) -> None:
    hits = [_hit(snap, "q1", "csv:1"), _hit(snap, "q1", "csv:2", 0.8), _hit(snap, "q2", "csv:1")]
    before = dt.datetime.now(dt.UTC)
    run_id = record_run(
        store,
        kind="screen-file",
        params={"threshold": 0.8, "file": "parties.xlsx"},
        snapshot_ids=[snap.id],
        actor="analyst",
        hits=iter(hits),  # any iterable, consumed once
        query_count=10,
    )
    run = get_run(store, run_id)
    assert (run.id, run.kind, run.actor) == (run_id, "screen-file", "analyst")
    assert run.params == {"threshold": 0.8, "file": "parties.xlsx"}
    assert run.snapshot_ids == [snap.id]
    assert (run.query_count, run.hit_count) == (10, 3)
    assert run.hits == hits
    assert run.created_at >= before and run.created_at.tzinfo is dt.UTC


def test_query_count_defaults_to_queries_with_hits(store: Store, snap: Snapshot) -> None:
    hits = [_hit(snap, "q1", "csv:1"), _hit(snap, "q1", "csv:2"), _hit(snap, "q2", "csv:1")]
    run_id = record_run(
        store, kind="screen", params={}, snapshot_ids=[snap.id], actor="a", hits=hits
    )
    assert get_run(store, run_id).query_count == 2
    empty = record_run(store, kind="screen", params={}, snapshot_ids=[snap.id], actor="a", hits=[])
    assert (get_run(store, empty).hit_count, get_run(store, empty).hits) == (0, [])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"actor": " "}, "actor"),
        ({"kind": ""}, "kind"),
        ({"snapshot_ids": []}, "snapshot_id"),  # the hit's snapshot is not declared
        ({"query_count": 0}, "query_count"),
        ({"hits_score": math.nan}, "score"),
    ],
)
def test_invalid_runs_store_nothing(
    store: Store, snap: Snapshot, kwargs: dict[str, object], field: str
) -> None:
    kwargs = dict(kwargs)  # the parameter dict is shared by every backend's run of this test
    score = kwargs.pop("hits_score", 0.9)
    args: dict[str, object] = {
        "kind": "screen",
        "params": {},
        "snapshot_ids": [snap.id],
        "actor": "a",
        "hits": [_hit(snap, "q1", "csv:1", score)],  # type: ignore[arg-type]
        **kwargs,
    }
    with pytest.raises(InputError) as info:
        record_run(store, **args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert _count(store, ScreeningRunRow) == _count(store, ScreeningHitRow) == 0


def test_unknown_snapshot_and_run(store: Store, snap: Snapshot) -> None:
    with pytest.raises(NotFoundError, match="999"):
        record_run(store, kind="screen", params={}, snapshot_ids=[snap.id, 999], actor="a", hits=[])
    assert _count(store, ScreeningRunRow) == 0
    with pytest.raises(NotFoundError):
        get_run(store, 12345)


def test_large_run(store: Store, snap: Snapshot) -> None:
    hits = [_hit(snap, f"q{i}", f"csv:{i % 3}") for i in range(5000)]
    run_id = record_run(
        store, kind="screen", params={}, snapshot_ids=[snap.id], actor="a", hits=hits
    )
    run = get_run(store, run_id)
    assert run.hit_count == len(run.hits) == 5000 and run.query_count == 5000
    assert [h.query_id for h in run.hits] == [h.query_id for h in hits]
