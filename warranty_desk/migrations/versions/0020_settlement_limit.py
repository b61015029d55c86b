"""The manager's limit on a settlement that differs from what a supplier was expected to pay:
a shop setting, where it was a constant (5,000 minor units, £50 in the demo shop).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/shop.py; a migration never imports models.


def upgrade() -> None:
    op.add_column("shop", sa.Column("settlement_limit_minor", sa.Integer(), nullable=False,
                                    server_default="5000"))


def downgrade() -> None:
    op.drop_column("shop", "settlement_limit_minor")
