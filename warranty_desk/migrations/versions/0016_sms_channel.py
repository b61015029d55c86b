"""Text messages: the channel a customer prefers, and their phone flagged undeliverable after a
gateway refused it for good.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/customer.py; a migration never imports models.
# Plain ADD COLUMN, as in 0014: customers is pointed at by other tables.


def upgrade() -> None:
    # "" (no preference: email), email or sms
    op.add_column("customers", sa.Column("preferred_channel", sa.String(length=8),
                                         nullable=False, server_default=""))
    # Why an SMS gateway refused the customer's phone for good; "" when usable.
    op.add_column("customers", sa.Column("phone_undeliverable", sa.Text(), nullable=False,
                                         server_default=""))


def downgrade() -> None:
    op.drop_column("customers", "phone_undeliverable")
    op.drop_column("customers", "preferred_channel")
