"""The plain rows the metrics read: what a claim, cost, refund, message or sale was, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

# The fields a person may filter by or compare by, in the order the screen offers them.
DIMENSIONS = ("product", "brand", "category", "branch", "supplier", "staff")


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One customer claim as the metrics see it; instants are aware (UTC as stored)."""

    number: str
    opened_at: datetime
    state: str
    closed_at: datetime | None = None
    outcome: str | None = None
    promised_on: date | None = None
    customer: str | None = None  # a stable key for the customer, None when not recorded
    serial: str | None = None
    handed_over_at: datetime | None = None  # first hand-over of a replacement
    reopened: bool = False  # reopened at least once after a rejection
    rejected_before: bool = False  # rejected at least once, even if reopened since
    # The filter fields (DIMENSIONS) with their values for this claim: product, brand ...
    dims: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CostRow:
    """One cost posted on a claim."""

    claim: str  # the claim number
    kind: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class RefundRow:
    """One refund decided on a claim, with what it is checked against."""

    claim: str
    decided_at: datetime
    amount_minor: int
    paid_minor: int | None  # the unit's price on the invoice; None: no sale on record
    approver_role: str | None  # the approver's role in words; None: nobody on record
    approver_limit_minor: int | None  # that role's refund limit; None: no limit
    ledger_minor: int  # the refund cost posted on the claim
    # How many refunds this row stands for (the dashboard counts alike ones in SQL).
    count: int = 1


@dataclass(frozen=True, slots=True)
class SentRow:
    """One thing sent out: a customer message, or an event synced to head office."""

    at: datetime
    state: str  # the message state, or delivered / parked / waiting for a synced event
    claim: str | None = None  # the claim number a message was about
    # How many sent things this row stands for (events are counted per state in SQL).
    count: int = 1


@dataclass(frozen=True, slots=True)
class WaitingUnit:
    """A faulty unit in returns stock waiting for its supplier."""

    claim: str
    age_days: int
    # How many units this row stands for (the dashboard counts alike waits in SQL).
    count: int = 1


@dataclass(frozen=True, slots=True)
class SoldRow:
    """One warranty sold with a unit (one per unit, not per invoice line)."""

    sold_on: date
    serial_required: bool
    serial: str | None
    customer: str | None = None
    code: str = ""  # the warranty's code, to open it
    void: bool = False
    dims: dict[str, str] = field(default_factory=dict)
    # How many warranties this row stands for: the dashboard counts alike ones in SQL, with
    # the newest sale day of the group and one of its serials and codes as examples.
    count: int = 1


@dataclass(frozen=True, slots=True)
class OfferRow:
    """One extension offered at the counter, taken or declined."""

    at: datetime
    accepted: bool
    dims: dict[str, str] = field(default_factory=dict)
    # How many offers this row stands for (the dashboard counts alike ones in SQL).
    count: int = 1


@dataclass(frozen=True, slots=True)
class RecoveryShare:
    """One claim's part of the brand claims it was sent in."""

    claim: str  # the claim number
    brand: str  # the brand claim's brand
    expected_minor: int  # recoverable under the supplier's terms
    settled_minor: int  # its share of what was settled


@dataclass(frozen=True, slots=True)
class MetricRows:
    """Everything the metrics read for one range and set of filters (read by the till from its
    database, by head office from its projections)."""

    zone: ZoneInfo
    since: date
    until: date
    start: datetime  # the first shop day's first instant, UTC
    end: datetime  # the instant after the last shop day, UTC
    claims: tuple[ClaimRow, ...]  # opened before the end and not closed before the start
    costs: tuple[CostRow, ...]  # posted on the claims opened in the range
    sold: tuple[SoldRow, ...]  # warranties sold on the range's days
    offers: tuple[OfferRow, ...]
    messages: tuple[SentRow, ...]  # outbound messages written in the range
    synced: tuple[SentRow, ...]  # events for head office written in the range
    refunds: tuple[RefundRow, ...] = ()  # refunds decided in the range
    # Units in returns stock on the range's last day (with a filter: of the claims above).
    waiting: tuple[WaitingUnit, ...] = ()
    # Per claim opened in the range and sent to a brand: recoverable, and settled so far.
    recovery: tuple[RecoveryShare, ...] = ()
    # The warranties sold come counted in groups (SoldRow.count): the codes behind a sales
    # figure are then read only when asked for (warranty_codes).
    sold_summed: bool = False
    # Customers who claimed in the range and those of them who bought again after their
    # first claim's day, when counted in SQL (metric_facts.load_facts); None: from the rows.
    claimants: tuple[int, int] | None = None

    def opened(self) -> tuple[ClaimRow, ...]:
        """The claims opened in the range."""
        return tuple(c for c in self.claims if self.start <= c.opened_at < self.end)
