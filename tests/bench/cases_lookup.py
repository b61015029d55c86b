"""Budget (DESIGN.md): lookup by serial, invoice and phone with the full verdict: median ≤ 3x
the raw reads of the same rows, p95 ≤ 1 ms.

The floor is plain sqlite3 reading the same rows the verdict is made of: the warranty with its
product, brand, policy, sale and customer, its layers, its claims and the extension plans.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tests.bench.harness import Result, measure
from warranty_desk.permissions import Actor
from warranty_desk.services.lookup import lookup
from warranty_desk.storage.database import Database

P95_BUDGET_MS = 1.0
RATIO_BUDGET = 3.0
SAMPLES = 200  # different units per kind, so the page cache is not all a single row

_ROW = """
SELECT w.id, w.code, w.serial, w.start_on, w.end_on, w.status, w.void_reason, p.name, p.sku,
       p.category, b.name, pol.terms, pol.exclusions, c.name, c.phone, c.reference,
       s.invoice_number, s.sold_on, l.unit_price_minor
FROM warranties w JOIN products p ON p.id = w.product_id JOIN brands b ON b.id = p.brand_id
JOIN policies pol ON pol.id = p.policy_id JOIN invoice_lines l ON l.id = w.invoice_line_id
JOIN sales s ON s.id = l.sale_id LEFT JOIN customers c ON c.id = w.customer_id
WHERE w.id IN ({marks})"""
_FIND = {
    "serial": "SELECT id FROM warranties WHERE serial = ?",
    "invoice": ("SELECT w.id FROM warranties w JOIN invoice_lines l ON l.id = w.invoice_line_id "
                "JOIN sales s ON s.id = l.sale_id WHERE s.invoice_number = ?"),
    "phone": ("SELECT w.id FROM warranties w JOIN customers c ON c.id = w.customer_id "
              "WHERE c.phone = ?"),
}


def _samples(path: Path, seed: int) -> dict[str, list[str]]:
    """Real serials, invoice numbers and phones from the shop, picked at random."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(rowid) FROM warranties").fetchone()[0]
        rng = random.Random(seed)
        rowids = rng.sample(range(1, top + 1), min(top, SAMPLES * 3))
        rows = conn.execute(
            "SELECT w.serial, s.invoice_number, c.phone FROM warranties w "
            "JOIN invoice_lines l ON l.id = w.invoice_line_id JOIN sales s ON s.id = l.sale_id "
            "LEFT JOIN customers c ON c.id = w.customer_id WHERE w.rowid IN "
            f"({','.join('?' * len(rowids))})", rowids).fetchall()
    finally:
        conn.close()
    return {"serial": [r[0] for r in rows if r[0]][:SAMPLES],
            "invoice": [r[1] for r in rows][:SAMPLES],
            "phone": [r[2] for r in rows if r[2]][:SAMPLES]}


def serials(path: Path) -> list[str]:
    """Real serials of the shop, for the scan benchmarks."""
    return _samples(path, seed=13)["serial"]


def _floor(conn: sqlite3.Connection, kind: str) -> Callable[[str], object]:
    def read(value: str) -> object:
        ids = [r[0] for r in conn.execute(_FIND[kind], (value,))][:50]
        if not ids:
            return None
        marks = ",".join("?" * len(ids))
        rows = conn.execute(_ROW.format(marks=marks), ids).fetchall()
        layers = conn.execute("SELECT warranty_id, kind, start_on, end_on, extension_plan_id "
                              f"FROM warranty_layers WHERE warranty_id IN ({marks})",
                              ids).fetchall()
        claims = conn.execute("SELECT warranty_id, number, state, outcome, opened_at, fault, "
                              "channel, claimant_name, claimant_phone FROM claims WHERE "
                              f"warranty_id IN ({marks})", ids).fetchall()
        plans = conn.execute("SELECT * FROM extension_plans").fetchall()
        return rows, layers, claims, plans

    return read


def _cycle(fn: Callable[[str], object], values: list[str]) -> Callable[[], object]:
    position = [0]

    def one() -> object:
        value = values[position[0] % len(values)]
        position[0] += 1
        return fn(value)

    return one


def run(db: Database, *, today: date, runs: int) -> list[Result]:
    """Each kind of lookup through the real service, beside raw sqlite3 reads of its rows."""
    actor = Actor.system("bench")
    samples = _samples(db.path, seed=11)
    conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True, check_same_thread=False)
    results = []
    try:
        for kind, values in samples.items():
            if not values:
                continue
            # Both sides read every sample once before timing, so neither is measured against
            # a page cache the other one warmed.
            floor_read, service_read = _floor(conn, kind), (
                lambda v: lookup(db, actor, v))
            for value in values:
                floor_read(value)
                service_read(value)
            service = measure(_cycle(lambda v: lookup(db, actor, v), values),
                              runs=max(runs, len(values)), warmup=5)
            floor = measure(_cycle(_floor(conn, kind), values), runs=max(runs, len(values)),
                            warmup=5)
            ratio = service.median_ms / floor.median_ms if floor.median_ms else float("inf")
            results.append(Result(
                name=f"lookup by {kind} with its full verdict",
                budget="median ≤ 3x floor, p95 ≤ 1 ms",
                measured=service, floor=floor, floor_name="sqlite3: the same rows",
                passed=service.p95_ms <= P95_BUDGET_MS and ratio <= RATIO_BUDGET,
                extra={"samples": len(values)}))
    finally:
        conn.close()
    return results


