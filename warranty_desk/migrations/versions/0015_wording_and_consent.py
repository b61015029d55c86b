"""Reminder consent on customers, the reminder window, message editing by policy, reminders
sent once per warranty end, and a read mark on customers' messages.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/customer.py, policy.py, shop.py and message.py; a
# migration never imports models. Plain ALTER TABLE (SQLite 3.35+): rebuilding a table others
# point at would trip their foreign keys.


def upgrade() -> None:
    op.add_column("customers", sa.Column("reminders_agreed_at", sa.DateTime(), nullable=True))
    op.add_column("customers", sa.Column("reminders_withdrawn_at", sa.DateTime(),
                                         nullable=True))
    op.add_column("policies", sa.Column("message_edit_allowed", sa.Boolean(), nullable=False,
                                        server_default="1"))
    op.add_column("shop", sa.Column("reminder_days", sa.Integer(), nullable=False,
                                    server_default="30"))
    op.add_column("customer_messages", sa.Column("read_at", sa.DateTime(), nullable=True))
    # What customers wrote before this revision was seen on the claim already: none is unread.
    op.execute("UPDATE customer_messages SET read_at = created_at WHERE direction = 'inbound'")
    op.create_table(
        "warranty_reminders",
        sa.Column("warranty_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("message_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["warranty_id"], ["warranties.id"],
                                name=op.f("fk_warranty_reminders_warranty_id_warranties")),
        sa.ForeignKeyConstraint(
            ["message_id"], ["customer_messages.id"],
            name=op.f("fk_warranty_reminders_message_id_customer_messages")),
        sa.PrimaryKeyConstraint("warranty_id", "ends_on", name=op.f("pk_warranty_reminders")),
    )


def downgrade() -> None:
    op.drop_table("warranty_reminders")
    op.drop_column("customer_messages", "read_at")
    op.drop_column("shop", "reminder_days")
    op.drop_column("policies", "message_edit_allowed")
    op.drop_column("customers", "reminders_withdrawn_at")
    op.drop_column("customers", "reminders_agreed_at")
