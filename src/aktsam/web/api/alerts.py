"""Monitoring over HTTP: the alerts continuous monitoring raised, and its runs.

``GET /api/alerts`` pages through alerts (newest first, one per listed entry) with filters; ``GET
/api/alerts/by-designation`` the same alerts one item per designation (an OFAC entry and its CSL copy are
one item), as the alerts page and ``aktsam alerts list`` show them; ``GET /api/alerts/{id}`` is one
alert; ``GET /api/monitor/runs`` the recent runs, failed ones included. An alert's ``status`` comes from
the hit decisions (``open``, ``pending`` four-eyes approval, ``reviewed``, ``info`` for a delisting,
``closed``): review a hit alert with ``POST /api/hits/decisions``, as any other hit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, Path, Query, Request
from pydantic import BaseModel, Field

from aktsam.monitoring.model import Alert, MonitorRun
from aktsam.monitoring.service import get_alert, list_alert_groups, list_alerts, recent_runs
from aktsam.monitoring.views import check_list
from aktsam.web.auth import CurrentUser, get_store, router

MAX_LIMIT = 500
AlertKind = Literal["new-hit", "changed-listing", "delisted", "list-stale"]
AlertStatus = Literal["open", "pending", "reviewed", "info", "closed"]


class AlertOut(BaseModel):
    id: int
    run_id: int = Field(..., description="The monitoring run that raised it.")
    kind: AlertKind
    status: AlertStatus = Field(
        ...,
        description="From the hit decisions: open (needs review), pending (a clearance awaits "
        "four-eyes approval), reviewed (cleared or confirmed), info (a delisting: nothing to decide), "
        "closed (superseded, no longer matching, or the list was updated).",
    )
    open: bool = Field(..., description="Needs review: status open or pending.")
    party_id: str | None = Field(None, examples=["C-1001"])
    party_name: str | None
    origin: str | None = Field(None, description='"register" or "watch:NAME" (a watched file).')
    list: str = Field(..., examples=["un-sc"])
    entity_id: str | None = Field(None, examples=["un-sc:CDi.001"])
    entity_caption: str | None
    entity_hash: str | None = Field(None, description="The listing the alert was raised on.")
    snapshot_id: int | None
    score: float | None
    explanation: dict[str, Any] = Field(..., description="The matcher's explanation of the score.")
    message: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    closed_reason: str | None
    decision: str | None = Field(
        None, description="The hit decision in force: false_positive or confirmed."
    )


class AlertPageOut(BaseModel):
    items: list[AlertOut]
    total: int = Field(..., description="Alerts matching the filters, over all pages.")
    limit: int
    offset: int
    next: str | None = Field(
        None, description="The URL of the next page (same filters), or null on the last page."
    )


class AlertGroupOut(BaseModel):
    designation: str | None = Field(
        None,
        description="The designation's key (its smallest entity id); null for an alert naming none "
        "(a delisting, a stale list).",
        examples=["ofac-sdn:2686"],
    )
    status: AlertStatus = Field(
        ..., description="The status most in need of review among its alerts."
    )
    open: bool = Field(..., description="One of its alerts needs review.")
    alerts: list[AlertOut] = Field(..., description="Best score first: the first leads.")


class AlertGroupPageOut(BaseModel):
    items: list[AlertGroupOut]
    total: int = Field(..., description="Designations matching the filters, over all pages.")
    alerts: int = Field(..., description="Alerts in those designations.")
    limit: int
    offset: int
    next: str | None = Field(
        None, description="The URL of the next page (same filters), or null on the last page."
    )


class MonitorRunOut(BaseModel):
    run_id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    actor: str
    status: str = Field(..., examples=["completed"], description="running, completed, failed…")
    mode: str = Field(..., examples=["delta"], description="full or delta.")
    matcher: str
    threshold: float
    snapshot_ids: list[int]
    counts: dict[str, Any]
    error: str | None


def alert_out(alert: Alert) -> AlertOut:
    return AlertOut.model_validate({**alert.to_dict(), "open": alert.open})


def run_out(run: MonitorRun) -> MonitorRunOut:
    data = run.to_dict()
    data.pop("alerts", None)
    return MonitorRunOut.model_validate(data)


api = router(role="viewer", prefix="/api", tags=["monitoring"])


@dataclass(frozen=True, slots=True)
class AlertFilters:
    """The filters and page both alert listings take (a FastAPI dependency)."""

    open_only: bool
    kind: str | None
    list: str | None
    party_id: str | None
    run_id: int | None
    limit: int
    offset: int

    def next_url(self, path: str, total: int) -> str | None:
        """The URL of the next page with the same filters, or None on the last page."""
        if self.offset + self.limit >= total:
            return None
        filters = {"kind": self.kind, "list": self.list, "party_id": self.party_id}
        query: dict[str, Any] = {"open": "true"} if self.open_only else {}
        query.update({k: v for k, v in {**filters, "run_id": self.run_id}.items() if v is not None})
        query.update({"limit": self.limit, "offset": self.offset + self.limit})
        return f"{path}?{urlencode(query)}"

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of :func:`list_alerts` and :func:`list_alert_groups`."""
        return {
            "open_only": self.open_only,
            "kind": self.kind,
            "party_id": self.party_id,
            "list_source": self.list,
            "run_id": self.run_id,
            "limit": self.limit,
            "offset": self.offset,
        }


def alert_filters(
    request: Request,
    open_: Annotated[
        bool,
        Query(alias="open", description="Only alerts needing review (status open or pending)."),
    ] = False,
    kind: Annotated[AlertKind | None, Query(description="Only this kind.")] = None,
    list_: Annotated[
        str | None,
        Query(
            alias="list",
            min_length=1,
            max_length=100,
            description="Only this list.",
            examples=["un-sc"],
        ),
    ] = None,
    party_id: Annotated[str | None, Query(min_length=1, max_length=255)] = None,
    run_id: Annotated[
        int | None, Query(ge=1, le=2**62, description="Only alerts this run raised.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> AlertFilters:
    check_list(get_store(request), list_)
    return AlertFilters(open_, kind, list_, party_id, run_id, limit, offset)


Filters = Annotated[AlertFilters, Depends(alert_filters)]


@api.get("/alerts", response_model=AlertPageOut, summary="Monitoring alerts, filtered and paged")
def alerts(request: Request, user: CurrentUser, filters: Filters) -> AlertPageOut:
    """Alerts newest first, one per listed entry (each names its designation in
    `explanation.designation`). `total` counts every match; `next` is the next page's URL."""
    page = list_alerts(get_store(request), **filters.arguments())
    return AlertPageOut(
        items=[alert_out(a) for a in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next=filters.next_url("/api/alerts", page.total),
    )


@api.get(
    "/alerts/by-designation",
    response_model=AlertGroupPageOut,
    summary="Monitoring alerts, one per designation",
)
def alert_groups(request: Request, user: CurrentUser, filters: Filters) -> AlertGroupPageOut:
    """Alerts newest first, one item per kind, party and designation: the lists link an OFAC SDN entry
    and its CSL copy, or a UN designation and the UK and EU entries implementing it, into one
    designation, and a run alerts on each entry. An item's `alerts` are best score first (the first
    leads); `status` is the one most in need of review. `total`, `limit` and `offset` count items;
    `alerts` counts the alerts in all of them. The web page and `aktsam alerts list` show this."""
    page = list_alert_groups(get_store(request), **filters.arguments())
    return AlertGroupPageOut(
        items=[
            AlertGroupOut.model_validate(
                {
                    "designation": g.designation,
                    "status": g.status,
                    "open": g.open,
                    "alerts": [alert_out(a) for a in g.alerts],
                }
            )
            for g in page.items
        ],
        total=page.total,
        alerts=page.alerts,
        limit=page.limit,
        offset=page.offset,
        next=filters.next_url("/api/alerts/by-designation", page.total),
    )


@api.get(
    "/alerts/{alert_id}",
    response_model=AlertOut,
    summary="One monitoring alert",
    responses={404: {"description": "No such alert"}},
)
def alert(
    request: Request, user: CurrentUser, alert_id: Annotated[int, Path(ge=1, le=2**62)]
) -> AlertOut:
    return alert_out(get_alert(get_store(request), alert_id))


@api.get("/monitor/runs", response_model=list[MonitorRunOut], summary="Recent monitoring runs")
def runs(
    request: Request,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> list[MonitorRunOut]:
    """The newest runs first, whatever their status (a failed run carries its `error`)."""
    return [run_out(r) for r in recent_runs(get_store(request), limit)]


ROUTERS = (api,)

__all__ = [
    "ROUTERS",
    "AlertFilters",
    "AlertGroupOut",
    "AlertGroupPageOut",
    "AlertOut",
    "AlertPageOut",
    "MonitorRunOut",
]
