"""Checks the front ends share when they read alerts (the web page, the API): a filter's value is
checked against what exists, so a typo is an error naming its field, never an empty "no alerts"."""

from __future__ import annotations

from aktsam.errors import InputError
from aktsam.lists.snapshots import status as list_status
from aktsam.store.db import Store


def known_lists(store: Store) -> list[str]:
    """The lists aktsam knows (configured in sources.yml or imported), sorted."""
    return sorted({s.source for s in list_status(store)})


def check_list(store: Store, source: str | None, field: str = "list") -> str | None:
    """``source`` if it names a known list (``None`` passes: no filter); else an error on ``field``."""
    if source is None:
        return None
    known = known_lists(store)
    if source not in known:
        raise InputError(f"unknown list {source!r}; one of {', '.join(known)}", field=field)
    return source


__all__ = ["check_list", "known_lists"]
