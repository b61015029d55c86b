"""Cost, recovery, refund accuracy and return aging against figures worked out here."""

from __future__ import annotations

from datetime import UTC, datetime

from warranty_desk.rules.metrics.costs import (
    claim_cost,
    cost_by_kind,
    cost_per_claim,
    cost_recovery,
    supplier_recovery_rate,
)
from warranty_desk.rules.metrics.refunds import refund_accuracy, refund_misses
from warranty_desk.rules.metrics.rows import CostRow, RefundRow
from warranty_desk.rules.metrics.stock import return_aging

COSTS = [CostRow("C-1", "labour", 2_500), CostRow("C-1", "parts", 4_000),
         CostRow("C-2", "refund", 19_900), CostRow("C-2", "shipping", 700),
         CostRow("C-2", "write_off", 4_000), CostRow("C-3", "labour", 1_500)]


def test_cost_by_kind_sums_each_kind_and_lists_every_kind() -> None:
    found = cost_by_kind(COSTS)
    assert found == {"labour": 4_000, "parts": 4_000, "replacement": 0, "refund": 19_900,
                     "shipping": 700, "write_off": 4_000}
    assert sum(found.values()) == sum(c.amount_minor for c in COSTS)
    assert set(cost_by_kind([]).values()) == {0}


def test_cost_per_claim_leaves_write_offs_out_and_rounds_down() -> None:
    spent = claim_cost(COSTS)
    assert spent == 2_500 + 4_000 + 19_900 + 700 + 1_500
    assert cost_per_claim(spent, 3) == 28_600 // 3 == 9_533
    assert cost_per_claim(0, 0) is None


def test_recovery_rates_in_per_cent_and_none_with_nothing_to_recover() -> None:
    assert supplier_recovery_rate(11_500, 14_600) == round(100 * 11_500 / 14_600, 1) == 78.8
    assert supplier_recovery_rate(0, 0) is None
    assert cost_recovery(1_000, 3_000) == 33.3
    assert cost_recovery(500, 0) is None


def _refund(amount: int, paid: int | None = 10_000, role: str | None = "Manager",
            limit: int | None = 50_000, ledger: int | None = None) -> RefundRow:
    return RefundRow("C-1", datetime(2026, 12, 1, tzinfo=UTC), amount, paid, role, limit,
                     amount if ledger is None else ledger)


def test_refund_accuracy_counts_each_check_and_all_three() -> None:
    rows = [_refund(9_000),  # right
            _refund(12_000),  # more than paid
            _refund(9_000, limit=5_000),  # over the approver's limit
            _refund(9_000, ledger=8_000),  # the ledger differs
            _refund(9_000, paid=None, role=None),  # nothing to check against
            _refund(60_000, paid=70_000, role="Owner", limit=None)]  # an owner has no limit
    a = refund_accuracy(rows)
    misses = [refund_misses(r) for r in rows]
    assert a.refunds == 6
    assert a.amount_minor == sum(r.amount_minor for r in rows)
    assert a.within_price == sum(m[0] is None for m in misses) == 4
    assert a.within_limit == sum(m[1] is None for m in misses) == 4
    assert a.matches_ledger == 5
    assert a.accurate == 2
    assert a.accuracy == round(100 * 2 / 6, 1)
    assert refund_misses(rows[2])[1] == "over the refund limit of a manager"
    assert refund_accuracy([]).accuracy is None


def test_return_aging_puts_each_wait_in_its_band_at_the_edges() -> None:
    ages = [0, 7, 8, 30, 31, 60, 61, 400, -1]
    assert return_aging(ages) == [3, 2, 2, 2]
    assert return_aging([]) == [0, 0, 0, 0]
