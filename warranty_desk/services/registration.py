"""Registration at the counter: imported sales opened to capture serials, and the catalogue."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import normalize
from warranty_desk.errors import BadInput, NotFound, RuleBlocked
from warranty_desk.models import (
    Brand,
    Customer,
    ExtensionOffer,
    ExtensionPlan,
    InvoiceLine,
    Product,
    Sale,
    Warranty,
    WarrantyLayer,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.extension import ExtensionTerms, extension_eligibility
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import audit, outbox
from warranty_desk.services.activation import decline_extension_in, sell_extension_in
from warranty_desk.services.extension_plans import extension_terms
from warranty_desk.services.lookup import verdicts_for
from warranty_desk.services.sale_plan import PlanCharge, plan_charges
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes
from warranty_desk.views import ExtensionOfferView

# The warranties.serial column holds 64 characters; longer reads are misreads or pasted text.
MAX_SERIAL = 64


@dataclass(frozen=True, slots=True)
class CaptureUnit:
    """One sold unit of an imported line: its warranty and serial, if recorded."""

    warranty_code: str
    serial: str | None
    void: bool = False
    extended: bool = False


@dataclass(frozen=True, slots=True)
class CaptureLine:
    """One invoice line with its units and the extensions its units may still take."""

    line_no: int
    sku: str
    product: str
    category: str
    quantity: int
    unit_price_minor: int
    serial_required: bool
    units: tuple[CaptureUnit, ...]
    extension_offers: tuple[ExtensionOfferView, ...]

    @property
    def missing_serials(self) -> tuple[str, ...]:
        """Codes of standing units that need a serial and have none."""
        if not self.serial_required:
            return ()
        return tuple(u.warranty_code for u in self.units if u.serial is None and not u.void)


@dataclass(frozen=True, slots=True)
class SaleCapture:
    """An imported sale as the activation screen shows it."""

    invoice_number: str
    source: str
    sold_on: date
    customer_name: str | None
    customer_phone: str | None
    lines: tuple[CaptureLine, ...]

    @property
    def warranty_codes(self) -> tuple[str, ...]:
        """Every unit's warranty code, in line order."""
        return tuple(u.warranty_code for line in self.lines for u in line.units)

    @property
    def missing_serials(self) -> tuple[str, ...]:
        """Codes of every unit still waiting for its serial."""
        return tuple(code for line in self.lines for code in line.missing_serials)


@dataclass(frozen=True, slots=True)
class RegisteredSerial:
    """A serial now recorded on a warranty."""

    warranty_code: str
    serial: str
    product: str


@dataclass(frozen=True, slots=True)
class ProductChoice:
    """A product the counter can sell by hand."""

    sku: str
    name: str
    category: str
    serial_required: bool
    list_price_minor: int
    brand: str = ""
    gtin: str | None = None


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """An active extension plan with the terms that decide who may buy it."""

    name: str
    months: int
    price_minor: int
    terms: ExtensionTerms


def _find_sale(session: Session, invoice_number: str) -> Sale:
    typed = invoice_number.strip()
    if not typed:
        raise BadInput("Scan or type the invoice number from the receipt.")
    # Stored numbers keep the POS's own case; a scan may have been upper-cased on the way in.
    wanted = {typed, typed.upper(), classify(typed).lookup_value(ScanKind.INVOICE_NUMBER)}
    # Numbers are unique per source only; the latest import is the one being registered now.
    sale = session.scalars(
        select(Sale).where(Sale.invoice_number.in_(sorted(wanted)))
        .order_by(Sale.created_at.desc())
    ).first()
    if sale is None:
        raise NotFound(f"No invoice {typed}. Check the number on the receipt, or enter the "
                       "sale by hand if it was never imported.")
    return sale


def sale_for_capture_in(
    uow: UnitOfWork, actor: Actor, invoice_number: str
) -> SaleCapture:
    """An imported sale by its invoice number: units, serials and extension offers per line."""
    require(actor, Permission.ACTIVATE_SALE)
    session = uow.session
    sale = _find_sale(session, invoice_number)
    customer = session.get(Customer, sale.customer_id) if sale.customer_id else None
    rows = session.execute(
        select(InvoiceLine.id, InvoiceLine.line_no, InvoiceLine.quantity,
               InvoiceLine.unit_price_minor, Product.sku, Product.name, Product.category,
               Product.serial_required)
        .join(Product, Product.id == InvoiceLine.product_id)
        .where(InvoiceLine.sale_id == sale.id).order_by(InvoiceLine.line_no)
    ).all()
    units = session.execute(
        select(Warranty.id, Warranty.invoice_line_id, Warranty.code, Warranty.serial,
               Warranty.status)
        .where(Warranty.invoice_line_id.in_([r.id for r in rows])).order_by(Warranty.code)
    ).all()
    extended = set(session.scalars(
        select(WarrantyLayer.warranty_id).where(
            WarrantyLayer.warranty_id.in_([u.id for u in units]),
            WarrantyLayer.kind == "extension")))
    declined: dict[uuid.UUID, set[str]] = defaultdict(set)
    for warranty_id, plan_name in session.execute(
            select(ExtensionOffer.warranty_id, ExtensionPlan.name)
            .join(ExtensionPlan, ExtensionPlan.id == ExtensionOffer.plan_id)
            .where(ExtensionOffer.warranty_id.in_([u.id for u in units]),
                   ExtensionOffer.accepted.is_(False))):
        declined[warranty_id].add(plan_name)
    by_line: dict[uuid.UUID, list[tuple[uuid.UUID, CaptureUnit]]] = defaultdict(list)
    for u in units:
        by_line[u.invoice_line_id].append((u.id, CaptureUnit(
            u.code, u.serial, u.status is WarrantyStatus.VOID, u.id in extended)))
    lines = []
    for r in rows:
        line_units = by_line[r.id]
        # Units of one line share category, price and date, so one open unit's offers
        # stand for the line.
        open_ids = [wid for wid, unit in line_units if not unit.void and not unit.extended]
        offers: tuple[ExtensionOfferView, ...] = ()
        if open_ids:
            verdict = verdicts_for(session, open_ids[:1], today=shop_today(session))[0]
            # A plan every open unit has declined is not offered again: nobody asks twice.
            offers = tuple(o for o in verdict.extension_offers
                           if not all(o.plan in declined[wid] for wid in open_ids))
        lines.append(CaptureLine(
            r.line_no, r.sku, r.name, r.category, r.quantity, r.unit_price_minor,
            r.serial_required, tuple(unit for _, unit in line_units), offers))
    return SaleCapture(sale.invoice_number, sale.source, sale.sold_on,
                       customer.name if customer else None,
                       customer.phone if customer else None, tuple(lines))


sale_for_capture = reads(sale_for_capture_in)


def _clean_serial(serial: str) -> str:
    value = normalize.serial(serial)
    if not value:
        raise BadInput("The serial is empty. Scan the serial label on the unit.")
    if len(value) > MAX_SERIAL:
        raise BadInput(f"That serial is {len(value)} characters long; serials have at most "
                       f"{MAX_SERIAL}. Scan the serial label again.")
    return value


def register_serial_in(
    uow: UnitOfWork, actor: Actor, warranty_code: str, serial: str
) -> RegisteredSerial:
    """Fill in the missing serial of a warranty, unless another warranty already covers it."""
    require(actor, Permission.ACTIVATE_SALE)
    value = _clean_serial(serial)
    session = uow.session
    return _register_serial_in(session, actor, warranty_code, value)


register_serial = writes(register_serial_in)


def _register_serial_in(
    session: Session, actor: Actor, warranty_code: str, value: str
) -> RegisteredSerial:
    code = warranty_code.strip().upper()
    warranty = session.scalars(select(Warranty).where(Warranty.code == code)).first()
    if warranty is None:
        raise NotFound(f"No warranty {code}. Open the invoice again and scan the serial "
                       "for one of its units.")
    product = session.get_one(Product, warranty.product_id)
    if warranty.serial == value:
        return RegisteredSerial(warranty.code, value, product.name)
    if warranty.status is WarrantyStatus.VOID:
        raise RuleBlocked(f"Warranty {warranty.code} is void; a void warranty takes no "
                          "serial.")
    if warranty.serial:
        raise RuleBlocked(f"Warranty {warranty.code} already has serial {warranty.serial}. "
                          "A recorded serial is not changed at the counter; ask a manager.")
    other = session.scalars(select(Warranty.code).where(
        Warranty.product_id == warranty.product_id, Warranty.serial == value,
        Warranty.status == WarrantyStatus.ACTIVE, Warranty.id != warranty.id)).first()
    if other is not None:
        raise BadInput(f"Serial {value} of {product.name} is already covered by warranty "
                       f"{other}. Check the unit, or void that warranty first.")
    # An ORM change, so the search hooks re-index the warranty with its new serial.
    warranty.serial = value
    # Flushed now, so a second unit of this sale given the same serial is caught above.
    session.flush()
    details = {"code": warranty.code, "serial": value, "sku": product.sku}
    audit.record(session, actor, "warranty.serial_registered", "warranty", warranty.code,
                 details)
    outbox.emit(session, "warranty.serial_registered", "warranty", warranty.code, details)
    return RegisteredSerial(warranty.code, value, product.name)


@dataclass(frozen=True, slots=True)
class CaptureSaved:
    """A capture saved: the sale as it now stands, and what the till must charge for plans."""

    capture: SaleCapture
    charges: tuple[PlanCharge, ...]


def capture_sale_in(
    uow: UnitOfWork, actor: Actor, invoice_number: str, *,
    serials: Sequence[tuple[str, str]] = (),
    accepts: Sequence[tuple[Sequence[str], str]] = (),
    declines: Sequence[tuple[Sequence[str], Sequence[str]]] = (),
) -> CaptureSaved:
    """Save what the counter gathered on an imported sale, all of it or none of it.

    `serials` are (warranty code, serial); `accepts` (codes, plan sold on each); `declines`
    (codes, plans declined on each). Every serial, extension and decline, with its audit
    entry and outbox event, is written in one transaction; any refusal leaves nothing saved.
    Returns the sale as it now stands, with what the till charges for the plans sold.
    """
    require(actor, Permission.ACTIVATE_SALE)
    if accepts or declines:
        require(actor, Permission.SELL_EXTENSION)
    cleaned = [(code, _clean_serial(serial)) for code, serial in serials]
    session = uow.session
    sale = _find_sale(session, invoice_number)
    own = set(session.scalars(
        select(Warranty.code).join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
        .where(InvoiceLine.sale_id == sale.id)))
    named = [c for c, _ in cleaned] + [c for codes, _ in accepts for c in codes] + [
        c for codes, _ in declines for c in codes]
    strangers = sorted({c.strip().upper() for c in named} - own)
    if strangers:
        raise BadInput(f"{', '.join(strangers)} is not a unit of invoice "
                       f"{sale.invoice_number}. Open the invoice again; nothing was saved.")
    for code, value in cleaned:
        _register_serial_in(session, actor, code, value)
    sold: list[tuple[str, int]] = []
    for codes, plan in accepts:
        for code in codes:
            sell_extension_in(uow, actor, code, plan)
            price = session.scalars(select(ExtensionPlan.price_minor).where(
                ExtensionPlan.name == plan)).one()
            sold.append((plan, price))
    for codes, plans in declines:
        for code in codes:
            for plan in plans:
                decline_extension_in(uow, actor, code, plan)
    invoice = sale.invoice_number
    # Read back in the same unit: the sale as this change leaves it.
    return CaptureSaved(sale_for_capture_in(uow, actor, invoice), plan_charges(sold))


capture_sale = writes(capture_sale_in)


def catalogue_for_sale_in(uow: UnitOfWork) -> tuple[ProductChoice, ...]:
    """Every product for the hand-entry picker, by name."""
    session = uow.session
    rows = session.execute(
        select(Product.sku, Product.name, Product.category, Product.serial_required,
               Product.list_price_minor, Brand.name, Product.gtin)
        .join(Brand, Brand.id == Product.brand_id).order_by(Product.name, Product.sku))
    return tuple(ProductChoice(*row) for row in rows)


catalogue_for_sale = reads(catalogue_for_sale_in)


def extension_plans_for_sale_in(uow: UnitOfWork) -> tuple[PlanChoice, ...]:
    """The active extension plans, for offers on lines not recorded yet."""
    session = uow.session
    plans = session.scalars(
        select(ExtensionPlan).where(ExtensionPlan.active.is_(True))
        .order_by(ExtensionPlan.name))
    return tuple(PlanChoice(p.name, p.months, p.price_minor, extension_terms(p))
                 for p in plans)


extension_plans_for_sale = reads(extension_plans_for_sale_in)


def offers_for(
    plans: Sequence[PlanChoice], *, category: str, unit_price_minor: int, sold_on: date,
    today: date,
) -> tuple[ExtensionOfferView, ...]:
    """The plans a new line qualifies for, with the rule's reason; pure."""
    offers = []
    for plan in plans:
        verdict = extension_eligibility(
            plan.terms, category=category, unit_price_minor=unit_price_minor,
            sale_date=sold_on, today=today, already_extended=False, void=False)
        if verdict.eligible:
            offers.append(ExtensionOfferView(plan.name, plan.months, plan.price_minor,
                                             verdict.reason))
    return tuple(offers)
