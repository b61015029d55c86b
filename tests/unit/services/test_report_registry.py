"""The one registry of reports: every metric is a report, compared by any field, with the
claims behind each figure; a report that cannot compare says so."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import TODAY, actor, stand_on
from tests.unit.services.helpers import rows, sell
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Role
from warranty_desk.rules.metrics.rows import DIMENSIONS
from warranty_desk.services import claims, decisions, report_registry
from warranty_desk.services.metric_reports import METRIC_REPORTS
from warranty_desk.storage.database import Database

VIEWER, SALES, BOSS = actor(Role.FINANCE), actor(Role.SALES), actor(Role.OWNER)


@pytest.fixture
def opened(shop: Database) -> list[str]:
    stand_on(shop, TODAY - timedelta(days=9))
    numbers = []
    for n, (sku, serial) in enumerate((("LAP-100", "SN-A"), ("PHN-200", "SN-B"),
                                       ("LAP-100", "SN-C"))):
        code = sell(shop, f"INV-{n}", sku=sku, serials=(serial,),
                    sold_on=TODAY - timedelta(days=20)).warranty_codes[0]
        numbers.append(claims.start_claim(shop, SALES, claims.StartClaim(code, "Dead")).number)
    decisions.post_cost(shop, BOSS, numbers[0], decisions.CostLine("parts", 3_000))
    decisions.post_cost(shop, BOSS, numbers[1], decisions.CostLine("parts", 1_000))
    stand_on(shop, TODAY)
    return numbers


def test_every_metric_is_a_report_in_the_one_registry(shop: Database, opened: list[str]) -> None:
    for name in (*METRIC_REPORTS, "claim-volume"):
        spec = report_registry.REPORTS[name]
        assert spec.compares and spec.period_words
        table = report_registry.build(shop, VIEWER, name)
        assert table.rows, name
        assert all(len(r) == len(table.columns) for r in table.rows), name


def test_claim_cost_compared_by_brand_matches_the_postings(
        shop: Database, opened: list[str]) -> None:
    table = report_registry.build(shop, VIEWER, "claim-cost", by="brand",
                                  since=TODAY - timedelta(days=30), until=TODAY)
    assert table.columns[:3] == ("Brand", "Cost per claim", "Cost: labour")
    # Worked out here from the file: cost per brand ÷ claims per brand, rounded down.
    per: dict[str, list[int]] = {}
    for brand, amount in rows(shop, """
            SELECT b.name, coalesce((SELECT sum(p.amount_minor) FROM cost_postings p
                                     WHERE p.claim_id = c.id), 0)
            FROM claims c JOIN products pr ON pr.id = c.product_id
            JOIN brands b ON b.id = pr.brand_id"""):
        line = per.setdefault(str(brand), [0, 0])
        line[0] += 1
        line[1] += int(str(amount))
    assert [(r[0], r[1]) for r in table.rows] == [
        (b, cost // n) for b, (n, cost) in sorted(per.items())]
    assert table.money_columns == frozenset(range(1, 8))
    behind = {(r[0], r[1]): str(r[3]).split() for r in table.follow[0].rows}
    assert behind[("Lumen", "Cost: parts")] == [opened[0]]
    assert sorted(behind[("Lumen", "Cost per claim")]) == sorted([opened[0], opened[2]])


def test_a_filter_keeps_only_its_value_and_the_weeks_add_up(
        shop: Database, opened: list[str]) -> None:
    table = report_registry.build(shop, VIEWER, "claim-volume", filters={"brand": "Orbit"},
                                  since=TODAY - timedelta(days=30), until=TODAY)
    assert sum(int(str(r[2])) for r in table.rows) == 1
    assert "only brand Orbit" in table.subtitle
    by_product = report_registry.build(shop, VIEWER, "claim-volume", by="product",
                                       since=TODAY - timedelta(days=30), until=TODAY)
    assert {r[1] for r in by_product.rows} == {"LAP-100", "PHN-200"}
    assert sum(int(str(r[2])) for r in by_product.rows) == 3


def test_a_report_that_cannot_compare_says_which_can(shop: Database) -> None:
    with pytest.raises(BadInput, match="cannot compare or filter; these can: claim-volume"):
        report_registry.build(shop, VIEWER, "open-claims", by="brand")
    with pytest.raises(BadInput, match="Cannot compare by 'colour'"):
        report_registry.build(shop, VIEWER, "claim-cost", by="colour")
    assert set(DIMENSIONS) == {"product", "brand", "category", "branch", "supplier", "staff"}
