"""Outbox events by the instant they were written: the dashboard's sync success reads a range.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06

Without it, counting the events written in ninety days scanned the whole outbox with its
payloads (1.4M events on the 1M-warranty bench shop: about 1 s). The index costs each event
written one more small entry; the outbox is pruned once head office has an event, so it stays
as small as the events not yet delivered and the last week's.
"""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_events_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_created_at")
