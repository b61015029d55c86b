"""The claims counted per shop day also sum their costs per kind; an offer carries its product.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07

Every opening of the dashboard (and every filter that lets the whole shop through) summed the
costs of the forty thousand claims of a quarter from the claims' roll-up: 16 ms of its 220 ms
on the 1M-warranty bench shop. claim_fact_days, which the same reads count the claims from,
now sums each group's costs too.

A filter on a product's fields looked up each of a quarter's offers' warranty for its product
(22 ms of a brand filter's 131 ms): an extension offer now carries its warranty's product,
set by the services and kept so by triggers (storage/rollups.py), in the index on when.

A filter that lets every claim through (the till's own branch, staff "not recorded") counts
the messages of claims: each of a quarter's messages was looked up for its claim (25 ms); the
index on when they were made now holds it.

claim_fact_days is made again empty, and claim_fact_zone emptied: the first unit of work after the
upgrade (the start's) counts every claim again for the shop's zone (services/rollup_upkeep.py),
and until then the dashboard counts from the claims, as after migration 0029. That count also
mends a shop upgraded through 0029 with claims on file: its first count named the zone only
after counting, so counted none, and its dashboard showed no claims for the whole shop.

On the 1M bench shop the upgrade takes 4.3 s of CPU and adds some 10 bytes per warranty (the
offers' product and its place in the index on when, 8 MB; the messages' claim, 1.7 MB).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from warranty_desk.models.base import UUIDBlob
from warranty_desk.storage import fact_days, rollups
from warranty_desk.storage.rollups import install_triggers

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def _again(costs: bool) -> None:
    """claim_fact_days made again empty, with its costs or (0029's) without, and its
    triggers; counted again by the next write for the shop's zone."""
    for name in fact_days.trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_claim_fact_days_closed_on", table_name="claim_fact_days")
    op.drop_table("claim_fact_days")
    columns: list[sa.Column[Any]] = [
        sa.Column("opened_on", sa.String(length=10), nullable=False),
        sa.Column("closed_on", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("handed_on", sa.String(length=10), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    ]
    if costs:
        columns += [sa.Column(c, sa.BigInteger(), nullable=False) for c in fact_days.COSTS]
    op.create_table("claim_fact_days", *columns,
                    sa.PrimaryKeyConstraint(*fact_days.KEY.split(", "),
                                            name=op.f("pk_claim_fact_days")),
                    sqlite_with_rowid=False)
    op.create_index("ix_claim_fact_days_closed_on", "claim_fact_days", ["closed_on"])
    install_triggers("fact_days", fact_days.triggers(costs=costs), op.execute)
    # Read from the claims until the next write counts them (none are counted meanwhile).
    op.execute("DELETE FROM claim_fact_zone")


def upgrade() -> None:
    _again(costs=True)
    op.add_column("extension_offers", sa.Column("product_id", UUIDBlob(), nullable=True))
    rollups.rebuild_offer_products(op.execute)
    op.drop_index("ix_extension_offers_at", table_name="extension_offers")
    op.create_index("ix_extension_offers_at", "extension_offers",
                    ["at", "accepted", "product_id"])
    rollups.install_offer_products(op.execute)
    _messages_created(["created_at", "direction", "state", "claim_id"])


def _messages_created(columns: list[str]) -> None:
    op.drop_index("ix_customer_messages_created", table_name="customer_messages")
    op.create_index("ix_customer_messages_created", "customer_messages", columns)


def downgrade() -> None:
    _messages_created(["created_at", "direction", "state"])
    for name in rollups.offer_trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_extension_offers_at", table_name="extension_offers")
    op.create_index("ix_extension_offers_at", "extension_offers", ["at", "accepted"])
    op.execute("ALTER TABLE extension_offers DROP COLUMN product_id")
    _again(costs=False)
