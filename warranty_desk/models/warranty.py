"""Warranties: one sold unit's cover, its layers, and the extension offers made for it."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, PrimaryKeyConstraint, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warranty_desk.models.base import Base, UUIDBlob, money, timestamp, uuid_pk


class WarrantyStatus(enum.StrEnum):
    """Whether the warranty stands; expiry is computed from dates, never stored."""

    ACTIVE = "active"
    VOID = "void"


class Warranty(Base):
    """One sold unit's coverage. Start and end are stored at sale and never re-derived."""

    __tablename__ = "warranties"
    # A third of units have no serial, a few no customer: each index holds only the rows with
    # a value. Every lookup compares with a value, which tells SQLite it may use them.
    __table_args__ = (Index("ix_warranties_serial", "serial",
                            sqlite_where=text("serial IS NOT NULL")),
                      Index("ix_warranties_customer_id", "customer_id",
                            sqlite_where=text("customer_id IS NOT NULL")))

    id: Mapped[uuid_pk]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    invoice_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoice_lines.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"))
    serial: Mapped[str | None] = mapped_column(String(64))
    start_on: Mapped[date]
    end_on: Mapped[date]
    status: Mapped[WarrantyStatus] = mapped_column(
        Enum(WarrantyStatus, native_enum=False, length=10,
             values_callable=lambda e: [m.value for m in e]),
        default=WarrantyStatus.ACTIVE,
    )
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None]
    # Sold online under a policy whose cover starts on delivery, and not delivered yet: the
    # stored dates and layers are those planned from the order date, kept only for the terms'
    # length; nothing may report them as cover until delivery lays them again.
    awaits_delivery: Mapped[bool] = mapped_column(default=False, server_default="0")
    delivered_on: Mapped[date | None]
    # A replacement unit carries the cover of the unit it replaced.
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warranties.id"))
    created_at: Mapped[timestamp]

    layers: Mapped[list[WarrantyLayer]] = relationship(
        back_populates="warranty", order_by="WarrantyLayer.start_on", cascade="all, delete-orphan"
    )


class WarrantyLayer(Base):
    """A span of cover by one party: manufacturer, shop or a paid extension."""

    __tablename__ = "warranty_layers"
    # Read only through their warranty: keyed by it, with no id of their own and no rowid,
    # a layer costs one B-tree entry instead of a row plus two index entries.
    __table_args__ = ({"sqlite_with_rowid": False},)

    warranty_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warranties.id"), primary_key=True)
    start_on: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    end_on: Mapped[date]
    extension_plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("extension_plans.id"))
    price_minor: Mapped[money]

    warranty: Mapped[Warranty] = relationship(back_populates="layers")


class ExtensionOffer(Base):
    """An extension offered for a unit: sold or declined, and who offered it."""

    __tablename__ = "extension_offers"
    # Read only through their warranty: keyed by it (then by id, time-ordered), with no rowid,
    # a row costs one B-tree entry instead of a row plus two index entries.
    # The dashboard counts a range's offers taken and declined, of a filter's products, from
    # the index on when alone.
    __table_args__ = (PrimaryKeyConstraint("warranty_id", "id"),
                      Index("ix_extension_offers_at", "at", "accepted", "product_id"),
                      {"sqlite_with_rowid": False})

    id: Mapped[uuid_pk]
    warranty_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warranties.id"), primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("extension_plans.id"))
    accepted: Mapped[bool]
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[timestamp]
    # The warranty's product, kept so by triggers (storage/rollups.py) when a writer leaves
    # it out: a roll-up column, with no foreign key of its own (the warranty's holds).
    product_id: Mapped[uuid.UUID | None] = mapped_column(UUIDBlob)
