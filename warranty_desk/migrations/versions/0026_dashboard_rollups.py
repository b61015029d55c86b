"""The dashboard's roll-ups: each claim as the figures read it, warranties sold per day, and
what each customer bought per day, warranties' spans per product.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

The dashboard read claims with their events, costs and sales, and every warranty sold in the
range (1.4 s to open on the 1M-warranty bench shop). Triggers keep the two tables in the same
transaction as each write to those rows (warranty_desk/storage/rollups.py); this fills them
from the rows already there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warranty_desk.models.base import UTCDateTime, UUIDBlob
from warranty_desk.storage import rollups

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_rollups",
        sa.Column("claim_id", UUIDBlob(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column("handed_at", UTCDateTime(), nullable=True),
        sa.Column("rejected_event", sa.Boolean(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("product_id", UUIDBlob(), nullable=True),
        sa.Column("branch_code", sa.String(length=6), nullable=True),
        sa.Column("staff_id", UUIDBlob(), nullable=True),
        sa.Column("customer_id", UUIDBlob(), nullable=True),
        sa.Column("returns_kind", sa.String(length=20), nullable=True),
        sa.Column("returns_at", UTCDateTime(), nullable=True),
        *(sa.Column(f"cost_{kind}", sa.BigInteger(), nullable=False)
          for kind in ("labour", "parts", "replacement", "refund", "shipping", "write_off",
                       "other")),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_rollups")),
    )
    op.create_index("ix_claim_rollups_opened_at", "claim_rollups", ["opened_at"])
    op.create_index("ix_claim_rollups_closed_at", "claim_rollups", ["closed_at"])
    op.create_index("ix_claim_rollups_returns_kind", "claim_rollups", ["returns_kind"])
    op.create_table(
        "sale_rollups",
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("product_id", UUIDBlob(), nullable=False),
        sa.Column("branch_code", sa.String(length=6), nullable=False),
        sa.Column("staff_key", sa.LargeBinary(), nullable=False),
        sa.Column("gap", sa.Boolean(), nullable=False),
        sa.Column("void", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sold_on", "product_id", "branch_code", "staff_key", "gap",
                                "void", name=op.f("pk_sale_rollups")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "customer_sale_days",
        sa.Column("customer_id", UUIDBlob(), nullable=False),
        sa.Column("sold_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "sold_on", name=op.f("pk_customer_sale_days")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "warranty_spans",
        sa.Column("product_id", UUIDBlob(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", "start_on", "end_on",
                                name=op.f("pk_warranty_spans")),
        sqlite_with_rowid=False,
    )
    rollups.rebuild(op.execute)
    rollups.install(op.execute)


def downgrade() -> None:
    for name in rollups.trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("warranty_spans")
    op.drop_table("customer_sale_days")
    op.drop_table("sale_rollups")
    op.drop_index("ix_claim_rollups_returns_kind", table_name="claim_rollups")
    op.drop_index("ix_claim_rollups_closed_at", table_name="claim_rollups")
    op.drop_index("ix_claim_rollups_opened_at", table_name="claim_rollups")
    op.drop_table("claim_rollups")
