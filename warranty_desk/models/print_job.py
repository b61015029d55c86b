"""Print jobs: every document printed or waiting for its printer, with who asked and when."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk

JOB_STATES = ("queued", "printed", "cancelled")


class PrintJob(Base):
    """One document sent to one printer; the rendered bytes stay until it has printed.

    Keeping the bytes means a retry prints exactly what was asked for, even after the
    warranty or claim has changed since (a drop-off ticket shows the state at drop-off).
    """

    __tablename__ = "print_jobs"

    id: Mapped[uuid_pk]
    document: Mapped[str] = mapped_column(String(20), index=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    copy: Mapped[bool] = mapped_column(default=False)
    target: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    requested_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[timestamp]
    printed_at: Mapped[datetime | None]
