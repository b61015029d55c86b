"""Drop two indexes nothing reads: warranties by (product, serial) and the outbox by record.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

Lookups and activation find units by serial alone (ix_warranties_serial); sync reads the
outbox by seq. Each index cost time on every insert and ~40 MB per million rows.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("warranties", schema=None) as batch_op:
        batch_op.drop_index("ix_warranties_product_serial")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_events_aggregate_id")


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_events_aggregate_id", ["aggregate_id"], unique=False)
    with op.batch_alter_table("warranties", schema=None) as batch_op:
        batch_op.create_index("ix_warranties_product_serial", ["product_id", "serial"],
                              unique=False)
