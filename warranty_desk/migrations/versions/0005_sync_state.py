"""Sync state: per-destination cursors, parked events and applied inbox items.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/sync_state.py; a migration never imports models.


def upgrade() -> None:
    op.create_table(
        "sync_cursors",
        sa.Column("destination", sa.String(length=20), nullable=False),
        sa.Column("delivered_seq", sa.Integer(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("destination", name=op.f("pk_sync_cursors")),
    )
    op.create_table(
        "sync_parked",
        sa.Column("destination", sa.String(length=20), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("aggregate", sa.String(length=40), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("parked_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("settled_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("destination", "event_seq", name=op.f("pk_sync_parked")),
    )
    with op.batch_alter_table("sync_parked", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_parked_aggregate_id"), ["aggregate_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_sync_parked_state"), ["state"], unique=False)
    op.create_table(
        "inbox_applied",
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_inbox_applied")),
    )


def downgrade() -> None:
    op.drop_table("inbox_applied")
    with op.batch_alter_table("sync_parked", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_parked_state"))
        batch_op.drop_index(batch_op.f("ix_sync_parked_aggregate_id"))
    op.drop_table("sync_parked")
    op.drop_table("sync_cursors")
