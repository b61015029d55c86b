"""Messages to customers in plain wording, and their delivery state."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class CustomerMessage(Base):
    """A status or decision message written from a wording template."""

    __tablename__ = "customer_messages"
    # The dashboard counts a range's outbound messages per state from these indexes alone:
    # the shop's (with whether they belong to a claim, for a filter that lets every claim
    # through), and a filter's claims' (which also finds a claim's messages).
    __table_args__ = (Index("ix_customer_messages_created", "created_at", "direction", "state",
                            "claim_id"),
                      Index("ix_customer_messages_claim_created", "claim_id", "created_at",
                            "direction", "state"))

    id: Mapped[uuid_pk]
    claim_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("claims.id"))
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
    # When staff opened the claim after a customer's message came in; unread while None.
    read_at: Mapped[datetime | None]


class WarrantyReminder(Base):
    """The reminder sent for one warranty's end: one per end date, so the nightly run that
    finds it due again (next night, after a restart) sends nothing twice; a warranty extended
    to a later end is reminded again for that end."""

    __tablename__ = "warranty_reminders"

    warranty_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warranties.id"), primary_key=True)
    ends_on: Mapped[date] = mapped_column(primary_key=True)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer_messages.id"))
    sent_at: Mapped[timestamp]
