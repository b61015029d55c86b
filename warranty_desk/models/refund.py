"""Refunds a POS export reported and an import applied, so a later export repeating one voids
nothing more."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warranty_desk.models.base import Base, timestamp, uuid_pk


class AppliedRefund(Base):
    """One refund from one source, as applied: what it named and how many warranties it voided."""

    __tablename__ = "applied_refunds"
    __table_args__ = (UniqueConstraint("source", "refund_key"),)

    id: Mapped[uuid_pk]
    # The sale's source (square, shopify) and the refund's identity within it.
    source: Mapped[str] = mapped_column(String(20))
    refund_key: Mapped[str] = mapped_column(String(64))
    invoice_number: Mapped[str] = mapped_column(String(64))
    # None: the whole sale was refunded.
    sku: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int]
    # The sale's refunded total when the export gives only money back (Shopify), so a later
    # export's larger total voids only the units of the difference.
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    voided: Mapped[int]
    import_batch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("import_batches.id"))
    applied_at: Mapped[timestamp]
