"""Migration 0028: leaner keys. Lookups by serial and by invoice number still go by index, the
rebuilt sales and invoice lines keep every row and link, and a downgrade and upgrade lose none."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tests.conftest import actor
from tests.unit.services.helpers import rows, sell
from tests.unit.test_migration_0017 import _to
from warranty_desk.permissions import Role
from warranty_desk.services import lookup
from warranty_desk.storage.database import Database

_PLANS = {
    "SELECT id FROM warranties WHERE serial = 'SN-1'": "ix_warranties_serial",
    "SELECT id FROM warranties WHERE code = 'W-1' OR serial = 'SN-1'": "ix_warranties_serial",
    # Imports read the invoice numbers already on file in any source.
    "SELECT source, invoice_number FROM sales WHERE invoice_number IN ('A', 'B')":
        "sqlite_autoindex_sales",
    "SELECT id FROM sales WHERE source = 'csv' AND invoice_number = 'A'":
        "sqlite_autoindex_sales",
    "SELECT id FROM invoice_lines WHERE sale_id = x'00' ORDER BY line_no":
        "sqlite_autoindex_invoice_lines",
    "SELECT sale_id FROM invoice_lines WHERE id = x'00'": "PRIMARY KEY",
    # A customer's page, a merge and an erasure each ask for one customer.
    "SELECT id FROM warranties WHERE customer_id = x'00'": "ix_warranties_customer_id",
    "SELECT id FROM sales WHERE customer_id = x'00'": "ix_sales_customer_id",
}


def _indexes(shop: Database, table: str) -> set[str]:
    return {str(r[1]) for r in rows(shop, f"PRAGMA index_list({table})")}


def _plan(shop: Database, query: str) -> str:
    return " ".join(str(r[-1]) for r in rows(shop, f"EXPLAIN QUERY PLAN {query}"))


def _content(shop: Database) -> list[object]:
    return [rows(shop, "SELECT * FROM sales ORDER BY id"),
            rows(shop, "SELECT * FROM invoice_lines ORDER BY id"),
            rows(shop, "SELECT id, invoice_line_id FROM warranties ORDER BY id")]


def test_lookups_go_by_index_with_no_index_that_another_already_covers(
        shop: Database) -> None:
    assert "ix_sales_invoice_number" not in _indexes(shop, "sales")
    assert "ix_evidence_documents_sha256" not in _indexes(shop, "evidence_documents")
    assert rows(shop, "SELECT sql FROM sqlite_schema WHERE name = 'invoice_lines'")[0][0] \
        .rstrip().endswith("WITHOUT ROWID")
    for query, index in _PLANS.items():
        plan = _plan(shop, query)
        assert index in plan and "SCAN" not in plan, (query, plan)


def test_units_and_sales_without_a_serial_or_customer_stay_out_of_those_indexes(
        shop: Database) -> None:
    for table, index in (("warranties", "ix_warranties_serial"),
                         ("warranties", "ix_warranties_customer_id"),
                         ("sales", "ix_sales_customer_id")):
        assert rows(shop, f"SELECT partial FROM pragma_index_list('{table}') "
                          "WHERE name = ?", index) == [(1,)], index


def test_sales_and_lines_from_before_0028_keep_every_row_and_link(shop: Database) -> None:
    one = sell(shop, "INV-1", serials=("SN-LAP-0001", "SN-LAP-0002"),
               sold_on=date(2026, 11, 1)).warranty_codes
    sell(shop, "INV-2", serials=("SN-LAP-0003",), sold_on=date(2026, 11, 2))
    before = _content(shop)
    _to(shop, "0027", down=True)
    assert "ix_sales_invoice_number" in _indexes(shop, "sales")
    assert _content(shop) == before
    assert rows(shop, "PRAGMA foreign_key_check") == []
    shop.dispose()
    _to(shop, "head")
    assert _content(shop) == before
    assert rows(shop, "PRAGMA foreign_key_check") == []
    found = lookup.lookup(shop, actor(Role.SALES), "INV-1").matches
    assert sorted(m.warranty_code for m in found) == sorted(one)
    assert [m.warranty_code for m in lookup.lookup(shop, actor(Role.SALES),
                                                   "SN-LAP-0003").matches] != []


def test_a_damaged_file_with_a_line_of_no_sale_stops_the_migration_and_stays_as_it_was(
        shop: Database) -> None:
    sell(shop, "INV-1")
    _to(shop, "0027", down=True)
    shop.dispose()
    # A damaged file: a line whose sale is not there (foreign keys were off when it was made).
    conn = sqlite3.connect(shop.path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE invoice_lines SET sale_id = x'00'")
    conn.commit()
    conn.close()
    with pytest.raises(Exception, match="FOREIGN KEY"):
        _to(shop, "head")
    assert rows(shop, "SELECT version_num FROM alembic_version") == [("0027",)]
