"""Helpers the API modules share: the acting user, JSON-ready values (the shared screener is
``aktsam.web.screener``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict

from aktsam.settings import Settings
from aktsam.store.db import retrying

T = TypeVar("T")


class ApiModel(BaseModel):
    """Base of the API's request models: unknown fields are an error (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid")


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def write(work: Callable[[], T]) -> T:
    """Run a write (one service call) again when it lost a race with a concurrent request."""
    return retrying(work)


def plain(value: Any) -> Any:
    """Dataclasses, enums, dates, tuples and mappings as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if hasattr(value, "items") and callable(value.items):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def record(value: Any) -> dict[str, Any]:
    """A dataclass (or mapping) as a JSON-ready object."""
    data = plain(value)
    if not isinstance(data, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return data


__all__ = ["ApiModel", "plain", "record", "settings_of", "write"]
