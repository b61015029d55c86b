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
    with op.batch_alter_table("warranties") as batch:
        batch.drop_column("delivered_on")
        batch.drop_column("awaits_delivery")
    with op.batch_alter_table("policies") as batch:
        batch.drop_column("online_cover_from")
