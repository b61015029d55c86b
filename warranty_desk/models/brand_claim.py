"""Claims lodged with the brand, and the settlements that pay them back."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warranty_desk.models.base import Base, money, timestamp, uuid_pk


class BrandClaim(Base):
    """The shop's claim to the manufacturer for a customer claim."""

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

    settlements: Mapped[list[Settlement]] = relationship(back_populates="brand_claim")


class Settlement(Base):
    """Money (or a credit note) received from the brand."""

    __tablename__ = "settlements"

    id: Mapped[uuid_pk]
    brand_claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brand_claims.id"), index=True)
    amount_minor: Mapped[money]
    reference: Mapped[str] = mapped_column(String(64), default="")
    settled_on: Mapped[date]

    brand_claim: Mapped[BrandClaim] = relationship(back_populates="settlements")
