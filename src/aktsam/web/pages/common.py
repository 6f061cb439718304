"""Helpers the page modules share: redirects after a POST with a message, form values, dates."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from aktsam.errors import InputError


def redirect(path: str, **query: Any) -> RedirectResponse:
    """303 to ``path`` (a local path) with ``query`` (``msg=…``/``error=…`` for the next page)."""
    values = {k: v for k, v in query.items() if v not in (None, "")}
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(path + (joiner + urlencode(values) if values else ""), status_code=303)


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/alerts?kind=new-hit``), else ``None`` (never
    ``//evil.example`` or ``https://…``): where a form may send the user back to."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


def notice(request: Request) -> dict[str, str | None]:
    """The message and error a redirect passed on (shown by ``_messages.html.j2``)."""
    return {"msg": request.query_params.get("msg"), "error": request.query_params.get("error")}


def parse_date(value: str, field: str, *, required: bool = False) -> dt.date | None:
    value = value.strip()
    if not value:
        if required:
            raise InputError(f"{field} is required", field=field)
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{field}: {value!r} is not a date (YYYY-MM-DD)", field=field) from None


def split_ids(value: str) -> list[str]:
    return [
        part.strip()
        for part in value.replace(";", ",").replace(" ", ",").split(",")
        if part.strip()
    ]


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
