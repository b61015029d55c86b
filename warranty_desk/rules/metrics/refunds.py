"""Refund accuracy: a refund is right when it is within the price paid, the approver's limit
and the ledger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warranty_desk.rules.metrics.periods import rate
from warranty_desk.rules.metrics.rows import RefundRow
from warranty_desk.rules.refunds import refund_within_limit


def refund_misses(refund: RefundRow) -> tuple[str | None, str | None, str | None]:
    """What is wrong with a refund, per check (price paid, role limit, ledger); None: right."""
    paid = refund.paid_minor
    price = ("no sale on record to check the amount against" if paid is None
             else "more than the customer paid" if refund.amount_minor > paid else None)
    limit = ("no staff member on record approved it" if refund.approver_role is None
             else None if refund_within_limit(refund.amount_minor, refund.approver_limit_minor)
             else f"over the refund limit of a {refund.approver_role.lower()}")
    posted = (None if refund.ledger_minor == refund.amount_minor
              else "the refund cost posted differs from the refund")
    return price, limit, posted


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Refunds checked: how many passed each check and all three."""

    refunds: int
    amount_minor: int
    within_price: int
    within_limit: int
    matches_ledger: int
    accurate: int

    @property
    def accuracy(self) -> float | None:
        """Refund accuracy in per cent."""
        return rate(self.accurate, self.refunds)


def refund_accuracy(refunds: Iterable[RefundRow]) -> Accuracy:
    """Refund accuracy: refunds no more than the customer paid, within the approver's refund
    limit and equal to the refund cost posted, ÷ all refunds decided."""
    counts = [0] * 6
    for r in refunds:
        checks = refund_misses(r)
        counts[0] += r.count
        counts[1] += r.amount_minor * r.count
        for n, miss in enumerate(checks, start=2):
            counts[n] += (miss is None) * r.count
        counts[5] += all(miss is None for miss in checks) * r.count
    return Accuracy(*counts)
