"""Events delivered above the cursor are kept; a claim keeps who claimed it online; an inbox
item that could not be used stays listed until a person has dealt with it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/sync_state.py and claim.py; never imports models.


def upgrade() -> None:
    op.create_table(
        "sync_delivered",
        sa.Column("destination", sa.String(length=20), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("destination", "event_seq", name=op.f("pk_sync_delivered")),
        sqlite_with_rowid=False,
    )
    # Plain ADD COLUMN: SQLite adds a column in place, so the claims table (tens of
    # thousands of rows, referenced by every claim's events) is not copied and rebuilt.
    op.add_column("claims", sa.Column("claimant_name", sa.String(length=200), nullable=True))
    op.add_column("claims", sa.Column("claimant_phone", sa.String(length=32), nullable=True))
    op.add_column("inbox_applied", sa.Column("handled_at", sa.DateTime(), nullable=True))
    op.add_column("inbox_applied", sa.Column("handled_by", sa.String(length=200),
                                             nullable=False, server_default=""))
    op.add_column("inbox_applied", sa.Column("handled_note", sa.Text(), nullable=False,
                                             server_default=""))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+): a rebuilt claims table could not be dropped while
    # other tables' foreign keys point at it.
    for column in ("handled_note", "handled_by", "handled_at"):
        op.drop_column("inbox_applied", column)
    op.drop_column("claims", "claimant_phone")
    op.drop_column("claims", "claimant_name")
    op.drop_table("sync_delivered")
