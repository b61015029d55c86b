"""Each claim's roll-up row carries its customer's claim before it and next day of buying, and
a refunded claim's refund facts.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07

The trust score's claimants were read for the whole shop by grouping a quarter's claims per
customer and looking each of 35,000 customers' days of buying up: 75-83 ms of every opening of
the dashboard on the 1M-warranty bench shop, and of every filter that lets the whole shop
through. Now each roll-up row says when the customer's claim before it was opened and the
customer's first shop day of buying after it (storage/claimants.py, kept by triggers), and the
claimants are counted from one index.

The units waiting in returns stock for their supplier were read, under any filter, with each
one's claim looked up for when it was opened and closed (19-25 ms of a filter that lets the
whole shop through): their index now holds those, and only the units brought in (the only
ones read), which makes it half the size it was.

The refunds of a quarter were each read with their claim, warranty, invoice line and decision
event (26 ms of CPU on every opening): a refunded claim's row now carries the amount, the price
paid and who approved it (storage/refund_facts.py, kept by triggers).

The claims counted per shop day no longer count a roll-up row again when only the columns this
adds change (their update trigger names the columns a fact reads).

On the 1M bench shop the upgrade takes 1.1 s of CPU (1.3 s wall) and adds 3.0 bytes per
warranty (the new columns, their place in the claimants' index, less 1.3 MB for the units'
index holding only the units brought in). Working the next days out again when the zone moves
adds 0.4 s of CPU to that recount.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warranty_desk.models.base import UTCDateTime, UUIDBlob
from warranty_desk.storage import claimants, fact_days, refund_facts

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def _index(name: str, columns: list[str], where: str | None = None) -> None:
    op.drop_index(name, table_name="claim_rollups")
    op.create_index(name, "claim_rollups", columns,
                    sqlite_where=None if where is None else sa.text(where))


_CLAIMANTS = "ix_claim_rollups_opened_customer"
_WAITING = "ix_claim_rollups_returns_kind"
# models.metric_rollup.WAITING_ONLY, written out (a migration never imports models).
_WAITING_ONLY = "returns_kind = 'return_in'"


def upgrade() -> None:
    fact_days.install(op.execute)
    op.add_column("claim_rollups", sa.Column("prev_opened_at", UTCDateTime(), nullable=True))
    op.add_column("claim_rollups", sa.Column("next_sale_on", sa.Date(), nullable=True))
    # Worked out by the zone's changes on file; if the zone has moved since they were filled
    # in, the first unit of work counts the claims again and works the days out with them.
    claimants.rebuild(op.execute)
    claimants.install(op.execute)
    op.add_column("claim_rollups", sa.Column("refund_minor", sa.BigInteger(), nullable=True))
    op.add_column("claim_rollups", sa.Column("refund_paid", sa.BigInteger(), nullable=True))
    op.add_column("claim_rollups", sa.Column("refund_by", UUIDBlob(), nullable=True))
    refund_facts.rebuild(op.execute)
    refund_facts.install(op.execute)
    _index(_CLAIMANTS, ["opened_at", "customer_id", "prev_opened_at", "next_sale_on"])
    _index(_WAITING, ["returns_kind", "product_id", "returns_at", "opened_at", "closed_at"],
           _WAITING_ONLY)


def downgrade() -> None:
    _index(_WAITING, ["returns_kind", "product_id", "returns_at"])
    _index(_CLAIMANTS, ["opened_at", "customer_id"])
    for name in (*claimants.trigger_names(), *refund_facts.trigger_names()):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for column in ("refund_by", "refund_paid", "refund_minor"):
        op.execute(f"ALTER TABLE claim_rollups DROP COLUMN {column}")
    op.execute("ALTER TABLE claim_rollups DROP COLUMN next_sale_on")
    op.execute("ALTER TABLE claim_rollups DROP COLUMN prev_opened_at")
    # The update trigger names the columns a fact reads: the same counts on the older schema.
    fact_days.install(op.execute)
