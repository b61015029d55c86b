"""The dashboard's counted path (claims counted into facts in SQL, sums per kind and state, the
trust score's customers counted in SQL) gives every figure and weekly series the row path
gives, in zones with summer time and without, and lists the same claims behind once picked."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select

from tests.conftest import TODAY, actor, pinned_clock
from tests.unit.services.helpers import rows as rows_of
from warranty_desk.demo.bulk import generate
from warranty_desk.permissions import Role
from warranty_desk.rules.metrics.claim_facts import ClaimFact, facts_of
from warranty_desk.rules.metrics.periods import local_day
from warranty_desk.services import setup
from warranty_desk.services.dashboard import WARRANTY_FIGURES, behind, compared, dashboard
from warranty_desk.services.metric_facts import load_each, load_facts, shop_day
from warranty_desk.services.metric_figures import compare, figures, weekly
from warranty_desk.services.metric_rows import load_rows
from warranty_desk.services.rollup_reads import by_day, claim_facts, facts_by_day, narrowing
from warranty_desk.services.shop_days import zone_changes
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

BOSS = actor(Role.OWNER)
SINCE = TODAY - timedelta(days=150)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Database:
    """2,000 generated warranties; half the claims' customers buy what they claimed for again."""
    db, _ = setup.init(Home(tmp_path_factory.mktemp("facts") / "home").ensure(),
                       clock=pinned_clock())
    generate(db, warranties=2_000, seed=11)
    conn = sqlite3.connect(db.path)
    with conn:  # some claimants buy again: each gets a later sale of what they claimed for
        # Rows are picked by rowid and code, in the seeded generator's order, never by their
        # random ids: which claims and customers are picked must not change from run to run.
        claims = conn.execute(
            "SELECT customer_id, product_id, substr(opened_at, 1, 10) FROM claims "
            "WHERE customer_id IS NOT NULL AND product_id IS NOT NULL ORDER BY rowid").fetchall()
        later = conn.execute(
            "SELECT w.id, w.product_id, s.sold_on FROM warranties AS w "
            "JOIN invoice_lines AS l ON l.id = w.invoice_line_id "
            "JOIN sales AS s ON s.id = l.sale_id ORDER BY w.code").fetchall()
        taken: set[bytes] = set()
        for customer, product, opened in claims[::2]:  # half of them come back
            found = next((w for w, p, sold in later
                          if p == product and sold > opened and w not in taken), None)
            if found is not None:
                taken.add(found)
                conn.execute("UPDATE warranties SET customer_id = ? WHERE id = ?",
                             (customer, found))
        # Someone who sold, opened and offered some (the generator names nobody).
        conn.execute("INSERT INTO staff (id, name, role, pin_hash, active, failed_pins, "
                     "created_at) VALUES (randomblob(16), 'Sam Seller', 'sales', '-', 1, 0, "
                     "'2024-01-01 00:00:00.000000')")
        conn.execute("UPDATE extension_offers SET staff_id = (SELECT id FROM staff LIMIT 1) "
                     "WHERE warranty_id IN (SELECT id FROM warranties "
                     "WHERE rowid % 16 IN (1, 4, 9))")  # offers have no rowid
        conn.execute("UPDATE sales SET staff_id = (SELECT id FROM staff LIMIT 1) "
                     "WHERE rowid % 16 IN (0, 2, 4, 6, 8, 10, 12, 14)")
        # Some claims name no product, and some who opened them: the filters find them apart.
        conn.execute("UPDATE claims SET product_id = NULL WHERE rowid % 16 IN (1, 5)")
        conn.execute("UPDATE claims SET opened_by_id = (SELECT id FROM staff LIMIT 1) "
                     "WHERE rowid % 16 IN (3, 5, 7)")
    conn.close()
    return db


def _in_zone(db: Database, zone: str) -> None:
    conn = sqlite3.connect(db.path)
    with conn:
        conn.execute("UPDATE shop SET timezone = ?", (zone,))
    conn.close()


def _values(found: tuple[object, ...]) -> list[tuple[str, object]]:
    return [(f.key, f.value) for f in found]  # type: ignore[attr-defined]


@pytest.mark.parametrize("stored", [False, True], ids=["recovery-stale", "recovery-stored"])
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Australia/Lord_Howe"])
@pytest.mark.parametrize("only", [{}, {"brand": "first"}, {"staff": "not recorded"},
                                  {"branch": "BR01", "category": "first"}])
def test_every_figure_and_week_counted_in_sql_equals_the_row_path(
        shop: Database, zone: str, only: dict[str, str], stored: bool) -> None:
    _in_zone(shop, zone)  # by hand: every brand claim's recovery is marked stale
    if stored:  # a unit of work stores them worked out again before it commits
        with UnitOfWork.write(shop):
            pass
    assert (rows_of(shop, "SELECT count(*) FROM recovery_stale") == [(0,)]) == stored
    conn = sqlite3.connect(shop.path)
    firsts = {"brand": "SELECT name FROM brands ORDER BY name",
              "category": "SELECT category FROM products ORDER BY category"}
    only = {k: conn.execute(firsts[k]).fetchone()[0] if v == "first" else v
            for k, v in only.items()}
    conn.close()
    with shop.read() as session:
        rows = load_rows(session, SINCE, TODAY, only)
        counted, facts = load_facts(session, SINCE, TODAY, only)
    slow = figures(rows)
    fast = figures(counted, facts)
    assert _values(fast) == _values(slow)
    assert weekly(counted, facts) == weekly(rows)
    by_key = {f.key: f for f in slow}
    assert by_key["claim-volume"].value
    if not only:  # the whole shop has something in every figure compared
        assert by_key["supplier-recovery"].value and by_key["cost-recovery"].value
        assert by_key["return-aging"].value and by_key["refund-accuracy"].value is not None
        assert by_key["extension-take-up"].value and by_key["trust-score"].value
    assert counted.claimants is not None and counted.claimants[1] > 0  # some came back
    assert all(f.behind == () for f in fast)
    for f in fast:
        if f.behind_later and f.key not in WARRANTY_FIGURES:
            assert behind(shop, BOSS, key=f.key, since=SINCE, until=TODAY,
                          filters=only) == by_key[f.key].behind


def _by_days(found: list[ClaimFact]) -> dict[tuple[object, ...], int]:
    out: dict[tuple[object, ...], int] = {}
    for f in found:
        key = (f.opened_on, f.closed_on, f.state, f.outcome, f.on_time)
        out[key] = out.get(key, 0) + f.count
    return out


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_the_facts_counted_per_shop_day_are_counted_again_for_a_new_zone(
        shop: Database, zone: str) -> None:
    _in_zone(shop, zone)  # by hand: the days were counted for the zone before
    with shop.read() as session:
        assert not by_day(session, zone)
    with UnitOfWork.write(shop):  # the next write counts them again for this zone
        pass
    with shop.read() as session:
        rows = load_rows(session, SINCE, TODAY)
        assert by_day(session, zone)
        kept = facts_by_day(session, SINCE, TODAY)
    assert len(kept) < len(rows.claims)
    assert _by_days(kept) == _by_days(facts_of(rows.claims, rows.zone))
    assert weekly(replace(rows, claims=()), kept) == weekly(rows)


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_the_claim_facts_from_sql_are_the_facts_of_the_rows(shop: Database, zone: str) -> None:
    _in_zone(shop, zone)
    with shop.read() as session:
        rows = load_rows(session, SINCE, TODAY)
        got = claim_facts(session, lambda column: shop_day(column, rows.zone, TODAY), "BR01",
                          rows.start, rows.end, {})
    # SQL keeps the hand-over, rejected and reopened only where a figure reads them; the shop
    # days, states, outcomes and counts are the facts of the rows.
    assert len(got) < len(rows.claims)
    assert _by_days(got) == _by_days(facts_of(rows.claims, rows.zone))


def test_the_shop_day_in_sql_is_the_day_python_gives_across_summer_time(
        shop: Database) -> None:
    zone = ZoneInfo("America/New_York")
    # Every hour around both changes of 2026, and one of 1999.
    instants = [datetime(y, m, d, tzinfo=UTC) + timedelta(hours=h)
                for y, m, d in ((2026, 3, 7), (2026, 10, 31), (1999, 4, 3)) for h in range(72)]
    with shop.read() as session:
        for at in instants:
            text = at.strftime("%Y-%m-%d %H:%M:%S.%f")
            day = session.execute(select(shop_day(literal(text), zone, TODAY))).scalar()
            assert date.fromisoformat(day) == local_day(at, zone), at


# Zones east and west of UTC by whole hours, half and quarter hours, up to +14 and -11, and
# with summer time: the day turns at each one's own time of day.
_ZONES = ("UTC", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Pago_Pago",
          "America/St_Johns", "Australia/Lord_Howe", "Europe/London", "America/Los_Angeles")


@settings(max_examples=300, deadline=None)
@given(zone=st.sampled_from(_ZONES), day=st.dates(date(2020, 1, 1), TODAY + timedelta(days=400)),
       second=st.one_of(st.integers(0, 86_399), st.sampled_from([0, 1, 86_399, 86_398])),
       micro=st.sampled_from([0, 1, 500_000, 999_999]))
def test_the_shop_day_in_sql_is_pythons_at_any_second_of_any_day_in_any_zone(
        shop: Database, zone: str, day: date, second: int, micro: int) -> None:
    at = (datetime(day.year, day.month, day.day, tzinfo=UTC)
          + timedelta(seconds=second, microseconds=micro))
    where = ZoneInfo(zone)
    # And the very instant its shop day turns, with the microsecond before it.
    local = at.astimezone(where)
    midnight = datetime(local.year, local.month, local.day, tzinfo=where).astimezone(UTC)
    with shop.read() as session:
        for instant in (at, midnight, midnight - timedelta(microseconds=1)):
            text = instant.strftime("%Y-%m-%d %H:%M:%S.%f")
            got = session.execute(select(shop_day(literal(text), where, TODAY))).scalar()
            assert date.fromisoformat(got) == local_day(instant, where), (zone, text)


def _filters(shop: Database, only: dict[str, int]) -> dict[str, str]:
    """Each field's n-th value (wrapping round) as a filter."""
    # "not recorded" first for the fields a claim without a product has (read apart from the
    # others: services/metric_rows.keyed).
    values = {"product": "SELECT 'not recorded' UNION ALL SELECT * FROM "
                         "(SELECT DISTINCT sku FROM products ORDER BY 1)",
              "brand": "SELECT 'not recorded' UNION ALL SELECT * FROM "
                       "(SELECT DISTINCT name FROM brands ORDER BY 1)",
              "category": "SELECT 'not recorded' UNION ALL SELECT * FROM "
                          "(SELECT DISTINCT category FROM products ORDER BY 1)",
              "supplier": "SELECT DISTINCT coalesce(nullif(p.supplier, ''), b.name) FROM "
                          "products p JOIN brands b ON b.id = p.brand_id ORDER BY 1",
              "branch": "SELECT 'BR01' UNION SELECT 'BR02'",
              "staff": "SELECT name FROM staff UNION SELECT 'not recorded' ORDER BY 1"}
    conn = sqlite3.connect(shop.path)
    filters = {}
    for field, n in only.items():
        found = [v for (v,) in conn.execute(values[field])]
        filters[field] = found[n % len(found)]
    conn.close()
    return filters


@settings(max_examples=25, deadline=None)
@given(zone=st.sampled_from(["UTC", "America/New_York", "Australia/Lord_Howe",
                             "Asia/Kathmandu"]),
       start=st.integers(0, 400), days=st.integers(0, 200),
       only=st.dictionaries(st.sampled_from(["product", "brand", "category", "branch", "staff",
                                             "supplier"]), st.integers(0, 3), max_size=2),
       counted=st.booleans())
def test_the_dashboard_from_the_rollups_is_the_row_path_for_any_range_and_filters(
        shop: Database, zone: str, start: int, days: int, only: dict[str, int],
        counted: bool) -> None:
    _in_zone(shop, zone)
    if counted:  # the next write counts the days for the zone: what the shop's counts read
        with UnitOfWork.write(shop):
            pass
    since = TODAY - timedelta(days=start)
    until = min(TODAY, since + timedelta(days=days))
    filters = _filters(shop, only)
    with shop.read() as session:
        assert by_day(session, zone) or not counted  # it may stay counted from before
        rows = load_rows(session, since, until, filters)
        found, facts = load_facts(session, since, until, filters)
    assert _values(figures(found, facts)) == _values(figures(rows))
    assert weekly(found, facts) == weekly(rows)


@settings(max_examples=30, deadline=None)
@given(zone=st.sampled_from(["UTC", "America/New_York", "Asia/Kathmandu"]),
       start=st.integers(0, 400), days=st.integers(0, 200),
       by=st.sampled_from(["product", "brand", "category", "branch", "supplier", "staff"]),
       only=st.dictionaries(st.sampled_from(["product", "brand", "category", "branch", "staff",
                                             "supplier"]), st.integers(0, 3), max_size=1),
       counted=st.booleans())
def test_compare_by_on_the_counted_path_is_the_row_paths_comparison(
        shop: Database, zone: str, start: int, days: int, by: str, only: dict[str, int],
        counted: bool) -> None:
    """Read grouped while the shop's days are counted for its zone (services.compared_reads),
    else value by value: either way the row path's comparison, and the two equal."""
    _in_zone(shop, zone)
    if counted:  # the next write counts the days for the zone
        with UnitOfWork.write(shop):
            pass
    since = TODAY - timedelta(days=start)
    until = min(TODAY, since + timedelta(days=days))
    filters = _filters(shop, only)
    with shop.read() as session:
        assert by_day(session, zone) or not counted
        slow = compare(load_rows(session, since, until, filters, summed=True), by)
        each = {v: _values(figures(*part))
                for v, part in load_each(session, since, until, filters, by).items()}
    fast = compared(shop, BOSS, since=since, until=until, by=by, filters=filters)
    assert {v: _values(f) for v, f in fast.items()} == {v: _values(f) for v, f in slow.items()}
    assert {v: _values(f) for v, f in fast.items()} == each
    # The chart drawn first: the same groups, each with its claims opened.
    drawn = dashboard(shop, BOSS, since=since, until=until, by=by, filters=filters).volumes
    assert drawn == {v: dict(_values(f))["claim-volume"] for v, f in fast.items()}


@pytest.mark.parametrize("zone", ["America/Santiago", "America/Havana", "Asia/Beirut"])
def test_the_shop_day_in_sql_turns_at_the_very_instant_the_zone_changes(
        shop: Database, zone: str) -> None:
    # In these zones summer time begins or ends at midnight, so the instant of the change
    # decides the day: a change found only to the nearest second gave a moment the old day.
    where = ZoneInfo(zone)
    changes = [at for at, _ in zone_changes(where) if 2020 <= at.year <= TODAY.year + 1]
    assert changes
    instants = [at + timedelta(microseconds=d) for at in changes for d in (-1, 0, 1, 500_000)]
    with shop.read() as session:
        for at in instants:
            text = at.strftime("%Y-%m-%d %H:%M:%S.%f")
            day = session.execute(select(shop_day(literal(text), where, TODAY))).scalar()
            assert date.fromisoformat(day) == local_day(at, where), at


@pytest.mark.parametrize(("changes", "narrowed"), [
    ((), {"staff": "not recorded"}),
    (("UPDATE sales SET branch_code = 'BR02' WHERE rowid % 16 IN (1, 3, 5)",),
     {"branch": "BR01", "staff": "not recorded"}),
    (("UPDATE sales SET staff_id = NULL", "UPDATE claims SET opened_by_id = NULL",
      "UPDATE extension_offers SET staff_id = NULL"), {}),
], ids=["one-branch", "sales-elsewhere", "nobody-named"])
def test_a_filter_that_lets_everything_through_reads_the_shops_counts_only_while_it_does(
        shop: Database, tmp_path: Path, changes: tuple[str, ...], narrowed: dict[str, str]
        ) -> None:
    # The generated shop sold everything at its own branch, and names who sold and opened
    # some: its own branch lets every claim, sale and offer through, staff "not recorded"
    # does not. A copy changed to sell some elsewhere, or to name nobody, turns each around.
    _in_zone(shop, "UTC")
    since = TODAY - timedelta(days=120)
    source, copy = sqlite3.connect(shop.path), sqlite3.connect(tmp_path / "copy.sqlite3")
    source.backup(copy)
    source.close()
    with copy:
        for sql in changes:
            copy.execute(sql)
    copy.close()
    db = Database(tmp_path / "copy.sqlite3", clock=pinned_clock())
    try:
        with db.read() as session:
            assert narrowing(session, "BR01", {"branch": "BR01", "staff": "not recorded"}
                             ) == narrowed
            for only in ({"branch": "BR01"}, {"branch": "BR02"}, {"staff": "not recorded"},
                         {"branch": "BR01", "staff": "not recorded"}):
                rows = load_rows(session, since, TODAY, only)
                counted, facts = load_facts(session, since, TODAY, only)
                assert _values(figures(counted, facts)) == _values(figures(rows)), only
                assert weekly(counted, facts) == weekly(rows)
    finally:
        db.dispose()
