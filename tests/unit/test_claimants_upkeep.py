"""The trust score's claimant columns are kept by touching only the rows a change can move.

A customer with many claims (a reseller, a business) must not make every change to one of them
rewrite all the others: the first triggers did, and deciding a thousand claims of one customer
took minutes. Counted in rows written (SQLite's total_changes, triggers included), not in time.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.sync.engine_helpers import make_claims, pinned_clock
from warranty_desk.services import setup
from warranty_desk.storage import claimants
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


def _shop(folder: Path, claims: int) -> Database:
    db, _ = setup.init(Home(folder).ensure(), clock=pinned_clock())
    make_claims(db, claims)  # one customer, every claim theirs
    return db


def _columns(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return conn.execute("SELECT claim_id, prev_opened_at, next_sale_on FROM claim_rollups "
                        "ORDER BY claim_id").fetchall()


def _rows_written(conn: sqlite3.Connection, sql: str) -> int:
    before = conn.total_changes
    conn.execute(sql)
    return conn.total_changes - before


def test_a_change_to_one_claim_of_a_busy_customer_writes_a_few_rows_and_stays_right(
        tmp_path: Path) -> None:
    db = _shop(tmp_path / "shop", 120)
    db.dispose()
    conn = sqlite3.connect(Home(tmp_path / "shop").database, isolation_level=None)
    try:
        middle = conn.execute("SELECT id FROM claims ORDER BY opened_at, id LIMIT 1 OFFSET 60"
                              ).fetchone()[0]
        changes = {
            # A claim's state moves: the services make its roll-up row again.
            "state": "UPDATE claims SET state = 'in_review' WHERE id = ?",
            # Its time moves to the front, then it leaves its customer.
            "time": "UPDATE claims SET opened_at = '2026-10-01 09:00:00.000000' WHERE id = ?",
            "customer": "UPDATE claims SET customer_id = NULL WHERE id = ?",
        }
        for what, sql in changes.items():
            conn.execute("BEGIN")
            written = _rows_written(conn, sql.replace("?", f"x'{bytes(middle).hex()}'"))
            conn.execute("COMMIT")
            # The claim's own rows and roll-ups, and the claim after it: never its 119 others.
            assert written < 40, (what, written)
            kept = _columns(conn)
            claimants.rebuild(conn.execute)
            assert _columns(conn) == kept, what
        # A day of buying added after every claim: each claim's next day, one row each at most.
        customer = conn.execute("SELECT customer_id FROM claims WHERE customer_id IS NOT NULL "
                                "LIMIT 1").fetchone()[0]
        conn.execute("BEGIN")
        written = _rows_written(conn, "INSERT INTO customer_sale_days (customer_id, sold_on, "
                                f"count) VALUES (x'{bytes(customer).hex()}', '2027-01-05', 1)")
        conn.execute("COMMIT")
        assert 1 < written <= 1 + 120
        written -= 1  # the day's own row
        kept = _columns(conn)
        claimants.rebuild(conn.execute)
        assert _columns(conn) == kept
        assert sum(row[2] == "2027-01-05" for row in kept) == written  # each its next day
    finally:
        conn.close()
