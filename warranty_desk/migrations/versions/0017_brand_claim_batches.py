"""Brand claims as batches (numbered, per supplier, many customer claims each), their status
updates, settlements as payments or credit notes with a reason, per-supplier warranty terms,
and the supplier a supplier contact works for.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Written by hand from warranty_desk/models/brand_claim.py and staff.py; a migration never
# imports models. Plain ALTER TABLE (SQLite 3.35+): rebuilding brand_claims would trip the
# settlements pointing at it, so its new columns carry no foreign key.

_ID = sa.LargeBinary(length=16)


def upgrade() -> None:
    op.add_column("brand_claims", sa.Column("number", sa.String(length=32), nullable=True))
    op.add_column("brand_claims", sa.Column("supplier", sa.String(length=200), nullable=False,
                                            server_default=""))
    op.add_column("brand_claims", sa.Column("approval", sa.String(length=12), nullable=False,
                                            server_default="pending"))
    op.add_column("brand_claims", sa.Column("created_by_id", _ID, nullable=True))
    op.add_column("brand_claims", sa.Column("closed_at", sa.DateTime(), nullable=True))
    op.add_column("brand_claims", sa.Column("written_off_minor", sa.BigInteger(), nullable=False,
                                            server_default="0"))
    op.create_index(op.f("ix_brand_claims_number"), "brand_claims", ["number"], unique=True)
    op.add_column("settlements", sa.Column("kind", sa.String(length=12), nullable=False,
                                           server_default="payment"))
    op.add_column("settlements", sa.Column("reason", sa.Text(), nullable=False,
                                           server_default=""))
    op.add_column("settlements", sa.Column("recorded_by_id", _ID, nullable=True))
    op.add_column("settlements", sa.Column("agreed_by_id", _ID, nullable=True))
    op.add_column("settlements", sa.Column("recorded_at", sa.DateTime(), nullable=True))
    op.add_column("staff", sa.Column("supplier", sa.String(length=200), nullable=False,
                                     server_default=""))
    op.create_table(
        "brand_claim_items",
        sa.Column("id", _ID, nullable=False),
        sa.Column("brand_claim_id", _ID, nullable=False),
        sa.Column("claim_id", _ID, nullable=False),
        sa.Column("added_by_id", _ID, nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["brand_claim_id"], ["brand_claims.id"],
                                name=op.f("fk_brand_claim_items_brand_claim_id_brand_claims")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_brand_claim_items_claim_id_claims")),
        sa.ForeignKeyConstraint(["added_by_id"], ["staff.id"],
                                name=op.f("fk_brand_claim_items_added_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_claim_items")),
        sa.UniqueConstraint("brand_claim_id", "claim_id",
                            name=op.f("uq_brand_claim_items_brand_claim_id_claim_id")),
    )
    op.create_index(op.f("ix_brand_claim_items_brand_claim_id"), "brand_claim_items",
                    ["brand_claim_id"])
    op.create_index(op.f("ix_brand_claim_items_claim_id"), "brand_claim_items", ["claim_id"])
    # Every brand claim made before this revision held the one claim it names; its supplier is
    # that claim's product's (the brand where the product names none); the brand's answer
    # follows from its status, and one paid, credited or refused has nothing left to chase.
    op.execute("INSERT INTO brand_claim_items (id, brand_claim_id, claim_id, added_at) "
               "SELECT randomblob(16), id, claim_id, submitted_at FROM brand_claims")
    op.execute("UPDATE brand_claims SET supplier = coalesce((SELECT CASE WHEN trim(p.supplier) "
               "!= '' THEN trim(p.supplier) ELSE b.name END FROM claims c JOIN products p ON "
               "p.id = c.product_id JOIN brands b ON b.id = p.brand_id WHERE c.id = "
               "brand_claims.claim_id), '')")
    op.execute("UPDATE brand_claims SET approval = CASE WHEN external_status IN ('approved', "
               "'paid', 'credited') THEN 'approved' WHEN external_status = 'rejected' THEN "
               "'rejected' ELSE 'pending' END")
    op.execute("UPDATE brand_claims SET closed_at = coalesce(updated_at, submitted_at) "
               "WHERE external_status IN ('paid', 'credited', 'rejected')")
    op.create_table(
        "brand_status_updates",
        sa.Column("id", _ID, nullable=False),
        sa.Column("brand_claim_id", _ID, nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("staff_id", _ID, nullable=True),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["brand_claim_id"], ["brand_claims.id"],
                                name=op.f("fk_brand_status_updates_brand_claim_id_brand_claims")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"],
                                name=op.f("fk_brand_status_updates_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_status_updates")),
    )
    op.create_index(op.f("ix_brand_status_updates_brand_claim_id"), "brand_status_updates",
                    ["brand_claim_id"])
    op.create_table(
        "supplier_terms",
        sa.Column("id", _ID, nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("parts", sa.Boolean(), nullable=False),
        sa.Column("labour", sa.Boolean(), nullable=False),
        sa.Column("replacement", sa.Boolean(), nullable=False),
        sa.Column("shipping", sa.Boolean(), nullable=False),
        sa.Column("window_from", sa.String(length=8), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("stale_after_days", sa.Integer(), nullable=False),
        sa.Column("packet_profile", sa.String(length=40), nullable=False),
        sa.Column("service_centre", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_terms")),
        sa.UniqueConstraint("supplier", name=op.f("uq_supplier_terms_supplier")),
    )


def downgrade() -> None:
    op.drop_table("supplier_terms")
    op.drop_index(op.f("ix_brand_status_updates_brand_claim_id"), "brand_status_updates")
    op.drop_table("brand_status_updates")
    op.drop_index(op.f("ix_brand_claim_items_claim_id"), "brand_claim_items")
    op.drop_index(op.f("ix_brand_claim_items_brand_claim_id"), "brand_claim_items")
    op.drop_table("brand_claim_items")
    op.drop_column("staff", "supplier")
    for column in ("recorded_at", "agreed_by_id", "recorded_by_id", "reason", "kind"):
        op.drop_column("settlements", column)
    op.drop_index(op.f("ix_brand_claims_number"), "brand_claims")
    for column in ("written_off_minor", "closed_at", "created_by_id", "approval", "supplier", "number"):
        op.drop_column("brand_claims", column)
