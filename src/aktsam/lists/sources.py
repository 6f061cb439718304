"""The catalogue of official list sources (``aktsam/lists/data/sources.yml``) and its validation.

The catalogue says where each list is published, how to download it, when a snapshot counts as stale
and how many entities a genuine file can plausibly hold. It is data rather than code so that
operators can point aktsam at an internal mirror (``AKTSAM_SOURCES_FILE``) without patching the
package. Because a wrong entry silently breaks updates or sanity checks, the loader rejects anything
it does not understand, naming the file, the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from aktsam.errors import ConfigError, UnknownSourceError
from aktsam.lists.parsers import SOURCES as PARSER_SOURCES

#: Environment variables a download URL may take a ``{token}`` from.
TOKEN_ENVS: tuple[str, ...] = ("AKTSAM_EU_FSF_TOKEN",)

_REQUIRED = (
    "title",
    "publisher",
    "landing_page",
    "downloads",
    "format",
    "stale_after_days",
    "entity_count",
    "licence",
    "checked",
)
_OPTIONAL = ("token_env", "note")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class Download:
    """One file to fetch: ``url`` (may contain ``{token}``) and the plain ``file`` name for it."""

    url: str
    file: str


@dataclass(frozen=True, slots=True)
class SourceDef:
    """One validated ``sources.yml`` entry."""

    name: str
    title: str
    publisher: str
    landing_page: str
    downloads: tuple[Download, ...]
    format: str
    stale_after_days: int
    min_entities: int
    max_entities: int
    licence: str
    checked_date: dt.date
    checked_source: str
    token_env: str | None = None
    note: str | None = None


def packaged_sources_file() -> Path:
    """The ``sources.yml`` shipped inside the package."""
    return Path(str(resources.files("aktsam.lists").joinpath("data", "sources.yml")))


def load_sources(path: Path | None = None) -> dict[str, SourceDef]:
    """All entries of ``path`` (default: the packaged file), validated, keyed by source name."""
    if path is None:
        return dict(_load_packaged())
    return _load(Path(path))


def get_source(name: str, path: Path | None = None) -> SourceDef:
    """The entry for ``name``, or :class:`UnknownSourceError` listing the entries there are."""
    sources = load_sources(path)
    try:
        return sources[name]
    except KeyError:
        raise UnknownSourceError(
            f"no downloadable source {name!r} in {path or packaged_sources_file()}; "
            f"known: {', '.join(sources)}"
        ) from None


@lru_cache(maxsize=1)
def _load_packaged() -> dict[str, SourceDef]:
    return _load(packaged_sources_file())


def _load(path: Path) -> dict[str, SourceDef]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the sources file: {exc}") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not document:
        raise ConfigError(f"{path}: expected a mapping of source name to entry")
    out: dict[str, SourceDef] = {}
    for name, entry in document.items():
        out[str(name)] = _entry(path, str(name), entry)
    return out


def _entry(path: Path, name: str, entry: Any) -> SourceDef:
    def fail(field: str | None, message: str) -> ConfigError:
        where = f"{path}: entry {name!r}" + (f", field {field!r}" if field else "")
        return ConfigError(f"{where}: {message}")

    if name not in PARSER_SOURCES:
        raise fail(
            None, f"no parser for this source; parsers exist for {', '.join(PARSER_SOURCES)}"
        )
    if not isinstance(entry, dict):
        raise fail(None, "expected a mapping of fields")
    missing = [f for f in _REQUIRED if f not in entry]
    if missing:
        raise fail(missing[0], "required field missing")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise fail(unknown[0], "unknown field (misspelt?)")

    def text(field: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise fail(field, f"must be non-empty text, got {value!r}")
        return value.strip()

    def url(field: str, value: Any) -> str:
        checked = text(field, value)
        if not checked.startswith(("https://", "http://")):
            raise fail(field, f"must be an http(s) URL, got {checked!r}")
        return checked

    def positive(field: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise fail(field, f"must be a positive whole number, got {value!r}")
        return value

    token_env = entry.get("token_env")
    if token_env is not None and token_env not in TOKEN_ENVS:
        raise fail("token_env", f"must be one of {', '.join(TOKEN_ENVS)}, got {token_env!r}")

    downloads_value = entry["downloads"]
    if not isinstance(downloads_value, list) or not downloads_value:
        raise fail("downloads", "must be a non-empty list of {url, file}")
    downloads: list[Download] = []
    for index, item in enumerate(downloads_value):
        field = f"downloads[{index}]"
        if not isinstance(item, dict) or set(item) != {"url", "file"}:
            raise fail(field, f"must have exactly the keys url and file, got {item!r}")
        item_url = url(f"{field}.url", item["url"])
        if "{token}" in item_url and token_env is None:
            raise fail(f"{field}.url", "contains {token} but the entry has no token_env")
        file_name = text(f"{field}.file", item["file"])
        if not _FILE_NAME.match(file_name):
            raise fail(f"{field}.file", f"must be a plain file name, got {file_name!r}")
        downloads.append(Download(item_url, file_name))
    if len({d.file for d in downloads}) != len(downloads):
        raise fail("downloads", "file names must be distinct")

    counts = entry["entity_count"]
    if not isinstance(counts, dict) or set(counts) != {"min", "max"}:
        raise fail("entity_count", f"must be {{min, max}}, got {counts!r}")
    low = positive("entity_count.min", counts["min"])
    high = positive("entity_count.max", counts["max"])
    if low > high:
        raise fail("entity_count", f"min {low} is greater than max {high}")

    checked = entry["checked"]
    if not isinstance(checked, dict) or set(checked) != {"date", "source"}:
        raise fail("checked", f"must be {{date, source}}, got {checked!r}")
    checked_date = checked["date"]
    if isinstance(checked_date, str):
        try:
            checked_date = dt.date.fromisoformat(checked_date)
        except ValueError:
            raise fail("checked.date", f"must be a date YYYY-MM-DD, got {checked_date!r}") from None
    if not isinstance(checked_date, dt.date) or isinstance(checked_date, dt.datetime):
        raise fail("checked.date", f"must be a date YYYY-MM-DD, got {checked_date!r}")

    note = entry.get("note")
    return SourceDef(
        name=name,
        title=text("title", entry["title"]),
        publisher=text("publisher", entry["publisher"]),
        landing_page=url("landing_page", entry["landing_page"]),
        downloads=tuple(downloads),
        format=text("format", entry["format"]),
        stale_after_days=positive("stale_after_days", entry["stale_after_days"]),
        min_entities=low,
        max_entities=high,
        licence=text("licence", entry["licence"]),
        checked_date=checked_date,
        checked_source=text("checked.source", checked["source"]),
        token_env=token_env,
        note=text("note", note) if note is not None else None,
    )
