"""Refunds an import applied, one row each, so an export that repeats one voids nothing more.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/refund.py; a migration never imports models.


def upgrade() -> None:
    op.create_table(
        "applied_refunds",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("refund_key", sa.String(length=64), nullable=False),
        sa.Column("invoice_number", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("voided", sa.Integer(), nullable=False),
        sa.Column("import_batch_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["import_batch_id"], ["import_batches.id"],
                                name=op.f("fk_applied_refunds_import_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applied_refunds")),
        sa.UniqueConstraint("source", "refund_key",
                            name=op.f("uq_applied_refunds_source_refund_key")),
    )


def downgrade() -> None:
    op.drop_table("applied_refunds")
