"""Where aktsam keeps its data and how it reaches the outside world.

Every setting comes from an environment variable so that the same binary runs on a laptop, in CI and
on a server without config files. :meth:`Settings.from_env` reads them once; code below the CLI
receives a :class:`Settings` value and never reads ``os.environ`` itself, which keeps tests free of
global state.

Settings (environment variable, default):

``AKTSAM_HOME``
    Directory for the database, downloads and caches. Default:
    ``platformdirs.user_data_dir("aktsam")`` (e.g. ``~/.local/share/aktsam`` on Linux).
``AKTSAM_DATABASE_URL``
    SQLAlchemy URL of the store. Default: ``sqlite:///{AKTSAM_HOME}/aktsam.db``. Any database
    SQLAlchemy and Alembic support works; the schema uses generic types only (SQLite and PostgreSQL
    are tested targets).
``AKTSAM_EU_FSF_TOKEN``
    Token for the EU Financial Sanctions Files download URL. Default: unset; ``aktsam update`` then
    skips ``eu-fsf`` and says why. The EU shows the token on the FSF download page.
``AKTSAM_SOURCES_FILE``
    A ``sources.yml`` replacing the packaged one, e.g. to download from an internal mirror in a
    network without Internet access. Default: unset (the packaged
    ``aktsam/lists/data/sources.yml``).
``AKTSAM_HTTP_TIMEOUT``
    Seconds a download may stall (connect or between reads) before it fails. Default: ``120``.
``AKTSAM_API_RATE_LIMIT``
    Requests per minute one API token may make to the web application (``aktsam serve``); more
    are answered 429 with ``Retry-After``. Default: ``300``.

Derived paths: ``{home}/downloads`` (every downloaded official file, kept as evidence of what was
screened against) and ``{home}/cache``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from aktsam.errors import ConfigError

DEFAULT_HTTP_TIMEOUT = 120.0
DEFAULT_API_RATE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings; see the module docstring for each one and its default."""

    home: Path
    database_url: str
    eu_fsf_token: str | None = None
    sources_file: Path | None = None
    http_timeout: float = DEFAULT_HTTP_TIMEOUT
    api_rate_limit: int = DEFAULT_API_RATE_LIMIT

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Read every setting from ``env`` (default ``os.environ``); empty values count as unset."""

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        home_text = get("AKTSAM_HOME")
        home = (
            Path(home_text).expanduser()
            if home_text
            else Path(platformdirs.user_data_dir("aktsam"))
        )
        database_url = get("AKTSAM_DATABASE_URL") or sqlite_url(home / "aktsam.db")
        sources_text = get("AKTSAM_SOURCES_FILE")
        timeout_text = get("AKTSAM_HTTP_TIMEOUT")
        timeout = DEFAULT_HTTP_TIMEOUT
        if timeout_text is not None:
            try:
                timeout = float(timeout_text)
            except ValueError:
                raise ConfigError(
                    f"AKTSAM_HTTP_TIMEOUT must be a number of seconds, got {timeout_text!r}"
                ) from None
            if timeout <= 0:
                raise ConfigError(f"AKTSAM_HTTP_TIMEOUT must be positive, got {timeout_text!r}")
        rate_text = get("AKTSAM_API_RATE_LIMIT")
        rate = DEFAULT_API_RATE_LIMIT
        if rate_text is not None:
            try:
                rate = int(rate_text)
            except ValueError:
                raise ConfigError(
                    f"AKTSAM_API_RATE_LIMIT must be a whole number of requests per minute, "
                    f"got {rate_text!r}"
                ) from None
            if rate <= 0:
                raise ConfigError(f"AKTSAM_API_RATE_LIMIT must be positive, got {rate_text!r}")
        return cls(
            home=home,
            database_url=database_url,
            eu_fsf_token=get("AKTSAM_EU_FSF_TOKEN"),
            sources_file=Path(sources_text).expanduser() if sources_text else None,
            http_timeout=timeout,
            api_rate_limit=rate,
        )

    @classmethod
    def for_home(cls, home: Path) -> Settings:
        """Defaults rooted at ``home`` (SQLite inside it); what tests and one-off scripts want."""
        return cls(home=Path(home), database_url=sqlite_url(Path(home) / "aktsam.db"))

    @property
    def downloads_dir(self) -> Path:
        """``{home}/downloads``: official files as downloaded, one folder per source."""
        return self.home / "downloads"

    @property
    def cache_dir(self) -> Path:
        """``{home}/cache``: derived data that can be rebuilt at any time."""
        return self.home / "cache"


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL for a SQLite file (absolute, so the working directory does not matter)."""
    return f"sqlite:///{Path(path).expanduser().absolute()}"
