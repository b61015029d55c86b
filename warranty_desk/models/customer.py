"""Customers and their segment."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class Segment(enum.StrEnum):
    """How the shop serves this customer; the CRM uses it to set the tone."""

    RETAIL = "retail"
    VIP = "vip"
    BUSINESS = "business"
    RESELLER = "reseller"


class Customer(Base):
    """A person or company that bought from the shop."""

    __tablename__ = "customers"

    id: Mapped[uuid_pk]
    # Stable across systems: the CRM matches parties on it first.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # E.164 (+447700900596), so a number typed in any form finds it by index (contacts.py).
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="", index=True)
    # Why a mail server refused the email address for good; "" while it is usable. Editing
    # the address clears it.
    email_undeliverable: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How the customer wants to hear from the shop: "" (no preference: email), email or sms.
    # A text goes only when the till has an SMS gateway and the phone can take texts.
    preferred_channel: Mapped[str] = mapped_column(String(8), default="", server_default="")
    # Why an SMS gateway refused the phone number for good; "" while it is usable. Editing the
    # number clears it.
    phone_undeliverable: Mapped[str] = mapped_column(Text, default="", server_default="")
    segment: Mapped[Segment] = mapped_column(
        Enum(Segment, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=Segment.RETAIL,
    )
    retention_follow_up: Mapped[bool] = mapped_column(default=False)
    # Reminders (a warranty about to end, with the plans that could extend it) go only to a
    # customer who agreed, from the day they agreed until they withdraw; both days are kept.
    reminders_agreed_at: Mapped[datetime | None]
    reminders_withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[timestamp]
    updated_at: Mapped[datetime | None]
