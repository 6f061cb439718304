"""Server-rendered pages: one Jinja2 environment for the web application.

Templates live in ``aktsam/web/templates`` and extend ``base.html.j2``. Autoescaping is on for every
template (whatever its file name) and undefined names are errors, not blanks. Every page gets, besides
its own context:

``user``
    the logged-in :class:`aktsam.accounts.User`, or ``None``;
``csrf_token``
    the session's CSRF token (``None`` when not logged in): put
    ``<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`` into every POST form;
``nav``
    the main navigation as ``(href, label)`` pairs, and ``active_nav``, the current path's entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import Response

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

NAV: tuple[tuple[str, str], ...] = (
    ("/", "Dashboard"),
    ("/screening", "Screening"),
    ("/alerts", "Alerts"),
    ("/devices", "Devices"),
    ("/parties", "Parties"),
    ("/lists", "Lists"),
    ("/approvals", "Approvals"),
    ("/audit", "Audit trail"),
)


def _active_nav(path: str) -> str:
    best = "/"
    for href, _ in NAV:
        if href != "/" and (path == href or path.startswith(href + "/")):
            best = href
    return best


def page_context(request: Request) -> dict[str, Any]:
    """What every template sees (see the module docstring)."""
    state = request.state
    return {
        "user": getattr(state, "user", None),
        "csrf_token": getattr(state, "csrf_token", None),
        "nav": NAV,
        "active_nav": _active_nav(request.url.path),
    }


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=environment, context_processors=[page_context])


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render template ``name`` as the response to ``request``."""
    return templates.TemplateResponse(
        request, name, dict(context or {}), status_code=status_code, headers=headers
    )


__all__ = [
    "NAV",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "environment",
    "page_context",
    "render",
    "templates",
]
