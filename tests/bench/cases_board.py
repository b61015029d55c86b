"""Budget: the management dashboard over 1M warranties / 100k claims (≤ 1 s).

Until the dashboard exists (as the issue says) this opens the claims board with its counts by
state, through the real service; the floor replays the very SQL statements the service ran,
captured from the engine, with plain sqlite3.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from sqlalchemy import event

from tests.bench.harness import Result, measure
from warranty_desk.permissions import Actor, Role
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.storage.database import Database

BUDGET_MS = 1000.0


def run(db: Database, *, today: date, runs: int) -> Result:
    """The claims board as a manager opens it, beside the raw reads it is made of."""
    manager = Actor(staff_id=None, name="Bench", role=Role.MANAGER)
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, sql: str, params: Any, *_args: Any) -> None:
        statements.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        board(db, manager, BoardFilters())
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)

    def raw() -> object:
        return [conn.execute(sql, params).fetchall() for sql, params in statements
                if sql.lstrip().upper().startswith("SELECT")]

    try:
        measured = measure(lambda: board(db, manager, BoardFilters()),
                           runs=max(5, runs // 5), warmup=1)
        floor = measure(raw, runs=max(5, runs // 5), warmup=1)
    finally:
        conn.close()
    return Result(name="claims board with its counts (dashboard stand-in)", budget="≤ 1000 ms",
                  measured=measured, floor=floor,
                  floor_name="sqlite3: the same SELECTs the service ran",
                  passed=measured.median_ms <= BUDGET_MS)
