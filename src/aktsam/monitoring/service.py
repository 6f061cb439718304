"""The monitoring functions the CLI, the API and the pages call (thin re-exports of the modules)."""

from __future__ import annotations

import sqlalchemy as sa

from aktsam.monitoring.alerts import (
    alert_counts,
    get_alert,
    group_alerts,
    list_alert_groups,
    list_alerts,
)
from aktsam.monitoring.model import (
    ALERT_KINDS,
    Alert,
    AlertGroup,
    AlertGroupPage,
    AlertPage,
    MonitorRun,
)
from aktsam.monitoring.run import full_period, last_completed, run_monitoring
from aktsam.monitoring.watch import WatchedFile, unwatch, watch_file, watched_files
from aktsam.store.db import Store
from aktsam.store.schema import MonitorRunRow


def recent_runs(store: Store, limit: int = 10) -> list[MonitorRun]:
    """The newest runs first (any status), without their alerts."""
    with store.session() as session:
        rows = session.scalars(
            sa.select(MonitorRunRow).order_by(MonitorRunRow.id.desc()).limit(limit)
        )
        return [MonitorRun.from_row(r) for r in rows]


__all__ = [
    "ALERT_KINDS",
    "Alert",
    "AlertGroup",
    "AlertGroupPage",
    "AlertPage",
    "MonitorRun",
    "WatchedFile",
    "alert_counts",
    "full_period",
    "get_alert",
    "group_alerts",
    "last_completed",
    "list_alert_groups",
    "list_alerts",
    "recent_runs",
    "run_monitoring",
    "unwatch",
    "watch_file",
    "watched_files",
]
