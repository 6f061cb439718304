"""Monitoring's reverse index by party number: ``monitor_parties.number`` and ``monitor_postings``
(token, party number), replacing ``monitor_tokens`` (token, party id); and each monitored party's query
forms and qualifier bonus in their own columns (``forms``, ``bonus``).

A delta run aggregates the parties holding each changed name's tokens; integers are read and counted
far faster than id strings (issue #10: a 1M-party register). The existing state is carried over:
parties are numbered in id order and every posting keeps its party, so the next run stays a delta run
(it computes the forms of a party whose ``forms`` is still NULL from its data).

Revision ID: 0007_monitor_postings
Revises: 0006_monitoring
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_monitor_postings"
down_revision: str | None = "0006_monitoring"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("monitor_parties") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("forms", sa.Text(), nullable=True))
        batch.add_column(sa.Column("bonus", sa.Float(), nullable=True))
    op.execute(
        "UPDATE monitor_parties SET number = numbered.n FROM ("
        "SELECT party_id, ROW_NUMBER() OVER (ORDER BY party_id) AS n FROM monitor_parties"
        ") AS numbered WHERE numbered.party_id = monitor_parties.party_id"
    )
    with op.batch_alter_table("monitor_parties") as batch:
        batch.alter_column("number", existing_type=sa.Integer(), nullable=False)
    op.create_index("ix_monitor_parties_number", "monitor_parties", ["number"], unique=True)

    op.create_table(
        "monitor_postings",
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("party_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("token", "party_number", name=op.f("pk_monitor_postings")),
    )
    op.execute(
        "INSERT INTO monitor_postings (token, party_number) "
        "SELECT t.token, p.number FROM monitor_tokens t "
        "JOIN monitor_parties p ON p.party_id = t.party_id"
    )
    op.create_index(
        "ix_monitor_postings_party_number", "monitor_postings", ["party_number"], unique=False
    )
    op.drop_index("ix_monitor_tokens_party_id", table_name="monitor_tokens")
    op.drop_table("monitor_tokens")


def downgrade() -> None:
    op.create_table(
        "monitor_tokens",
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("party_id", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("token", "party_id", name=op.f("pk_monitor_tokens")),
    )
    op.execute(
        "INSERT INTO monitor_tokens (token, party_id) "
        "SELECT t.token, p.party_id FROM monitor_postings t "
        "JOIN monitor_parties p ON p.number = t.party_number"
    )
    op.create_index("ix_monitor_tokens_party_id", "monitor_tokens", ["party_id"], unique=False)
    op.drop_index("ix_monitor_postings_party_number", table_name="monitor_postings")
    op.drop_table("monitor_postings")
    op.drop_index("ix_monitor_parties_number", table_name="monitor_parties")
    with op.batch_alter_table("monitor_parties") as batch:
        batch.drop_column("bonus")
        batch.drop_column("forms")
        batch.drop_column("number")
