"""More of the dashboard's roll-ups: what suppliers owe and settled per claim of each brand
claim; the claims counted per shop day; indexes it counts messages, offers and claimants from.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07

The dashboard worked every brand claim of its range out again from the rows on each opening
(a third of a second of its 0.85 s on the 1M-warranty bench shop). The rules that work them
out (a supplier's terms, settlements split by weight) are Python, so triggers
(warranty_desk/storage/recovery_marks.py) only mark a brand claim stale when something it comes
from changes, and the services store its rows again (services/recovery_rollup.py). This marks
every brand claim already there stale: the start after the upgrade works them out.

The claim figures counted some 40,000 claims of a quarter into facts on every opening (0.14 s);
claim_fact_days keeps them counted per shop day (storage/fact_days.py), by the zone's changes
in shop_zone_changes. Both are left empty here: the first unit of work after the upgrade (the
start's) fills them for the shop's zone (services/rollup_upkeep.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warranty_desk.models.base import UTCDateTime, UUIDBlob
from warranty_desk.storage import fact_days, recovery_marks

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recovery_rollups",
        sa.Column("brand_claim_id", UUIDBlob(), nullable=False),
        sa.Column("claim_id", UUIDBlob(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("expected_minor", sa.BigInteger(), nullable=False),
        sa.Column("settled_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("brand_claim_id", "claim_id", name=op.f("pk_recovery_rollups")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_recovery_rollups_opened_at", "recovery_rollups", ["opened_at"])
    op.create_table(
        "recovery_stale",
        sa.Column("brand_claim_id", UUIDBlob(), nullable=False),
        sa.PrimaryKeyConstraint("brand_claim_id", name=op.f("pk_recovery_stale")),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO recovery_stale (brand_claim_id) SELECT id FROM brand_claims")
    recovery_marks.install(op.execute)
    op.create_table(
        "claim_fact_days",
        sa.Column("opened_on", sa.String(length=10), nullable=False),
        sa.Column("closed_on", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("handed_on", sa.String(length=10), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("opened_on", "closed_on", "state", "outcome", "on_time",
                                "handed_on", "rejected", "reopened",
                                name=op.f("pk_claim_fact_days")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_claim_fact_days_closed_on", "claim_fact_days", ["closed_on"])
    op.create_table(
        "shop_zone_changes",
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("offset_seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("at", name=op.f("pk_shop_zone_changes")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "claim_fact_zone",
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("zone", name=op.f("pk_claim_fact_zone")),
    )
    fact_days.install(op.execute)
    # Indexes the dashboard counts a range from alone, without reading each row.
    op.create_index("ix_customer_messages_created", "customer_messages",
                    ["created_at", "direction", "state"])
    op.create_index("ix_extension_offers_at", "extension_offers", ["at", "accepted"])
    op.create_index("ix_claim_rollups_opened_customer", "claim_rollups",
                    ["opened_at", "customer_id"])
    op.drop_index("ix_claim_rollups_opened_at", table_name="claim_rollups")


def downgrade() -> None:
    for name in fact_days.trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("claim_fact_zone")
    op.drop_table("shop_zone_changes")
    op.drop_index("ix_claim_fact_days_closed_on", table_name="claim_fact_days")
    op.drop_table("claim_fact_days")
    op.create_index("ix_claim_rollups_opened_at", "claim_rollups", ["opened_at"])
    op.drop_index("ix_claim_rollups_opened_customer", table_name="claim_rollups")
    op.drop_index("ix_extension_offers_at", table_name="extension_offers")
    op.drop_index("ix_customer_messages_created", table_name="customer_messages")
    for name in recovery_marks.trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("recovery_stale")
    op.drop_index("ix_recovery_rollups_opened_at", table_name="recovery_rollups")
    op.drop_table("recovery_rollups")
