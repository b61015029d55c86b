"""A bulk insert of warranties counts them into the roll-ups in one statement per roll-up.

Revision ID: 0033
Revises: 0030
Create Date: 2026-12-07

Importing 100k invoice lines spent about 1.5 s of CPU (a sixth of the import) in the
warranties' insert trigger: three upserts per row, each joining the row's line and sale. The
trigger now skips while its name is in rollup_pauses, which a bulk insert writes and deletes
inside its own write transaction before counting its rows set-based
(storage/rollups.warranties_counted_at_end); every other write is counted by the trigger as
before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warranty_desk.storage import rollups

revision = "0033"
down_revision = "0030"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/metric_rollup.py; a migration never imports models.


def upgrade() -> None:
    op.create_table(
        rollups.PAUSES,
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rollup_pauses")),
        sqlite_with_rowid=False,
    )
    rollups.install(op.execute)


def downgrade() -> None:
    # The trigger as 0026 made it, counting every row.
    rollups.install_triggers("rollup", [rollups.unpaused_warranties_insert()], op.execute)
    op.drop_table(rollups.PAUSES)
