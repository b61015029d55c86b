"""The monthly audit sample: closed claims drawn by a kept seed, each reviewed by a manager.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/audit_sample.py; a migration never imports models.


def upgrade() -> None:
    op.create_table(
        "audit_samples",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("closed_count", sa.Integer(), nullable=False),
        sa.Column("drawn_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("drawn_by", sa.String(length=200), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["drawn_by_id"], ["staff.id"],
                                name=op.f("fk_audit_samples_drawn_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_samples")),
        sa.UniqueConstraint("month", name=op.f("uq_audit_samples_month")),
    )
    op.create_table(
        "audit_sample_claims",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sample_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("claim_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("finding", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewed_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["sample_id"], ["audit_samples.id"],
                                name=op.f("fk_audit_sample_claims_sample_id_audit_samples")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_audit_sample_claims_claim_id_claims")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["staff.id"],
                                name=op.f("fk_audit_sample_claims_reviewed_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_sample_claims")),
        sa.UniqueConstraint("sample_id", "claim_id",
                            name=op.f("uq_audit_sample_claims_sample_id_claim_id")),
    )
    op.create_index("ix_audit_sample_claims_claim_id", "audit_sample_claims", ["claim_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_sample_claims_claim_id", table_name="audit_sample_claims")
    op.drop_table("audit_sample_claims")
    op.drop_table("audit_samples")
