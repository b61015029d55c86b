"""The monthly audit sample: closed claims drawn by a kept seed for a manager's second look."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warranty_desk.models.base import Base, timestamp, uuid_pk


class AuditSample(Base):
    """One month's sample: how many were asked for, the seed that drew them, who drew it."""

    __tablename__ = "audit_samples"

    id: Mapped[uuid_pk]
    # The shop month, "2026-11"; a month has one sample.
    month: Mapped[str] = mapped_column(String(7), unique=True)
    size: Mapped[int] = mapped_column(Integer)  # as asked for; fewer when fewer claims closed
    seed: Mapped[int] = mapped_column(BigInteger)
    # How many claims had closed in the month when it was drawn (the pool drawn from).
    closed_count: Mapped[int] = mapped_column(Integer)
    drawn_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    drawn_by: Mapped[str] = mapped_column(String(200), default="")
    drawn_at: Mapped[timestamp]

    claims: Mapped[list[AuditSampleClaim]] = relationship(
        back_populates="sample", order_by="AuditSampleClaim.position",
        cascade="all, delete-orphan")


class AuditSampleClaim(Base):
    """One claim in a sample and its review (none yet while reviewed_at is None)."""

    __tablename__ = "audit_sample_claims"
    __table_args__ = (UniqueConstraint("sample_id", "claim_id"),)

    id: Mapped[uuid_pk]
    sample_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audit_samples.id"))
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # its place in the draw, from 1
    # fine | needs_follow_up
    finding: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[datetime | None]

    sample: Mapped[AuditSample] = relationship(back_populates="claims")
