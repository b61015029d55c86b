"""Cost metrics: what claims cost by kind and per claim, and how much suppliers paid back."""

from __future__ import annotations

from collections.abc import Iterable

from warranty_desk.rules.metrics.periods import rate
from warranty_desk.rules.metrics.rows import CostRow

# What a claim can cost the shop; a write-off is recovery given up on a cost already counted.
COST_KINDS = ("labour", "parts", "replacement", "refund", "shipping")
WRITE_OFF = "write_off"
ALL_KINDS = (*COST_KINDS, WRITE_OFF)


def cost_by_kind(costs: Iterable[CostRow]) -> dict[str, int]:
    """Cost by kind: the amounts posted per kind (labour, parts, replacement, refund,
    shipping, write-off), each kind listed even at nothing."""
    found = dict.fromkeys(ALL_KINDS, 0)
    for c in costs:
        found[c.kind] = found.get(c.kind, 0) + c.amount_minor
    return found


def claim_cost(costs: Iterable[CostRow]) -> int:
    """What claims cost: every posting but write-offs (those give up a recovery, not add cost)."""
    return sum(c.amount_minor for c in costs if c.kind != WRITE_OFF)


def cost_per_claim(cost_minor: int, claims: int) -> int | None:
    """Cost per claim: what the claims opened cost (write-offs left out) ÷ how many were
    opened, rounded down to a minor unit; None for no claims."""
    return cost_minor // claims if claims else None


def supplier_recovery_rate(settled_minor: int, recoverable_minor: int) -> float | None:
    """Supplier recovery rate: what suppliers settled ÷ what their terms made recoverable, in
    per cent."""
    return None if recoverable_minor <= 0 else rate(settled_minor, recoverable_minor)


def cost_recovery(recovered_minor: int, cost_minor: int) -> float | None:
    """Cost recovery: what suppliers settled ÷ what the claims cost, in per cent."""
    return None if cost_minor <= 0 else rate(recovered_minor, cost_minor)
