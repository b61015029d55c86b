"""How many claims a unit has used against its claim limit in a rolling window."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from warranty_desk.rules.dates import add_months


@dataclass(frozen=True, slots=True)
class ClaimLimitStatus:
    """Claims used since ``window_start`` against the limit (None: no limit)."""

    used: int
    limit: int | None
    period_months: int
    exceeded: bool
    window_start: date
    message: str


def _period_words(months: int) -> str:
    return "month" if months == 1 else f"{months} months"


def claim_limit_status(
    limit: int | None, period_months: int, earlier_claim_dates: Sequence[date], today: date
) -> ClaimLimitStatus:
    """Return how much of the claim limit is used; ``exceeded`` means a new claim would go over."""
    if period_months < 1:
        raise ValueError(f"a claim limit period needs at least one month, got {period_months}")
    if limit is not None and limit < 0:
        raise ValueError(f"a claim limit cannot be negative, got {limit}")
    window_start = add_months(today, -period_months)
    # A claim dated after today still counts: it exists (another till's clock, or a claim
    # opened late in the evening west of UTC), and leaving it out would let a unit past its
    # limit.
    used = sum(1 for day in earlier_claim_dates if window_start < day)
    if limit is None:
        return ClaimLimitStatus(used, None, period_months, False, window_start, "No claim limit.")
    exceeded = used >= limit
    noun = "claim" if limit == 1 else "claims"
    message = f"{used} of {limit} {noun} used in the last {_period_words(period_months)}"
    message += ": a new claim needs a manager override." if exceeded else "."
    return ClaimLimitStatus(used, limit, period_months, exceeded, window_start, message)
