"""The audit log: append-only entries, each hashing the one before it."""

from __future__ import annotations

import uuid

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, UUIDBlob, timestamp


class AuditEntry(Base):
    """Who did what to which record, chained by hash so a change anywhere shows."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[timestamp]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(UUIDBlob)
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
