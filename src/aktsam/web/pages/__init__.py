"""The server-rendered pages (Jinja2 + htmx), one module per area; :func:`install` adds them all.

Roles: a viewer reads every page; an analyst screens, decides, uploads, assesses and records; an
approver approves (four eyes); an admin may do everything, including updating the lists. Every form
is a plain POST answered with a redirect (works without JavaScript) and carries the session's CSRF
token; every write runs through :func:`aktsam.store.db.retrying` with the logged-in user as actor.
"""

from __future__ import annotations

from fastapi import FastAPI

from aktsam.web.pages import (
    alerts,
    approvals,
    dashboard,
    devices,
    lists,
    parties,
    screening,
    trail,
)


def install(app: FastAPI) -> None:
    """Add every page's routes to ``app``."""
    for module in (dashboard, screening, alerts, devices, parties, lists, trail, approvals):
        for router in module.routers():
            app.include_router(router)


__all__ = [
    "alerts",
    "approvals",
    "dashboard",
    "devices",
    "install",
    "lists",
    "parties",
    "screening",
    "trail",
]
