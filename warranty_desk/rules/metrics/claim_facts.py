"""Claim figures from claims counted in alike groups: shop days instead of instants, a weight
instead of one row each, so SQL can count 40,000 claims into a few thousand rows.

Each function here gives exactly what its namesake in rules.metrics.claims gives over the
claims the facts were made from (tests/unit/metrics/test_claim_facts.py checks it over many
generated claims). The day forms are exact: a shop day ends at its last instant, so "opened by
the end of day D" is "opened on D or before" and "closed after it" is "closed on a later day".
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from warranty_desk.rules.claim_states import OPEN_STATES, ClaimState
from warranty_desk.rules.metrics.claims import Completion, ReplacementTime, completion_of
from warranty_desk.rules.metrics.periods import local_day, week_ends, week_of, weeks_from
from warranty_desk.rules.metrics.rows import ClaimRow


@dataclass(frozen=True, slots=True)
class ClaimFact:
    """Claims alike in everything the claim figures read, and how many they are."""

    opened_on: date  # the shop day it was opened
    state: str
    closed_on: date | None = None  # the shop day of closed_at, None while it has none
    outcome: str | None = None
    on_time: bool = False  # closed, and closed by the day promised to the customer
    handed_on: date | None = None  # the shop day a replacement was first handed over
    rejected: bool = False  # rejected at least once, or rejected now
    reopened: bool = False
    group: str = ""  # the value of the field compared by, when the facts are split
    count: int = 1


def fact_of(claim: ClaimRow, zone: ZoneInfo, group: str = "") -> ClaimFact:
    """One claim as a fact of weight one."""
    return ClaimFact(
        local_day(claim.opened_at, zone), claim.state,
        None if claim.closed_at is None else local_day(claim.closed_at, zone), claim.outcome,
        bool(completion_of(claim, zone).on_time),
        None if claim.handed_over_at is None else local_day(claim.handed_over_at, zone),
        claim.rejected_before or claim.state == ClaimState.REJECTED.value, claim.reopened,
        group)


def facts_of(claims: Iterable[ClaimRow], zone: ZoneInfo, by: str | None = None
             ) -> list[ClaimFact]:
    """Claims counted into alike facts (grouped by the field `by` too, when given): what SQL
    does for the dashboard, done here on rows."""
    counted = Counter(fact_of(c, zone, c.dims.get(by, "") if by else "") for c in claims)
    return [ClaimFact(f.opened_on, f.state, f.closed_on, f.outcome, f.on_time, f.handed_on,
                      f.rejected, f.reopened, f.group, n) for f, n in counted.items()]


def opened_within(facts: Iterable[ClaimFact], since: date, until: date) -> list[ClaimFact]:
    """The facts of claims opened on the range's days."""
    return [f for f in facts if since <= f.opened_on <= until]


def closed_within(facts: Iterable[ClaimFact], since: date, until: date) -> list[ClaimFact]:
    """The facts of claims with a closing instant on the range's days."""
    return [f for f in facts if f.closed_on is not None and since <= f.closed_on <= until]


def is_open_on(fact: ClaimFact, day: date) -> bool:
    """Open at the end of a shop day (claims.is_open_at at that day's last instant)."""
    return fact.opened_on <= day and (fact.closed_on is None or fact.closed_on > day)


def open_count_on(facts: Iterable[ClaimFact], day: date) -> int:
    """claims.open_claim_count at the end of a shop day."""
    return sum(f.count for f in facts if is_open_on(f, day))


def volume_by_week(facts: Iterable[ClaimFact], since: date, until: date) -> dict[str, int]:
    """claims.claim_volume_by_week from facts."""
    volume = dict.fromkeys(weeks_from(since, until), 0)
    for f in opened_within(facts, since, until):
        volume[week_of(f.opened_on)] += f.count
    return volume


def open_by_week(facts: Iterable[ClaimFact], since: date, until: date) -> dict[str, int]:
    """claims.open_by_week from facts: open_count_on at each week's last day, in one pass (a
    fact is open on the days from its opening to before its closing, so it adds its count to
    the week ends in that span: a difference array over the sorted week ends)."""
    ends = week_ends(since, until)
    days = list(ends.values())  # ascending
    diff = [0] * (len(days) + 1)
    for f in facts:
        first = bisect_left(days, f.opened_on)
        last = len(days) if f.closed_on is None else bisect_left(days, f.closed_on)
        if first < last:
            diff[first] += f.count
            diff[last] -= f.count
    running, found = 0, {}
    for week, step in zip(ends, diff, strict=False):
        running += step
        found[week] = running
    return found


# An enum member's value is a property: read once, not twice for each of a quarter's facts.
_RESOLVED, _REJECTED = ClaimState.RESOLVED.value, ClaimState.REJECTED.value


def completion(facts: Iterable[ClaimFact]) -> Completion:
    """claims.resolution_completion from facts."""
    found = [0] * 5
    for f in facts:
        found[0] += f.count
        found[1] += f.count * (f.state == _RESOLVED)
        found[2] += f.count * (f.state == _REJECTED)
        found[3] += f.count * (f.state in OPEN_STATES)
        found[4] += f.count * f.on_time
    return Completion(*found)


def counted_median(counts: Mapping[int, int]) -> float | None:
    """periods.median over values each given with how many times it occurs: exact, as the
    middle one (or two) is found by walking the counts in order."""
    total = sum(counts.values())
    if not total:
        return None
    mid = total // 2
    if total % 2:
        return float(_nth(counts, mid))
    return (_nth(counts, mid - 1) + _nth(counts, mid)) / 2


def _nth(counts: Mapping[int, int], index: int) -> int:
    """The value at a position (from 0) of the values laid out in order."""
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if index < seen:
            return value
    raise IndexError(index)


def days_to_resolve(facts: Iterable[ClaimFact]) -> dict[int, int]:
    """How many closed claims took each number of shop days to close (claims.resolution_days)."""
    counts: Counter[int] = Counter()
    for f in facts:
        if f.closed_on is not None and f.state not in OPEN_STATES:
            counts[(f.closed_on - f.opened_on).days] += f.count
    return dict(counts)


def speed(facts: Iterable[ClaimFact]) -> float | None:
    """claims.resolution_speed from facts: the median of the days-to-resolve counts."""
    return counted_median(days_to_resolve(facts))


def counted_mean(counts: Mapping[int, int]) -> float | None:
    """periods.mean over values each given with how many times it occurs."""
    total = sum(counts.values())
    # The same integer sum over the same count as periods.mean divides, so the same float.
    return round(sum(v * n for v, n in counts.items()) / total, 1) if total else None


def replacement(facts: Iterable[ClaimFact]) -> ReplacementTime:
    """claims.replacement_time from facts."""
    decide: Counter[int] = Counter()
    hand: Counter[int] = Counter()
    for f in facts:
        if f.outcome != "replace" or f.closed_on is None:
            continue
        decide[(f.closed_on - f.opened_on).days] += f.count
        if f.handed_on is not None:
            hand[(f.handed_on - f.opened_on).days] += f.count
    return ReplacementTime(sum(decide.values()), counted_mean(decide), sum(hand.values()),
                           counted_mean(hand), max(hand) if hand else None)


def judged(facts: Iterable[ClaimFact]) -> tuple[int, int, int]:
    """For the trust score: claims, those rejected at least once, those reopened."""
    found = [0, 0, 0]
    for f in facts:
        found[0] += f.count
        found[1] += f.count * f.rejected
        found[2] += f.count * f.reopened
    return found[0], found[1], found[2]
