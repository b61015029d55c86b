"""What a supplier pays back: recoverable cost kinds, the claim window, staleness, and whether a
settlement differs enough from what was expected to need a reason or a manager. Pure rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# The cost kinds a supplier's terms can cover; refunds and write-offs are the shop's own.
RECOVERABLE_KINDS = ("parts", "labour", "replacement", "shipping")
WINDOW_FROM = ("sale", "claim")
# A supplier with no terms on record: parts, labour and a replacement unit for a year from the
# sale, the usual manufacturer's warranty; stale after two weeks without news.
DEFAULT_WINDOW_DAYS = 365
DEFAULT_STALE_DAYS = 14
# A settlement total more than this far (minor units) from what was expected needs a manager;
# below it finance records the difference with a reason. £50 is a part or an hour of labour.
DIFFERENCE_LIMIT_MINOR = 5_000


@dataclass(frozen=True, slots=True)
class Terms:
    """One supplier's warranty terms, as the rules read them."""

    kinds: frozenset[str] = frozenset({"parts", "labour", "replacement"})
    window_from: str = "sale"
    window_days: int = DEFAULT_WINDOW_DAYS
    stale_after_days: int = DEFAULT_STALE_DAYS


@dataclass(frozen=True, slots=True)
class Posting:
    """A cost posted on a claim: its kind, amount, and whether it may be claimed back."""

    kind: str
    amount_minor: int
    recoverable: bool


@dataclass(frozen=True, slots=True)
class ClaimRecovery:
    """What one customer claim adds to a brand claim, and why it adds nothing when it does not."""

    expected_minor: int
    outside_window: str | None  # the reason nothing is recoverable, or None


def window_start(terms: Terms, sold_on: date | None, opened_on: date) -> date | None:
    """The day the supplier's claim window counts from; None when the sale day is unknown."""
    return opened_on if terms.window_from == "claim" else sold_on


def claim_recovery(terms: Terms, postings: Iterable[Posting], *, sold_on: date | None,
                   opened_on: date, lodged_on: date) -> ClaimRecovery:
    """The amount a supplier owes for one claim's costs under its terms."""
    start = window_start(terms, sold_on, opened_on)
    if start is None:
        return ClaimRecovery(0, "the sale day is not on record, so the supplier's window "
                                "from the sale cannot be shown")
    late = (lodged_on - start).days - terms.window_days
    if late > 0:
        return ClaimRecovery(0, f"lodged {late} days after the supplier's "
                                f"{terms.window_days}-day window from the {terms.window_from}")
    return ClaimRecovery(sum(p.amount_minor for p in postings
                             if p.recoverable and p.kind in terms.kinds), None)


def is_stale(last_moved_on: date, today: date, terms: Terms) -> bool:
    """Whether an open brand claim's status has not moved for longer than the supplier allows."""
    return (today - last_moved_on).days > terms.stale_after_days


@dataclass(frozen=True, slots=True)
class SettlementCheck:
    """What a settlement needs before it may be recorded."""

    difference_minor: int  # settled in total minus expected, once this one is counted
    needs_reason: bool
    needs_manager: bool


def check_settlement(expected_minor: int, settled_before_minor: int, amount_minor: int, *,
                     final: bool, limit_minor: int = DIFFERENCE_LIMIT_MINOR) -> SettlementCheck:
    """A part payment that stays within what was expected needs nothing; the final one (or any
    that goes past the expected amount) needs a reason when the total differs, and a manager
    when it differs by more than the limit."""
    total = settled_before_minor + amount_minor
    difference = total - expected_minor
    differs = difference != 0 if final else difference > 0
    return SettlementCheck(difference, differs, differs and abs(difference) > limit_minor)


def split_by_weight(total: int, weights: list[int]) -> list[int]:
    """Split a whole amount by weights (equally when none weigh); the last takes what rounding
    leaves, so the shares add up to the total. How a brand claim's write-off and settlements
    are shared among its claims: by what each claim was expected to bring back."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    shares = [total * w // whole for w in weights[:-1]]
    return [*shares, total - sum(shares)]
