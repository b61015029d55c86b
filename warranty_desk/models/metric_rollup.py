"""The dashboard's roll-ups: each claim as the figures read it, warranties sold per day, and
what each customer bought per day (the trust score asks who bought again after a claim), and
the warranties' spans per product (units under warranty, for the patterns); what each brand
claim's suppliers owe and settled per claim.

Kept by SQLite triggers (warranty_desk/storage/rollups.py) in the same transaction as every
write to the rows they come from, whichever code or tool makes it; never written by services.
The recovery roll-up is the exception: a supplier's terms are rules SQL cannot run, so the
triggers only mark a brand claim stale (RecoveryStale) and the services work its rows out
again (services/recovery_rollup.py), reading any still stale from the rows meanwhile.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, LargeBinary, PrimaryKeyConstraint, String, text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, UTCDateTime, UUIDBlob

# The claims whose unit's last returns movement brought it in (storage/rollups.RETURNS_KINDS'
# first), as SQL with the kind written out: SQLite uses a partial index only for a query whose
# own text implies its condition, which a bound parameter does not.
WAITING_ONLY = "returns_kind = 'return_in'"


class CostSums:
    """A claim's costs summed per kind (a roll-up row's columns, declared once)."""

    cost_labour: Mapped[int] = mapped_column(BigInteger)
    cost_parts: Mapped[int] = mapped_column(BigInteger)
    cost_replacement: Mapped[int] = mapped_column(BigInteger)
    cost_refund: Mapped[int] = mapped_column(BigInteger)
    cost_shipping: Mapped[int] = mapped_column(BigInteger)
    cost_write_off: Mapped[int] = mapped_column(BigInteger)
    cost_other: Mapped[int] = mapped_column(BigInteger)  # any kind not named above


class ClaimRollup(CostSums, Base):
    """One claim with what the dashboard's claim figures and filters read, and its costs
    summed per kind: one narrow row where the claim, its events, costs and sale are four
    tables. Instants stay UTC (the shop's zone may change; its days are worked out on reading)."""

    __tablename__ = "claim_rollups"
    __table_args__ = (
        # With the customer, their claim before and next day of buying: the trust score's
        # claimants are read from the index alone (storage/claimants.py).
        Index("ix_claim_rollups_opened_customer", "opened_at", "customer_id", "prev_opened_at",
              "next_sale_on"),
        Index("ix_claim_rollups_closed_at", "closed_at"),
        # The units in returns stock (of a filter's products) with when they came, and their
        # claim's when, for a filter's (the claims touching the range): read from the index
        # alone. Only the units brought in are read (services/rollup_reads._waiting), so only
        # those are in it: a quarter of the claims.
        Index("ix_claim_rollups_returns_kind", "returns_kind", "product_id", "returns_at",
              "opened_at", "closed_at", sqlite_where=text(WAITING_ONLY)),
        # A filter's claims by their product or staff member (services/metric_rows.keyed),
        # the first with what a filter's claims counted, the trust score's claimants and a
        # filter's claim ids read.
        Index("ix_claim_rollups_product_opened", "product_id", "opened_at", "closed_at",
              "customer_id", "claim_id"),
        Index("ix_claim_rollups_staff_opened", "staff_id", "opened_at"),
        # The refunds decided in a range.
        Index("ix_claim_rollups_outcome_closed", "outcome", "closed_at"),
    )

    claim_id: Mapped[uuid.UUID] = mapped_column(UUIDBlob, primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(10))
    promised_on: Mapped[date | None]
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first hand-over
    rejected_event: Mapped[bool]  # an event took it to rejected (it may be reopened since)
    reopened: Mapped[bool]
    product_id: Mapped[uuid.UUID | None] = mapped_column(UUIDBlob)
    branch_code: Mapped[str | None] = mapped_column(String(6))  # the sale's; None: no sale
    staff_id: Mapped[uuid.UUID | None] = mapped_column(UUIDBlob)  # who opened it
    customer_id: Mapped[uuid.UUID | None] = mapped_column(UUIDBlob)
    # The unit's last movement in or out of returns stock (returns.py's kinds), and when.
    returns_kind: Mapped[str | None] = mapped_column(String(20))
    returns_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The customer's claim before this one was opened then (None: none), and the customer's
    # first shop day of buying after this claim's (kept by storage/claimants.py).
    prev_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_sale_on: Mapped[date | None]
    # A refunded claim's amount, the price paid for the unit, and who approved it (None for
    # any other outcome; kept by storage/refund_facts.py).
    refund_minor: Mapped[int | None] = mapped_column(BigInteger)
    refund_paid: Mapped[int | None] = mapped_column(BigInteger)
    refund_by: Mapped[uuid.UUID | None] = mapped_column(UUIDBlob)


class SaleRollup(Base):
    """How many warranties were sold on a day, per product, branch, staff member, serial
    missing and void. A group whose warranties all moved away keeps a count of 0."""

    __tablename__ = "sale_rollups"
    __table_args__ = (
        PrimaryKeyConstraint("sold_on", "product_id", "branch_code", "staff_key", "gap", "void"),
        {"sqlite_with_rowid": False},
    )

    sold_on: Mapped[date]
    product_id: Mapped[uuid.UUID] = mapped_column(UUIDBlob)
    branch_code: Mapped[str] = mapped_column(String(6))
    # The sale's staff id, or empty bytes for none (a key column cannot be NULL and still
    # keep one row per group).
    staff_key: Mapped[bytes] = mapped_column(LargeBinary)
    gap: Mapped[bool]  # the serial is blank
    void: Mapped[bool]
    count: Mapped[int]


class CustomerSaleDay(Base):
    """How many warranties, not void, a customer bought on a day."""

    __tablename__ = "customer_sale_days"
    __table_args__ = (PrimaryKeyConstraint("customer_id", "sold_on"), {"sqlite_with_rowid": False})

    customer_id: Mapped[uuid.UUID] = mapped_column(UUIDBlob)
    sold_on: Mapped[date]
    count: Mapped[int]


class WarrantySpan(Base):
    """How many warranties of a product, not void, run from one day to another: the patterns
    count units under warranty per model from these instead of from every warranty."""

    __tablename__ = "warranty_spans"
    __table_args__ = (PrimaryKeyConstraint("product_id", "start_on", "end_on"),
                      {"sqlite_with_rowid": False})

    product_id: Mapped[uuid.UUID] = mapped_column(UUIDBlob)
    start_on: Mapped[date]
    end_on: Mapped[date]
    count: Mapped[int]


class RecoveryRollup(Base):
    """One claim in one brand claim: what its supplier's terms make recoverable and its share of
    what the brand claim settled (rules.recovery, split by weight over the brand claim's
    claims), with the claim's opening instant so a range is one index read."""

    __tablename__ = "recovery_rollups"
    __table_args__ = (
        PrimaryKeyConstraint("brand_claim_id", "claim_id"),
        Index("ix_recovery_rollups_opened_at", "opened_at"),
        {"sqlite_with_rowid": False},
    )

    brand_claim_id: Mapped[uuid.UUID] = mapped_column(UUIDBlob)
    claim_id: Mapped[uuid.UUID] = mapped_column(UUIDBlob)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expected_minor: Mapped[int] = mapped_column(BigInteger)
    settled_minor: Mapped[int] = mapped_column(BigInteger)


class RecoveryStale(Base):
    """A brand claim whose recovery rows no longer hold: something they come from changed."""

    __tablename__ = "recovery_stale"
    __table_args__ = ({"sqlite_with_rowid": False},)

    brand_claim_id: Mapped[uuid.UUID] = mapped_column(UUIDBlob, primary_key=True)


class ClaimFactDay(CostSums, Base):
    """How many claims are alike in everything the claim figures read, by shop day, with their
    costs summed per kind (the dashboard's ClaimFact and costs, kept for the whole shop by
    triggers on claim_rollups: storage/fact_days.py). '' stands for no day or no outcome; the
    hand-over day is kept for replacements only; rejected and reopened say whether it ever
    was. A group whose claims all moved on keeps a count of 0."""

    __tablename__ = "claim_fact_days"
    __table_args__ = (
        PrimaryKeyConstraint("opened_on", "closed_on", "state", "outcome", "on_time",
                             "handed_on", "rejected", "reopened"),
        Index("ix_claim_fact_days_closed_on", "closed_on"),
        {"sqlite_with_rowid": False},
    )

    opened_on: Mapped[str] = mapped_column(String(10))
    closed_on: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    on_time: Mapped[bool]
    handed_on: Mapped[str] = mapped_column(String(10))
    rejected: Mapped[bool]
    reopened: Mapped[bool]
    count: Mapped[int]


class ShopZoneChange(Base):
    """From this UTC instant on, the shop's zone is this many seconds ahead of UTC: the
    changes of the zone named in ClaimFactZone, for working out shop days in triggers."""

    __tablename__ = "shop_zone_changes"
    __table_args__ = ({"sqlite_with_rowid": False},)

    at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    offset_seconds: Mapped[int]


class ClaimFactZone(Base):
    """The one zone claim_fact_days and shop_zone_changes were worked out for."""

    __tablename__ = "claim_fact_zone"

    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
