"""Stock movements of warranty units: returns in, replacements out, supplier trips, scrap."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class StockMovement(Base):
    """One unit moving in or out of the shop's warranty stock."""

    __tablename__ = "stock_movements"

    id: Mapped[uuid_pk]
    claim_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("claims.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    # Not indexed: movements are read by claim only (migration 0032).
    serial: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    reference: Mapped[str] = mapped_column(String(64), default="")
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[timestamp]
