"""Reports: the warranty register (every unit's cover), streamed so a million rows stay flat."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from warranty_desk.models import Customer, InvoiceLine, Product, Sale, Warranty, WarrantyStatus
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, streams

REGISTER_COLUMNS = ("code", "serial", "product", "sku", "customer", "invoice", "start", "end",
                    "status")
# Rows fetched per round trip while streaming the register.
_BATCH = 2000


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One line of the warranty register."""

    code: str
    serial: str | None
    product: str
    sku: str
    customer: str | None
    invoice: str
    start: date | None  # None while the cover waits for the unit's delivery
    end: date | None
    status: str


def cover_status(status: WarrantyStatus, start: date, end: date, today: date) -> str:
    """in_cover, expired, not_started or void, from the stored dates."""
    if status is WarrantyStatus.VOID:
        return "void"
    if today < start:
        return "not_started"
    return "in_cover" if today <= end else "expired"


def warranty_register_in(uow: UnitOfWork, actor: Actor) -> Iterator[RegisterRow]:
    """Every warranty, oldest code first; rows stream from the database as they are read."""
    require(actor, Permission.VIEW_REPORTS)
    stmt = (
        select(Warranty.code, Warranty.serial, Product.name, Product.sku, Customer.name,
               Sale.invoice_number, Warranty.start_on, Warranty.end_on, Warranty.status,
               Warranty.awaits_delivery)
        .join(Product, Product.id == Warranty.product_id)
        .join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
        .join(Sale, Sale.id == InvoiceLine.sale_id)
        .outerjoin(Customer, Customer.id == Warranty.customer_id)
        .order_by(Warranty.code)
        .execution_options(yield_per=_BATCH)
    )
    session = uow.session
    today = shop_today(session)
    for code, serial, product, sku, customer, invoice, start, end, status, awaits in (
        session.execute(stmt)
    ):
        if awaits and status is not WarrantyStatus.VOID:
            # The stored dates are the terms planned from the order date, not cover.
            yield RegisterRow(code, serial, product, sku, customer, invoice, None, None,
                              "awaiting_delivery")
            continue
        yield RegisterRow(code, serial, product, sku, customer, invoice, start, end,
                          cover_status(status, start, end, today))


warranty_register = streams(warranty_register_in)
