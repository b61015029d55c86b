"""Evidence documents: stored by content hash, never under a name the user chose."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class EvidenceDocument(Base):
    """A photo, invoice or report attached to a claim."""

    __tablename__ = "evidence_documents"
    # Read only through their claim: keyed by it (then by id, time-ordered), with no rowid,
    # a row costs one B-tree entry instead of a row plus two index entries.
    __table_args__ = (PrimaryKeyConstraint("claim_id", "id"), {"sqlite_with_rowid": False})

    id: Mapped[uuid_pk]
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    # Not indexed: nothing reads evidence by hash alone (a duplicate is looked for by claim).
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    media_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    # Shown to staff only; the file on disk is named by its hash.
    original_name: Mapped[str] = mapped_column(String(255), default="")
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    added_at: Mapped[timestamp]
    source: Mapped[str] = mapped_column(String(20), default="counter")
