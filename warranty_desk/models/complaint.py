"""Complaints: a customer's dissatisfaction, logged so nobody forgets it and the CRM hears it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk

COMPLAINT_CHANNELS = ("counter", "phone", "email", "portal")


class Complaint(Base):
    """One complaint, optionally about a claim; open until someone writes how it was settled."""

    __tablename__ = "complaints"

    id: Mapped[uuid_pk]
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    claim_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("claims.id"))
    channel: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    logged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    logged_by: Mapped[str] = mapped_column(String(200), default="")
    logged_at: Mapped[timestamp]
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str] = mapped_column(Text, default="")
