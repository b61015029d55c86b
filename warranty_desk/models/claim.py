"""Claims and their timeline of events."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warranty_desk.models.base import Base, money, timestamp, uuid_pk


class Claim(Base):
    """A customer's request for warranty service on one unit."""

    __tablename__ = "claims"
    __table_args__ = (Index("ix_claims_state_opened", "state", "opened_at"),)

    id: Mapped[uuid_pk]
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # None when the sale is unknown to the system and proof of purchase was uploaded instead.
    warranty_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warranties.id"), index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("products.id"), index=True)
    serial: Mapped[str | None] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    claim_type: Mapped[str] = mapped_column(String(40), default="fault")
    fault: Mapped[str] = mapped_column(Text)
    accessories: Mapped[str] = mapped_column(Text, default="")
    condition: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="received")
    outcome: Mapped[str | None] = mapped_column(String(10))
    # verified | unverified | not_needed: a claim on an unknown sale starts unverified.
    proof_status: Mapped[str] = mapped_column(String(12), default="not_needed")
    claimed_purchase: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The claim's owner: who answers for it until it closes (set at intake to whoever opened
    # it); the backup takes it over when the owner is away. Either may be None: unowned.
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    backup_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    opened_at: Mapped[timestamp]
    promised_on: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    refund_minor: Mapped[int | None]
    refund_reference: Mapped[str | None] = mapped_column(String(64))
    replacement_serial: Mapped[str | None] = mapped_column(String(64))
    replacement_warranty_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("warranties.id")
    )
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Who started the claim online, as they gave it, when that is not the warranty's holder
    # (a relative, a new owner): the holder stays the customer, the claimant is kept beside.
    claimant_name: Mapped[str | None] = mapped_column(String(200))
    claimant_phone: Mapped[str | None] = mapped_column(String(32))
    # An online return (channel "online"): what the customer asked for (repair, replace,
    # refund), and when the return was approved and its label sent. The unit is awaited
    # until the returns desk scans it in (a return_in stock movement).
    preferred_outcome: Mapped[str | None] = mapped_column(String(10))
    return_approved_at: Mapped[datetime | None]

    events: Mapped[list[ClaimEvent]] = relationship(
        back_populates="claim", order_by="ClaimEvent.at", cascade="all, delete-orphan"
    )


class ClaimEvent(Base):
    """One change in a claim's life: who, when, from, to, why."""

    __tablename__ = "claim_events"
    # Read only through their claim: keyed by it (then by id, time-ordered), with no rowid,
    # a row costs one B-tree entry instead of a row plus two index entries.
    __table_args__ = (PrimaryKeyConstraint("claim_id", "id"), {"sqlite_with_rowid": False})

    id: Mapped[uuid_pk]
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    at: Mapped[timestamp]
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    override_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    cost_minor: Mapped[money]

    claim: Mapped[Claim] = relationship(back_populates="events")
