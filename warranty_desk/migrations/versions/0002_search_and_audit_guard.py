"""Full-text search over customers, products, serials and invoices; audit log append-only.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlite3
from typing import cast

import sqlite_utils
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Table -> columns indexed for search. External-content FTS5 tables, kept current by the app
# (warranty_desk.storage.search), not by triggers: with trusted_schema=OFF SQLite refuses
# triggers that write to virtual tables, and that pragma guards against a tampered file.
FTS_COLUMNS: dict[str, list[str]] = {
    "customers": ["name", "phone", "email", "reference"],
    "products": ["name", "sku", "category"],
    "warranties": ["serial", "code"],
    "sales": ["invoice_number"],
}


def _database() -> sqlite_utils.Database:
    # sqlite-utils works on the same connection, inside Alembic's transaction.
    raw = cast(sqlite3.Connection, op.get_bind().connection.dbapi_connection)
    return sqlite_utils.Database(raw)


def upgrade() -> None:
    db = _database()
    for table, columns in FTS_COLUMNS.items():
        # unicode61 with '-' kept inside tokens, so "BR01-W-2026-000123" stays one token.
        db.table(table).enable_fts(columns, tokenize="unicode61 tokenchars '-_'")
    # The audit log is append-only; anyone rewriting history has to drop these first, and
    # `audit verify` catches what they changed through the hash chain.
    op.execute(
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    db = _database()
    for table in FTS_COLUMNS:
        db.table(table).disable_fts()
