"""Leaner keys: no index nothing reads, none that another already covers, no rowid for lines.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

Measured per table on the 1M-warranty bench shop (bytes per warranty, after a VACUUM):
- evidence_documents by sha256 (15): no till query reads evidence by hash alone; the one
  duplicate check goes by claim first, which the table's own key already orders.
- sales by invoice number (12): the unique (source, invoice_number) pair is turned round to
  (invoice_number, source), so its own index finds a number in any source.
- invoice_lines' id index (19): the table is keyed by id itself, WITHOUT ROWID; (sale_id,
  line_no) stays unique for a sale's lines in order.
- warranties by serial (18): a third of units have no serial; the index now holds only
  those that have one (every serial lookup compares with a value, so SQLite still uses it).
  Likewise the warranties and sales of no customer (5 and 7 in 100) leave their customer
  indexes (customer pages, merges and erasure all ask for one customer).

Sales and invoice lines are rebuilt, and both are parents (of lines, of warranties). SQLite
cannot switch foreign keys off inside the migration's transaction, so they are deferred: a
parent's rows are kept aside, the table dropped (each child left without its parent counts
one pending violation) and rebuilt, and putting each row back pays its count off again. A
row that did not come back would fail the commit, and the migration with it. Dropping a table
drops its triggers (the dashboard's roll-ups keep some on sales): each is made again as it was.
"""

from __future__ import annotations

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

_SALES_COLUMNS = ("id, invoice_number, source, branch_code, sold_on, customer_id, staff_id, "
                  "import_batch_id, created_at, voided_at")
_SALES = """
        id BLOB NOT NULL,
        invoice_number VARCHAR(64) NOT NULL,
        source VARCHAR(20) NOT NULL,
        branch_code VARCHAR(6) NOT NULL,
        sold_on DATE NOT NULL,
        customer_id BLOB,
        staff_id BLOB,
        import_batch_id BLOB,
        created_at DATETIME NOT NULL,
        voided_at DATETIME,
        CONSTRAINT pk_sales PRIMARY KEY (id),
        CONSTRAINT fk_sales_customer_id_customers FOREIGN KEY(customer_id)
            REFERENCES customers (id),
        CONSTRAINT fk_sales_import_batch_id_import_batches FOREIGN KEY(import_batch_id)
            REFERENCES import_batches (id),
        CONSTRAINT fk_sales_staff_id_staff FOREIGN KEY(staff_id) REFERENCES staff (id),
        {unique}"""
_SALES_UNIQUE_NEW = ("CONSTRAINT uq_sales_invoice_number_source "
                     "UNIQUE (invoice_number, source)")
_SALES_UNIQUE_OLD = ("CONSTRAINT uq_sales_source_invoice_number "
                     "UNIQUE (source, invoice_number)")
_SALES_INDEXES = ("CREATE INDEX ix_sales_sold_on ON sales (sold_on)",)
_PARTIAL = {"ix_warranties_serial": "warranties (serial)",
            "ix_warranties_customer_id": "warranties (customer_id)",
            "ix_sales_customer_id": "sales (customer_id)"}

_LINES_COLUMNS = "id, sale_id, line_no, product_id, quantity, unit_price_minor"
_LINES = """
        id BLOB NOT NULL,
        sale_id BLOB NOT NULL,
        line_no INTEGER NOT NULL,
        product_id BLOB NOT NULL,
        quantity INTEGER NOT NULL,
        unit_price_minor BIGINT NOT NULL,
        CONSTRAINT pk_invoice_lines PRIMARY KEY (id),
        CONSTRAINT fk_invoice_lines_product_id_products FOREIGN KEY(product_id)
            REFERENCES products (id),
        CONSTRAINT fk_invoice_lines_sale_id_sales FOREIGN KEY(sale_id) REFERENCES sales (id),
        CONSTRAINT uq_invoice_lines_sale_id_line_no UNIQUE (sale_id, line_no)"""


def _rebuild(table: str, body: str, columns: str, *, rowid: bool) -> None:
    """Drop and make `table` again with `body`, its rows kept aside meanwhile (module doc)."""
    op.execute("PRAGMA defer_foreign_keys = ON")  # until this transaction ends
    triggers = [row[0] for row in op.get_bind().exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))]
    op.execute(f"CREATE TABLE _kept_{table} AS SELECT {columns} FROM {table}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"CREATE TABLE {table} ({body}\n){'' if rowid else ' WITHOUT ROWID'}")
    op.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _kept_{table}")
    op.execute(f"DROP TABLE _kept_{table}")
    # Made again after the rows are back, so putting them back counts nothing twice.
    for sql in triggers:
        op.execute(sql)


def _partial_indexes(*, partial: bool) -> None:
    """Each of _PARTIAL made again, holding only rows with a value (or, going down, all)."""
    for name, on in _PARTIAL.items():
        column = on[on.index("(") + 1:-1]
        op.execute(f"DROP INDEX IF EXISTS {name}")  # the sales rebuild dropped its own
        op.execute(f"CREATE INDEX {name} ON {on}"
                   + (f" WHERE {column} IS NOT NULL" if partial else ""))


def upgrade() -> None:
    op.execute("DROP INDEX ix_evidence_documents_sha256")
    _rebuild("sales", _SALES.format(unique=_SALES_UNIQUE_NEW), _SALES_COLUMNS, rowid=True)
    for create in _SALES_INDEXES:
        op.execute(create)
    _rebuild("invoice_lines", _LINES, _LINES_COLUMNS, rowid=False)
    _partial_indexes(partial=True)


def downgrade() -> None:
    _rebuild("invoice_lines", _LINES, _LINES_COLUMNS, rowid=True)
    _rebuild("sales", _SALES.format(unique=_SALES_UNIQUE_OLD), _SALES_COLUMNS, rowid=True)
    for create in (*_SALES_INDEXES,
                   "CREATE INDEX ix_sales_invoice_number ON sales (invoice_number)"):
        op.execute(create)
    _partial_indexes(partial=False)
    op.execute("CREATE INDEX ix_evidence_documents_sha256 ON evidence_documents (sha256)")
