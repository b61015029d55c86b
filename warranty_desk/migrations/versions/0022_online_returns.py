"""Online returns: the outcome a customer asked for when returning an online purchase, and
when the return was approved (the label sent); a claim with channel `online` waits for its
unit until the returns desk scans it in.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/claim.py; a migration never imports models.


def upgrade() -> None:
    op.add_column("claims", sa.Column("preferred_outcome", sa.String(10), nullable=True))
    op.add_column("claims", sa.Column("return_approved_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+): a rebuilt claims table could not be dropped while
    # other tables' foreign keys point at it.
    op.drop_column("claims", "return_approved_at")
    op.drop_column("claims", "preferred_outcome")
