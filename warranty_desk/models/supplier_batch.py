"""Batches of faulty units sent together to a supplier, and what came back."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk

BATCH_STATES = ("open", "sent", "back")


class SupplierBatch(Base):
    """One parcel of faulty units for a supplier: packed (open), sent, then back.

    The units' stock movements carry the batch number as their reference; the packing list
    below says which claims' units go in the parcel before any of them has moved.
    """

    __tablename__ = "supplier_batches"

    id: Mapped[uuid_pk]
    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(8), default="open", index=True)
    # Claim numbers, in the order they were packed.
    claim_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Claim number -> what the supplier did with the unit (returned, credited, scrapped).
    outcomes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[timestamp]
    sent_at: Mapped[datetime | None]
    back_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
