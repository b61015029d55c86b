"""The dashboard's roll-ups (storage/rollups.py) after any sequence of service calls and writes
behind the services' back hold exactly what a rebuild from the rows makes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TODAY, actor, stand_on
from tests.unit.services.helpers import ADA, inspect, sell
from tests.unit.services.helpers import write_sql as _sql
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models.metric_rollup import WAITING_ONLY
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import activation, claims, decisions, returns
from warranty_desk.services.dashboard import compared, dashboard
from warranty_desk.services.metric_figures import compare
from warranty_desk.services.metric_rows import load_rows
from warranty_desk.storage import claimants, fact_days, refund_facts, rollups
from warranty_desk.storage.database import Database

BOSS, SALES = actor(Role.OWNER), actor(Role.SALES)
SKUS = ("LAP-100", "PHN-200", "CBL-1", "TV-55")
KINDS = ("labour", "parts", "replacement", "refund", "shipping")


Held = tuple[list[tuple[object, ...]], ...]


def held(conn: sqlite3.Connection) -> Held:
    """Every roll-up's rows, sorted (groups a warranty left hold 0 and say nothing)."""
    return (sorted(conn.execute("SELECT * FROM claim_rollups").fetchall()),
            sorted(conn.execute("SELECT * FROM sale_rollups WHERE count != 0").fetchall()),
            sorted(conn.execute("SELECT * FROM customer_sale_days WHERE count != 0").fetchall()),
            sorted(conn.execute("SELECT * FROM warranty_spans WHERE count != 0").fetchall()),
            sorted(conn.execute("SELECT * FROM claim_fact_days WHERE count != 0").fetchall()),
            sorted(conn.execute("SELECT warranty_id, id, product_id FROM extension_offers")
                   .fetchall()))


def rebuilt(conn: sqlite3.Connection) -> Held:
    """What a rebuild from scratch holds, rolled back after reading."""
    conn.execute("BEGIN")
    try:
        rollups.rebuild(conn.execute)
        rollups.rebuild_offer_products(conn.execute)
        fact_days.rebuild(conn.execute)
        claimants.rebuild(conn.execute)
        refund_facts.rebuild(conn.execute)
        return held(conn)
    finally:
        conn.execute("ROLLBACK")


def _pick(db: Database, query: str, n: int) -> object | None:
    conn = sqlite3.connect(db.path)
    try:
        found = [r[0] for r in conn.execute(query)]
    finally:
        conn.close()
    return found[n % len(found)] if found else None


class Shop:
    """The steps a random story is made of, each a real service call or a write by hand."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sold = 0

    def sell(self, n: int) -> None:
        self.sold += 1
        sku = SKUS[n % len(SKUS)]
        serial = "" if sku == "CBL-1" else f"SN-{self.sold}-{n}"
        sell(self.db, f"INV-R{self.sold}-{n}", sku=sku, serials=(serial,),
             sold_on=TODAY - timedelta(days=n % 40))

    def _claim(self, n: int) -> str | None:
        return _pick(self.db, "SELECT number FROM claims ORDER BY number", n)  # type: ignore[return-value]

    def claim(self, n: int) -> None:
        # On units with a serial: a claim without one moves stock with a null serial, which
        # the sync contract refuses (a finding of its own, outside the roll-ups).
        code = _pick(self.db, "SELECT code FROM warranties WHERE trim(coalesce(serial, '')) "
                     "!= '' ORDER BY code", n)
        if code is not None:
            claims.start_claim(self.db, SALES, claims.StartClaim(str(code), "Stopped working"))

    def decide(self, n: int) -> None:
        number = self._claim(n)
        if number is None:
            return
        inspect(self.db, number)
        outcome = list(Outcome)[n % 4]
        decisions.decide(self.db, BOSS, number, decisions.Decision(
            outcome, "Looked at it closely", refund_minor=10_000 if outcome == "refund" else None,
            refund_reference="R-1" if outcome == "refund" else None,
            replacement_serial=f"SN-NEW-{n}" if outcome == "replace" else None))

    def reopen(self, n: int) -> None:
        number = self._claim(n)
        if number is not None:
            decisions.reopen(self.db, BOSS, number, "The customer sent new photos of it")

    def cost(self, n: int) -> None:
        number = self._claim(n)
        if number is not None:
            decisions.post_cost(self.db, BOSS, number,
                                decisions.CostLine(KINDS[n % len(KINDS)], 100 * (n + 1)))

    def receive(self, n: int) -> None:
        number = self._claim(n)
        if number is not None:
            returns.receive(self.db, BOSS, number)

    def void(self, n: int) -> None:
        code = _pick(self.db, "SELECT code FROM warranties ORDER BY code", n)
        if code is not None:
            activation.void_warranty(self.db, BOSS, str(code), "Sale returned")

    def offer(self, n: int) -> None:
        """An extension sold or declined at the counter (the service sets its product)."""
        code = _pick(self.db, "SELECT code FROM warranties WHERE status = 'active' ORDER BY code",
                     n)
        if code is not None:
            (activation.sell_extension if n % 2 else activation.decline_extension)(
                self.db, BOSS, str(code), "Care+ 24")

    def later(self, n: int) -> None:
        stand_on(self.db, TODAY - timedelta(days=30 - n % 31), hour=n % 24)

    def by_hand(self, n: int) -> None:
        """Writes no service makes, as another tool might: the triggers see them too."""
        sale = _pick(self.db, "SELECT id FROM sales ORDER BY id", n)
        if sale is None:
            return
        which = n % 10
        if which == 0:
            _sql(self.db, "UPDATE sales SET voided_at = '2026-11-20 10:00:00.000000' WHERE id = ?",
                 sale)
        elif which == 1:
            _sql(self.db, "UPDATE sales SET branch_code = 'BR09', sold_on = ? WHERE id = ?",
                 (TODAY - timedelta(days=n % 9)).isoformat(), sale)
        elif which == 2:  # a blank serial, the first customer, a longer cover
            _sql(self.db, "UPDATE warranties SET serial = ' ', customer_id = (SELECT id FROM "
                 "customers ORDER BY id LIMIT 1), end_on = date(end_on, '+1 year') "
                 "WHERE invoice_line_id IN "
                 "(SELECT id FROM invoice_lines WHERE sale_id = ?)", sale)
        elif which == 3:
            _sql(self.db, "DELETE FROM cost_postings WHERE id = (SELECT id FROM cost_postings "
                 "ORDER BY id LIMIT 1)")
        elif which == 7:  # the first claim's product is another, or none (its costs move)
            _sql(self.db, "UPDATE claims SET product_id = CASE WHEN ? THEN NULL ELSE (SELECT id "
                 "FROM products ORDER BY sku LIMIT 1) END WHERE id = (SELECT id FROM claims "
                 "ORDER BY number LIMIT 1)", n % 2)
        elif which == 5:  # the unit goes to its supplier, or comes in, an hour later
            _sql(self.db, "INSERT INTO stock_movements (id, claim_id, product_id, kind, reference, "
                 "at) SELECT randomblob(16), id, product_id, ?, '', '2026-11-21 10:00:00.000000' "
                 "FROM claims WHERE product_id IS NOT NULL ORDER BY number LIMIT 1",
                 rollups.RETURNS_KINDS[n % len(rollups.RETURNS_KINDS)])
        elif which == 6:
            _sql(self.db, "DELETE FROM stock_movements WHERE id = (SELECT id FROM "
                 "stock_movements ORDER BY id LIMIT 1)")
        elif which == 8:  # an offer written without its product; a warranty's product moves
            _sql(self.db, "INSERT INTO extension_offers (id, warranty_id, plan_id, accepted, at) "
                 "SELECT randomblob(16), w.id, (SELECT id FROM extension_plans LIMIT 1), 0, "
                 "'2026-11-21 09:00:00.000000' FROM warranties w JOIN invoice_lines l "
                 "ON l.id = w.invoice_line_id WHERE l.sale_id = ?", sale)
        elif which == 9:
            _sql(self.db, "UPDATE warranties SET product_id = (SELECT id FROM products "
                 "ORDER BY sku LIMIT 1) WHERE invoice_line_id IN "
                 "(SELECT id FROM invoice_lines WHERE sale_id = ?)", sale)
        elif which == 4 and n % 3:  # the first claim loses its customer, or moves 2 days on
            # (a customer's later claims then have another claim before them)
            _sql(self.db, "UPDATE claims SET customer_id = CASE WHEN ? THEN NULL "
                 "ELSE customer_id END, opened_at = CASE WHEN ? THEN opened_at "
                 "ELSE datetime(opened_at, '+2 days') || '.000000' END "
                 "WHERE id = (SELECT id FROM claims ORDER BY number LIMIT 1)",
                 n % 3 == 1, n % 3 == 1)
        elif which == 4:  # what a refund's facts read changes without the claim's row made again
            _sql(self.db, "UPDATE claims SET refund_minor = refund_minor + 1 "
                 "WHERE refund_minor IS NOT NULL")
            _sql(self.db, "UPDATE invoice_lines SET unit_price_minor = unit_price_minor + 1 "
                 "WHERE sale_id = ?", sale)
            _sql(self.db, "DELETE FROM claim_events WHERE to_state = 'resolved' AND claim_id = "
                 "(SELECT id FROM claims WHERE outcome = 'refund' ORDER BY number LIMIT 1)")
        else:
            _sql(self.db, "INSERT INTO claim_events (id, claim_id, at, kind, reason, cost_minor) "
                 "SELECT randomblob(16), id, '2026-11-21 09:00:00.000000', 'handed_over', '', 0 "
                 "FROM claims ORDER BY number LIMIT 1")


STEPS: tuple[Callable[[Shop, int], None], ...] = (
    Shop.sell, Shop.sell, Shop.claim, Shop.claim, Shop.decide, Shop.reopen, Shop.cost,
    Shop.receive, Shop.void, Shop.later, Shop.offer, Shop.by_hand, Shop.by_hand)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 200)), min_size=1,
                max_size=20))
def test_the_rollups_after_any_service_calls_are_a_rebuild_from_the_rows(
        shop: Database, story: list[tuple[int, int]]) -> None:
    steps = Shop(shop)
    for step, n in story:
        with suppress(BadInput, RuleBlocked, NotFound):  # refused in words: nothing written
            STEPS[step](steps, n)
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        kept = held(conn)
        assert kept == rebuilt(conn)
    finally:
        conn.close()
    stand_on(shop, TODAY)


def test_a_rebuild_on_a_shop_with_claims_fills_what_the_triggers_kept(shop: Database) -> None:
    story = Shop(shop)
    for n in range(4):  # a laptop, a phone, a cable (no serial, no claim) and a TV
        story.sell(n)
    for n in range(3):
        story.claim(n)
    story.cost(1)
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        kept = held(conn)
        assert len(kept[0]) == 3 and sum(r[-1] for r in kept[1]) == 4  # type: ignore[misc]
        facts = kept[4]  # claims per shop day: the count, then the costs per kind
        assert sum(r[8] for r in facts) == 3  # type: ignore[misc]
        # The groups' costs are their claims': summed over the shop, the claims' own.
        assert [sum(r[c] for r in facts) for c in range(9, 16)] == [  # type: ignore[misc]
            sum(r[c] for r in kept[0]) for c in range(15, 22)]  # type: ignore[misc]
        assert sum(sum(r[9:16]) for r in facts) == 200  # type: ignore[misc]  # story.cost(1)
        assert kept == rebuilt(conn)
    finally:
        conn.close()


def test_the_rollups_know_the_returns_stock_movements_the_returns_desk_makes() -> None:
    assert (*returns._IN, *returns._OUT) == rollups.RETURNS_KINDS
    assert f"returns_kind = '{rollups.RETURNS_KINDS[0]}'" == WAITING_ONLY


def test_every_rollup_trigger_is_in_the_migrated_database(db: Database) -> None:
    # A later migration's batch_alter_table copies a table and drops its triggers: the roll-ups
    # would then go stale without a word, so one missing here names what to install again.
    conn = sqlite3.connect(db.path)
    try:
        found = {n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()
    assert set(rollups.trigger_names()) - found == set(), "call storage.rollups.install()"
    assert set(fact_days.trigger_names()) - found == set(), "call storage.fact_days.install()"
    assert set(rollups.offer_trigger_names()) - found == set(), \
        "call storage.rollups.install_offer_products()"
    assert set(claimants.trigger_names()) - found == set(), "call storage.claimants.install()"
    assert set(refund_facts.trigger_names()) - found == set(), \
        "call storage.refund_facts.install()"


def test_compare_by_product_counts_a_claim_with_no_product_as_not_recorded(
        shop: Database) -> None:
    story = Shop(shop)
    story.sell(0)
    story.claim(0)
    claims.start_unknown_sale_claim(shop, SALES, claims.StartUnknownSaleClaim(
        ADA, "An old radio", "RAD-1", TODAY - timedelta(days=100), "Another shop",
        "No sound", "ab" * 32, "image/jpeg", 1_000))
    since = TODAY - timedelta(days=7)
    with shop.read() as session:
        slow = compare(load_rows(session, since, TODAY, summed=True), "product")
    fast = compared(shop, BOSS, since=since, until=TODAY, by="product")
    volume = {v: {f.key: f.value for f in found}["claim-volume"] for v, found in fast.items()}
    assert volume == {"LAP-100": 1, "not recorded": 1}
    assert dashboard(shop, BOSS, since=since, until=TODAY, by="product").volumes == volume
    assert {v: [(f.key, f.value) for f in found] for v, found in fast.items()} == {
        v: [(f.key, f.value) for f in found] for v, found in slow.items()}


def _claimants(shop: Database) -> tuple[int, int] | None:
    from warranty_desk.services.metric_facts import load_facts

    with shop.read() as session:
        return load_facts(session, TODAY - timedelta(days=30), TODAY)[0].claimants


def test_a_customers_first_claim_and_next_day_of_buying_follow_their_claims_and_sales(
        shop: Database) -> None:
    story = Shop(shop)
    stand_on(shop, TODAY - timedelta(days=15))
    for n in (20, 21):  # two units of Ada's, claimed at the very same instant
        story.sell(n)
    for n in range(2):
        story.claim(n)
    stand_on(shop, TODAY)
    story.sell(5)  # she buys again ten days later
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        def columns() -> list[tuple[object, ...]]:
            return sorted(conn.execute(
                "SELECT prev_opened_at IS NULL, next_sale_on FROM claim_rollups "
                "WHERE customer_id IS NOT NULL").fetchall(), key=repr)

        later = (TODAY - timedelta(days=5)).isoformat()
        # One of the two is her first (ties go by id), and both see the day she came back.
        assert columns() == [(0, later), (1, later)]
        assert held(conn) == rebuilt(conn)
        assert _claimants(shop) == (1, 1)
        activation.void_warranty(shop, BOSS, str(_pick(
            shop, "SELECT w.code FROM warranties w JOIN invoice_lines l ON l.id = "
            "w.invoice_line_id JOIN sales s ON s.id = l.sale_id ORDER BY s.sold_on DESC", 0)),
            "Sale returned")
        assert columns() == [(0, None), (1, None)]  # that day counts no more
        assert _claimants(shop) == (1, 0)
        story.sell(5)
        # The first claim loses its customer: the other is her first now.
        _sql(shop, "UPDATE claims SET customer_id = NULL WHERE id = (SELECT claim_id FROM "
             "claim_rollups WHERE prev_opened_at IS NULL AND customer_id IS NOT NULL)")
        assert columns() == [(1, later)]
        assert held(conn) == rebuilt(conn)
        assert _claimants(shop) == (1, 1)
    finally:
        conn.close()


def test_a_refunds_facts_follow_its_claim_sale_and_decision(shop: Database) -> None:
    from warranty_desk.services.metric_facts import load_facts
    from warranty_desk.services.metric_figures import figures

    story = Shop(shop)
    story.sell(0)
    story.claim(0)
    story.decide(2)  # refunded
    _sql(shop, "INSERT INTO staff (id, name, role, pin_hash, active, failed_pins, created_at) "
         "VALUES (randomblob(16), 'Max Manager', 'manager', '-', 1, 0, "
         "'2024-01-01 00:00:00.000000')")
    conn = sqlite3.connect(shop.path, isolation_level=None)

    def accuracy() -> object:
        since = TODAY - timedelta(days=30)
        with shop.read() as session:
            fast = figures(*load_facts(session, since, TODAY))
            slow = figures(load_rows(session, since, TODAY))
        found = [(f.key, f.value) for f in fast if f.key == "refund-accuracy"]
        assert found == [(f.key, f.value) for f in slow if f.key == "refund-accuracy"]
        assert held(conn) == rebuilt(conn)
        return conn.execute("SELECT refund_minor, refund_paid, refund_by IS NOT NULL "
                            "FROM claim_rollups").fetchall()

    try:
        assert accuracy() == [(10_000, 89_900, 0)]
        # By hand, one at a time: the amount, the price paid, who decided it, a decision more
        # (by them, later), the decisions gone.
        _sql(shop, "UPDATE claims SET refund_minor = 6000")
        assert accuracy() == [(6_000, 89_900, 0)]
        _sql(shop, "UPDATE invoice_lines SET unit_price_minor = 5000")
        assert accuracy() == [(6_000, 5_000, 0)]
        _sql(shop, "UPDATE claim_events SET staff_id = (SELECT id FROM staff "
             "WHERE name = 'Max Manager') WHERE to_state = 'resolved'")
        assert accuracy() == [(6_000, 5_000, 1)]
        _sql(shop, "INSERT INTO claim_events (id, claim_id, at, kind, reason, cost_minor, "
             "to_state) SELECT randomblob(16), claim_id, '2026-11-30 09:00:00.000000', kind, "
             "reason, cost_minor, to_state FROM claim_events WHERE to_state = 'resolved'")
        assert accuracy() == [(6_000, 5_000, 0)]  # the newest decision's: nobody named
        _sql(shop, "DELETE FROM claim_events WHERE to_state = 'resolved'")
        assert accuracy() == [(6_000, 5_000, 0)]
    finally:
        conn.close()
