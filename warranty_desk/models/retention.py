"""Retention follow-ups: a call to a customer a rule asked for, open until someone clears it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class RetentionFollowUp(Base):
    """One rule that fired for a customer (on one claim), and how it was cleared."""

    __tablename__ = "retention_follow_ups"

    id: Mapped[uuid_pk]
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    # repeat_claims | rejected | long_open (warranty_desk.rules.retention)
    rule: Mapped[str] = mapped_column(String(20))
    claim_number: Mapped[str] = mapped_column(String(32))
    # A rule fires once per customer and claim: raising again finds this key and adds nothing.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[timestamp]
    cleared_at: Mapped[datetime | None] = mapped_column(index=True)
    cleared_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    cleared_by: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
