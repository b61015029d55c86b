"""Complaints logged against a customer, optionally about a claim.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/complaint.py; a migration never imports models.


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("customer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("claim_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("logged_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("logged_by", sa.String(length=200), nullable=False),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_complaints_customer_id_customers")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_complaints_claim_id_claims")),
        sa.ForeignKeyConstraint(["logged_by_id"], ["staff.id"],
                                name=op.f("fk_complaints_logged_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_customer_id"), ["customer_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_customer_id"))
    op.drop_table("complaints")
