"""Migration 0033: each claim's roll-up row carries its customer's claim before it and next day
of buying, and a refunded one its refund's facts; the units waiting for their supplier are
indexed with their claim's when. On a shop with claims the upgrade fills the columns as the
triggers and a rebuild do; a downgrade takes them away and 0032's triggers go on counting; the
dashboard reads the same figures before and after the round trip."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tests.conftest import TODAY, stand_on
from tests.unit.services.helpers import rows
from tests.unit.services.test_rollups import Shop, held, rebuilt
from tests.unit.test_migration_0017 import _to
from tests.unit.test_migration_0031_dashboard_sums import _figures
from warranty_desk.storage import claimants, refund_facts
from warranty_desk.storage.database import Database

ADDED = "claim_id, prev_opened_at, next_sale_on, refund_minor, refund_paid, refund_by"


def _story(shop: Database) -> None:
    """Ada claims twice, a fortnight ago, buys again a week later, and claims once more: that
    claim refunded."""
    story = Shop(shop)
    stand_on(shop, TODAY - timedelta(days=15))
    for n in (20, 21, 23):
        story.sell(n)
    for n in range(2):
        story.claim(n)
    story.receive(0)  # a unit waiting for its supplier
    stand_on(shop, TODAY - timedelta(days=3))
    story.sell(8)
    story.claim(2)
    story.decide(2)  # the third claim refunded
    stand_on(shop, TODAY)


def _columns(shop: Database) -> list[str]:
    return [r[1] for r in rows(shop, "PRAGMA table_info(claim_rollups)")]


def test_the_upgrade_fills_the_claimants_columns_and_a_downgrade_takes_them_away(
        shop: Database) -> None:
    _story(shop)
    before = _figures(shop), _figures(shop, {"product": "LAP-100"}), \
        _figures(shop, {"staff": "not recorded"})
    kept = rows(shop, f"SELECT {ADDED} FROM claim_rollups")
    assert sorted(r[2] or "" for r in kept) == ["", (TODAY - timedelta(days=8)).isoformat(),
                                                (TODAY - timedelta(days=8)).isoformat()]
    assert sorted(r[3] or 0 for r in kept) == [0, 0, 10_000]  # the refund's amount
    _to(shop, "0032", down=True)
    assert not set(ADDED.split(", ")[1:]) & set(_columns(shop))
    names = {n for (n,) in rows(shop, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert not names & {*claimants.trigger_names(), *refund_facts.trigger_names()}
    # 0032's triggers go on keeping the roll-up: a claim's row made again is counted again.
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        conn.execute("UPDATE claims SET state = state")  # each claim's row made again
        assert len(conn.execute("SELECT * FROM claim_rollups").fetchall()) == 3
    finally:
        conn.close()
    _to(shop, "head")
    assert sorted(rows(shop, f"SELECT {ADDED} FROM claim_rollups")) == sorted(kept)
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        assert held(conn) == rebuilt(conn)
    finally:
        conn.close()
    assert (_figures(shop), _figures(shop, {"product": "LAP-100"}),
            _figures(shop, {"staff": "not recorded"})) == before


def test_the_claimants_and_the_units_waiting_are_read_from_an_index_alone(
        shop: Database) -> None:
    def plan(sql: str) -> str:
        return " ".join(str(r[-1]) for r in rows(shop, "EXPLAIN QUERY PLAN " + sql))

    found = plan("SELECT count(*), sum(next_sale_on <= '2026-11-22') FROM claim_rollups "
                 "WHERE opened_at >= '2026-08-24' AND opened_at < '2026-11-23' AND customer_id "
                 "IS NOT NULL AND (prev_opened_at IS NULL OR prev_opened_at < '2026-08-24')")
    assert "COVERING INDEX ix_claim_rollups_opened_customer" in found, found
    found = plan("SELECT returns_at, count(*) FROM claim_rollups WHERE returns_kind = "
                 "'return_in' AND product_id IS NOT NULL AND opened_at < '2026-11-23' AND "
                 "(closed_at IS NULL OR closed_at >= '2026-08-24') GROUP BY 1")
    assert "COVERING INDEX ix_claim_rollups_returns_kind" in found, found
