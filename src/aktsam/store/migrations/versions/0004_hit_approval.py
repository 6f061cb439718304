"""Four eyes on hit decisions: ``status`` (``in-force`` / ``pending-approval``), ``approved_by`` and
``approved_at`` on ``hit_decisions``. Existing decisions are in force.

Generated with Alembic autogenerate against ``aktsam.store.schema`` and reviewed (server default
added so existing rows are in force); ``tests/store/test_db.py`` fails if the models and the
migrations ever disagree.

Revision ID: 0004_hit_approval
Revises: 0003_users
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_hit_approval"
down_revision: str | None = "0003_users"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hit_decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="in-force", nullable=False)
        )
        batch_op.add_column(sa.Column("approved_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hit_decisions", schema=None) as batch_op:
        batch_op.drop_column("approved_at")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("status")
