"""This till's instance of its branch: a new epoch after each restore, and head office's marks."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, UUIDBlob, column_event_id


class BranchEpoch(Base):
    """One life of this till's database: from set-up, or from a restore of a backup.

    A restored database is an older copy: head office may already hold sequence numbers and
    people-facing numbers it issued after the backup. Until head office's high-water marks are
    applied (`marks_needed` cleared), the till sends nothing and issues no new numbers.
    """

    __tablename__ = "branch_epochs"

    n: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)  # the newest is current
    # Sent with every push: dated by the database's clock like the events it goes with.
    epoch: Mapped[uuid.UUID] = mapped_column(UUIDBlob, unique=True, default=column_event_id)
    # None for the epoch the upgrade to 0011 started (no clock in a migration).
    started_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(String(20))  # "set-up" or "restore"
    # The newest outbox seq the epoch started from: events above it are this epoch's own.
    first_seq: Mapped[int] = mapped_column(default=0)
    marks_needed: Mapped[bool] = mapped_column(default=False)
    marks_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
