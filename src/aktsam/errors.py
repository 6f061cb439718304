"""Errors aktsam raises, each saying what went wrong and where.

    AktsamError
    ├── ListFormatError      a list file is malformed, truncated or wrongly encoded (names file + line/element)
    ├── UnknownSourceError   a source name that no parser or source file knows
    ├── InputError           a user's file (screen-file, compare --file, watchlist) has a bad row or column
    ├── NotFoundError        a snapshot, entity, run or decision that does not exist
    └── ConfigError          a setting (AKTSAM_HOME, AKTSAM_DATABASE_URL) that cannot be used

The CLI turns every AktsamError into one line on stderr and exit status 2; nothing is half-written because
every import runs in one transaction (see ``aktsam.store``).
"""

from __future__ import annotations

from pathlib import Path


class AktsamError(Exception):
    """Base class: every error aktsam raises on purpose."""


class ListFormatError(AktsamError):
    """A list file cannot be read as the format its source promises.

    ``location`` is whatever pins the fault down in that format: ``"line 42"`` for CSV/TSV/JSON lines,
    ``"line 10, <INDIVIDUAL> DATAID=6908555"`` or an XPath-like path for XML.
    """

    def __init__(self, path: Path | str, location: str | None, message: str) -> None:
        self.path = str(path)
        self.location = location
        self.message = message
        where = f"{self.path}: {location}" if location else self.path
        super().__init__(f"{where}: {message}")


class UnknownSourceError(AktsamError):
    """No parser or source definition has this name."""


class InputError(AktsamError):
    """A user-supplied file has a bad row, column or value (``file``, ``row`` and ``field`` say where)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.row, self.field, self.message = file, row, field, message
        parts = [
            p
            for p in (
                file,
                f"row {row}" if row is not None else None,
                f"field {field!r}" if field else None,
            )
            if p
        ]
        super().__init__(f"{': '.join(parts)}: {message}" if parts else message)


def required_text(value: object, field: str) -> str:
    """``value`` stripped; an :class:`InputError` naming ``field`` when it is missing or blank."""
    if value is None or not str(value).strip():
        raise InputError(f"{field} is required and must not be empty", field=field)
    return str(value).strip()


class NotFoundError(AktsamError):
    """A snapshot, entity, run or decision that does not exist."""


class ConfigError(AktsamError):
    """A setting that cannot be used."""
