"""The record of every notification: one ``notification_deliveries`` row per e-mail digest or webhook
POST, updated after each attempt, and an audit-trail entry for each step.

A delivery is ``pending`` while it is being tried, then ``delivered`` or ``failed`` (with the last error
and, for webhooks, the last HTTP status). Every write is its own short transaction (retried on a transient
conflict), so a failed notification never touches the monitoring run's own transaction.

Trail actions (object type ``notification_delivery``): ``notification.queue`` (what is sent where, the
payload's SHA-256), ``notification.attempt`` (a failed attempt that will be retried),
``notification.deliver`` and ``notification.fail`` (the outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from aktsam.errors import NotFoundError
from aktsam.store import Store, trail
from aktsam.store.db import retrying
from aktsam.store.schema import NotificationDeliveryRow

CHANNELS = ("email", "webhook")
STATUSES = ("pending", "delivered", "failed")
OBJECT_TYPE = "notification_delivery"
MAX_ERROR = 2000


@dataclass(frozen=True, slots=True)
class Delivery:
    """One notification sent (or tried) to one channel's target."""

    id: int
    run_id: int | None
    channel: str
    target: str
    status: str
    attempts: int
    last_error: str | None
    http_status: int | None
    payload_sha256: str
    created_at: datetime
    delivered_at: datetime | None

    @classmethod
    def from_row(cls, row: NotificationDeliveryRow) -> Delivery:
        return cls(
            id=row.id,
            run_id=row.run_id,
            channel=row.channel,
            target=row.target,
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            http_status=row.http_status,
            payload_sha256=row.payload_sha256,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "run_id": self.run_id,
            "channel": self.channel,
            "target": self.target,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "http_status": self.http_status,
            "payload_sha256": self.payload_sha256,
            "created_at": self.created_at.isoformat(),
            "delivered_at": self.delivered_at.isoformat() if self.delivered_at else None,
        }


def _state(row: NotificationDeliveryRow) -> dict[str, Any]:
    return trail.row_state(row)


def open_delivery(
    store: Store,
    *,
    run_id: int | None,
    channel: str,
    target: str,
    payload_sha256: str,
    actor: str,
) -> Delivery:
    """A new ``pending`` delivery, recorded before the first attempt (so a crash mid-send leaves a trace)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")

    def work() -> Delivery:
        with store.session() as session:
            row = NotificationDeliveryRow(
                run_id=run_id,
                channel=channel,
                target=target[:500],
                status="pending",
                attempts=0,
                payload_sha256=payload_sha256,
                created_at=datetime.now(UTC),
            )
            session.add(row)
            session.flush()
            trail.record(
                session,
                actor=actor,
                action="notification.queue",
                object_type=OBJECT_TYPE,
                object_id=str(row.id),
                after=_state(row),
            )
            return Delivery.from_row(row)

    return retrying(work)


def record_attempt(
    store: Store,
    delivery_id: int,
    *,
    actor: str,
    error: str | None = None,
    http_status: int | None = None,
    final: bool = True,
    warning: str | None = None,
) -> Delivery:
    """Count one attempt: delivered when ``error`` is None (``warning`` then kept as ``last_error``, e.g.
    the recipients a mail server refused), else failed (``final``) or still pending."""

    def work() -> Delivery:
        with store.session() as session:
            row = session.get(NotificationDeliveryRow, delivery_id)
            if row is None:
                raise NotFoundError(f"no notification delivery {delivery_id}")
            before = _state(row)
            row.attempts += 1
            row.http_status = http_status
            if error is None:
                row.status, row.delivered_at = "delivered", datetime.now(UTC)
                row.last_error = warning[:MAX_ERROR] if warning else row.last_error
                action = "notification.deliver"
            else:
                row.last_error = error[:MAX_ERROR]
                row.status = "failed" if final else "pending"
                action = "notification.fail" if final else "notification.attempt"
            session.flush()
            trail.record(
                session,
                actor=actor,
                action=action,
                object_type=OBJECT_TYPE,
                object_id=str(row.id),
                before=before,
                after=_state(row),
            )
            return Delivery.from_row(row)

    return retrying(work)


def deliveries(
    store: Store, run_id: int | None = None, *, status: str | None = None, limit: int = 100
) -> list[Delivery]:
    """Deliveries, newest first: of one run, or all; optionally only one status (e.g. ``failed``)."""
    query = select(NotificationDeliveryRow).order_by(NotificationDeliveryRow.id.desc()).limit(limit)
    if run_id is not None:
        query = query.where(NotificationDeliveryRow.run_id == run_id)
    if status is not None:
        query = query.where(NotificationDeliveryRow.status == status)
    with store.session() as session:
        return [Delivery.from_row(row) for row in session.scalars(query)]


__all__ = [
    "CHANNELS",
    "STATUSES",
    "Delivery",
    "deliveries",
    "open_delivery",
    "record_attempt",
]
