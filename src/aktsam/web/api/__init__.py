"""The HTTP API: yente-compatible matching (``/match``, ``/search``, ``/catalog``, ``/algorithms``) and
aktsam's own endpoints under ``/api`` (screening, monitoring alerts, lists, devices, due diligence).

Every router is built with :func:`aktsam.web.auth.router`, so each route checks the caller's role (viewer
reads, analyst writes, approver approves, admin everything) and CSRF for browser sessions; systems call
with ``Authorization: Bearer aks_…``. Every write goes through :func:`aktsam.store.db.retrying` with the
authenticated user's username as actor. :data:`ROUTERS` is what :func:`aktsam.web.app.create_app`
includes.
"""

from __future__ import annotations

from fastapi import APIRouter

from aktsam.web.api import alerts, devices, diligence, docs, lists, match, screening

ROUTERS: tuple[APIRouter, ...] = (
    *match.ROUTERS,
    *screening.ROUTERS,
    *alerts.ROUTERS,
    *lists.ROUTERS,
    *devices.ROUTERS,
    *diligence.ROUTERS,
    *docs.ROUTERS,
)

OPENAPI_TAGS: list[dict[str, str]] = [
    {"name": "matching", "description": "OpenSanctions yente-compatible matching and search."},
    {"name": "screening", "description": "Screen names, read runs, decide on hits."},
    {"name": "monitoring", "description": "Alerts raised by continuous monitoring, and its runs."},
    {"name": "lists", "description": "The sanctions and export-control lists in force."},
    {"name": "devices", "description": "Equipment audit: who really made a device."},
    {"name": "parties", "description": "The due-diligence register: parties, relations, evidence."},
    {"name": "assessments", "description": "Risk assessments of parties."},
    {"name": "decisions", "description": "Due-diligence decisions (four eyes) and actions."},
    {"name": "requests", "description": "Information requests (Norwegian Transparency Act § 6)."},
    {"name": "sales", "description": "Pre-order sale checks for ERP systems."},
    {"name": "reports", "description": "Follow-up list and the transparency account."},
    {"name": "system", "description": "Health and API reference."},
]

__all__ = ["OPENAPI_TAGS", "ROUTERS"]
