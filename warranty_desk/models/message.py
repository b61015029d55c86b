"""Messages to customers in plain wording, and their delivery state."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class CustomerMessage(Base):
    """A status or decision message written from a wording template."""

    __tablename__ = "customer_messages"

    id: Mapped[uuid_pk]
    claim_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("claims.id"), index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"), index=True)
    template: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # outbound from the shop, or inbound from the customer through the portal
    direction: Mapped[str] = mapped_column(String(10), default="outbound")
    # queued -> sent -> delivered, or failed
    state: Mapped[str] = mapped_column(String(12), default="queued")
    created_at: Mapped[timestamp]
