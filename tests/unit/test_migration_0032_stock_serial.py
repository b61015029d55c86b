"""Migration 0032 drops the index of stock movements by serial: no statement the returns desk,
the claim page, supplier batches or the roll-up triggers run would read by it, and a
downgrade brings it back with every movement kept."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.unit.services.helpers import rows
from tests.unit.services.test_returns import MANAGER, STORE, _claim, _replace
from tests.unit.test_migration_0017 import _to
from warranty_desk.services import claim_detail, returns
from warranty_desk.storage.database import Database

_INDEX = "ix_stock_movements_serial"


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    """Every statement run on the database meanwhile, its parameters written in."""
    seen: list[str] = []

    def trace(connection: sqlite3.Connection, _record: object) -> None:
        connection.set_trace_callback(seen.append)

    db.dispose()  # so every connection from now on is a new one, traced
    event.listen(db.engine, "connect", trace)
    try:
        yield seen
    finally:
        event.remove(db.engine, "connect", trace)
        db.dispose()


def _indexes(db: Database) -> set[str]:
    return {str(r[1]) for r in rows(db, "PRAGMA index_list(stock_movements)")}


def _every_stock_movement_path(db: Database) -> None:
    """The returns desk by ticket and by the unit's serial, a replacement handed over, a
    supplier batch there and back, the stock lists and the claim page."""
    by_ticket = _claim(db, "SN-LAP-3201", "INV-3201")
    by_serial = _claim(db, "SN-LAP-3202", "INV-3202")
    replaced = _claim(db, "SN-LAP-3203", "INV-3203")
    returns.receive(db, STORE, by_ticket)
    returns.receive(db, STORE, " sn-lap-3202 ")
    _replace(db, replaced, "SN-LAP-3299")
    returns.issue_replacement(db, STORE, replaced, "SN-LAP-3299")
    returns.returns_stock(db, STORE)
    returns.faulty_units(db, STORE)
    batch = returns.create_batch(db, STORE, "lumen", [by_ticket, by_serial])
    returns.mark_sent(db, STORE, batch)
    returns.mark_back(db, STORE, batch, outcome_per_claim={by_serial: "credited"})
    for number in (by_ticket, by_serial, replaced):
        claim_detail.claim_detail(db, MANAGER, number)


def test_no_statement_on_stock_movements_reads_by_serial(shop: Database) -> None:
    assert _INDEX not in _indexes(shop)
    with _statements(shop) as seen:
        _every_stock_movement_path(shop)
    moved = rows(shop, "SELECT kind, count(*) FROM stock_movements GROUP BY kind ORDER BY kind")
    assert moved == [("back_from_supplier", 1), ("replacement_out", 1), ("return_in", 3),
                     ("to_supplier", 2)]
    # The plans each statement would take with the index there (schema 0031).
    _to(shop, "0031", down=True)
    assert _INDEX in _indexes(shop)
    conn = sqlite3.connect(shop.path)
    try:
        on_stock = [s for s in seen if "stock_movements" in s
                    and s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "INSERT"))]
        assert any(s.lstrip().upper().startswith("SELECT") for s in on_stock)
        for statement in on_stock:
            plan = " ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {statement}"))
            assert _INDEX not in plan, (statement, plan)
    finally:
        conn.close()


def test_a_downgrade_and_upgrade_keep_every_movement(shop: Database) -> None:
    _every_stock_movement_path(shop)
    before = rows(shop, "SELECT * FROM stock_movements ORDER BY id")
    _to(shop, "0031", down=True)
    assert _INDEX in _indexes(shop)
    assert rows(shop, "SELECT * FROM stock_movements ORDER BY id") == before
    _to(shop, "head")
    assert _INDEX not in _indexes(shop)
    assert rows(shop, "SELECT * FROM stock_movements ORDER BY id") == before
    assert rows(shop, "PRAGMA foreign_key_check") == []
