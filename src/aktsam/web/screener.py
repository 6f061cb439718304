"""The one :class:`Screener` a running application shares between its pages and its API.

It is kept on ``app.state`` while the snapshots in force stay the same; after a list update (from the web,
the command line or another process) the next request finds other snapshots and makes a fresh one, which
loads or builds the new index. One process therefore holds one matching index (about 0.5 GB), not one per
front end. The bundled snapshot is imported on first use, as on the command line.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import Request

from aktsam.lists.bundled import ensure_bundled
from aktsam.lists.snapshots import current_snapshots
from aktsam.screening.service import Screener
from aktsam.store import Store
from aktsam.store.db import retrying
from aktsam.web.auth import get_store

_LOCK = threading.Lock()


def shared_screener(request: Request) -> Screener:
    """The application's screener for the snapshots in force now, its index loaded."""
    store: Store = get_store(request)
    with _LOCK:
        retrying(lambda: ensure_bundled(store))
        key = tuple(sorted((s.id, s.sha256) for s in current_snapshots(store)))
        cached: tuple[tuple[Any, ...], Screener] | None = getattr(
            request.app.state, "shared_screener", None
        )
        if cached is not None and cached[0] == key:
            return cached[1]
        screener = Screener(store, request.app.state.settings)
        screener.index()
        request.app.state.shared_screener = (key, screener)
        return screener


__all__ = ["shared_screener"]
