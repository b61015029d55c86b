"""An import counts its warranties into the dashboard's roll-ups in one statement per roll-up
(storage.rollups.warranties_counted_at_end): the roll-ups end exactly as the row trigger
leaves them, and as a rebuild from the rows makes them."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.conftest import TODAY, actor, pinned_clock
from tests.unit.imports.import_helpers import DATA, counts, rejected, run, write_native
from tests.unit.services.helpers import ADA, sell
from tests.unit.services.test_rollups import held, rebuilt
from warranty_desk.permissions import Role
from warranty_desk.services import activation, sale_rows
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.services.setup import init
from warranty_desk.storage import bulk, rollups
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

Counted = tuple[list[tuple[object, ...]], ...]


def _rows(n: int) -> list[list[str]]:
    """`n` invoices of two lines over 30 days: a laptop with Care+ 24 or none, and two cables
    (no serial: a registration gap) or a phone; one in four invoices has no customer, and
    customers come back on other days."""
    rows = []
    for i in range(n):
        sold = (TODAY - timedelta(days=i % 30)).isoformat()
        person = ["", "", "", ""] if i % 4 == 3 else [
            f"Customer {i % 23}", f"0170 {i % 23:07d}", "", "retail"]
        plan = "Care+ 24" if i % 3 == 0 else ""
        rows.append([f"R-{i:05d}", sold, "LAP-100", "1", "899.00", f"RL-{i:05d}", plan, *person])
        second = (["CBL-1", "2", "15.00", ""] if i % 2 else
                  ["PHN-200", "1", "499.00", f"RP-{i:05d}"])
        rows.append([f"R-{i:05d}", sold, *second, "", *person])
    return rows


def _counted(path: Path) -> Counted:
    """The roll-ups a warranty insert keeps, customers named by their reference (their ids are
    random, their references are numbered), sorted."""
    conn = sqlite3.connect(path)
    try:
        return (sorted(conn.execute("SELECT * FROM sale_rollups")),
                sorted(conn.execute(
                    "SELECT c.reference, d.sold_on, d.count FROM customer_sale_days d "
                    "JOIN customers c ON c.id = d.customer_id")),
                sorted(conn.execute("SELECT * FROM warranty_spans")))
    finally:
        conn.close()


def _trigger(path: Path) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                            "AND name = 'rollup_warranties_insert'").fetchone()
    finally:
        conn.close()


def _as_rebuilt(path: Path) -> None:
    """The roll-ups are a rebuild's, and the insert trigger is back as installed."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert held(conn) == rebuilt(conn)
    finally:
        conn.close()
    installed: list[str] = []
    rollups.install_triggers("rollup", (t for t in rollups._triggers()
                                        if t[0] == "warranties_insert"), installed.append)
    assert _trigger(path) == (installed[-1],)


def _copy(db: Database, home: Home) -> Database:
    """Another shop holding the same rows as `db` (same products, staff and customers)."""
    home.ensure()
    source, target = sqlite3.connect(db.path), sqlite3.connect(home.database)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    copy, _ = init(home, clock=pinned_clock())
    return copy


def test_an_import_counts_its_warranties_as_the_row_trigger_does(
        shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Groups the import adds to already hold counts: the set-based count adds to them.
    sell(shop, "BEFORE-1", serials=("SN-BEFORE-1",), sold_on=TODAY)
    sell(shop, "BEFORE-2", sku="CBL-1", serials=(), sold_on=TODAY - timedelta(days=1))
    by_trigger = _copy(shop, Home(tmp_path / "by-trigger"))
    path = write_native(tmp_path / "mixed.csv", _rows(120))

    report = run(shop, path)
    assert report.warranties == 120 * 2 + 60 >= sale_rows.COUNT_AT_END
    monkeypatch.setattr(sale_rows, "COUNT_AT_END", 10**9)  # every row through the trigger
    assert run(by_trigger, path).warranties == report.warranties

    counted = _counted(shop.path)
    assert counted == _counted(by_trigger.path)
    assert sum(int(r[-1]) for r in counted[0]) == report.warranties + 2  # type: ignore[call-overload]
    # The gaps (cables) and the customers' days are told apart as the trigger tells them.
    assert {r[4] for r in counted[0]} == {0, 1}
    assert len(counted[1]) > 23
    _as_rebuilt(shop.path)
    _as_rebuilt(by_trigger.path)
    by_trigger.dispose()


def test_an_import_that_voids_its_own_units_counts_them_void(
        shop: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # The refund row voids a cable this same file sold, after the count: its update trigger
    # then moves it from the group it was counted in.
    monkeypatch.setattr(sale_rows, "COUNT_AT_END", 1)
    report = run(shop, DATA / "square_good.csv")
    assert len(report.voided) == 1
    conn = sqlite3.connect(shop.path)
    try:
        void = conn.execute("SELECT sum(count) FROM sale_rollups WHERE void").fetchone()
    finally:
        conn.close()
    assert void == (1,)
    _as_rebuilt(shop.path)


def test_imports_one_after_another_and_a_refused_one_leave_the_trigger_in_place(
        shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sale_rows, "COUNT_AT_END", 1)
    run(shop, write_native(tmp_path / "first.csv", _rows(40)))
    bad = _rows(60)[40 * 2:]
    bad[3][2] = "LAP-999"
    rejected(shop, write_native(tmp_path / "bad.csv", bad))
    run(shop, write_native(tmp_path / "second.csv", _rows(60)[40 * 2:]))
    # A counter sale after them is counted by the trigger again.
    activation.record_sale(shop, actor(Role.SALES), SaleInput(
        "AFTER-1", TODAY, (LineInput("TV-55", 1, 129_900, ("SN-TV-1",)),), ADA))
    assert counts(shop)["warranties"] == 100 + 50 + 1  # 40 invoices, then 20, then the counter sale
    _as_rebuilt(shop.path)


def test_a_failure_while_the_trigger_is_dropped_rolls_the_drop_back_with_the_import(
        shop: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sale_rows, "COUNT_AT_END", 1)
    insert = bulk.insert_values

    def failing(session: Session, table: str, *args: Any) -> None:
        insert(session, table, *args)
        if table == "warranties":
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(bulk, "insert_values", failing)
    before, trigger = counts(shop), _trigger(shop.path)
    with pytest.raises(sqlite3.OperationalError):
        run(shop, write_native(tmp_path / "fails.csv", _rows(10)))
    assert (counts(shop), _trigger(shop.path)) == (before, trigger)
    monkeypatch.setattr(bulk, "insert_values", insert)
    run(shop, write_native(tmp_path / "fails.csv", _rows(10)))
    _as_rebuilt(shop.path)


def test_the_count_reads_only_the_warranties_above_the_mark(shop: Database) -> None:
    # By any index (the customers'), it would read every warranty of the shop at each import.
    sell(shop, "BEFORE-1", serials=("SN-BEFORE-1",))
    conn = sqlite3.connect(shop.path)
    try:
        (mark,) = conn.execute("SELECT max(rowid) FROM warranties").fetchone()
        for statement in rollups._added(f"w.rowid > {mark}"):
            select = statement[statement.index("SELECT"):statement.index("ON CONFLICT")]
            plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {select}")]
            assert plan[0] == "SEARCH w USING INTEGER PRIMARY KEY (rowid>?)", plan
    finally:
        conn.close()
