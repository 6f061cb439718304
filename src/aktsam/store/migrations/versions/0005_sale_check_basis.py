"""What a sale check relied on: ``snapshot_ids`` (the list snapshots the customer and end user were
screened against) and ``decisions`` (the register's decisions that bound the order, each with its effect)
on ``sale_checks``. Checks stored before this revision relied on no decision and recorded no snapshots:
both start as empty lists.

Written against ``aktsam.store.schema`` and reviewed; ``tests/store/test_db.py`` fails if the models and
the migrations ever disagree.

Revision ID: 0005_sale_check_basis
Revises: 0004_hit_approval
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_sale_check_basis"
down_revision: str | None = "0004_hit_approval"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sale_checks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("snapshot_ids", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("decisions", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sale_checks", schema=None) as batch_op:
        batch_op.drop_column("decisions")
        batch_op.drop_column("snapshot_ids")
