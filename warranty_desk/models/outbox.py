"""What sync owes head office (the outbox) and how far it has read the portal inbox."""

from __future__ import annotations

import uuid

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, UUIDBlob, column_event_id, timestamp


class OutboxEvent(Base):
    """A change head office must hear about, written in the change's own transaction."""

    __tablename__ = "outbox_events"

    # seq keeps the order in which changes happened; id is the receiver's idempotency key,
    # dated by the database's clock because the receiver refuses one dated far ahead of its own.
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(UUIDBlob, unique=True, default=column_event_id)
    topic: Mapped[str] = mapped_column(String(60))
    aggregate: Mapped[str] = mapped_column(String(40))
    # Not indexed: nothing reads the outbox by record, and the index cost every insert.
    aggregate_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    # Indexed: the dashboard counts the events written in a range (migration 0024).
    created_at: Mapped[timestamp] = mapped_column(index=True)


class InboxCursor(Base):
    """The last portal inbox position this branch has applied."""

    __tablename__ = "inbox_cursors"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200), default="")
