"""``/`` (viewer): open hits to review, open monitoring alerts by kind and the last monitoring runs,
overdue items, sites with restricted devices, list freshness."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response

from aktsam.diligence import followup
from aktsam.lists import snapshots
from aktsam.monitoring.model import ALERT_KINDS
from aktsam.monitoring.service import alert_counts, recent_runs
from aktsam.screening.decisions import decisions_for
from aktsam.store import Store
from aktsam.store.schema import EquipmentRow, ScreeningHitRow, ScreeningRunRow
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.pages.common import today
from aktsam.web.pages.devices import audits_dir
from aktsam.web.templating import render

RECENT_RUNS = 200
RESTRICTED = ("restricted everywhere", "restricted here")
#: monitoring runs on the dashboard: the newest, and enough to see a failure next to the last success
DASHBOARD_RUNS = 3


def routers() -> list[APIRouter]:
    read = router(role="viewer")

    @read.get("/", include_in_schema=False)
    def dashboard(request: Request, user: CurrentUser) -> Response:
        store = get_store(request)
        items = followup.due_items(store, today(), within_days=0)
        return render(
            request,
            "dashboard.html.j2",
            {
                "freshness": snapshots.status(store),
                "open_hits": open_hits(store),
                "alert_counts": alert_counts(store),
                "alert_kinds": ALERT_KINDS,
                "monitor_runs": recent_runs(store, DASHBOARD_RUNS),
                "overdue": [i for i in items if i.overdue],
                "restricted_sites": restricted_sites(store),
            },
        )

    return [read]


def open_hits(store: Store) -> list[dict[str, Any]]:
    """Hits whose status was ``open`` when last screened (newest of the recent runs per party and
    entity) and that nobody has decided on since."""
    with store.session() as session:
        recent = (
            sa.select(ScreeningRunRow.id)
            .order_by(ScreeningRunRow.id.desc())
            .limit(RECENT_RUNS)
            .subquery()
        )
        rows = session.execute(
            sa.select(
                ScreeningHitRow.query_id,
                ScreeningHitRow.query_name,
                ScreeningHitRow.entity_id,
                ScreeningHitRow.score,
                ScreeningHitRow.status,
                ScreeningHitRow.run_id,
            )
            .where(ScreeningHitRow.run_id.in_(sa.select(recent.c.id)))
            .order_by(ScreeningHitRow.run_id.desc(), ScreeningHitRow.id)
        ).all()
    decided = {
        (d.party_id, d.entity_id)
        for d in decisions_for(store, {row[0] for row in rows})
        if not d.pending
    }  # reviewed since the run recorded the hit as open
    seen: set[tuple[str, str]] = set(decided)
    found: list[dict[str, Any]] = []
    for query_id, name, entity_id, score, status, run_id in rows:
        if (query_id, entity_id) in seen:
            continue
        seen.add((query_id, entity_id))
        if status == "open":
            found.append({"party_id": query_id, "name": name, "entity_id": entity_id,
                          "score": score, "run": run_id})  # fmt: skip
    return found


def restricted_sites(store: Store) -> dict[str, Any]:
    """Sites with restricted devices: from the last audit run on the web, else from the register's
    equipment whose finding is restricted."""
    folder = audits_dir(store)
    summaries = sorted(folder.glob("*/summary.json"), key=lambda p: p.stat().st_mtime)
    if summaries:
        data = json.loads(summaries[-1].read_text(encoding="utf-8"))
        return {"source": "audit", "audit": data["id"], "today": data["today"],
                "sites": data["restricted_sites"]}  # fmt: skip
    with store.session() as session:
        rows = session.execute(
            sa.select(EquipmentRow.site, sa.func.count())
            .where(EquipmentRow.finding.in_(RESTRICTED))
            .group_by(EquipmentRow.site)
            .order_by(EquipmentRow.site)
        ).all()
    return {"source": "register", "audit": None, "today": None,
            "sites": [{"site": site or "(no site)", "restricted": count} for site, count in rows]}  # fmt: skip


__all__ = ["open_hits", "restricted_sites", "routers"]
