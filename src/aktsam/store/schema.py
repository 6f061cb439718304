"""The store's tables, as SQLAlchemy 2 typed declarative models.

Only generic column types are used (String, Text, Integer, Float, Boolean, JSON, DateTime) so that
the same models run on SQLite (default, single user) and PostgreSQL (shared deployments). Alembic
migrations in ``aktsam/store/migrations/versions`` create exactly these tables; ``tests/store``
checks that the two agree, so a model change without a migration fails the test suite.

Tables:

``snapshots``
    One row per imported publication of a list (a file, a downloaded file or the bundled copy). At
    most one snapshot per source is *current*: screening uses the current ones, older ones stay for
    diffs and audit.
``entities``
    The listed entities of each snapshot, one row each, ``data`` holding
    :meth:`ListedEntity.to_dict`.
``screening_runs`` / ``screening_hits``
    What was screened, against which snapshots, by whom, and every hit with its explanation.
``hit_decisions``
    An analyst's decision on a (party, listed entity) pair, tied to the entity's content hash so
    that a clearance lapses when the list entry changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Deterministic constraint names: migrations (and PostgreSQL, which needs names to drop constraints)
# rely on them; SQLite would otherwise leave them unnamed.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ORIGINS: tuple[str, ...] = ("file", "download", "bundled")
DECISIONS: tuple[str, ...] = ("false_positive", "confirmed")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no timezone type and hands back naive datetimes; audit timestamps that silently lose
    their zone are a liability, so values are normalised to UTC going in and marked UTC coming out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(
                f"naive datetime {value!r}: aktsam stores timezone-aware UTC times only"
            )
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class SnapshotRow(Base):
    __tablename__ = "snapshots"
    __table_args__ = (
        CheckConstraint("origin IN ('file', 'download', 'bundled')", name="origin"),
        Index("ix_snapshots_source_is_current", "source", "is_current"),
        # At most one current snapshot per source, enforced by the database itself (partial unique
        # index, supported by SQLite and PostgreSQL), so two concurrent imports cannot both become
        # current.
        Index(
            "uq_snapshots_current_source",
            "source",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100), unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))  # ISO 8601 as the file states it
    retrieved_at: Mapped[datetime | None]
    imported_at: Mapped[datetime]
    sha256: Mapped[str] = mapped_column(String(64))
    entity_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]]
    warnings: Mapped[list[Any]]
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(16))


class EntityRow(Base):
    __tablename__ = "entities"
    __table_args__ = (Index("ix_entities_entity_id", "entity_id"),)

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(200))
    schema: Mapped[str] = mapped_column(String(20))
    caption: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]


class ScreeningRunRow(Base):
    __tablename__ = "screening_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict[str, Any]]
    snapshot_ids: Mapped[list[Any]]
    query_count: Mapped[int] = mapped_column(Integer)
    hit_count: Mapped[int] = mapped_column(Integer)


class ScreeningHitRow(Base):
    __tablename__ = "screening_hits"
    __table_args__ = (
        Index("ix_screening_hits_run_id", "run_id"),
        Index("ix_screening_hits_entity_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("screening_runs.id", ondelete="CASCADE"))
    query_id: Mapped[str] = mapped_column(String(255))
    query_name: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(String(255))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"))
    score: Mapped[float] = mapped_column(Float)
    matched_name: Mapped[str] = mapped_column(Text)
    explanation: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))


class HitDecisionRow(Base):
    __tablename__ = "hit_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('false_positive', 'confirmed')", name="decision"),
        Index("ix_hit_decisions_party_id_entity_id", "party_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(String(255))
    entity_id: Mapped[str] = mapped_column(String(255))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    # No cascade: a decision is an audit record and must keep the snapshot it was made against.
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"))
    content_hash: Mapped[str] = mapped_column(String(64))


__all__ = [
    "DECISIONS",
    "ORIGINS",
    "Base",
    "EntityRow",
    "HitDecisionRow",
    "ScreeningHitRow",
    "ScreeningRunRow",
    "SnapshotRow",
    "UTCDateTime",
]
