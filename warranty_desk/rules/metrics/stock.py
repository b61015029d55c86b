"""Return aging: how long faulty units have waited in returns stock for their supplier."""

from __future__ import annotations

from collections.abc import Iterable

# Age bands for units waiting in returns stock: a week is normal, two months is money lost.
AGE_BANDS = ((0, 7, "0–7 days"), (8, 30, "8–30 days"), (31, 60, "31–60 days"),
             (61, None, "over 60 days"))


def age_band(age_days: int) -> int:
    """The index in AGE_BANDS of a wait in days (a negative wait counts as none)."""
    days = max(age_days, 0)
    return next(n for n, (low, high, _) in enumerate(AGE_BANDS)
                if days >= low and (high is None or days <= high))


def return_aging(ages: Iterable[int]) -> list[int]:
    """Return aging: faulty units still waiting in returns stock for their supplier, counted
    per age band (0–7, 8–30, 31–60 and over 60 days since each came in)."""
    return return_aging_counted((age, 1) for age in ages)


def return_aging_counted(ages: Iterable[tuple[int, int]]) -> list[int]:
    """return_aging over waits each given with how many units waited that long."""
    counts = [0] * len(AGE_BANDS)
    for age, units in ages:
        counts[age_band(age)] += units
    return counts
