"""Refunds a POS export reports: each voids the warranties of the units it paid back.

Kept apart from activation on purpose: the import calls `void_refunded` after its sales are
planned and inserted, in the same transaction, so a refund of a sale in the same file and a
refund of a sale imported earlier are voided alike. Each applied refund is remembered by its
source's key, so an export that repeats it (this week's export holding Monday's refund too)
voids nothing more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.models import (
    AppliedRefund,
    InvoiceLine,
    Product,
    Sale,
    Warranty,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor
from warranty_desk.rules.refunded_units import UnitGroup, units_refunded
from warranty_desk.services.shop_locale import money_of
from warranty_desk.services.voiding import void_in

ASK_A_PERSON = ("void the warranties of the items that came back with `warranty void CODE`, "
                "or at the counter")


@dataclass(frozen=True, slots=True)
class RefundInput:
    """One refund as an export gives it: which sale, and which units or how much money."""

    source: str  # the refunded sale's source: square, shopify
    invoice_number: str
    # The refund's identity within its source, at most 64 characters.
    key: str
    # None when the export does not say (Shopify's orders export has no refund date).
    refunded_on: date | None
    # None: the whole sale was refunded, every unit of it.
    sku: str | None = None
    quantity: int = 0
    # Where the file has it, for the report.
    place: str = ""
    # Only money went back, for items the export does not name (Shopify's partial refunds):
    # the sale's refunded total so far, or None when the export does not say it.
    partial: bool = False
    amount_minor: int | None = None
    # How the source words it: a payment voided before capture is no refund.
    event: str = "Refunded"
    # Already listed among the orders left out, so one for a sale never imported is not
    # listed again.
    listed: bool = False


@dataclass(frozen=True, slots=True)
class RefundOutcome:
    """What one refund did: the warranties it voided, or why it voided fewer or none."""

    refund: RefundInput
    voided: tuple[str, ...] = ()
    note: str = ""
    # Whether Warranty Desk holds the refunded sale.
    found: bool = True

    def sentence(self) -> str:
        """One line for the import's report."""
        r = self.refund
        what = (f"{r.quantity} × {r.sku}" if r.sku is not None else
                "part of the sale" if r.partial else "the whole sale")
        head = f"{r.place}: refund of {what} in {r.invoice_number}" if r.place else \
            f"Refund of {what} in {r.invoice_number}"
        done = f"voided {', '.join(self.voided)}" if self.voided else "voided nothing"
        return f"{head} {done}" + (f" ({self.note})" if self.note else "") + "."


def void_refunded(
    session: Session, actor: Actor, refunds: list[RefundInput], *, import_batch_id: object,
) -> list[RefundOutcome]:
    """Void the refunded units' warranties, each with its reason, audit entry and event.

    Units without a registered serial go first (a unit whose serial the customer registered
    is more likely the one kept), then the newest. A refund already applied from an earlier
    file is passed over; one for a sale Warranty Desk does not hold voids nothing and says so.
    """
    if not refunds:
        return []
    known = {(source, key) for source, key in session.execute(
        select(AppliedRefund.source, AppliedRefund.refund_key).where(
            AppliedRefund.refund_key.in_({r.key for r in refunds})))}
    outcomes = []
    for refund in refunds:
        if (refund.source, refund.key) in known:
            outcomes.append(RefundOutcome(refund, note="applied by an earlier import"))
            continue
        known.add((refund.source, refund.key))
        outcomes.append(_apply(session, actor, refund, import_batch_id))
    return outcomes


def _apply(
    session: Session, actor: Actor, refund: RefundInput, import_batch_id: object,
) -> RefundOutcome:
    sale_id = session.scalar(select(Sale.id).where(
        Sale.source == refund.source, Sale.invoice_number == refund.invoice_number))
    if sale_id is None:
        return RefundOutcome(refund, note="Warranty Desk holds no such sale", found=False)
    counts: dict[str, int] | None
    if refund.partial:
        counts, note = _told_by_amount(session, refund, sale_id)
    else:
        counts = None if refund.sku is None else {normalize.sku(refund.sku): refund.quantity}
        note = ""
    units = [] if counts == {} else _units(session, sale_id, counts)
    when = f" on {refund.refunded_on.isoformat()}" if refund.refunded_on else ""
    reason = f"{refund.event} in {refund.source.title()}{when} (import of {refund.invoice_number})."
    for warranty in units:
        void_in(session, actor, warranty, reason, refund=refund.key)
    session.add(AppliedRefund(
        source=refund.source, refund_key=refund.key, invoice_number=refund.invoice_number,
        sku=refund.sku, quantity=refund.quantity, voided=len(units),
        amount_minor=refund.amount_minor, import_batch_id=import_batch_id))
    if refund.sku is not None and len(units) < refund.quantity:
        note = (f"only {len(units)} of its units still had an active warranty" if units
                else "none of its units still had an active warranty")
    return RefundOutcome(refund, tuple(w.code for w in units), note)


def _units(session: Session, sale_id: object, counts: dict[str, int] | None) -> list[Warranty]:
    """The sale's active warranties to void: every one, or so many of each SKU."""
    query = (select(Warranty, Product.sku)
             .join(InvoiceLine, Warranty.invoice_line_id == InvoiceLine.id)
             .join(Product, Warranty.product_id == Product.id)
             .where(InvoiceLine.sale_id == sale_id, Warranty.status == WarrantyStatus.ACTIVE)
             # Unregistered units first, then the newest.
             .order_by(Warranty.serial.is_not(None), Warranty.code.desc()))
    if counts is not None:
        query = query.where(Product.sku.in_(counts))
    left = Counter(counts or {})
    units = []
    for warranty, sku in session.execute(query):
        if counts is None or left[sku] > 0:
            left[sku] -= 1
            units.append(warranty)
    return units


def _told_by_amount(
    session: Session, refund: RefundInput, sale_id: object,
) -> tuple[dict[str, int], str]:
    """The units of each SKU a partial refund paid back, when its money tells; else a note.

    Only the money new since earlier exports counts: the same order's total of 499.00 and,
    a week on, 998.00 is two refunds of 499.00.
    """
    if refund.amount_minor is None:
        return {}, f"the export does not say how much went back: {ASK_A_PERSON}"
    earlier = session.scalar(select(func.max(AppliedRefund.amount_minor)).where(
        AppliedRefund.source == refund.source,
        AppliedRefund.invoice_number == refund.invoice_number)) or 0
    amount = refund.amount_minor - earlier
    money = money_of(session)
    if amount <= 0:
        return {}, f"no more than the {money.people(earlier)} of an earlier export went back"
    rows = session.execute(
        select(Product.sku, InvoiceLine.unit_price_minor, func.count())
        .select_from(Warranty)
        .join(InvoiceLine, Warranty.invoice_line_id == InvoiceLine.id)
        .join(Product, Warranty.product_id == Product.id)
        .where(InvoiceLine.sale_id == sale_id, Warranty.status == WarrantyStatus.ACTIVE)
        .group_by(Product.sku, InvoiceLine.unit_price_minor))
    told = units_refunded([UnitGroup(sku, price, units) for sku, price, units in rows], amount)
    if told is None:
        return {}, (f"{money.people(amount)} went back, which is not the price of exactly one "
                    f"choice of the sale's items: {ASK_A_PERSON}")
    return told, f"{money.people(amount)} went back, the price of just these items"
