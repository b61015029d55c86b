"""Compact storage: child rows keyed by their parent, unread search tables and index dropped.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

A shop of a million warranties measured 1.9 GB; the budget is 1 GB. Rows that are only ever
read through their parent (a warranty's layers and extension offers, a claim's events, costs
and evidence) become WITHOUT ROWID tables keyed by (parent, id): one B-tree entry each instead
of a row, an id index and a parent index. Layers lose their own id, which nothing read. The
search tables over serials, codes and invoice numbers were kept current but never searched
(exact keys go through plain indexes), and no query reads invoice lines by product.
"""

from __future__ import annotations

import sqlite3
from typing import cast

import sqlite_utils
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Written by hand from the models; a migration never imports them.
_KEYED: dict[str, tuple[str, str]] = {
    "warranty_layers": ("""
        warranty_id BLOB NOT NULL,
        start_on DATE NOT NULL,
        kind VARCHAR(16) NOT NULL,
        end_on DATE NOT NULL,
        extension_plan_id BLOB,
        price_minor BIGINT NOT NULL,
        CONSTRAINT pk_warranty_layers PRIMARY KEY (warranty_id, start_on, kind),
        CONSTRAINT fk_warranty_layers_warranty_id_warranties
            FOREIGN KEY(warranty_id) REFERENCES warranties (id),
        CONSTRAINT fk_warranty_layers_extension_plan_id_extension_plans
            FOREIGN KEY(extension_plan_id) REFERENCES extension_plans (id)""",
                        "warranty_id, start_on, kind, end_on, extension_plan_id, price_minor"),
    "extension_offers": ("""
        id BLOB NOT NULL,
        warranty_id BLOB NOT NULL,
        plan_id BLOB NOT NULL,
        accepted BOOLEAN NOT NULL,
        staff_id BLOB,
        at DATETIME NOT NULL,
        CONSTRAINT pk_extension_offers PRIMARY KEY (warranty_id, id),
        CONSTRAINT fk_extension_offers_warranty_id_warranties
            FOREIGN KEY(warranty_id) REFERENCES warranties (id),
        CONSTRAINT fk_extension_offers_plan_id_extension_plans
            FOREIGN KEY(plan_id) REFERENCES extension_plans (id),
        CONSTRAINT fk_extension_offers_staff_id_staff FOREIGN KEY(staff_id) REFERENCES staff (id)""",
                         "id, warranty_id, plan_id, accepted, staff_id, at"),
    "claim_events": ("""
        id BLOB NOT NULL,
        claim_id BLOB NOT NULL,
        at DATETIME NOT NULL,
        staff_id BLOB,
        kind VARCHAR(20) NOT NULL,
        from_state VARCHAR(20),
        to_state VARCHAR(20),
        reason TEXT NOT NULL,
        override_by_id BLOB,
        cost_minor BIGINT NOT NULL,
        CONSTRAINT pk_claim_events PRIMARY KEY (claim_id, id),
        CONSTRAINT fk_claim_events_claim_id_claims FOREIGN KEY(claim_id) REFERENCES claims (id),
        CONSTRAINT fk_claim_events_staff_id_staff FOREIGN KEY(staff_id) REFERENCES staff (id),
        CONSTRAINT fk_claim_events_override_by_id_staff
            FOREIGN KEY(override_by_id) REFERENCES staff (id)""",
                     "id, claim_id, at, staff_id, kind, from_state, to_state, reason, "
                     "override_by_id, cost_minor"),
    "cost_postings": ("""
        id BLOB NOT NULL,
        claim_id BLOB NOT NULL,
        kind VARCHAR(20) NOT NULL,
        amount_minor BIGINT NOT NULL,
        recoverable BOOLEAN NOT NULL,
        description TEXT NOT NULL,
        posted_by_id BLOB,
        posted_at DATETIME NOT NULL,
        CONSTRAINT pk_cost_postings PRIMARY KEY (claim_id, id),
        CONSTRAINT fk_cost_postings_claim_id_claims FOREIGN KEY(claim_id) REFERENCES claims (id),
        CONSTRAINT fk_cost_postings_posted_by_id_staff
            FOREIGN KEY(posted_by_id) REFERENCES staff (id)""",
                      "id, claim_id, kind, amount_minor, recoverable, description, "
                      "posted_by_id, posted_at"),
    "evidence_documents": ("""
        id BLOB NOT NULL,
        claim_id BLOB NOT NULL,
        sha256 VARCHAR(64) NOT NULL,
        kind VARCHAR(40) NOT NULL,
        media_type VARCHAR(60) NOT NULL,
        size INTEGER NOT NULL,
        original_name VARCHAR(255) NOT NULL,
        added_by_id BLOB,
        added_at DATETIME NOT NULL,
        source VARCHAR(20) NOT NULL,
        CONSTRAINT pk_evidence_documents PRIMARY KEY (claim_id, id),
        CONSTRAINT fk_evidence_documents_claim_id_claims
            FOREIGN KEY(claim_id) REFERENCES claims (id),
        CONSTRAINT fk_evidence_documents_added_by_id_staff
            FOREIGN KEY(added_by_id) REFERENCES staff (id)""",
                           "id, claim_id, sha256, kind, media_type, size, original_name, "
                           "added_by_id, added_at, source"),
}
# The id and parent indexes each table had before; the keyed form needs neither.
_PARENT = {"warranty_layers": "warranty_id", "extension_offers": "warranty_id",
           "claim_events": "claim_id", "cost_postings": "claim_id",
           "evidence_documents": "claim_id"}
_UNREAD_SEARCH = {"warranties": ["serial", "code"], "sales": ["invoice_number"]}


def _rebuild(table: str, body: str, columns: str, *, rowid: bool, select: str) -> None:
    # Nothing references these tables, so the copy-drop-rename needs no foreign-key dance.
    op.execute(f"CREATE TABLE {table}_new ({body}\n){'' if rowid else ' WITHOUT ROWID'}")
    op.execute(f"INSERT INTO {table}_new ({columns}) SELECT {select} FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {table}_new RENAME TO {table}")


def upgrade() -> None:
    for table, (body, columns) in _KEYED.items():
        _rebuild(table, body, columns, rowid=False, select=columns)
    op.execute("CREATE INDEX ix_evidence_documents_sha256 ON evidence_documents (sha256)")
    for table in _UNREAD_SEARCH:
        op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    op.execute("DROP INDEX IF EXISTS ix_invoice_lines_product_id")


def downgrade() -> None:
    op.execute("CREATE INDEX ix_invoice_lines_product_id ON invoice_lines (product_id)")
    # As 0002 made them (sqlite-utils finds its own tables by their SQL), filled from the rows.
    raw = cast(sqlite3.Connection, op.get_bind().connection.dbapi_connection)
    for table, words in _UNREAD_SEARCH.items():
        sqlite_utils.Database(raw).table(table).enable_fts(
            words, tokenize="unicode61 tokenchars '-_'")
    for table, (body, columns) in _KEYED.items():
        parent = _PARENT[table]
        if table == "warranty_layers":  # layers get back an id of their own
            body = body.replace("warranty_id BLOB NOT NULL,",
                                "id BLOB NOT NULL,\n        warranty_id BLOB NOT NULL,", 1)
            body = body.replace("PRIMARY KEY (warranty_id, start_on, kind)", "PRIMARY KEY (id)")
            _rebuild(table, body, "id, " + columns, rowid=True,
                     select="randomblob(16), " + columns)
        else:
            body = body.replace(f"PRIMARY KEY ({parent}, id)", "PRIMARY KEY (id)")
            _rebuild(table, body, columns, rowid=True, select=columns)
        op.execute(f"CREATE INDEX ix_{table}_{parent} ON {table} ({parent})")
    op.execute("CREATE INDEX ix_evidence_documents_sha256 ON evidence_documents (sha256)")
