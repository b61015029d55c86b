"""Claims lodged with a brand or supplier (one or many customer claims), their status updates
and the settlements that pay them back."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warranty_desk.models.base import Base, money, timestamp, uuid_pk


class BrandClaim(Base):
    """The shop's claim to a brand or supplier: a batch RMA over one or many customer claims.

    `claim_id` is the customer claim it was opened with (a column from before batches, kept
    because rebuilding the table would trip the settlements pointing at it); every claim in
    the brand claim, that one included, is a BrandClaimItem.
    """

    __tablename__ = "brand_claims"

    id: Mapped[uuid_pk]
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), index=True)
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brands.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(64), default="")
    service_centre: Mapped[str] = mapped_column(String(300), default="")
    external_status: Mapped[str] = mapped_column(String(40), default="submitted")
    claimed_minor: Mapped[money]
    submitted_at: Mapped[timestamp]
    updated_at: Mapped[datetime | None]
    # Null only on brand claims made before 0016 (one per customer claim, no number).
    number: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    supplier: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # pending | approved | rejected: the brand's answer, apart from where the unit is.
    approval: Mapped[str] = mapped_column(String(12), default="pending",
                                          server_default="pending")
    # Columns added to an existing table carry no foreign key: SQLite adds one only by
    # rebuilding the table, which the settlements pointing at it forbid. Staff ids, checked
    # by the services that write them.
    created_by_id: Mapped[uuid.UUID | None]
    # What the shop gave up on (a manager's write-off), also posted as write_off costs.
    written_off_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Set when settlements and write-offs cover what was expected: nothing more to chase.
    closed_at: Mapped[datetime | None]

    settlements: Mapped[list[Settlement]] = relationship(back_populates="brand_claim")


class BrandClaimItem(Base):
    """One customer claim (and its faulty unit) inside a brand claim."""

    __tablename__ = "brand_claim_items"
    __table_args__ = (UniqueConstraint("brand_claim_id", "claim_id"),)

    id: Mapped[uuid_pk]
    brand_claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brand_claims.id"), index=True)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), index=True)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    added_at: Mapped[timestamp]


class BrandStatusUpdate(Base):
    """One status the brand gave, as entered: by whom, when, and from where."""

    __tablename__ = "brand_status_updates"

    id: Mapped[uuid_pk]
    brand_claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brand_claims.id"), index=True)
    status: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(40), default="")
    # desk | csv | head_office
    source: Mapped[str] = mapped_column(String(12))
    entered_by: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    # The file name and row, or the inbox item id, the update came from.
    origin: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[timestamp]


class Settlement(Base):
    """Money (or a credit note) received from the brand."""

    __tablename__ = "settlements"

    id: Mapped[uuid_pk]
    brand_claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brand_claims.id"), index=True)
    amount_minor: Mapped[money]
    reference: Mapped[str] = mapped_column(String(64), default="")
    settled_on: Mapped[date]
    # payment | credit_note
    kind: Mapped[str] = mapped_column(String(12), default="payment", server_default="payment")
    # Why the settlements end up differing from what was expected, when they do.
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Staff ids without a foreign key, like BrandClaim.created_by_id.
    recorded_by_id: Mapped[uuid.UUID | None]
    # The manager who agreed to a difference above the limit.
    agreed_by_id: Mapped[uuid.UUID | None]
    recorded_at: Mapped[datetime | None]

    brand_claim: Mapped[BrandClaim] = relationship(back_populates="settlements")


class SupplierTerms(Base):
    """What a supplier pays back under warranty, for how long, and when a claim goes stale."""

    __tablename__ = "supplier_terms"

    id: Mapped[uuid_pk]
    supplier: Mapped[str] = mapped_column(String(200), unique=True)
    parts: Mapped[bool] = mapped_column(default=True)
    labour: Mapped[bool] = mapped_column(default=True)
    replacement: Mapped[bool] = mapped_column(default=True)
    shipping: Mapped[bool] = mapped_column(default=False)
    # sale | claim: the day the window counts from.
    window_from: Mapped[str] = mapped_column(String(8), default="sale")
    window_days: Mapped[int] = mapped_column(default=365)
    stale_after_days: Mapped[int] = mapped_column(default=14)
    # The packet's column layout: a profile name in resources/brand_packets/.
    packet_profile: Mapped[str] = mapped_column(String(40), default="generic")
    service_centre: Mapped[str] = mapped_column(String(300), default="")
