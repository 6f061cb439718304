"""The lists in force over HTTP: freshness per source and what an update changed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Request
from pydantic import BaseModel, Field

from aktsam.lists.diff import diff_snapshots
from aktsam.lists.snapshots import status
from aktsam.web.api.common import plain
from aktsam.web.auth import CurrentUser, get_store, router


class ListStatusOut(BaseModel):
    source: str = Field(..., examples=["us-csl"])
    snapshot_id: int | None
    label: str | None
    published: str | None
    retrieved_at: dt.datetime | None
    entity_count: int | None
    age_days: int | None
    stale_after_days: int | None
    stale: bool = Field(..., description="Older than the source's freshness limit, or missing.")
    origin: str | None


class DiffOut(BaseModel):
    source: str
    old: dict[str, Any]
    new: dict[str, Any]
    counts: dict[str, int]
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]


api = router(role="viewer", prefix="/api", tags=["lists"])


@api.get("/lists", response_model=list[ListStatusOut], summary="Lists in force and freshness")
def lists(request: Request, user: CurrentUser) -> list[ListStatusOut]:
    return [ListStatusOut.model_validate(plain(s)) for s in status(get_store(request))]


def _snapshot(s: Any) -> dict[str, Any]:
    data: dict[str, Any] = plain(s)
    return {
        k: data[k] for k in ("id", "source", "label", "published", "imported_at", "entity_count")
    }


def _entity(e: Any) -> dict[str, Any]:
    return {"id": e.id, "caption": e.caption, "schema": e.schema.value, "sublist": e.sublist}


@api.get("/lists/diff", response_model=DiffOut, summary="What changed between two snapshots")
def diff(
    request: Request,
    user: CurrentUser,
    source: Annotated[str, Query(min_length=1, max_length=100, examples=["us-csl"])],
    from_: Annotated[
        str | None,
        Query(
            alias="from", max_length=100, description="Snapshot id or label (default: previous)."
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(max_length=100, description="Snapshot id or label (default: current)."),
    ] = None,
) -> DiffOut:
    """Designations added, removed and changed from `from` to `to` (default: the last update)."""

    def ref(value: str | None) -> int | str | None:
        return int(value) if value is not None and value.isdigit() else value

    result = diff_snapshots(get_store(request), source, ref(from_), ref(to))
    return DiffOut(
        source=result.source,
        old=_snapshot(result.old),
        new=_snapshot(result.new),
        counts=result.counts(),
        added=[_entity(e) for e in result.added],
        removed=[_entity(e) for e in result.removed],
        changed=[{**_entity(c.new), "fields": list(c.fields)} for c in result.changed],
    )


ROUTERS = (api,)

__all__ = ["ROUTERS"]
