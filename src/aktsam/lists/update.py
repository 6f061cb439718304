"""Downloading the official lists and importing them (``aktsam update``).

Each source of the catalogue (:mod:`aktsam.lists.sources`) is downloaded from its publisher, saved
under ``{AKTSAM_HOME}/downloads/<source>/<UTC timestamp>-<file>`` and imported with
:func:`import_list`. Sources are independent: a network error, an HTTP error, a malformed or
implausible file for one source is reported in that source's :class:`UpdateResult` and leaves its
previous snapshot current, while the other sources are still updated. A sanctions screening that
silently ran on yesterday's list because today's download failed would be wrong without anyone
knowing; here the failure is always visible.

Downloaded files that were imported are kept as evidence of exactly what was screened against; a
download identical to the current snapshot is deleted again (its sha256 is already recorded).

A download that is an older publication than the snapshot in force (a stale mirror or cache) is refused
like any other import (the roll-back rule of :mod:`aktsam.lists.snapshots`): the source is reported
``failed`` with the reason and the previous snapshot stays in force, unless ``force``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import importlib.metadata
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from aktsam.errors import AktsamError, UnknownSourceError
from aktsam.lists.snapshots import ImportResult, import_list
from aktsam.lists.sources import SourceDef, load_sources
from aktsam.settings import Settings
from aktsam.store.db import Store

try:
    _VERSION = importlib.metadata.version("aktsam")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a tree that is not installed
    _VERSION = "dev"

#: Sent with every request: publishers see who downloads their lists (some block empty agents).
USER_AGENT = f"aktsam/{_VERSION} (sanctions screening; +https://pypi.org/project/aktsam/)"
#: Largest file accepted (the biggest official list, the EU FSF XML, is about 25 MB).
MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024

UpdateStatus = Literal["imported", "unchanged", "failed", "skipped"]
#: ``fetch(url, dest)`` writes the whole body of ``url`` to ``dest`` or raises; injectable (tests).
Fetch = Callable[[str, Path], None]


class DownloadError(Exception):
    """A download that did not produce a complete file (HTTP status, size, transport)."""


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """Outcome for one source. ``error`` says what went wrong for ``failed`` and ``skipped``."""

    source: str
    status: UpdateStatus
    url: str | None  # as stored with the snapshot: any token replaced by "***"
    path: Path | None  # the downloaded file (or folder, for multi-file sources), if kept
    result: ImportResult | None
    error: str | None
    seconds: float


def http_fetch(
    url: str,
    dest: Path,
    *,
    timeout: float,
    user_agent: str = USER_AGENT,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> None:
    """Stream ``url`` into ``dest`` (via ``dest.part``, renamed only when complete).

    ``timeout`` bounds the connection and every read, so a stalled server fails instead of hanging a
    scheduled update forever. A body shorter than its Content-Length, a non-200 status or a body
    above ``max_bytes`` raises :class:`DownloadError`; nothing is left at ``dest`` then.
    """
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise DownloadError(f"refusing to fetch {scheme!r} URL; only http and https are used")
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, identity"}
    )
    part = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked above
            if response.status != 200:
                raise DownloadError(f"HTTP {response.status} {response.reason}")
            expected = response.headers.get("Content-Length")
            encoding = (response.headers.get("Content-Encoding") or "identity").lower()
            received = _copy(response, part, max_bytes)
            if expected is not None and expected.isdigit() and received != int(expected):
                raise DownloadError(f"truncated: received {received} of {expected} bytes")
        if encoding == "gzip":
            _gunzip_in_place(part, max_bytes)
        elif encoding != "identity":
            raise DownloadError(f"unsupported Content-Encoding {encoding!r}")
        part.replace(dest)
    except http.client.HTTPException as exc:  # e.g. IncompleteRead: the server closed early
        raise DownloadError(f"broken HTTP response: {exc!r}") from exc
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise DownloadError(f"cannot reach server: {exc.reason}") from exc
    except TimeoutError as exc:
        raise DownloadError(f"timed out after {timeout:g} s without data") from exc
    finally:
        part.unlink(missing_ok=True)


def _copy(response: IO[bytes] | gzip.GzipFile, target: Path, max_bytes: int) -> int:
    received = 0
    with target.open("wb") as out:
        while chunk := response.read(1 << 16):
            received += len(chunk)
            if received > max_bytes:
                raise DownloadError(f"larger than {max_bytes} bytes; refusing")
            out.write(chunk)
    return received


def _gunzip_in_place(path: Path, max_bytes: int) -> None:
    plain = path.with_name(path.name + ".gunzip")
    try:
        with gzip.open(path, "rb") as compressed:
            _copy(compressed, plain, max_bytes)
        plain.replace(path)
    except (OSError, EOFError) as exc:
        raise DownloadError(f"bad gzip body: {exc}") from exc
    finally:
        plain.unlink(missing_ok=True)


def update_lists(
    store: Store,
    settings: Settings,
    sources: Iterable[str] | None = None,
    *,
    fetch: Fetch | None = None,
    force: bool = False,
    actor: str | None = None,
) -> list[UpdateResult]:
    """Download and import ``sources`` (default: every catalogue source), one result per source.

    Unknown source names raise :class:`UnknownSourceError` before anything is downloaded (a typo
    should not look like a network failure). ``force`` is passed to :func:`import_list` (accept
    implausible counts, and a download that is an older publication than the snapshot in force: the
    roll-back rule of :mod:`aktsam.lists.snapshots`); ``actor`` is who the audit trail names.
    """
    catalogue = load_sources(settings.sources_file)
    names = list(catalogue) if sources is None else list(dict.fromkeys(sources))
    unknown = [n for n in names if n not in catalogue]
    if unknown:
        raise UnknownSourceError(
            f"no downloadable source {', '.join(map(repr, unknown))}; known: {', '.join(catalogue)}"
        )
    if fetch is None:

        def fetch(url: str, dest: Path) -> None:
            http_fetch(url, dest, timeout=settings.http_timeout)

    return [_update_one(store, settings, catalogue[name], fetch, force, actor) for name in names]


def _token(settings: Settings, env_name: str) -> str | None:
    tokens = {"AKTSAM_EU_FSF_TOKEN": settings.eu_fsf_token}
    return tokens.get(env_name)


def _update_one(
    store: Store,
    settings: Settings,
    source: SourceDef,
    fetch: Fetch,
    force: bool,
    actor: str | None = None,
) -> UpdateResult:
    started = time.perf_counter()

    def result(
        status: UpdateStatus,
        *,
        url: str | None = None,
        path: Path | None = None,
        imported: ImportResult | None = None,
        error: str | None = None,
    ) -> UpdateResult:
        return UpdateResult(
            source.name, status, url, path, imported, error, time.perf_counter() - started
        )

    token = None
    if source.token_env is not None:
        token = _token(settings, source.token_env)
        if not token:
            return result(
                "skipped",
                error=(
                    f"{source.name} needs a download token: set {source.token_env} to the token "
                    f"shown on {source.landing_page} (the URL is {source.downloads[0].url})"
                ),
            )
    public_urls = [d.url.replace("{token}", "***") for d in source.downloads]
    shown_url = public_urls[0] if len(public_urls) == 1 else " ".join(public_urls)

    retrieved_at = dt.datetime.now(dt.UTC)
    stamp = retrieved_at.strftime("%Y%m%dT%H%M%S.%fZ")
    folder = settings.downloads_dir / source.name
    if len(source.downloads) == 1:
        target = folder / f"{stamp}-{source.downloads[0].file}"
        destinations = [target]
    else:
        target = folder / stamp
        destinations = [target / d.file for d in source.downloads]
    try:
        for download, dest in zip(source.downloads, destinations, strict=True):
            dest.parent.mkdir(parents=True, exist_ok=True)
            fetch(download.url.replace("{token}", urllib.parse.quote(token or "", safe="")), dest)
            if not dest.is_file():
                raise DownloadError("the download produced no file")
    except Exception as exc:  # every failure is this source's, reported, never fatal to the others
        _remove(target)
        return result("failed", url=shown_url, error=f"download failed: {_describe(exc, token)}")

    try:
        imported = import_list(
            store,
            target,
            source.name,
            url=shown_url,
            retrieved_at=retrieved_at,
            origin="download",
            force=force,
            actor=actor,
        )
    except Exception as exc:  # keep the file: an operator will want to look at what was served
        return result(
            "failed", url=shown_url, path=target, error=f"import refused: {_describe(exc, token)}"
        )
    if imported.status == "unchanged":
        _remove(target)
        return result("unchanged", url=shown_url, imported=imported)
    return result("imported", url=shown_url, path=target, imported=imported)


def _describe(exc: BaseException, token: str | None) -> str:
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, DownloadError | AktsamError):
        text = f"{type(exc).__name__}: {text}"
    if token:
        text = text.replace(token, "***").replace(urllib.parse.quote(token, safe=""), "***")
    return text


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
