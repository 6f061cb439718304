"""Initial schema: snapshots, entities, screening runs and hits, hit decisions.

Written by hand to match ``aktsam.store.schema`` at this revision;
``tests/store/test_migrations.py`` fails if the models and the migrations ever disagree.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("retrieved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "origin IN ('file', 'download', 'bundled')", name=op.f("ck_snapshots_origin")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint("label", name=op.f("uq_snapshots_label")),
    )
    op.create_index(
        "ix_snapshots_source_is_current", "snapshots", ["source", "is_current"], unique=False
    )
    op.create_index(
        "uq_snapshots_current_source",
        "snapshots",
        ["source"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )

    op.create_table(
        "entities",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("schema", sa.String(length=20), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_entities_snapshot_id_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "entity_id", name=op.f("pk_entities")),
    )
    op.create_index("ix_entities_entity_id", "entities", ["entity_id"], unique=False)

    op.create_table(
        "screening_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("snapshot_ids", sa.JSON(), nullable=False),
        sa.Column("query_count", sa.Integer(), nullable=False),
        sa.Column("hit_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_runs")),
    )

    op.create_table(
        "screening_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("query_id", sa.String(length=255), nullable=False),
        sa.Column("query_name", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_name", sa.Text(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["screening_runs.id"],
            name=op.f("fk_screening_hits_run_id_screening_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name=op.f("fk_screening_hits_snapshot_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_hits")),
    )
    op.create_index("ix_screening_hits_run_id", "screening_hits", ["run_id"], unique=False)
    op.create_index("ix_screening_hits_entity_id", "screening_hits", ["entity_id"], unique=False)

    op.create_table(
        "hit_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("party_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "decision IN ('false_positive', 'confirmed')", name=op.f("ck_hit_decisions_decision")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name=op.f("fk_hit_decisions_snapshot_id_snapshots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hit_decisions")),
    )
    op.create_index(
        "ix_hit_decisions_party_id_entity_id",
        "hit_decisions",
        ["party_id", "entity_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_hit_decisions_party_id_entity_id", table_name="hit_decisions")
    op.drop_table("hit_decisions")
    op.drop_index("ix_screening_hits_entity_id", table_name="screening_hits")
    op.drop_index("ix_screening_hits_run_id", table_name="screening_hits")
    op.drop_table("screening_hits")
    op.drop_table("screening_runs")
    op.drop_index("ix_entities_entity_id", table_name="entities")
    op.drop_table("entities")
    op.drop_index("uq_snapshots_current_source", table_name="snapshots")
    op.drop_index("ix_snapshots_source_is_current", table_name="snapshots")
    op.drop_table("snapshots")
