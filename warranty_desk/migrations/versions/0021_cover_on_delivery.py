"""Cover that starts on delivery: a policy says when the cover of its online sales starts
(the sale, as before, or delivery), and a warranty waiting for its delivery says so.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/policy.py and warranty.py; a migration never
# imports models.


def upgrade() -> None:
    op.add_column("policies", sa.Column("online_cover_from", sa.String(10), nullable=False,
                                        server_default="sale"))
    op.add_column("warranties", sa.Column("awaits_delivery", sa.Boolean(), nullable=False,
                                          server_default="0"))
    op.add_column("warranties", sa.Column("delivered_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # SQLite drops a plain column in place: no copy of tables others point at.
    op.drop_column("warranties", "delivered_on")
    op.drop_column("warranties", "awaits_delivery")
    op.drop_column("policies", "online_cover_from")
