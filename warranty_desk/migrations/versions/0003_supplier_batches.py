"""Supplier batches: faulty units packed, sent to a supplier and back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Written by hand from the model in warranty_desk/models/supplier_batch.py; a migration never
# imports models, so it keeps meaning the same thing when the models change later.


def upgrade() -> None:
    op.create_table(
        "supplier_batches",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("claim_numbers", sa.JSON(), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("back_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"],
                                name=op.f("fk_supplier_batches_created_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_batches")),
        sa.UniqueConstraint("number", name=op.f("uq_supplier_batches_number")),
    )
    with op.batch_alter_table("supplier_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supplier_batches_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("supplier_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supplier_batches_state"))
    op.drop_table("supplier_batches")
