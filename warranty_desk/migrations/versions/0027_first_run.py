"""The first-run setup's progress, so a setup left half-way resumes at the step reached.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07

A shop upgraded to this has staff and no row: its setup counts as done.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/first_run.py; a migration never imports models.


def upgrade() -> None:
    op.create_table(
        "first_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("drafts", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_first_run")),
    )


def downgrade() -> None:
    op.drop_table("first_run")
