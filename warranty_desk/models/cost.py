"""Cost postings on claims: what warranty work cost and what can be recovered."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, money, timestamp, uuid_pk


class CostPosting(Base):
    """Labour, parts, replacement, refund or shipping on a claim."""

    __tablename__ = "cost_postings"
    # Read only through their claim: keyed by it (then by id, time-ordered), with no rowid,
    # a row costs one B-tree entry instead of a row plus two index entries.
    __table_args__ = (PrimaryKeyConstraint("claim_id", "id"), {"sqlite_with_rowid": False})

    id: Mapped[uuid_pk]
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount_minor: Mapped[money]
    recoverable: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    posted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    posted_at: Mapped[timestamp]
