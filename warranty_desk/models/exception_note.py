"""Exception notes: what staff wrote when something about a record was not normal, and why."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class ExceptionNote(Base):
    """One note on a record named by its people-facing number, with a reason code."""

    __tablename__ = "exception_notes"
    __table_args__ = (
        Index("ix_exception_notes_record", "record_kind", "record_ref"),
        Index("ix_exception_notes_reason_written", "reason", "written_at"),
    )

    id: Mapped[uuid_pk]
    # claim | warranty | customer | sale | brand_claim; the record by the number people use
    # (a brand claim by the brand's own id, kept as written: it is another system's number).
    record_kind: Mapped[str] = mapped_column(String(20))
    record_ref: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    written_by: Mapped[str] = mapped_column(String(200), default="")
    written_at: Mapped[timestamp]
