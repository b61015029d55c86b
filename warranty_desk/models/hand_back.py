"""A unit handed back to the customer: what, by whom, to whom, and how they confirmed it."""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class HandBack(Base):
    """The one hand-back of a claim's unit (repaired, returned unrepaired, or its replacement)."""

    __tablename__ = "hand_backs"

    id: Mapped[uuid_pk]
    # One per claim: a unit handed back is gone from the shop and cannot go twice.
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), unique=True)
    # The receipt number the customer signs, printed on the handover receipt.
    number: Mapped[str] = mapped_column(String(32), unique=True)
    unit: Mapped[str] = mapped_column(String(12))  # unit | replacement
    serial: Mapped[str | None] = mapped_column(String(64))
    accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Taken in at intake and not handed back with the unit, said out loud on the receipt.
    accessories_missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    condition: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    # Names as they were that day: a staff member renamed later did not hand it over twice.
    staff_name: Mapped[str] = mapped_column(String(200))
    collected_by: Mapped[str] = mapped_column(String(200))
    # "" when the customer on file collected; else how the named person proved they may.
    on_behalf_proof: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[timestamp]
    confirmation: Mapped[str] = mapped_column(String(10))  # signature | paper
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
