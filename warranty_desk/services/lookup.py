"""Lookup: from any scanned code or typed text to a verdict with its evidence."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Brand,
    Claim,
    Customer,
    ExtensionPlan,
    InvoiceLine,
    Policy,
    Product,
    Sale,
    Warranty,
    WarrantyLayer,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.coverage import Coverage, CoverStatus, LayerKind, LayerSpan, coverage_on
from warranty_desk.rules.extension import extension_eligibility
from warranty_desk.scanning import Scan, ScanKind, classify
from warranty_desk.services.activation import extension_terms
from warranty_desk.storage.database import Database
from warranty_desk.storage.search import fts_query
from warranty_desk.views import (
    ClaimBrief,
    ExtensionOfferView,
    LayerView,
    LookupResult,
    WarrantyVerdict,
)

# A phone or a name can match a customer with many purchases; the counter shows a short list.
MAX_MATCHES = 50

_LAYER_WORDS = {"manufacturer": "Manufacturer warranty", "shop": "Shop warranty",
                "extension": "Extended warranty"}


def lookup(db: Database, actor: Actor, query: str, *, today: date) -> LookupResult:
    """Classify the query, find the units it names and give each one's verdict."""
    require(actor, Permission.LOOKUP)
    scan = classify(query)
    with db.read() as session:
        return lookup_in(session, scan, today=today)


def lookup_in(session: Session, scan: Scan, *, today: date) -> LookupResult:
    """Lookup inside an open session (for callers that already hold one)."""
    if scan.kind is ScanKind.EMPTY:
        return LookupResult(scan.raw, scan.kind.value, "not_found",
                            "Scan a serial, warranty code, claim or invoice number, or type a "
                            "phone number or name.", (), scan.problem)
    if scan.kind is ScanKind.GS1 and scan.serial is None and scan.gtin is not None:
        name = session.execute(select(Product.name).where(Product.gtin == scan.gtin)).scalar()
        what = f"the product barcode of {name}" if name else f"a product barcode ({scan.gtin})"
        return LookupResult(scan.raw, scan.kind.value, "not_found",
                            f"That is {what}, not the unit's serial. Scan the serial number "
                            "label, or type the serial.", (), scan.problem)
    ids: list[uuid.UUID] = []
    tried: ScanKind = scan.kind
    for kind in scan.candidates:
        tried = kind
        ids = _find(session, scan, kind)
        if ids:
            break
    if not ids:
        return LookupResult(scan.raw, scan.kind.value, "not_found", _not_found(scan),
                            (), scan.problem)
    verdicts = verdicts_for(session, ids, today=today)
    outcome = "found" if len(verdicts) == 1 else "several"
    message = (verdicts[0].headline if len(verdicts) == 1
               else f"{len(verdicts)} units match {_kind_words(tried)} {scan.lookup_value(tried)}."
               " Pick one.")
    return LookupResult(scan.raw, tried.value, outcome, message, tuple(verdicts), scan.problem)


def _kind_words(kind: ScanKind) -> str:
    return {ScanKind.INVOICE_NUMBER: "invoice", ScanKind.PHONE: "phone",
            ScanKind.TEXT: "the name", ScanKind.SERIAL: "serial"}.get(kind, "")


def _not_found(scan: Scan) -> str:
    shown = scan.value
    if scan.kind is ScanKind.WARRANTY_CODE:
        return f"No warranty {shown}. Check the code on the slip, or scan the unit's serial."
    if scan.kind is ScanKind.CLAIM_NUMBER:
        return f"No claim {shown}. Check the number on the ticket."
    if scan.kind is ScanKind.PHONE:
        return f"No customer with phone {shown}. Try the serial or the invoice number."
    if scan.kind is ScanKind.TEXT:
        return f"No customer named {shown!r}. Try the phone number, serial or invoice."
    return (f"Nothing found for {shown}. If the unit was bought here, try the invoice number; "
            "otherwise start a claim with the customer's proof of purchase.")


def _find(session: Session, scan: Scan, kind: ScanKind) -> list[uuid.UUID]:
    value = scan.lookup_value(kind)
    stmt: Any
    if kind is ScanKind.WARRANTY_CODE:
        stmt = select(Warranty.id).where(Warranty.code == value)
    elif kind is ScanKind.CLAIM_NUMBER:
        stmt = select(Claim.warranty_id).where(Claim.number == value,
                                               Claim.warranty_id.is_not(None))
    elif kind is ScanKind.INVOICE_NUMBER:
        stmt = (select(Warranty.id).join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
                .join(Sale, Sale.id == InvoiceLine.sale_id)
                .where(Sale.invoice_number == value).order_by(Warranty.code))
    elif kind in (ScanKind.SERIAL, ScanKind.GS1):
        serial = scan.serial if kind is ScanKind.GS1 and scan.serial else value
        stmt = select(Warranty.id).where(Warranty.serial == serial)
        if kind is ScanKind.GS1 and scan.gtin:
            stmt = stmt.join(Product, Product.id == Warranty.product_id).where(
                Product.gtin == scan.gtin)
        stmt = stmt.order_by(Warranty.start_on.desc())
    elif kind is ScanKind.PHONE:
        stmt = (select(Warranty.id).join(Customer, Customer.id == Warranty.customer_id)
                .where(Customer.phone == value).order_by(Warranty.start_on.desc()))
    elif kind is ScanKind.TEXT:
        query = fts_query(value)
        if not query:
            return []
        customer_ids = [row[0] for row in session.execute(text(
            "SELECT c.id FROM customers_fts f JOIN customers c ON c.rowid = f.rowid "
            "WHERE customers_fts MATCH :q ORDER BY rank LIMIT 20"), {"q": query})]
        if not customer_ids:
            return []
        stmt = (select(Warranty.id)
                .where(Warranty.customer_id.in_([uuid.UUID(bytes=c) for c in customer_ids]))
                .order_by(Warranty.start_on.desc()))
    else:
        return []
    return [row[0] for row in session.execute(stmt.limit(MAX_MATCHES)) if row[0] is not None]


def verdicts_for(
    session: Session, ids: Sequence[uuid.UUID], *, today: date
) -> list[WarrantyVerdict]:
    """Full verdicts for these warranties, in the order given."""
    rows = session.execute(
        select(Warranty.id, Warranty.code, Warranty.serial, Warranty.start_on, Warranty.end_on,
               Warranty.status, Warranty.void_reason, Product.name, Product.sku, Product.category,
               Brand.name.label("brand"), Policy.terms, Policy.exclusions,
               Customer.name.label("customer_name"), Customer.phone, Customer.reference,
               Sale.invoice_number, Sale.sold_on, InvoiceLine.unit_price_minor)
        .join(Product, Product.id == Warranty.product_id)
        .join(Brand, Brand.id == Product.brand_id)
        .join(Policy, Policy.id == Product.policy_id)
        .join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
        .join(Sale, Sale.id == InvoiceLine.sale_id)
        .outerjoin(Customer, Customer.id == Warranty.customer_id)
        .where(Warranty.id.in_(ids))
    ).all()
    layers: dict[uuid.UUID, list[LayerView]] = defaultdict(list)
    # One read of the (small) plans table serves both the layer names and the offers.
    all_plans = list(session.scalars(select(ExtensionPlan)))
    plan_names = {p.id: p.name for p in all_plans}
    for wid, kind, start, end, plan_id in session.execute(
        select(WarrantyLayer.warranty_id, WarrantyLayer.kind, WarrantyLayer.start_on,
               WarrantyLayer.end_on, WarrantyLayer.extension_plan_id)
        .where(WarrantyLayer.warranty_id.in_(ids)).order_by(WarrantyLayer.start_on)
    ):
        layers[wid].append(LayerView(kind, start, end,
                                     plan_names.get(plan_id) if plan_id else None))
    claims: dict[uuid.UUID | None, list[ClaimBrief]] = defaultdict(list)
    for claim_wid, number, state, outcome, opened_at, fault, channel in session.execute(
        select(Claim.warranty_id, Claim.number, Claim.state, Claim.outcome, Claim.opened_at,
               Claim.fault, Claim.channel)
        .where(Claim.warranty_id.in_(ids)).order_by(Claim.opened_at.desc())
    ):
        claims[claim_wid].append(
            ClaimBrief(number, state, outcome, opened_at.date(), fault, channel))
    plans = [p for p in all_plans if p.active]
    by_id = {row.id: row for row in rows}
    return [_verdict(by_id[i], layers[i], claims[i], plans, today) for i in ids if i in by_id]


def _verdict(
    row: Any, layers: list[LayerView], claims: list[ClaimBrief], plans: list[ExtensionPlan],
    today: date,
) -> WarrantyVerdict:
    void = row.status == WarrantyStatus.VOID
    spans = [LayerSpan(LayerKind(layer.kind), layer.start_on, layer.end_on) for layer in layers]
    cover = coverage_on(spans, today, void=void) if spans else Coverage(
        CoverStatus.EXPIRED, None, None, row.end_on, row.end_on)
    headline, detail = _words(cover, row.void_reason)
    extended = any(layer.kind == "extension" for layer in layers)
    offers = []
    if not void:
        for plan in plans:
            verdict = extension_eligibility(
                extension_terms(plan), category=row.category,
                unit_price_minor=row.unit_price_minor, sale_date=row.sold_on, today=today,
                already_extended=extended, void=void)
            if verdict.eligible:
                offers.append(ExtensionOfferView(plan.name, plan.months, plan.price_minor,
                                                 verdict.reason))
    open_claim = next((c.number for c in claims if c.state in OPEN_STATES), None)
    return WarrantyVerdict(
        verdict=cover.status.value, headline=headline, detail=detail,
        warranty_code=row.code, serial=row.serial, product_name=row.name, sku=row.sku,
        brand=row.brand, category=row.category, customer_name=row.customer_name,
        customer_phone=row.phone, customer_reference=row.reference,
        invoice_number=row.invoice_number, sold_on=row.sold_on, start_on=row.start_on,
        end_on=row.end_on, layer=cover.layer.value if cover.layer else None,
        days_left=cover.days_left, expired_since=cover.expired_since,
        void_reason=row.void_reason if void else None, terms=row.terms,
        exclusions=tuple(row.exclusions or ()), layers=tuple(layers), claims=tuple(claims),
        open_claim=open_claim, extension_offers=tuple(offers),
    )


def _words(cover: Coverage, void_reason: str | None) -> tuple[str, str]:
    """The large verdict and the one line under it, in plain words."""
    if cover.status is CoverStatus.VOID:
        return "VOID", f"This warranty was voided: {void_reason or 'no reason recorded'}."
    if cover.status is CoverStatus.IN_COVER:
        layer = _LAYER_WORDS.get(cover.layer.value if cover.layer else "", "Warranty")
        days = cover.days_left or 0
        return "IN COVER", (f"{layer} covers today; {days} day{'s' if days != 1 else ''} left, "
                            f"until {cover.ends_on}.")
    if cover.status is CoverStatus.NOT_STARTED:
        return "NOT STARTED", f"Cover starts later; it runs until {cover.ends_on}."
    return "EXPIRED", f"Cover ended on {cover.ends_on} (no cover since {cover.expired_since})."
