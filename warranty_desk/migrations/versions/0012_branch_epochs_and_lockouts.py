"""Branch epochs (a new one after each restore, with head office's marks) and PIN lock steps.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warranty_desk.ids import uuid7_bytes

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/branch_epoch.py and staff.py; a migration never
# imports models.


def upgrade() -> None:
    epochs = op.create_table(
        "branch_epochs",
        sa.Column("n", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("epoch", sa.LargeBinary(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("marks_needed", sa.Boolean(), nullable=False),
        sa.Column("marks_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("n", name=op.f("pk_branch_epochs")),
        sa.UniqueConstraint("epoch", name=op.f("uq_branch_epochs_epoch")),
    )
    # The till as it stands is the first epoch; no marks are needed for it (it never went back).
    newest = op.get_bind().execute(sa.text("SELECT coalesce(max(seq), 0) FROM outbox_events"))
    op.bulk_insert(epochs, [{
        "n": 1, "epoch": uuid7_bytes(), "started_at": None, "reason": "set-up",
        "first_seq": int(newest.scalar_one()), "marks_needed": False, "marks_at": None,
        "note": ""}])
    # Plain ALTER TABLE (SQLite 3.35+): rebuilding staff, which other tables point at, would
    # trip their foreign keys.
    op.add_column("staff", sa.Column("lockouts", sa.Integer(), nullable=False,
                                     server_default="0"))


def downgrade() -> None:
    op.drop_column("staff", "lockouts")
    op.drop_table("branch_epochs")
