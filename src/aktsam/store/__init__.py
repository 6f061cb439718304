"""aktsam's database: list snapshots, screening runs and analyst decisions (SQLAlchemy + Alembic).

Open it with :func:`open_store`; every write goes through :meth:`Store.session` (a transaction).
"""

from aktsam.store.db import Store, open_store

__all__ = ["Store", "open_store"]
