"""What every command needs: settings, the store (opened once, lazily), consoles, and error reporting.

Commands stay thin: they parse options, call a service function, and render. Errors that aktsam raises on
purpose (:class:`aktsam.errors.AktsamError`) become one clear line on stderr and exit status 2; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import typer
from rich.console import Console

from aktsam.errors import AktsamError, InputError
from aktsam.settings import Settings
from aktsam.store.db import Store, open_store


@cache
def console() -> Console:
    """Standard output; created on first use so ``COLUMNS`` set by a caller (or a test) is honoured."""
    return Console(soft_wrap=False)


@cache
def err_console() -> Console:
    """Standard error: progress, notes and errors, so stdout stays clean for ``--json``."""
    return Console(stderr=True)


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def store() -> Store:
    return open_store(settings())


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn an :class:`AktsamError` into ``error: …`` on stderr and exit status 2."""
    try:
        yield
    except AktsamError as exc:
        err_console().print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def is_terminal() -> bool:
    return sys.stderr.isatty()


def parse_day(text: str | None, option: str, *, blank_is_none: bool = False) -> dt.date | None:
    """An option's ``YYYY-MM-DD`` value as a date; ``None`` when not given (and, with ``blank_is_none``,
    when given empty); anything else is an :class:`InputError` naming the option."""
    if text is None or (blank_is_none and not text.strip()):
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text!r} is not a date (YYYY-MM-DD)", field=option) from None
