"""Messages to customers in plain wording, and their delivery state."""

from __future__ import annotations

import uuid
from datetime import datetime

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
    # queued -> sending -> sent (then delivered or bounced), or failed; "interrupted" when the
    # till stopped mid-send and nobody knows whether the server took it (a person decides).
    state: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    created_at: Mapped[timestamp]
    # "" until a channel takes it: email (the till's own SMTP), head_office, or letter.
    channel: Mapped[str] = mapped_column(String(12), default="", server_default="")
    # The mail server's answer to the message (its queue id), or head office's id.
    server_id: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Why it failed, bounced or was interrupted, in plain words.
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    state_at: Mapped[datetime | None]
