"""Migration 0031: the claims counted per shop day sum their costs too. On a shop with claims
the upgrade leaves them to be counted again by the next write, which counts what a rebuild
does (it counted none before the fix in services/rollup_upkeep.py); a downgrade puts back
0029's counting; the dashboard reads the same figures before, between and after. Offers made
before it carry their warranty's product after it."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tests.conftest import TODAY, actor
from tests.unit.services.helpers import inspect, rows, sell
from tests.unit.test_migration_0017 import _to
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claims, decisions
from warranty_desk.services.dashboard import dashboard
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage import fact_days
from warranty_desk.storage.database import Database

BOSS, SALES = actor(Role.OWNER), actor(Role.SALES)
SINCE = TODAY - timedelta(days=90)


def _shop_with_claims(shop: Database) -> None:
    for n, sku in enumerate(("LAP-100", "PHN-200", "TV-55")):
        code = sell(shop, f"INV-M{n}", sku=sku, serials=(f"SN-M{n}",),
                    sold_on=TODAY - timedelta(days=20 + n),
                    extension="Care+ 24" if n < 2 else None).warranty_codes[0]
        number = claims.start_claim(shop, SALES, claims.StartClaim(code, "Stopped working")).number
        decisions.post_cost(shop, BOSS, number, decisions.CostLine("labour", 1_000 * (n + 1)))
        if n == 0:
            inspect(shop, number)
            decisions.decide(shop, BOSS, number, decisions.Decision(
                Outcome.REPAIR, "Fixed the hinge"))


def _figures(shop: Database, filters: dict[str, str] | None = None) -> object:
    found = dashboard(shop, BOSS, since=SINCE, until=TODAY, filters=filters)
    return found.figures, found.cost, found.opened, found.still_open


def _kept(shop: Database) -> list[tuple[object, ...]]:
    return sorted(rows(shop, "SELECT * FROM claim_fact_days WHERE count != 0"))


def _rebuilt(shop: Database) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        fact_days.rebuild(conn.execute)
        found = sorted(conn.execute("SELECT * FROM claim_fact_days WHERE count != 0"))
        conn.execute("ROLLBACK")
        return found
    finally:
        conn.close()


def test_the_upgrade_counts_the_claims_of_a_shop_again_with_their_costs(
        shop: Database) -> None:
    _shop_with_claims(shop)
    before = _figures(shop), _figures(shop, {"product": "LAP-100"})
    before_orbit = _figures(shop, {"brand": "Orbit"})  # PHN-200's offer counts
    _to(shop, "0030", down=True)
    columns = [r[1] for r in rows(shop, "PRAGMA table_info(claim_fact_days)")]
    assert "count" in columns and "cost_labour" not in columns
    assert "product_id" not in [r[1] for r in rows(shop, "PRAGMA table_info(extension_offers)")]
    # 0029's triggers count again, without the product, once the zone is named.
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO claim_fact_zone (zone) SELECT timezone FROM shop")
        conn.execute("CREATE TEMP TABLE one AS SELECT * FROM claim_rollups LIMIT 1")
        conn.execute("DELETE FROM claim_rollups WHERE claim_id IN (SELECT claim_id FROM one)")
        assert [r[-1] for r in conn.execute("SELECT * FROM claim_fact_days")] == [-1]
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    _to(shop, "head")
    assert rows(shop, "SELECT count(*) FROM claim_fact_days") == [(0,)]
    assert rows(shop, "SELECT count(*) FROM claim_fact_zone") == [(0,)]
    assert rows(shop, "SELECT count(*), count(o.product_id = w.product_id) FROM extension_offers "
                      "o JOIN warranties w ON w.id = o.warranty_id") == [(2, 2)]
    # Until a write counts them, the dashboard counts the claims themselves: the same figures.
    assert (_figures(shop), _figures(shop, {"product": "LAP-100"})) == before
    assert _figures(shop, {"brand": "Orbit"}) == before_orbit
    with UnitOfWork.write(shop):
        pass
    kept = _kept(shop)
    assert kept == _rebuilt(shop)
    assert sum(r[8] for r in kept) == 3  # type: ignore[misc]
    assert sum(r[9] for r in kept) == 6_000  # type: ignore[misc]  # labour, summed
    assert (_figures(shop), _figures(shop, {"product": "LAP-100"})) == before
    # The triggers go on counting: a claim opened on the upgraded file, with no costs.
    claims.start_claim(shop, SALES, claims.StartClaim(
        sell(shop, "INV-M9", sku="LAP-100", serials=("SN-M9",), sold_on=TODAY)
        .warranty_codes[0], "Cracked"))
    kept = _kept(shop)
    assert kept == _rebuilt(shop) and sum(r[8] for r in kept) == 4  # type: ignore[misc]
    after = _figures(shop), _figures(shop, {"product": "LAP-100"})
    assert after != before
    assert after[1][1] == before[1][1]  # LAP-100's costs stay


def test_the_messages_of_a_filter_that_lets_every_claim_through_are_counted_from_an_index(
        shop: Database) -> None:
    plan = " ".join(str(r[-1]) for r in rows(
        shop, "EXPLAIN QUERY PLAN SELECT min(created_at), state, count(*) FROM customer_messages "
              "WHERE direction = 'outbound' AND created_at >= '2026-08-24' "
              "AND created_at < '2026-11-23' AND claim_id IS NOT NULL GROUP BY state"))
    assert "COVERING INDEX ix_customer_messages_created" in plan, plan
