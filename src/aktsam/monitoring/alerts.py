"""Reading alerts. An alert's review state is never stored: it comes from the hit decisions through
:func:`aktsam.screening.decisions.review_hit` (the one rule for a hit's status), judged against the
listing the alert was raised on (its ``entity_hash``). So an analyst reviews an alert by deciding the
hit (``aktsam hits clear`` / ``confirm``, four eyes where those need it), and a clearance made before
the listing changed does not review a ``changed-listing`` alert.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from aktsam.errors import InputError, NotFoundError
from aktsam.monitoring.model import ALERT_KINDS, Alert, AlertGroup, AlertGroupPage, AlertPage
from aktsam.screening.decisions import Decision, decisions_for, review_hit
from aktsam.store.db import Store
from aktsam.store.schema import MonitorAlertRow

_HIT_KINDS = ("new-hit", "changed-listing")


def alert_state(row: MonitorAlertRow, decisions: Sequence[Decision]) -> tuple[str, str | None]:
    """(status, decision in force) of one alert."""
    if row.closed_at is not None:
        return "closed", None
    if row.kind == "delisted":
        return "info", None
    if row.kind not in _HIT_KINDS or row.party_id is None or row.entity_id is None:
        return "open", None
    review = review_hit(
        decisions,
        party_id=row.party_id,
        entity_id=row.entity_id,
        current_content_hash=row.entity_hash,
    )
    decision = review.decision.decision if review.decision is not None else None
    if review.status in ("cleared", "confirmed"):
        return "reviewed", decision
    return ("pending" if review.status == "pending" else "open"), decision


def to_alerts(store: Store, rows: Sequence[MonitorAlertRow]) -> list[Alert]:
    decisions = decisions_for(store, {r.party_id for r in rows if r.party_id is not None})
    out = []
    for row in rows:
        status, decision = alert_state(row, decisions)
        out.append(Alert.from_row(row, status, decision))
    return out


def _selected(
    store: Store,
    *,
    open_only: bool = False,
    kind: str | None = None,
    party_id: str | None = None,
    list_source: str | None = None,
    run_id: int | None = None,
    limit: int = 1,
    offset: int = 0,
) -> list[Alert]:
    """The alerts the filters select, newest first; ``open_only`` leaves out the closed alerts and
    the delistings (whether an alert needs review is judged after, from the decisions). The page
    (``limit``, ``offset``) is only checked here: the callers page what they make of the alerts."""
    if kind is not None and kind not in ALERT_KINDS:
        raise InputError(
            f"unknown alert kind {kind!r}; one of {', '.join(ALERT_KINDS)}", field="kind"
        )
    if limit < 1 or offset < 0:
        raise InputError("limit must be positive and offset not negative", field="limit")
    query = sa.select(MonitorAlertRow).order_by(MonitorAlertRow.id.desc())
    if kind is not None:
        query = query.where(MonitorAlertRow.kind == kind)
    if party_id is not None:
        query = query.where(MonitorAlertRow.party_id == party_id)
    if list_source is not None:
        query = query.where(MonitorAlertRow.source == list_source)
    if run_id is not None:
        query = query.where(MonitorAlertRow.run_id == run_id)
    if open_only:
        query = query.where(MonitorAlertRow.closed_at.is_(None), MonitorAlertRow.kind != "delisted")
    with store.session() as session:
        rows = list(session.scalars(query))
        session.expunge_all()
    return to_alerts(store, rows)


def list_alerts(
    store: Store,
    *,
    open_only: bool = False,
    kind: str | None = None,
    party_id: str | None = None,
    list_source: str | None = None,
    run_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AlertPage:
    """Alerts, one per listed entry, newest first, filtered; ``open_only``: those needing review
    (open or pending). :func:`list_alert_groups` gives them one per designation."""
    alerts = _selected(
        store,
        open_only=open_only,
        kind=kind,
        party_id=party_id,
        list_source=list_source,
        run_id=run_id,
        limit=limit,
        offset=offset,
    )
    if open_only:
        alerts = [a for a in alerts if a.open]
    return AlertPage(
        items=alerts[offset : offset + limit], total=len(alerts), limit=limit, offset=offset
    )


def group_alerts(alerts: Sequence[Alert]) -> list[AlertGroup]:
    """``alerts`` as one group per kind, party and designation (``explanation["designation"]``, which
    monitoring records on every hit alert), in the order of each group's first alert, best score
    first within a group (then by alert id). An alert naming no designation (a delisting, a stale
    list, an alert recorded before designations were named) is a group of its own."""
    groups: dict[object, tuple[str | None, list[Alert]]] = {}
    for alert in alerts:
        named = alert.explanation.get("designation")
        designation = named if isinstance(named, str) else None
        key = (alert.kind, alert.party_id, designation) if designation is not None else alert.id
        groups.setdefault(key, (designation, []))[1].append(alert)
    return [
        AlertGroup(
            designation=designation,
            alerts=tuple(
                sorted(group, key=lambda a: (-(a.score if a.score is not None else 0.0), a.id))
            ),
        )
        for designation, group in groups.values()
    ]


def list_alert_groups(
    store: Store,
    *,
    open_only: bool = False,
    kind: str | None = None,
    party_id: str | None = None,
    list_source: str | None = None,
    run_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AlertGroupPage:
    """Alerts one per designation (:func:`group_alerts`), newest first, filtered as
    :func:`list_alerts`; ``limit`` and ``offset`` count designations. ``open_only``: the designations
    with an alert needing review (the group keeps its other, not closed, listings)."""
    alerts = _selected(
        store,
        open_only=open_only,
        kind=kind,
        party_id=party_id,
        list_source=list_source,
        run_id=run_id,
        limit=limit,
        offset=offset,
    )
    groups = group_alerts(alerts)
    if open_only:
        groups = [g for g in groups if g.open]
    return AlertGroupPage(
        items=groups[offset : offset + limit],
        total=len(groups),
        alerts=sum(len(g.alerts) for g in groups),
        limit=limit,
        offset=offset,
    )


def alert_counts(store: Store) -> dict[str, int]:
    """Designations with an alert needing review, per kind, and ``total``: what the alerts page lists
    (an OFAC entry and its CSL copy count once)."""
    counts = dict.fromkeys(ALERT_KINDS, 0)
    for group in group_alerts(_selected(store, open_only=True)):
        if group.open:
            counts[group.lead.kind] += 1
    counts["total"] = sum(counts.values())
    return counts


def get_alert(store: Store, alert_id: int) -> Alert:
    with store.session() as session:
        row = session.get(MonitorAlertRow, alert_id)
        if row is None:
            raise NotFoundError(f"no alert {alert_id}")
        session.expunge(row)
    return to_alerts(store, [row])[0]


__all__ = [
    "alert_counts",
    "alert_state",
    "get_alert",
    "group_alerts",
    "list_alert_groups",
    "list_alerts",
    "to_alerts",
]
