"""Message delivery: each customer message's channel, server id, reason and attempts; a contact
flagged undeliverable after a permanent refusal.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/message.py and customer.py; a migration never
# imports models. Plain ADD COLUMN (SQLite 3.35+): customers and customer_messages are pointed
# at by other tables, and rebuilding them would trip their foreign keys.
_MESSAGE_COLUMNS = (
    # "" until a channel takes the message; then email, head_office or letter
    sa.Column("channel", sa.String(length=12), nullable=False, server_default=""),
    # the mail server's answer to the message (its queue id), or head office's id
    sa.Column("server_id", sa.String(length=200), nullable=False, server_default=""),
    # why it failed or bounced, in plain words
    sa.Column("reason", sa.Text(), nullable=False, server_default=""),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("state_at", sa.DateTime(), nullable=True),
)


def upgrade() -> None:
    for column in _MESSAGE_COLUMNS:
        op.add_column("customer_messages", column)
    op.create_index(op.f("ix_customer_messages_state"), "customer_messages", ["state"])
    # Why the customer's email address cannot be used (a server refused it); "" when usable.
    op.add_column("customers", sa.Column("email_undeliverable", sa.Text(), nullable=False,
                                         server_default=""))


def downgrade() -> None:
    op.drop_column("customers", "email_undeliverable")
    op.drop_index(op.f("ix_customer_messages_state"), "customer_messages")
    for column in reversed(_MESSAGE_COLUMNS):
        op.drop_column("customer_messages", column.name)
