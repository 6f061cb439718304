"""The store: migrations match the models, transactions are all-or-nothing, SQLite set up safely."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError, StatementError

from aktsam.errors import ConfigError
from aktsam.settings import Settings
from aktsam.store import Store, open_store
from aktsam.store.db import alembic_config, migrations_dir
from aktsam.store.schema import Base, SnapshotRow

REPO = Path(__file__).resolve().parents[2]


def _snapshot_row(
    source: str = "un-sc", label: str = "un-sc@2026-01-01", current: bool = True
) -> SnapshotRow:
    return SnapshotRow(
        source=source,
        label=label,
        file_name="f.xml",
        url=None,
        published=None,
        retrieved_at=None,
        imported_at=dt.datetime.now(dt.UTC),
        sha256="0" * 64,
        entity_count=0,
        counts={},
        warnings=[],
        is_current=current,
        origin="file",
    )


def test_open_store_creates_home_and_migrates_to_head(settings: Settings) -> None:
    assert not settings.home.exists()
    store = open_store(settings)
    try:
        assert (settings.home / "aktsam.db").is_file()
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with store.engine.connect() as conn:
            assert (
                MigrationContext.configure(conn).get_current_revision()
                == head
                == "0007_monitor_postings"
            )
            tables = set(sa.inspect(conn).get_table_names())
        assert {
            "snapshots",
            "entities",
            "screening_runs",
            "screening_hits",
            "hit_decisions",
            "users",
            "api_tokens",
            "web_sessions",
        } <= tables
    finally:
        store.close()
    # a second open is a no-op migration, and keeps data
    with open_store(settings) as again, again.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SnapshotRow)) == 0


def test_models_and_migrations_agree(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_model_migration_check_can_fail(store: Store) -> None:
    """The comparison above really compares: a model column the migration lacks shows up."""
    metadata = sa.MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    metadata.tables["snapshots"].append_column(sa.Column("extra", sa.Integer(), nullable=True))
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d[0] for d in diff] == ["add_column"]


def test_sqlite_pragmas(sqlite_store: Store) -> None:
    store = sqlite_store
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as session:
        session.execute(
            sa.text(
                "INSERT INTO entities (snapshot_id, entity_id, source_id, schema, caption, "
                "content_hash, data) VALUES (999, 'x:1', '1', 'person', 'X', 'h', '{}')"
            )
        )


def test_session_commits_on_success_and_rolls_back_on_any_exception(store: Store) -> None:
    with store.session() as session:
        session.add(_snapshot_row(label="kept"))
    for exc in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(exc)), store.session() as session:
            session.add(_snapshot_row(source="eu-fsf", label=f"lost-{type(exc).__name__}"))
            session.flush()  # the row is written inside the transaction...
            raise exc  # ...and must vanish with it
    with store.session() as session:
        assert list(session.scalars(sa.select(SnapshotRow.label))) == ["kept"]


def test_reads_and_writes_share_one_transaction(store: Store) -> None:
    """A session's first read already belongs to its transaction (unlike SQLite's driver default).

    Without the explicit BEGIN, the reads below would run in autocommit mode and see the row another
    connection commits in between; inside one transaction they see one consistent state.
    """
    with store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SnapshotRow)) == 0
        with store.session() as other:
            other.add(_snapshot_row(label="concurrent"))
        assert session.scalar(sa.select(sa.func.count()).select_from(SnapshotRow)) == 0
    with store.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SnapshotRow)) == 1


def test_at_most_one_current_snapshot_per_source(store: Store) -> None:
    with store.session() as session:
        session.add(_snapshot_row(label="one"))
        session.add(_snapshot_row(label="old", current=False))
        session.add(_snapshot_row(source="eu-fsf", label="other"))
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(_snapshot_row(label="two"))


def test_timestamps_are_utc_aware(store: Store) -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    with store.session() as session:
        row = _snapshot_row()
        row.imported_at = dt.datetime(2026, 1, 1, 13, 0, tzinfo=berlin)
        session.add(row)
    with store.session() as session:
        stored = session.scalars(sa.select(SnapshotRow)).one().imported_at
    assert stored == dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert stored.tzinfo is dt.UTC
    with pytest.raises(StatementError, match="naive datetime"), store.session() as session:
        row = _snapshot_row(label="naive")
        row.imported_at = dt.datetime(2026, 1, 1)
        session.add(row)


def test_open_store_does_not_depend_on_working_directory(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store(settings) as store, store.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0007_monitor_postings"


def test_migrations_are_package_data() -> None:
    """Every migration file lies inside the package and is covered by pyproject's package-data."""
    package = REPO / "src" / "aktsam"
    folder = migrations_dir()
    assert folder.resolve() == (package / "store" / "migrations").resolve()
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["aktsam"]
    files = [
        p.relative_to(package).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    files.append("store/alembic.ini")
    assert "store/migrations/env.py" in files
    assert "store/migrations/versions/0001_initial.py" in files
    for name in files:
        assert any(fnmatch(name, pattern) for pattern in patterns), name


def test_bad_database_url_is_a_config_error(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url="nosuchdialect://x")
    with pytest.raises(ConfigError, match="AKTSAM_DATABASE_URL"):
        open_store(settings)


def test_in_memory_database(tmp_path: Path) -> None:
    with open_store(Settings(home=tmp_path, database_url="sqlite://")) as store:
        with store.session() as session:
            session.add(_snapshot_row())
        with store.session() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(SnapshotRow)) == 1


def test_downgrade_and_upgrade_again(store: Store) -> None:
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
        assert set(sa.inspect(conn).get_table_names()) == {"alembic_version"}
        command.upgrade(alembic_config(conn), "head")
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_monitoring_state_survives_the_move_to_party_numbers(store: Store) -> None:
    """0007 numbers the monitored parties and carries every reverse-index row over, so the run after
    the upgrade is still a delta run (and 0007's downgrade gives the rows back)."""
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0006_monitoring")
        for party in ("p2", "p1", "p3"):
            conn.execute(
                sa.text(
                    "INSERT INTO monitor_parties (party_id, origin, fingerprint, data) "
                    "VALUES (:p, 'register', 'f', '{}')"
                ),
                {"p": party},
            )
        rows = [("hikvision", "p1"), ("~HKFS", "p1"), ("hikvision", "p2"), ("dahua", "p3")]
        for token, party in rows:
            conn.execute(
                sa.text("INSERT INTO monitor_tokens (token, party_id) VALUES (:t, :p)"),
                {"t": token, "p": party},
            )
        command.upgrade(alembic_config(conn), "head")
        numbers: dict[str, int] = dict(
            conn.execute(sa.text("SELECT party_id, number FROM monitor_parties")).all()
        )
        assert numbers == {"p1": 1, "p2": 2, "p3": 3}
        postings = set(
            conn.execute(sa.text("SELECT token, party_number FROM monitor_postings")).all()
        )
        assert postings == {(t, numbers[p]) for t, p in rows}
        command.downgrade(alembic_config(conn), "0006_monitoring")
        back = set(conn.execute(sa.text("SELECT token, party_id FROM monitor_tokens")).all())
        assert back == set(rows)
        command.upgrade(alembic_config(conn), "head")
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_migration_renders_for_postgresql() -> None:
    """The same migration produces valid PostgreSQL DDL (offline mode: no server needed)."""
    config = alembic_config(url="postgresql://aktsam@localhost/aktsam")
    buffer = io.StringIO()
    config.output_buffer = buffer
    command.upgrade(config, "head", sql=True)
    ddl = buffer.getvalue()
    assert (
        "CREATE UNIQUE INDEX uq_snapshots_current_source ON snapshots (source) WHERE is_current"
        in ddl
    )
    assert "imported_at TIMESTAMP WITH TIME ZONE NOT NULL" in ddl
    assert "data JSON NOT NULL" in ddl
    assert ddl.count("CREATE TABLE") == 28  # twenty-seven tables + alembic_version
