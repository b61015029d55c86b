"""Which sold units an amount of money paid back, when only one choice of units adds up to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Choices tried before the answer is "cannot tell". An order of a few lines needs a few
# hundred; a pathological one (many lines of many units) is left to a person rather than
# searched for minutes inside an import's transaction.
MAX_STEPS = 100_000


@dataclass(frozen=True, slots=True)
class UnitGroup:
    """Units of one product sold at one price, still under an active warranty."""

    product: str
    price_minor: int
    units: int


def units_refunded(groups: Sequence[UnitGroup], amount_minor: int) -> dict[str, int] | None:
    """How many units of each product the amount paid back, or None when that cannot be told.

    Told only when exactly one count of units per product adds up to the amount to the cent:
    no choice (the refund held shipping or tax) or two (two products at one price) is None.
    One product sold at two prices (a discount split over its units) is one choice whichever
    of its prices adds up. Units sold for nothing pay nothing back and are never chosen.
    """
    paid = [g for g in groups if g.price_minor > 0 and g.units > 0]
    found: set[tuple[tuple[str, int], ...]] = set()
    steps = 0

    def walk(index: int, left: int, chosen: dict[str, int]) -> bool:
        """Try each count of group `index` onwards; False once the search must stop."""
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS or len(found) > 1:
            return False
        if left == 0:
            found.add(tuple(sorted((k, n) for k, n in chosen.items() if n)))
            return len(found) <= 1
        if index == len(paid):
            return True
        group = paid[index]
        for count in range(min(group.units, left // group.price_minor), -1, -1):
            chosen[group.product] = chosen.get(group.product, 0) + count
            going = walk(index + 1, left - count * group.price_minor, chosen)
            chosen[group.product] -= count
            if not going:
                return False
        return True

    if amount_minor <= 0 or not walk(0, amount_minor, {}) or len(found) != 1:
        return None
    return dict(found.pop())
