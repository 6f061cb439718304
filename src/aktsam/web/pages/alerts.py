"""The Alerts page: what monitoring raised, filtered and paged, reviewed through the hit decisions.

``GET /alerts`` (viewer) lists alerts, newest first, one row per designation
(:func:`aktsam.monitoring.service.list_alert_groups`): an OFAC SDN entry and its CSL copy, or a UN
designation and the UK and EU entries implementing it, are one row, the best-scoring entry leading and
the others under "also on". ``status`` (``open``, the default: those needing review, or ``all``),
``kind``, ``list``, ``party`` and ``run`` filter; ``page`` pages (25 designations a page). Each alert
shows its party, list, listed entity, snapshot, score, the matcher's explanation, its kind and its
review state, which comes from the hit decisions. ``GET /alerts/{id}`` (viewer) is one alert. There is
no decision endpoint here: an analyst reviews a ``new-hit`` or ``changed-listing`` alert with the
screening page's own form (``POST /screening/decide``, clear or confirm with a reason, four eyes for
clearing a confirmed hit; the decision covers every entry of the designation), which comes back to
this page. The page also lists the recent monitoring runs, failed ones included.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aktsam.errors import InputError
from aktsam.monitoring.model import ALERT_KINDS, Alert, AlertGroup
from aktsam.monitoring.service import get_alert, list_alert_groups, recent_runs
from aktsam.monitoring.views import check_list, known_lists
from aktsam.web.auth import CurrentUser, get_store, router
from aktsam.web.pages.common import notice
from aktsam.web.templating import render

PAGE_SIZE = 25
RECENT_RUNS = 10
STATUSES = ("open", "all")
#: alert kinds a hit decision reviews (a delisting is information, a stale list closes on update)
DECIDABLE = ("new-hit", "changed-listing")


def routers() -> list[APIRouter]:
    read = router(role="viewer")

    @read.get("/alerts", include_in_schema=False)
    def alerts_page(
        request: Request,
        user: CurrentUser,
        status: str = "open",
        kind: str = "",
        source: Annotated[str, Query(alias="list")] = "",
        party: str = "",
        run: str = "",
        page: str = "1",
    ) -> Response:
        store = get_store(request)
        sources = known_lists(store)
        filters = parse_filters(status=status, kind=kind, source=source, party=party, run=run)
        check_list(store, filters["list"] or None)
        number = _int(page, "page") or 1
        found = list_alert_groups(
            store,
            open_only=filters["status"] == "open",
            kind=filters["kind"] or None,
            party_id=filters["party"] or None,
            list_source=filters["list"] or None,
            run_id=filters["run"],
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
        query = filter_query(filters)
        here = "/alerts" + (f"?{query}&page={number}" if query else f"?page={number}")
        pages = max(1, -(-found.total // PAGE_SIZE))
        return render(
            request,
            "alerts.html.j2",
            {
                **notice(request),
                "alerts": [row(g.lead, g) for g in found.items],
                "total": found.total,
                "entries": found.alerts,
                "first": found.offset + 1,
                "last": found.offset + len(found.items),
                "page": number,
                "pages": pages,
                "filters": filters,
                "query": query,
                "here": here,
                "kinds": ALERT_KINDS,
                "sources": sources,
                "runs": recent_runs(store, RECENT_RUNS),
            },
        )

    @read.get("/alerts/{alert_id}", include_in_schema=False)
    def alert_page(request: Request, user: CurrentUser, alert_id: str) -> Response:
        number = _int(alert_id, "alert")
        if number is None:
            raise InputError("give an alert number", field="alert")
        alert = get_alert(get_store(request), number)
        return render(
            request,
            "alert.html.j2",
            {**notice(request), "alert": row(alert), "here": f"/alerts/{alert.id}"},
        )

    return [read]


def _int(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1 or int(value) > 2**62:
        raise InputError(f"{field}: {value!r} is not a positive whole number", field=field)
    return int(value)


def parse_filters(*, status: str, kind: str, source: str, party: str, run: str) -> dict[str, Any]:
    """The page's filters, checked (a bad value is an error naming its field, never ignored)."""
    status, kind = status.strip() or "open", kind.strip()
    if status not in STATUSES:
        raise InputError(f"status: {status!r} is not one of {', '.join(STATUSES)}", field="status")
    if kind and kind not in ALERT_KINDS:
        raise InputError(f"kind: {kind!r} is not one of {', '.join(ALERT_KINDS)}", field="kind")
    return {
        "status": status,
        "kind": kind,
        "list": source.strip(),
        "party": party.strip(),
        "run": _int(run, "run"),
    }


def filter_query(filters: dict[str, Any]) -> str:
    """The filters as a query string (without the page), for links that keep them."""
    return urlencode({k: v for k, v in filters.items() if v not in (None, "")})


def row(alert: Alert, group: AlertGroup | None = None) -> dict[str, Any]:
    """What the template shows of one alert and, when it leads ``group``, under "also on", the other
    listings of its designation. A decision taken on the row covers them all (the screening decision
    is recorded on every entry of the designation)."""
    members = group.alerts if group is not None else (alert,)
    status = group.status if group is not None else alert.status
    decisions = {a.decision for a in members}
    return {
        "alert": alert,
        "also": [row(a) for a in group.also] if group is not None else [],
        "decidable": alert.kind in DECIDABLE
        and status != "closed"
        and alert.party_id is not None
        and alert.entity_id is not None,
        "status_word": STATUS_WORDS.get(status, status),
        "decision_word": DECISION_WORDS.get(alert.decision or "", alert.decision),
        "ok": status in ("reviewed", "info") and "confirmed" not in decisions,
    }


STATUS_WORDS = {
    "open": "open",
    "pending": "pending approval",
    "reviewed": "reviewed",
    "info": "information",
    "closed": "closed",
}
DECISION_WORDS = {"false_positive": "cleared as false positive", "confirmed": "confirmed match"}

__all__ = ["PAGE_SIZE", "filter_query", "parse_filters", "routers", "row"]
