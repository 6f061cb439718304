"""Alembic environment for aktsam's store.

Two ways in:

* programmatically, from :func:`aktsam.store.db.open_store`, which passes an open connection in
  ``config.attributes["connection"]`` (migrations then run inside the caller's transaction);
* from the ``alembic`` command line for development (``alembic -c src/aktsam/store/alembic.ini
  ...``), where the URL comes from ``sqlalchemy.url`` if set, else from
  ``AKTSAM_DATABASE_URL``/``AKTSAM_HOME`` exactly as aktsam itself resolves them.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from aktsam.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name
        == "sqlite",  # SQLite cannot ALTER most things in place
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from aktsam.settings import Settings

    settings = Settings.from_env()
    settings.home.mkdir(parents=True, exist_ok=True)  # as open_store does, for the SQLite default
    return settings.database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    from aktsam.store.db import create_engine

    engine = create_engine(_url())
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
