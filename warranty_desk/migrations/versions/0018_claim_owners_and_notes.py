"""A backup beside each claim's owner, exception notes on any record, retention follow-ups
raised by rule, and the shop's setting for a claim open too long.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/claim.py; a migration never imports models. Plain
# ALTER TABLE: rebuilding claims, which others point at, would trip their foreign keys.


def upgrade() -> None:
    # Alembic cannot add a column with its foreign key on SQLite outside batch mode; SQLite
    # itself can, when the column defaults to NULL.
    op.execute("ALTER TABLE claims ADD COLUMN backup_id BLOB "
               "CONSTRAINT fk_claims_backup_id_staff REFERENCES staff (id)")
    op.create_table(
        "exception_notes",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("record_kind", sa.String(length=20), nullable=False),
        sa.Column("record_ref", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("written_by", sa.String(length=200), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["written_by_id"], ["staff.id"],
                                name=op.f("fk_exception_notes_written_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_notes")),
    )
    op.create_index("ix_exception_notes_record", "exception_notes",
                    ["record_kind", "record_ref"])
    op.create_index("ix_exception_notes_reason_written", "exception_notes",
                    ["reason", "written_at"])
    op.add_column("shop", sa.Column("follow_up_open_days", sa.Integer(), nullable=False,
                                    server_default="30"))
    op.create_table(
        "retention_follow_ups",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("customer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("claim_number", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(), nullable=True),
        sa.Column("cleared_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("cleared_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_retention_follow_ups_customer_id_customers")),
        sa.ForeignKeyConstraint(["cleared_by_id"], ["staff.id"],
                                name=op.f("fk_retention_follow_ups_cleared_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_follow_ups")),
        sa.UniqueConstraint("key", name=op.f("uq_retention_follow_ups_key")),
    )
    op.create_index("ix_retention_follow_ups_customer_id", "retention_follow_ups",
                    ["customer_id"])
    op.create_index("ix_retention_follow_ups_cleared_at", "retention_follow_ups",
                    ["cleared_at"])


def downgrade() -> None:
    op.drop_table("retention_follow_ups")
    op.drop_column("shop", "follow_up_open_days")
    op.drop_index("ix_exception_notes_reason_written", table_name="exception_notes")
    op.drop_index("ix_exception_notes_record", table_name="exception_notes")
    op.drop_table("exception_notes")
    op.drop_column("claims", "backup_id")
