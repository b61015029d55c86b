"""The dashboard's fast path (warranties sold counted in SQL, their codes read when a figure is
picked) gives every figure the row-per-warranty path gives, on a generated shop."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.conftest import TODAY, actor, pinned_clock
from warranty_desk.demo.bulk import generate
from warranty_desk.permissions import Role
from warranty_desk.rules.metrics.rows import DIMENSIONS
from warranty_desk.services import setup
from warranty_desk.services.dashboard import behind, dashboard
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.metric_figures import compare, figures
from warranty_desk.services.metric_rows import load_rows
from warranty_desk.services.recovery_shares import recovery_shares
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

BOSS = actor(Role.OWNER)
SINCE = TODAY - timedelta(days=120)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """A shop of 3,000 generated warranties, a quarter of them recorded without a serial or
    voided here so the gaps and voids are many, and a third sold at another branch."""
    db, _ = setup.init(Home(tmp_path_factory.mktemp("fast") / "home").ensure(),
                       clock=pinned_clock())
    generate(db, warranties=3_000, seed=7)
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute("UPDATE warranties SET serial = ' ' WHERE rowid % 7 = 1")
        conn.execute("UPDATE warranties SET serial = NULL WHERE rowid % 7 = 2")
        conn.execute("UPDATE warranties SET status = 'void' WHERE rowid % 11 = 3")
        conn.execute("UPDATE sales SET branch_code = 'BR02' WHERE rowid % 3 = 0")
    conn.close()
    return db


def _both(db: Database, filters: dict[str, str]) -> tuple[object, object]:
    with db.read() as session:
        rows = load_rows(session, SINCE, TODAY, filters)
        summed = load_rows(session, SINCE, TODAY, filters, summed=True)
    return rows, summed


def _values(found: tuple[object, ...]) -> list[tuple[str, object]]:
    return [(f.key, f.value) for f in found]  # type: ignore[attr-defined]


def test_every_figure_is_the_same_from_counted_sales_as_from_one_row_each(
        generated: Database) -> None:
    rows, summed = _both(generated, {})
    assert len(summed.sold) < len(rows.sold)  # type: ignore[attr-defined]
    slow, fast = figures(rows), figures(summed)  # type: ignore[arg-type]
    assert _values(fast) == _values(slow)
    sales = {f.key: f for f in slow}
    assert sales["activations"].value and sales["registration-gaps"].value
    assert sales["trust-score"].value is not None
    # The codes behind, read when picked, are the ones the row path lists.
    for key in ("activations", "registration-gaps"):
        lazy = next(f for f in fast if f.key == key)
        assert lazy.behind == () and lazy.behind_later
        assert behind(generated, BOSS, key=key, since=SINCE, until=TODAY) == sales[key].behind


@pytest.mark.parametrize("field", DIMENSIONS)
def test_compared_by_any_field_the_figures_per_value_are_the_same(
        generated: Database, field: str) -> None:
    rows, summed = _both(generated, {})
    slow, fast = compare(rows, field), compare(summed, field)  # type: ignore[arg-type]
    # The generator records no staff on sales or claims: every one is "not recorded".
    assert list(fast) == list(slow)
    assert len(slow) == 1 if field == "staff" else len(slow) > 1
    assert {k: _values(v) for k, v in fast.items()} == {k: _values(v) for k, v in slow.items()}


def test_under_a_filter_the_figures_and_the_codes_behind_are_the_same(
        generated: Database) -> None:
    conn = sqlite3.connect(generated.path)
    brand = conn.execute("SELECT name FROM brands ORDER BY name").fetchone()[0]
    conn.close()
    only = {"brand": brand}
    rows, summed = _both(generated, only)
    slow = {f.key: f for f in figures(rows)}  # type: ignore[arg-type]
    assert _values(figures(summed)) == [(k, f.value) for k, f in slow.items()]  # type: ignore[arg-type]
    shown = dashboard(generated, BOSS, since=SINCE, until=TODAY, filters=only)
    assert _values(shown.figures) == [(k, f.value) for k, f in slow.items()]
    for key in ("activations", "registration-gaps"):
        assert behind(generated, BOSS, key=key, since=SINCE, until=TODAY,
                      filters=only) == slow[key].behind


def test_recovery_shares_read_each_suppliers_terms_once_not_once_per_brand_claim(
        generated: Database) -> None:
    conn = sqlite3.connect(generated.path)
    lodged = conn.execute("SELECT count(*) FROM brand_claims").fetchone()[0]
    suppliers = conn.execute("SELECT count(DISTINCT supplier) FROM brand_claims").fetchone()[0]
    conn.close()
    assert lodged > 3 * suppliers
    selects: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        selects.append(sql)

    event.listen(generated.engine, "before_cursor_execute", count)
    try:
        with generated.read() as session:
            start, end = report_period(session, SINCE, TODAY)[1:]
            shares = recovery_shares(session, start, end)
    finally:
        event.remove(generated.engine, "before_cursor_execute", count)
    assert shares
    terms = [s for s in selects if "FROM supplier_terms" in s]
    assert len(terms) <= suppliers
