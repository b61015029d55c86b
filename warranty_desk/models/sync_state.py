"""Sync progress per destination, events parked for a person, and inbox items applied."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp

# A parked event waits for a person: retry it, or dismiss it (audited).
PARKED_STATES = ("parked", "retry", "dismissed", "delivered")


class SyncCursor(Base):
    """One destination's progress through the outbox (portal, crm).

    Every event with seq <= delivered_seq is settled: acknowledged by the receiver, or parked
    (see SyncParked). Pending work is simply what lies beyond the cursor.
    """

    __tablename__ = "sync_cursors"

    destination: Mapped[str] = mapped_column(String(20), primary_key=True)
    delivered_seq: Mapped[int] = mapped_column(default=0)
    last_success_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class SyncParked(Base):
    """An event a receiver refused (or one held behind a refused event of the same record)."""

    __tablename__ = "sync_parked"

    destination: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_seq: Mapped[int] = mapped_column(primary_key=True)
    aggregate: Mapped[str] = mapped_column(String(40))
    aggregate_id: Mapped[str] = mapped_column(String(64), index=True)
    # rejected: the receiver said no; held: waits behind a rejected event of the same record.
    kind: Mapped[str] = mapped_column(String(10), default="rejected")
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="parked", index=True)
    parked_at: Mapped[timestamp]
    settled_at: Mapped[datetime | None]
    settled_by: Mapped[str] = mapped_column(String(200), default="")


class SyncDelivered(Base):
    """An event a receiver has answered for while an earlier one was still unsettled.

    Kept so the next cycle (or the next start) does not send it again: only events above the
    destination's cursor have a row, and rows the cursor has passed are removed.
    """

    __tablename__ = "sync_delivered"
    __table_args__ = ({"sqlite_with_rowid": False},)

    destination: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_seq: Mapped[int] = mapped_column(primary_key=True)


class InboxApplied(Base):
    """A portal inbox item this branch has applied, so applying it again changes nothing."""

    __tablename__ = "inbox_applied"

    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default="portal")
    kind: Mapped[str] = mapped_column(String(30))
    # What the item became at the branch: a claim number, an invoice number, ... or why not.
    result: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[timestamp]
    # An item that could not be used stays listed until a person says it is dealt with (a claim
    # started at the counter, head office asked to correct it): who, when, and what they did.
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[str] = mapped_column(String(200), default="")
    handled_note: Mapped[str] = mapped_column(Text, default="")
