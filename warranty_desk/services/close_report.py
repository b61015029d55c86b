"""The point-of-sale close report: one day's activations, extensions, gaps and claims by person."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from warranty_desk.clock import zone_of
from warranty_desk.models import (
    Claim,
    ClaimEvent,
    ExtensionOffer,
    InvoiceLine,
    Product,
    Sale,
    Staff,
    Warranty,
    WarrantyLayer,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.printables import CloseReportView, RegistrationGap, StaffDay
from warranty_desk.rules.claim_states import ClaimState, is_final
from warranty_desk.services.letterhead import day_bounds, header, local_now, shop_of
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.storage.documents import DocumentStore

# Work done by the portal, an import or the nightly run has no person behind it.
NOBODY = "Online and imports"
_FINAL = tuple(s.value for s in ClaimState if is_final(s))


def close_report_view_in(
    uow: UnitOfWork, actor: Actor, day: date, *, documents: DocumentStore | None = None,
) -> CloseReportView:
    """Everything the close report prints for one local calendar day."""
    require(actor, Permission.PRINT)
    session = uow.session
    shop = shop_of(session)
    start, end = day_bounds(day, zone_of(shop.timezone))
    counts: dict[str, Counter[uuid.UUID | None]] = {k: Counter() for k in (
        "activations", "extensions", "revenue", "gaps", "opened", "closed")}

    sold = (select(Sale.staff_id, Warranty.code, Warranty.serial, Product.serial_required,
                   Product.name, Product.sku, Sale.invoice_number)
            .join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
            .join(Sale, Sale.id == InvoiceLine.sale_id)
            .join(Product, Product.id == Warranty.product_id)
            .where(Sale.sold_on == day, Warranty.replaces_id.is_(None))
            .order_by(Sale.invoice_number, Warranty.code))
    gap_rows = []
    for staff_id, code, serial, required, name, sku, invoice in session.execute(sold):
        counts["activations"][staff_id] += 1
        if required and not serial:
            counts["gaps"][staff_id] += 1
            gap_rows.append((invoice, name, sku, code, staff_id))

    for staff_id, price in session.execute(
            select(ExtensionOffer.staff_id, func.coalesce(WarrantyLayer.price_minor, 0))
            .outerjoin(WarrantyLayer, (WarrantyLayer.warranty_id == ExtensionOffer.warranty_id)
                       & (WarrantyLayer.extension_plan_id == ExtensionOffer.plan_id))
            .where(ExtensionOffer.accepted.is_(True), ExtensionOffer.at >= start,
                   ExtensionOffer.at < end)):
        counts["extensions"][staff_id] += 1
        counts["revenue"][staff_id] += price

    for (staff_id,) in session.execute(select(Claim.opened_by_id).where(
            Claim.opened_at >= start, Claim.opened_at < end)):
        counts["opened"][staff_id] += 1
    for (staff_id,) in session.execute(select(ClaimEvent.staff_id).where(
            ClaimEvent.to_state.in_(_FINAL), ClaimEvent.at >= start, ClaimEvent.at < end)):
        counts["closed"][staff_id] += 1

    people = {c for counter in counts.values() for c in counter}
    names: dict[uuid.UUID, str] = dict(session.execute(select(Staff.id, Staff.name).where(
        Staff.id.in_([p for p in people if p is not None]))).all())

    def who(staff_id: uuid.UUID | None) -> str:
        return names.get(staff_id, NOBODY) if staff_id is not None else NOBODY

    def line(name: str, ids: list[uuid.UUID | None]) -> StaffDay:
        def total(key: str) -> int:
            return sum(counts[key][i] for i in ids)
        return StaffDay(name, total("activations"), total("extensions"), total("revenue"),
                        total("gaps"), total("opened"), total("closed"))

    rows = sorted((line(who(p), [p]) for p in people), key=lambda r: r.staff_name.lower())
    gaps = tuple(RegistrationGap(invoice, name, sku, code, who(staff))
                 for invoice, name, sku, code, staff in gap_rows)
    return CloseReportView(shop=header(shop, documents), day=day,
                           printed_at=local_now(session, shop), rows=tuple(rows),
                           totals=line("Total", list(people)), gaps=gaps)


close_report_view = reads(close_report_view_in)
