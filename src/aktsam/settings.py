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

``AKTSAM_BASE_URL``
    Where people reach the web application (``aktsam serve``, usually behind a reverse proxy), e.g.
    ``https://aktsam.example.org``. Notification e-mails and webhooks then link to the alerts page.
    Default: unset (no links). Must start with ``https://`` or ``http://``.
``AKTSAM_MONITOR_SCHEDULE``
    When ``aktsam serve`` updates the lists and runs the monitoring by itself
    (:mod:`aktsam.monitoring.schedule`): ``off`` (the default), ``every:N`` with ``N`` minutes,
    hours or days (``every:30m``, ``every:6h``, ``every:1d``; 15 minutes at least, 7 days at most),
    or ``daily@HH:MM`` (once a day at that time, UTC). Cron users leave it off and call
    ``aktsam monitor run --update-lists`` instead.
``AKTSAM_MONITOR_FULL_EVERY``
    How old the last full monitoring run may get before the next run, scheduled or by hand,
    re-screens everything instead of only what changed: ``Nd`` or ``Nh`` (``7d``, ``36h``; 1 hour
    to 366 days), or ``off``. Default: ``7d``. A delta run finds what a full run finds but for one
    stated case (:mod:`aktsam.monitoring.delta`), and the periodic full run bounds how long that case
    can go unseen.

Notifications of monitoring runs (:mod:`aktsam.monitoring.notify`); nothing is sent unless configured:

``AKTSAM_SMTP_HOST``
    The mail server that sends the digest e-mail of each monitoring run. Default: unset (no e-mail).
    When set, ``AKTSAM_SMTP_SENDER`` and ``AKTSAM_NOTIFY_EMAIL_TO`` are required.
``AKTSAM_SMTP_TLS``
    ``starttls`` (the default: plain connection upgraded with STARTTLS, which must succeed), ``tls``
    (TLS from the first byte, "SMTPS") or ``none`` (no encryption; only for a relay on this
    machine or a trusted network). Certificates are verified against the system's CAs.
``AKTSAM_SMTP_PORT``
    Default: 587 for ``starttls``, 465 for ``tls``, 25 for ``none``.
``AKTSAM_SMTP_USERNAME`` / ``AKTSAM_SMTP_PASSWORD``
    Login, both or neither. A password is never sent over ``none`` to a host other than loopback.
``AKTSAM_SMTP_SENDER``
    The ``From`` address, e.g. ``aktsam <aktsam@example.org>``.
``AKTSAM_SMTP_CA_FILE``
    A PEM file of CA certificates to trust instead of the system's (a relay with a private CA).
``AKTSAM_NOTIFY_EMAIL_TO``
    Recipients of the digest, separated by commas.
``AKTSAM_WEBHOOKS_FILE``
    A YAML file listing webhook endpoints, each ``{url: https://…, secret_env: NAME}`` and
    optionally ``name`` and ``ca_file``. ``secret_env`` names the environment variable holding the
    endpoint's signing secret (16 characters at least), so that no secret sits in the file. URLs
    must be ``https://``; ``http://`` is accepted only for loopback hosts (``localhost``,
    ``127.0.0.0/8``, ``::1``). Default: unset (no webhooks).

Derived paths: ``{home}/downloads`` (every downloaded official file, kept as evidence of what was
screened against) and ``{home}/cache``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
import yaml

from aktsam.errors import ConfigError

DEFAULT_HTTP_TIMEOUT = 120.0
DEFAULT_API_RATE_LIMIT = 300
DEFAULT_MONITOR_FULL_EVERY = timedelta(days=7)
"""A full monitoring run at least this often (``AKTSAM_MONITOR_FULL_EVERY``)."""
SMTP_TLS_MODES = ("starttls", "tls", "none")
MIN_WEBHOOK_SECRET = 16


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this machine: ``localhost``, ``127.0.0.0/8`` or ``::1``."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(url: str) -> str:
    """``url`` if aktsam may POST alerts to it: ``https://`` anywhere, ``http://`` only to loopback
    (alerts name parties and listed entities; they do not cross a network unencrypted). Raises
    :class:`ValueError` saying why not."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{url!r} is not an https:// URL")
    if parts.username or parts.password:
        raise ValueError(f"{url!r} carries a login in the URL; put the secret in secret_env")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"{url!r} is plain http:// to a host other than loopback; use https:// "
            "(http:// is accepted only for localhost, 127.0.0.0/8 and ::1)"
        )
    return url.strip()


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """One webhook receiver of monitoring alerts (see ``AKTSAM_WEBHOOKS_FILE``)."""

    url: str
    secret: str = field(repr=False)
    name: str = ""
    ca_file: Path | None = None

    @property
    def label(self) -> str:
        """What lists and logs show: the name, else the URL."""
        return self.name or self.url


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings; see the module docstring for each one and its default."""

    home: Path
    database_url: str
    eu_fsf_token: str | None = None
    sources_file: Path | None = None
    http_timeout: float = DEFAULT_HTTP_TIMEOUT
    api_rate_limit: int = DEFAULT_API_RATE_LIMIT
    base_url: str | None = None
    monitor_schedule: str | None = None  # validated text; parsed by aktsam.monitoring.schedule
    monitor_full_every: timedelta | None = DEFAULT_MONITOR_FULL_EVERY
    smtp_host: str | None = None
    smtp_port: int | None = None  # None: 587 (starttls), 465 (tls) or 25 (none)
    smtp_tls: str = "starttls"
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_sender: str | None = None
    smtp_ca_file: Path | None = None
    notify_email_to: tuple[str, ...] = ()
    webhooks: tuple[WebhookEndpoint, ...] = ()

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
            base_url=_base_url(get("AKTSAM_BASE_URL")),
            monitor_schedule=_schedule(get("AKTSAM_MONITOR_SCHEDULE")),
            monitor_full_every=_full_every(get("AKTSAM_MONITOR_FULL_EVERY")),
            webhooks=_webhooks(get("AKTSAM_WEBHOOKS_FILE"), get),
            **_smtp(get),
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


def _base_url(text: str | None) -> str | None:
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"AKTSAM_BASE_URL must be an http(s):// URL, got {text!r}")
    return text.rstrip("/")


def _schedule(text: str | None) -> str | None:
    if text is None or text.lower() == "off":
        return None
    from aktsam.monitoring.schedule import parse_schedule  # lazy: only when a schedule is set

    try:
        return str(parse_schedule(text))
    except ValueError as exc:
        raise ConfigError(f"AKTSAM_MONITOR_SCHEDULE: {exc}") from None


def _full_every(text: str | None) -> timedelta | None:
    if text is None:
        return DEFAULT_MONITOR_FULL_EVERY
    value = text.strip().lower()
    if value == "off":
        return None
    match = re.fullmatch(r"(\d{1,4})([hd])", value)
    if match is None:
        raise ConfigError(
            f"AKTSAM_MONITOR_FULL_EVERY: {text!r} is not a period; use Nd or Nh (7d, 36h) or off"
        )
    number = int(match.group(1))
    period = timedelta(days=number) if match.group(2) == "d" else timedelta(hours=number)
    if not timedelta(hours=1) <= period <= timedelta(days=366):
        raise ConfigError(
            f"AKTSAM_MONITOR_FULL_EVERY: {text!r} must be between 1 hour and 366 days, or off"
        )
    return period


def _addresses(name: str, text: str) -> tuple[str, ...]:
    """Comma-separated e-mail addresses; a ConfigError naming ``name`` for one without ``@``."""
    found: list[str] = []
    for display, address in getaddresses([text]):
        if not address or "@" not in address or address.startswith("@") or address.endswith("@"):
            raise ConfigError(f"{name}: {display or address or text!r} is not an e-mail address")
        found.append(address)
    if not found:
        raise ConfigError(f"{name}: no e-mail address in {text!r}")
    return tuple(found)


def _smtp(get: Any) -> dict[str, Any]:
    """The SMTP settings, checked together (one incomplete set is an error, not silence)."""
    host: str | None = get("AKTSAM_SMTP_HOST")
    to_text: str | None = get("AKTSAM_NOTIFY_EMAIL_TO")
    names = ("AKTSAM_SMTP_PORT", "AKTSAM_SMTP_TLS", "AKTSAM_SMTP_USERNAME", "AKTSAM_SMTP_PASSWORD",
             "AKTSAM_SMTP_SENDER", "AKTSAM_SMTP_CA_FILE", "AKTSAM_NOTIFY_EMAIL_TO")  # fmt: skip
    if host is None:
        stray = [n for n in names if get(n) is not None]
        if stray:
            raise ConfigError(f"{stray[0]} is set but AKTSAM_SMTP_HOST is not (no mail server)")
        return {}
    tls = (get("AKTSAM_SMTP_TLS") or "starttls").lower()
    if tls not in SMTP_TLS_MODES:
        raise ConfigError(
            f"AKTSAM_SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)}, got {tls!r}"
        )
    port_text = get("AKTSAM_SMTP_PORT")
    port: int | None = None
    if port_text is not None:
        try:
            port = int(port_text)
        except ValueError:
            raise ConfigError(
                f"AKTSAM_SMTP_PORT must be a port number, got {port_text!r}"
            ) from None
        if not 0 < port < 65536:
            raise ConfigError(f"AKTSAM_SMTP_PORT must be 1-65535, got {port_text!r}")
    username, password = get("AKTSAM_SMTP_USERNAME"), get("AKTSAM_SMTP_PASSWORD")
    if (username is None) != (password is None):
        raise ConfigError(
            "AKTSAM_SMTP_USERNAME and AKTSAM_SMTP_PASSWORD go together: set both or neither"
        )
    if password is not None and tls == "none" and not is_loopback_host(host):
        raise ConfigError(
            f"AKTSAM_SMTP_TLS is none: the password would cross the network to {host!r} in clear "
            "text; use starttls or tls"
        )
    sender_text = get("AKTSAM_SMTP_SENDER")
    if sender_text is None:
        raise ConfigError("AKTSAM_SMTP_SENDER is required when AKTSAM_SMTP_HOST is set")
    if "@" not in parseaddr(sender_text)[1]:
        raise ConfigError(f"AKTSAM_SMTP_SENDER: {sender_text!r} is not an e-mail address")
    if to_text is None:
        raise ConfigError("AKTSAM_NOTIFY_EMAIL_TO is required when AKTSAM_SMTP_HOST is set")
    ca_text = get("AKTSAM_SMTP_CA_FILE")
    ca_file = Path(ca_text).expanduser() if ca_text else None
    if ca_file is not None and not ca_file.is_file():
        raise ConfigError(f"AKTSAM_SMTP_CA_FILE: {str(ca_file)!r} is not a file")
    return {
        "smtp_host": host,
        "smtp_port": port,
        "smtp_tls": tls,
        "smtp_username": username,
        "smtp_password": password,
        "smtp_sender": sender_text,
        "smtp_ca_file": ca_file,
        "notify_email_to": _addresses("AKTSAM_NOTIFY_EMAIL_TO", to_text),
    }


def _webhooks(path_text: str | None, get: Any) -> tuple[WebhookEndpoint, ...]:
    """The endpoints of ``AKTSAM_WEBHOOKS_FILE`` with their secrets from the environment."""
    if path_text is None:
        return ()
    path = Path(path_text).expanduser()
    where = f"AKTSAM_WEBHOOKS_FILE {str(path)!r}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{where} cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where} is not valid YAML: {exc}") from None
    if isinstance(data, dict) and "webhooks" in data:
        data = data["webhooks"]
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{where} must hold a list of {{url, secret_env}} entries")
    endpoints: list[WebhookEndpoint] = []
    for number, item in enumerate(data, start=1):
        entry = f"{where}, entry {number}"
        if not isinstance(item, dict):
            raise ConfigError(f"{entry}: must be a mapping with url and secret_env")
        unknown = sorted(set(map(str, item)) - {"url", "secret_env", "name", "ca_file"})
        if unknown:
            raise ConfigError(
                f"{entry}: unknown field {unknown[0]!r} (url, secret_env, name, ca_file)"
            )
        url, secret_env = item.get("url"), item.get("secret_env")
        if not isinstance(url, str) or not url.strip():
            raise ConfigError(f"{entry}: url is required")
        try:
            url = check_webhook_url(url)
        except ValueError as exc:
            raise ConfigError(f"{entry}: {exc}") from None
        if not isinstance(secret_env, str) or not secret_env.strip():
            raise ConfigError(
                f"{entry}: secret_env (the variable holding the signing secret) is required"
            )
        secret = get(secret_env.strip())
        if secret is None:
            raise ConfigError(
                f"{entry}: environment variable {secret_env.strip()} (secret_env) is not set"
            )
        if len(secret) < MIN_WEBHOOK_SECRET:
            raise ConfigError(
                f"{entry}: the secret in {secret_env.strip()} is shorter than {MIN_WEBHOOK_SECRET} "
                "characters"
            )
        ca_value = item.get("ca_file")
        ca_file = None
        if ca_value is not None:
            ca_file = path.parent / Path(str(ca_value)).expanduser()  # relative to the file
            if not ca_file.is_file():
                raise ConfigError(f"{entry}: ca_file {str(ca_file)!r} is not a file")
        endpoints.append(
            WebhookEndpoint(
                url=url, secret=secret, name=str(item.get("name") or ""), ca_file=ca_file
            )
        )
    return tuple(endpoints)


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL for a SQLite file (absolute, so the working directory does not matter)."""
    return f"sqlite:///{Path(path).expanduser().absolute()}"
