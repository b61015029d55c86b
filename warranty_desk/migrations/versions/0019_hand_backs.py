"""Hand-backs: a claim's unit (or its replacement) given back to the customer, with who, to
whom, accessories, condition and the customer's signature or signed paper receipt.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/hand_back.py; a migration never imports models.

_ID = sa.LargeBinary(length=16)


def upgrade() -> None:
    op.create_table(
        "hand_backs",
        sa.Column("id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=12), nullable=False),
        sa.Column("serial", sa.String(length=64), nullable=True),
        sa.Column("accessories", sa.JSON(), nullable=False),
        sa.Column("accessories_missing", sa.JSON(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("staff_id", _ID, nullable=True),
        sa.Column("staff_name", sa.String(length=200), nullable=False),
        sa.Column("collected_by", sa.String(length=200), nullable=False),
        sa.Column("on_behalf_proof", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("confirmation", sa.String(length=10), nullable=False),
        sa.Column("signature_png", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_hand_backs_claim_id_claims")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name=op.f("fk_hand_backs_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hand_backs")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_hand_backs_claim_id")),
        sa.UniqueConstraint("number", name=op.f("uq_hand_backs_number")),
    )


def downgrade() -> None:
    op.drop_table("hand_backs")
