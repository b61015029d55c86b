"""Claim metrics: how many are open, how many come in, how fast and how completely they end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from warranty_desk.rules.claim_states import OPEN_STATES, ClaimState
from warranty_desk.rules.metrics.periods import (
    days_between,
    in_days,
    local_day,
    mean,
    median,
    rate,
    week_ends,
    week_of,
    weeks_from,
)
from warranty_desk.rules.metrics.rows import ClaimRow


def is_open_at(claim: ClaimRow, at: datetime) -> bool:
    """Open at an instant: opened by then and not closed by then."""
    return claim.opened_at <= at and (claim.closed_at is None or claim.closed_at > at)


def open_claim_count(claims: Iterable[ClaimRow], at: datetime) -> int:
    """Open claim count: claims opened at or before an instant and not closed by it (the
    dashboard takes the range's last instant)."""
    return sum(is_open_at(c, at) for c in claims)


def claim_volume_by_week(claims: Iterable[ClaimRow], zone: ZoneInfo, since: date,
                         until: date) -> dict[str, int]:
    """Claim volume: claims opened on each ISO week's shop days within the range (0 for none)."""
    volume = dict.fromkeys(weeks_from(since, until), 0)
    for c in claims:
        if in_days(c.opened_at, zone, since, until):
            volume[week_of(local_day(c.opened_at, zone))] += 1
    return volume


def open_by_week(claims: Iterable[ClaimRow], zone: ZoneInfo, since: date,
                 until: date) -> dict[str, int]:
    """Open claims at the end of each week's last shop day in the range."""
    rows = list(claims)
    found: dict[str, int] = {}
    for week, last in week_ends(since, until).items():
        end = datetime.combine(last, datetime.max.time(), zone)
        found[week] = open_claim_count(rows, end)
    return found


@dataclass(frozen=True, slots=True)
class Completion:
    """Claims opened in a range and how they ended (resolution completion)."""

    opened: int = 0
    resolved: int = 0
    rejected: int = 0
    still_open: int = 0
    on_time: int = 0  # closed by the day promised to the customer

    @property
    def closed(self) -> int:
        return self.resolved + self.rejected

    @property
    def completion(self) -> float | None:
        """Resolution completion: resolved and rejected ÷ opened, in per cent."""
        return rate(self.closed, self.opened)

    @property
    def on_time_rate(self) -> float | None:
        """Closed by the promised day ÷ closed, in per cent."""
        return rate(self.on_time, self.closed)

    def __add__(self, other: Completion) -> Completion:
        return Completion(self.opened + other.opened, self.resolved + other.resolved,
                          self.rejected + other.rejected, self.still_open + other.still_open,
                          self.on_time + other.on_time)


def completion_of(claim: ClaimRow, zone: ZoneInfo) -> Completion:
    """One claim's part in resolution completion."""
    closed = claim.state not in OPEN_STATES
    on_time = (closed and claim.closed_at is not None and claim.promised_on is not None
               and local_day(claim.closed_at, zone) <= claim.promised_on)
    return Completion(1, int(claim.state == ClaimState.RESOLVED.value),
                      int(claim.state == ClaimState.REJECTED.value),
                      int(claim.state in OPEN_STATES), int(on_time))


def resolution_completion(claims: Iterable[ClaimRow], zone: ZoneInfo) -> Completion:
    """Resolution completion: claims resolved or rejected ÷ claims opened, in per cent, with
    those still open and those closed by the day promised to the customer counted beside."""
    total = Completion()
    for c in claims:
        total += completion_of(c, zone)
    return total


def resolution_days(claim: ClaimRow, zone: ZoneInfo) -> int | None:
    """Shop calendar days from the day a claim was opened to the day it closed."""
    if claim.closed_at is None or claim.state in OPEN_STATES:
        return None
    return days_between(claim.opened_at, claim.closed_at, zone)


def resolution_speed(claims: Iterable[ClaimRow], zone: ZoneInfo) -> float | None:
    """Resolution speed: the median shop days from opening to closing over the closed claims."""
    found = [d for c in claims if (d := resolution_days(c, zone)) is not None]
    return median(found)


@dataclass(frozen=True, slots=True)
class ReplacementTime:
    """Replacements decided: how long to the decision and to the unit in the customer's hands."""

    replacements: int
    days_to_decision: float | None  # mean shop days
    handed_over: int
    days_to_hand_over: float | None  # mean shop days over those handed over
    longest: int | None  # the longest wait to a hand-over, in days


def replacement_time(claims: Iterable[ClaimRow], zone: ZoneInfo) -> ReplacementTime:
    """Replacement time: mean shop days from opening a claim later replaced to its decision,
    and to the replacement handed over (only those handed over count towards the second)."""
    to_decide: list[int] = []
    to_hand: list[int] = []
    for c in claims:
        if c.outcome != "replace" or c.closed_at is None:
            continue
        to_decide.append(days_between(c.opened_at, c.closed_at, zone))
        if c.handed_over_at is not None:
            to_hand.append(days_between(c.opened_at, c.handed_over_at, zone))
    return ReplacementTime(len(to_decide), mean(to_decide), len(to_hand), mean(to_hand),
                           max(to_hand) if to_hand else None)
