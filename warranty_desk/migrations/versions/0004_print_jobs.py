"""Print jobs: the print queue and the record of every print.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/print_job.py; a migration never imports models.


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("document", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("copy", sa.Boolean(), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("requested_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["requested_by_id"], ["staff.id"],
                                name=op.f("fk_print_jobs_requested_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_print_jobs")),
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_print_jobs_document"), ["document"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_jobs_subject"), ["subject"], unique=False)
        batch_op.create_index(batch_op.f("ix_print_jobs_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_print_jobs_state"))
        batch_op.drop_index(batch_op.f("ix_print_jobs_subject"))
        batch_op.drop_index(batch_op.f("ix_print_jobs_document"))
    op.drop_table("print_jobs")
