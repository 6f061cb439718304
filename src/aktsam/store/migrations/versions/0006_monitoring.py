"""Continuous monitoring: ``monitor_runs``, ``monitor_alerts``, the delta state (``monitor_parties``,
``monitor_tokens``, ``monitor_matches``), ``monitor_watched_files`` and ``notification_deliveries``.

Written against ``aktsam.store.schema`` and reviewed; ``tests/store/test_db.py`` fails if the models and
the migrations ever disagree.

Revision ID: 0006_monitoring
Revises: 0005_sale_check_basis
Create Date: 2026-12-14
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_monitoring"
down_revision: str | None = "0005_sale_check_basis"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "monitor_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("matcher", sa.String(length=64), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("snapshot_ids", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_runs")),
    )
    op.create_index("ix_monitor_runs_status", "monitor_runs", ["status"], unique=False)

    op.create_table(
        "monitor_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.String(length=255), nullable=True),
        sa.Column("party_name", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=120), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=True),
        sa.Column("entity_caption", sa.Text(), nullable=True),
        sa.Column("entity_hash", sa.String(length=64), nullable=True),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("closed_at", _TS, nullable=True),
        sa.Column("closed_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["monitor_runs.id"], name=op.f("fk_monitor_alerts_run_id_monitor_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_alerts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_monitor_alerts_dedupe_key")),
    )
    op.create_index("ix_monitor_alerts_run_id", "monitor_alerts", ["run_id"], unique=False)
    op.create_index(
        "ix_monitor_alerts_party_id_entity_id",
        "monitor_alerts",
        ["party_id", "entity_id"],
        unique=False,
    )
    op.create_index("ix_monitor_alerts_kind", "monitor_alerts", ["kind"], unique=False)

    op.create_table(
        "monitor_parties",
        sa.Column("party_id", sa.String(length=255), nullable=False),
        sa.Column("origin", sa.String(length=120), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("party_id", name=op.f("pk_monitor_parties")),
    )
    op.create_index("ix_monitor_parties_origin", "monitor_parties", ["origin"], unique=False)

    op.create_table(
        "monitor_tokens",
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("party_id", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("token", "party_id", name=op.f("pk_monitor_tokens")),
    )
    op.create_index("ix_monitor_tokens_party_id", "monitor_tokens", ["party_id"], unique=False)

    op.create_table(
        "monitor_matches",
        sa.Column("party_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("party_id", "entity_id", name=op.f("pk_monitor_matches")),
    )
    op.create_index("ix_monitor_matches_entity_id", "monitor_matches", ["entity_id"], unique=False)

    op.create_table(
        "monitor_watched_files",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", _TS, nullable=False),
        sa.Column("last_read_at", _TS, nullable=True),
        sa.Column("last_sha256", sa.String(length=64), nullable=True),
        sa.Column("last_rows", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_monitor_watched_files")),
    )

    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["monitor_runs.id"],
            name=op.f("fk_notification_deliveries_run_id_monitor_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
    )
    op.create_index(
        "ix_notification_deliveries_run_id", "notification_deliveries", ["run_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_notification_deliveries_run_id", table_name="notification_deliveries")
    op.drop_table("notification_deliveries")
    op.drop_table("monitor_watched_files")
    op.drop_index("ix_monitor_matches_entity_id", table_name="monitor_matches")
    op.drop_table("monitor_matches")
    op.drop_index("ix_monitor_tokens_party_id", table_name="monitor_tokens")
    op.drop_table("monitor_tokens")
    op.drop_index("ix_monitor_parties_origin", table_name="monitor_parties")
    op.drop_table("monitor_parties")
    op.drop_index("ix_monitor_alerts_kind", table_name="monitor_alerts")
    op.drop_index("ix_monitor_alerts_party_id_entity_id", table_name="monitor_alerts")
    op.drop_index("ix_monitor_alerts_run_id", table_name="monitor_alerts")
    op.drop_table("monitor_alerts")
    op.drop_index("ix_monitor_runs_status", table_name="monitor_runs")
    op.drop_table("monitor_runs")
