"""No index of stock movements by serial: nothing reads them by it.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07

Every read of stock movements goes by claim (a claim's units, the returns desk's scan, which
finds the claim by its own serial first, and the dashboard roll-up's triggers), so
ix_stock_movements_serial only cost its writes and 1.2 bytes per warranty on the 1M bench shop.
"""

from __future__ import annotations

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_stock_movements_serial", table_name="stock_movements")


def downgrade() -> None:
    op.create_index("ix_stock_movements_serial", "stock_movements", ["serial"])
