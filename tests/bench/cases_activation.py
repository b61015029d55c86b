"""Budget (DESIGN.md): activating one warranty at the counter and rendering its slip (≤ 4 ms).

The floor is raw sqlite3 writing the same number of rows in one transaction on the same
kind of file and pragmas (WAL, synchronous=FULL): the fsync that a durable ledger must pay.
"""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from datetime import date
from pathlib import Path

from printing.escpos import render_slip
from tests.bench.harness import Result, Stats, measure
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import printables
from warranty_desk.services.activation import record_sale
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

BUDGET_MS = 4.0
# A counter sale of one laptop writes: sale, line, customer-less warranty, 2 layers, 1 outbox
# event per warranty, 1 audit entry and the number counter (8 rows).
ROWS_PER_SALE = 8


def _floor(path: Path, runs: int) -> Stats:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)")
    counter = itertools.count()

    def write() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)",
                         [(f"row {next(counter)}", "x" * 80) for _ in range(ROWS_PER_SALE)])
        conn.execute("COMMIT")

    try:
        return measure(write, runs=runs)
    finally:
        conn.close()


def run(db: Database, *, sku: str, price_minor: int, today: date, runs: int,
        scratch: Path) -> Result:
    """Sell one unit through the real service and render its slip, `runs` times."""
    seller = Actor(staff_id=None, name="Bench", role=Role.SALES)
    numbers = itertools.count(1)
    tag = uuid.uuid4().hex[:6].upper()  # a fresh invoice series for each run on a cached shop

    def sell_and_print() -> bytes:
        n = next(numbers)
        result = record_sale(db, seller, SaleInput(
            f"BENCH-{tag}-{n:06d}", today,
            (LineInput(sku, 1, price_minor, (f"BENCH-SN-{tag}-{n:06d}",)),)))
        view = printables.slip_view(db, seller, result.warranty_codes[0], copy=False)
        return render_slip(view, width_mm=80)

    stats = measure(sell_and_print, runs=runs, warmup=2)
    return Result(name="activate a warranty and render its slip", budget=f"≤ {BUDGET_MS:g} ms",
                  measured=stats, floor=_floor(scratch / "floor.sqlite3", runs),
                  floor_name="sqlite3: same row count, one durable commit",
                  passed=stats.median_ms <= BUDGET_MS)
