"""The manufacturer-side reports, each checked against figures worked out here, independently,
from the same rows: supplier recovery, stale brand claims, replacement time, return aging."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import TODAY, actor, sqlite_file, stand_on
from tests.unit.services.helpers import inspected
from tests.unit.services.test_brand_claims import FINANCE, MANAGER, STORE, _claim
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import (
    brand_claims,
    decisions,
    management,
    report_registry,
    returns,
)
from warranty_desk.services import settlements as settle
from warranty_desk.services.supplier_terms import TermsInput, set_terms
from warranty_desk.storage.database import Database

SINCE = date(2026, 1, 1)


def _sql(db: Database, query: str) -> list[tuple[object, ...]]:
    with sqlite_file(db.path) as conn:
        return conn.execute(query).fetchall()


def _day(stored: object) -> date:
    """A stored UTC timestamp as the test shop's calendar day (the test shop runs on UTC)."""
    return datetime.fromisoformat(str(stored)).replace(tzinfo=ZoneInfo("UTC")).date()


def test_supplier_recovery_is_settled_over_recoverable_per_supplier_and_brand(
    shop: Database,
) -> None:
    set_terms(shop, MANAGER, TermsInput("Orbit", frozenset({"parts", "shipping"})))
    a = _claim(shop, "SN-A", "INV-1", costs=(("parts", 5_000, True), ("labour", 3_000, True)))
    b = _claim(shop, "SN-B", "INV-2", costs=(("parts", 2_000, True),))
    p = _claim(shop, "SN-P", "INV-3", sku="PHN-200",
               costs=(("parts", 4_000, True), ("labour", 1_000, True), ("shipping", 600, True)))
    q = _claim(shop, "SN-Q", "INV-4", sku="PHN-200", costs=(("parts", 900, False),))
    lumen1 = brand_claims.open_brand_claim(shop, STORE, [a]).number
    lumen2 = brand_claims.open_brand_claim(shop, STORE, [b]).number
    orbit = brand_claims.open_brand_claim(shop, STORE, [p, q]).number
    settle.record_settlement(shop, FINANCE, lumen1, settle.SettlementInput(8_000, "P-1",
                                                                           final=True))
    settle.record_settlement(shop, FINANCE, lumen2, settle.SettlementInput(500, "P-2"))
    settle.record_settlement(shop, FINANCE, orbit, settle.SettlementInput(3_000, "CN-1",
                                                                          kind="credit_note"))
    settle.write_off(shop, MANAGER, orbit, "Orbit refuses the rest")
    report = report_registry.build(shop, actor(Role.FINANCE), "supplier-recovery", since=SINCE)

    covered = {"Lumen": ("parts", "labour", "replacement"), "Orbit": ("parts", "shipping")}
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for number, supplier in ((lumen1, "Lumen"), (lumen2, "Lumen"), (orbit, "Orbit")):
        kinds = "', '".join(covered[supplier])
        owed = _sql(shop, "SELECT coalesce(sum(c.amount_minor), 0) FROM cost_postings c "
                          "JOIN brand_claim_items i ON i.claim_id = c.claim_id "
                          "JOIN brand_claims b ON b.id = i.brand_claim_id "
                          f"WHERE b.number = '{number}' AND c.recoverable = 1 "
                          f"AND c.kind IN ('{kinds}')")[0][0]
        paid = _sql(shop, "SELECT coalesce(sum(s.amount_minor), 0) FROM settlements s "
                          f"JOIN brand_claims b ON b.id = s.brand_claim_id "
                          f"WHERE b.number = '{number}'")[0][0]
        gone = _sql(shop, "SELECT coalesce(sum(c.amount_minor), 0) FROM cost_postings c "
                          "JOIN brand_claim_items i ON i.claim_id = c.claim_id "
                          "JOIN brand_claims b ON b.id = i.brand_claim_id "
                          f"WHERE b.number = '{number}' AND c.kind = 'write_off'")[0][0]
        line = expected[supplier]
        line[0] += 1
        line[1] += int(str(owed))
        line[2] += int(str(paid))
        line[3] += int(str(gone))
    rows = {r[0]: r for r in report.rows}
    assert set(rows) == {"Lumen", "Orbit"}
    for supplier, (count, owed_total, paid_total, gone_total) in expected.items():
        row = rows[supplier]
        assert row[1:7] == (supplier, count, owed_total, paid_total, gone_total,
                            max(owed_total - paid_total - gone_total, 0))
        assert row[7] == f"{100 * paid_total / owed_total:.1f}%"
    assert expected["Lumen"][1:3] == [10_000, 8_500] and expected["Orbit"][1:4] == [
        4_600, 3_000, 1_600]
    assert report.notes[0].startswith(f"Overall: {100 * 11_500 / 14_600:.1f}% of what")
    assert report.notes[0].startswith("Overall: 78.8% ")


def test_stale_brand_claims_are_those_without_news_for_longer_than_their_supplier_allows(
    shop: Database,
) -> None:
    set_terms(shop, MANAGER, TermsInput("Lumen", stale_after_days=3))
    set_terms(shop, MANAGER, TermsInput("Orbit", stale_after_days=10))
    a = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-A", "INV-1")]).number
    b = brand_claims.open_brand_claim(shop, STORE, [_claim(shop, "SN-B", "INV-2")]).number
    o = brand_claims.open_brand_claim(
        shop, STORE, [_claim(shop, "SN-P", "INV-3", sku="PHN-200")]).number
    stand_on(shop, TODAY + timedelta(days=2))
    brand_claims.update_status(shop, STORE, b, "acknowledged")
    today = TODAY + timedelta(days=5)
    stand_on(shop, today)
    report = report_registry.build(shop, MANAGER, "stale-brand-claims")

    limits = {"Lumen": 3, "Orbit": 10}
    mine = []
    for number, supplier, lodged, newest in _sql(
            shop, "SELECT b.number, b.supplier, b.submitted_at, max(u.at) FROM brand_claims b "
                  "LEFT JOIN brand_status_updates u ON u.brand_claim_id = b.id "
                  "WHERE b.closed_at IS NULL GROUP BY b.id"):
        moved = _day(newest or lodged)
        if (today - moved).days > limits[str(supplier)]:
            mine.append((number, (today - moved).days))
    assert sorted(mine) == [(a, 5)]  # b had news 3 days ago; Orbit waits 10
    assert [(r[0], r[5]) for r in report.rows] == mine
    assert o not in {r[0] for r in report.rows}


def test_replacement_time_counts_days_to_decision_and_to_hand_over_per_brand(
    shop: Database,
) -> None:
    first = inspected(shop, "SN-1", "INV-1")
    second = inspected(shop, "SN-2", "INV-2")
    stand_on(shop, TODAY + timedelta(days=4))
    for number, new in ((first, "NEW-1"), (second, "NEW-2")):
        decisions.decide(shop, MANAGER, number, decisions.Decision(
            Outcome.REPLACE, "Dead mainboard", replacement_serial=new))
    stand_on(shop, TODAY + timedelta(days=9))
    returns.issue_replacement(shop, STORE, first, "NEW-1")
    report = report_registry.build(shop, MANAGER, "replacement-time", since=SINCE)

    rows = _sql(shop, "SELECT c.opened_at, c.closed_at, (SELECT min(e.at) FROM claim_events e "
                      "WHERE e.claim_id = c.id AND e.kind = 'handed_over') FROM claims c "
                      "WHERE c.outcome = 'replace'")
    to_decide = [(_day(closed) - _day(opened)).days for opened, closed, _ in rows]
    to_hand = [(_day(given) - _day(opened)).days for opened, _, given in rows if given]
    assert report.rows == (("Lumen", len(rows), sum(to_decide) / len(to_decide), len(to_hand),
                            sum(to_hand) / len(to_hand), max(to_hand)),)
    assert (to_decide, to_hand) == ([4, 4], [9])


def test_return_aging_bands_every_unit_in_returns_stock_by_its_days_there(
    shop: Database,
) -> None:
    _claim(shop, "SN-A", "INV-1")
    stand_on(shop, TODAY + timedelta(days=20))
    _claim(shop, "SN-B", "INV-2")
    _claim(shop, "SN-P", "INV-3", sku="PHN-200")
    today = TODAY + timedelta(days=40)
    stand_on(shop, today)
    report = report_registry.build(shop, MANAGER, "return-aging")
    bands = ((0, 7), (8, 30), (31, 60), (61, 10**6))
    mine: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for brand, at in _sql(shop, "SELECT b.name, m.at FROM stock_movements m "
                                "JOIN products p ON p.id = m.product_id "
                                "JOIN brands b ON b.id = p.brand_id WHERE m.kind = 'return_in'"):
        age = (today - _day(at)).days
        mine[str(brand)][next(n for n, (lo, hi) in enumerate(bands) if lo <= age <= hi)] += 1
    assert report.rows == tuple((s, *b, sum(b)) for s, b in sorted(mine.items()))
    assert mine == {"Lumen": [0, 1, 1, 0], "Orbit": [0, 1, 0, 0]}


def test_the_new_reports_need_the_reports_permission(shop: Database) -> None:
    for name in ("supplier-recovery", "stale-brand-claims", "replacement-time"):
        with pytest.raises(PermissionDenied, match="may not view reports"):
            report_registry.build(shop, STORE, name)


def test_claims_by_brand_shares_a_brand_claims_settlements_among_its_claims(
    shop: Database,
) -> None:
    """Rule: a brand claim's settlements are shared among its claims by what each was expected
    to bring back, and each share counts in the period its own claim was opened. Before, all
    of it counted against the first claim's opening day."""
    early, late = TODAY - timedelta(days=10), TODAY
    stand_on(shop, early)
    a = _claim(shop, "SN-A", "INV-1", costs=(("parts", 6_000, True),))
    stand_on(shop, late)
    b = _claim(shop, "SN-B", "INV-2", costs=(("parts", 2_000, True),))
    number = brand_claims.open_brand_claim(shop, STORE, [a, b]).number
    settle.record_settlement(shop, FINANCE, number, settle.SettlementInput(4_000, "P-1"))
    settle.record_settlement(shop, FINANCE, number, settle.SettlementInput(1_001, "P-2"))

    def recovered(since: date, until: date) -> object:
        report = management.claims_by_brand(shop, MANAGER, since=since, until=until)
        return {row[0]: row[6] for row in report.rows}

    # 5,001 over expected 6,000 and 2,000: three quarters to a (rounded down), the rest to b.
    assert recovered(early, early) == {"Lumen": 3_750}
    assert recovered(late, late) == {"Lumen": 1_251}
    assert recovered(early, late) == {"Lumen": 5_001}


@pytest.mark.parametrize("name", ["supplier-recovery", "replacement-time"])
def test_a_period_that_ends_before_it_starts_is_refused_in_plain_words(
    shop: Database, name: str
) -> None:
    with pytest.raises(BadInput, match=r"starts \(.*\) after it ends \(.*\); swap the dates"):
        report_registry.build(shop, MANAGER, name, since=TODAY + timedelta(days=1))
