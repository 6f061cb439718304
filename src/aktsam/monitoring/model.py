"""Typed records of monitoring: runs, alerts, designation groups of alerts and pages of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aktsam.store.schema import MonitorAlertRow, MonitorRunRow

#: alert kinds: a new match, a match whose listing changed (a clearance of it lapses), a matched entity
#: gone from its list, a list that could not be updated or is past its staleness limit
ALERT_KINDS: tuple[str, ...] = ("new-hit", "changed-listing", "delisted", "list-stale")
#: alert states: ``open`` needs review (no decision in force on the hit as listed), ``pending`` a
#: clearance awaits four-eyes approval, ``reviewed`` a decision in force (cleared / confirmed),
#: ``info`` a delisting (nothing to decide), ``closed`` superseded, no longer matching or list updated
ALERT_STATES: tuple[str, ...] = ("open", "pending", "reviewed", "info", "closed")


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    run_id: int
    kind: str
    status: str  # ALERT_STATES, derived from the hit decisions
    party_id: str | None
    party_name: str | None
    origin: str | None
    list: str
    entity_id: str | None
    entity_caption: str | None
    entity_hash: str | None
    snapshot_id: int | None
    score: float | None
    explanation: dict[str, Any]
    message: str
    created_at: datetime
    closed_at: datetime | None = None
    closed_reason: str | None = None
    decision: str | None = None  # the hit decision in force, if any

    @property
    def open(self) -> bool:
        return self.status in ("open", "pending")

    @classmethod
    def from_row(cls, row: MonitorAlertRow, status: str, decision: str | None = None) -> Alert:
        return cls(
            id=row.id,
            run_id=row.run_id,
            kind=row.kind,
            status=status,
            party_id=row.party_id,
            party_name=row.party_name,
            origin=row.origin,
            list=row.source,
            entity_id=row.entity_id,
            entity_caption=row.entity_caption,
            entity_hash=row.entity_hash,
            snapshot_id=row.snapshot_id,
            score=row.score,
            explanation=dict(row.explanation or {}),
            message=row.message,
            created_at=row.created_at,
            closed_at=row.closed_at,
            closed_reason=row.closed_reason,
            decision=decision,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "run_id": self.run_id,
            "kind": self.kind,
            "status": self.status,
            "party_id": self.party_id,
            "party_name": self.party_name,
            "origin": self.origin,
            "list": self.list,
            "entity_id": self.entity_id,
            "entity_caption": self.entity_caption,
            "entity_hash": self.entity_hash,
            "snapshot_id": self.snapshot_id,
            "score": None if self.score is None else round(self.score, 4),
            "explanation": self.explanation,
            "message": self.message,
            "created_at": self.created_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "closed_reason": self.closed_reason,
            "decision": self.decision,
        }


@dataclass(frozen=True, slots=True)
class AlertGroup:
    """The alerts of one kind on one party and one designation (:func:`aktsam.monitoring.alerts.
    group_alerts`): the lists link an OFAC SDN entry and its CSL copy, or a UN designation and the UK
    and EU entries implementing it, and a run alerts on each entry. ``alerts`` is best score first:
    the first leads, the others are the designation's other listings ("also on"). An alert that names
    no designation (a delisting, a stale list) is a group of its own."""

    designation: str | None
    alerts: tuple[Alert, ...]

    @property
    def lead(self) -> Alert:
        return self.alerts[0]

    @property
    def also(self) -> tuple[Alert, ...]:
        return self.alerts[1:]

    @property
    def status(self) -> str:
        """The state most in need of attention among the alerts (:data:`ALERT_STATES` order): one open
        entry keeps the designation open."""
        return min((a.status for a in self.alerts), key=ALERT_STATES.index)

    @property
    def open(self) -> bool:
        return any(a.open for a in self.alerts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "designation": self.designation,
            "status": self.status,
            "alerts": [a.to_dict() for a in self.alerts],
        }


@dataclass(frozen=True, slots=True)
class MonitorRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    actor: str
    status: str  # running, completed, failed
    mode: str  # full, delta
    matcher: str
    threshold: float
    snapshot_ids: list[int]
    counts: dict[str, Any]
    error: str | None = None
    alerts: list[Alert] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: MonitorRunRow, alerts: list[Alert] | None = None) -> MonitorRun:
        return cls(
            id=row.id,
            started_at=row.started_at,
            finished_at=row.finished_at,
            actor=row.actor,
            status=row.status,
            mode=row.mode,
            matcher=row.matcher,
            threshold=row.threshold,
            snapshot_ids=[int(i) for i in row.snapshot_ids or []],
            counts=dict(row.counts or {}),
            error=row.error,
            alerts=alerts or [],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "actor": self.actor,
            "status": self.status,
            "mode": self.mode,
            "matcher": self.matcher,
            "threshold": self.threshold,
            "snapshot_ids": self.snapshot_ids,
            "counts": self.counts,
            "error": self.error,
            "alerts": [a.to_dict() for a in self.alerts],
        }


@dataclass(frozen=True, slots=True)
class AlertPage:
    items: list[Alert]
    total: int
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [a.to_dict() for a in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


@dataclass(frozen=True, slots=True)
class AlertGroupPage:
    """A page of designation groups; ``total`` counts groups, ``alerts`` the alerts in all of them."""

    items: list[AlertGroup]
    total: int
    alerts: int
    limit: int
    offset: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [g.to_dict() for g in self.items],
            "total": self.total,
            "alerts": self.alerts,
            "limit": self.limit,
            "offset": self.offset,
        }


__all__ = [
    "ALERT_KINDS",
    "ALERT_STATES",
    "Alert",
    "AlertGroup",
    "AlertGroupPage",
    "AlertPage",
    "MonitorRun",
]
