"""Opening the store: engine, schema migrations and transactions.

:func:`open_store` is the only way in. It creates ``AKTSAM_HOME``, brings the schema up to date with
Alembic (``upgrade head``, using the migrations shipped inside the package, so it works from an
installed wheel and not only from a source checkout) and, on SQLite, turns on foreign keys and
write-ahead logging.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from aktsam.errors import ConfigError
from aktsam.settings import Settings

try:  # orjson is several times faster for the entity JSON that dominates reads and imports
    import orjson
except ImportError:  # pragma: no cover - orjson is installed with aktsam's environment
    orjson = None  # type: ignore[assignment]


def json_dumps(value: Any) -> str:
    """Compact JSON text for a JSON column (orjson when available, else the standard library)."""
    if orjson is not None:
        return orjson.dumps(value).decode("utf-8")
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_loads(text: str | bytes) -> Any:
    """Parse JSON column text (orjson when available)."""
    if orjson is not None:
        return orjson.loads(text)
    import json

    return json.loads(text)


@dataclass(slots=True)
class Store:
    """An open aktsam database. Get one from :func:`open_store`; close it with :meth:`close`."""

    engine: Engine
    settings: Settings

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on *any* exception.

        Imports and decisions must be all-or-nothing: a list import interrupted half-way (bad row,
        disk full, Ctrl-C) must leave the previous snapshot current and no partial entity set
        behind, because screening against half a list would silently miss designated parties.
        ``KeyboardInterrupt`` is included on purpose.
        """
        session = Session(self.engine, expire_on_commit=False)
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def close(self) -> None:
        """Release all connections (the SQLite file can then be moved or deleted)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


T = TypeVar("T")

_TRANSIENT = ("database is locked", "database table is locked", "could not serialize access",
              "deadlock detected", "uq_audit_log_hash", "pk_audit_log")  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    """A write that lost a race with another one and may simply be run again: SQLite's lock when a
    transaction that read first tries to write after another committed, PostgreSQL's serialization
    failures, and two transactions appending the same audit-trail entry number."""
    if not isinstance(exc, OperationalError | IntegrityError):
        return False
    text = str(exc).lower()
    return any(marker in text for marker in _TRANSIENT)


def retrying(work: Callable[[], T], *, attempts: int = 6, pause: float = 0.02) -> T:
    """Run ``work`` (one or more complete transactions, e.g. a service call) again when it fails on a
    transient conflict (:func:`is_transient`), up to ``attempts`` times with a growing, jittered pause.

    Safe because every service function is all-or-nothing: a failed attempt left nothing behind. Servers
    (``aktsam serve``) wrap every write in it; a single-user command line rarely needs it."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except (OperationalError, IntegrityError) as exc:
            if attempt == attempts or not is_transient(exc):
                raise
            time.sleep(pause * attempt * (1 + random.random()))
    raise AssertionError("unreachable")  # pragma: no cover


def migrations_dir() -> Path:
    """The packaged Alembic script directory (``aktsam/store/migrations``)."""
    return Path(str(resources.files("aktsam.store").joinpath("migrations")))


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config for the packaged migrations, bound to ``connection`` or ``url`` if given.

    Built in code rather than from ``alembic.ini`` so that it does not depend on the working
    directory and never reconfigures the application's logging (``alembic.ini`` is for developers
    running ``alembic``).
    """
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def create_engine(database_url: str) -> Engine:
    """An engine for ``database_url`` with aktsam's JSON codec; on SQLite its pragmas, on PostgreSQL
    repeatable-read transactions."""
    options: dict[str, Any] = {}
    if database_url.startswith("postgresql"):
        # One consistent snapshot per transaction, as SQLite gives: a session's reads must not see rows
        # another session commits meanwhile (imports and decisions check, then write).
        options["isolation_level"] = "REPEATABLE READ"
    try:
        engine = sa.create_engine(
            database_url, json_serializer=json_dumps, json_deserializer=json_loads, **options
        )
    except (ArgumentError, ImportError, ValueError) as exc:
        raise ConfigError(f"AKTSAM_DATABASE_URL {database_url!r} cannot be used: {exc}") from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys, WAL, and transactions that really begin at BEGIN.

    Python's sqlite3 module opens transactions lazily (only before the first INSERT/UPDATE/DELETE),
    so reads made earlier in a :meth:`Store.session` block would run outside the transaction.
    Following SQLAlchemy's documented recipe, the driver's own transaction handling is switched off
    and ``BEGIN`` is emitted explicitly when SQLAlchemy starts a transaction.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if engine.url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def open_store(settings: Settings) -> Store:
    """Open (creating if needed) the database of ``settings``, its schema at the newest revision.

    Creating the home directory and migrating here, rather than in a separate ``init`` step, means
    every command can rely on an up-to-date schema; upgrading aktsam upgrades the database on first
    use.
    """
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"AKTSAM_HOME {str(settings.home)!r} cannot be created: {exc}") from exc
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(
            f"database {engine.url.render_as_string(hide_password=True)!r} cannot be opened or "
            f"migrated: {exc}"
        ) from exc
    return Store(engine=engine, settings=settings)
