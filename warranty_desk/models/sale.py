"""Sales and invoice lines from the point of sale, and the import batches that brought them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from warranty_desk.models.base import Base, money, timestamp, uuid_pk


class ImportBatch(Base):
    """One imported POS file; its hash makes a second import of the same file add nothing."""

    __tablename__ = "import_batches"

    id: Mapped[uuid_pk]
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int]
    imported_at: Mapped[timestamp]
    imported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))


class Sale(Base):
    """An invoice from the POS."""

    __tablename__ = "sales"
    # Number first: the unique pair's own index finds an invoice number in any source. Sales of
    # no customer stay out of the customer index (every lookup asks for one customer).
    __table_args__ = (UniqueConstraint("invoice_number", "source"),
                      Index("ix_sales_customer_id", "customer_id",
                            sqlite_where=text("customer_id IS NOT NULL")))

    id: Mapped[uuid_pk]
    invoice_number: Mapped[str] = mapped_column(String(64))
    # Where the invoice came from (counter, csv, json, shopify, square, portal): numbers are
    # unique only within one source.
    source: Mapped[str] = mapped_column(String(20), default="counter")
    branch_code: Mapped[str] = mapped_column(String(6))
    sold_on: Mapped[date] = mapped_column(index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    import_batch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[timestamp]
    voided_at: Mapped[datetime | None]

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="sale", order_by="InvoiceLine.line_no", cascade="all, delete-orphan"
    )


class InvoiceLine(Base):
    """One product line of an invoice; quantity N gives N warranties."""

    __tablename__ = "invoice_lines"
    # Keyed by id itself, with no rowid: no separate index of ids (migration 0026).
    __table_args__ = (UniqueConstraint("sale_id", "line_no"), {"sqlite_with_rowid": False})

    id: Mapped[uuid_pk]
    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales.id"))
    line_no: Mapped[int]
    # No index: nothing reads invoice lines by product (reports go through warranties).
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int]
    unit_price_minor: Mapped[money]

    sale: Mapped[Sale] = relationship(back_populates="lines")
