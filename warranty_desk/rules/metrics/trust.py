"""The customer trust score: do customers come back after a claim, and are claims judged right."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from warranty_desk.rules.metrics.periods import local_day, rate
from warranty_desk.rules.metrics.rows import ClaimRow, SoldRow


@dataclass(frozen=True, slots=True)
class Trust:
    """The parts of the trust score and the score itself."""

    claimants: int  # customers on record with a claim among those given
    came_back: int  # of them, those who bought again after the day of their first claim
    claims: int
    rejected: int  # claims rejected at least once (reopened or not)
    reopened: int  # claims reopened after a rejection

    @property
    def repeat_rate(self) -> float | None:
        """Repeat purchases after a claim, in per cent of claimants."""
        return rate(self.came_back, self.claimants)

    @property
    def rejected_rate(self) -> float | None:
        return rate(self.rejected, self.claims)

    @property
    def reopened_rate(self) -> float | None:
        return rate(self.reopened, self.claims)

    @property
    def score(self) -> float | None:
        """The mean of the repeat rate and the share of claims neither rejected nor reopened
        (0 to 100); None with no claims. Without claimants on record only the second counts."""
        if not self.claims:
            return None
        # A reopened claim was rejected first, so `rejected` already counts it.
        judged_right = 100.0 * (self.claims - self.rejected) / self.claims
        repeat = self.repeat_rate
        return round(judged_right if repeat is None else (repeat + judged_right) / 2, 1)


def first_claims(claims: Iterable[ClaimRow], zone: ZoneInfo) -> dict[str, date]:
    """Each customer on record with the shop day of their first claim among those given."""
    first: dict[str, date] = {}
    for c in claims:
        if c.customer is not None:
            day = local_day(c.opened_at, zone)
            first[c.customer] = min(day, first.get(c.customer, day))
    return first


def trust_of(first: Mapping[str, date], sold: Iterable[SoldRow],
             judged: tuple[int, int, int]) -> Trust:
    """The trust score from each claimant's first claim day, the warranties sold, and the
    claims with those rejected at least once and those reopened (counted apart, so the claims
    may come counted in SQL)."""
    back = {s.customer for s in sold if s.customer is not None and not s.void
            and s.customer in first and s.sold_on > first[s.customer]}
    return Trust(len(first), len(back), *judged)


def trust_score(claims: Iterable[ClaimRow], sold: Iterable[SoldRow], zone: ZoneInfo) -> Trust:
    """Customer trust score: the mean of (customers who bought again after the day of their
    first claim ÷ customers who claimed) and (claims never rejected ÷ claims), in per cent."""
    rows = list(claims)
    return trust_of(first_claims(rows, zone), sold,
                    (len(rows), sum(c.rejected_before or c.state == "rejected" for c in rows),
                     sum(c.reopened for c in rows)))
