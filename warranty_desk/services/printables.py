"""Build the views that go on paper (slips, certificates, tickets, labels) from the ledger."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.clock import zone_of
from warranty_desk.errors import NotFound
from warranty_desk.models import (
    Brand,
    Claim,
    Customer,
    HandBack,
    Product,
    Staff,
    StockMovement,
    Warranty,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.printables import HandBackView, LabelView, SlipView, TicketView
from warranty_desk.services.close_report import close_report_view
from warranty_desk.services.letterhead import (
    ShopRow,
    header,
    local_now,
    local_time,
    portal_link,
    shop_of,
)
from warranty_desk.services.lookup import verdicts_on
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.storage.database import driver_of, session_rows
from warranty_desk.storage.documents import DocumentStore

__all__ = ["close_report_view", "hand_back_view", "label_view", "slip_view", "ticket_view"]

_OUTCOMES = {"repair": "Repaired", "replace": "Replaced with a new unit",
             "reject": "Returned unrepaired (claim rejected)"}

# Two lines a customer reads on a slip; the certificate carries the policy's full terms.
_KEY_TERMS = (
    "Faults in materials and workmanship are repaired, replaced or refunded free of charge.",
    "Keep this slip with the unit: it is your proof of purchase and of cover.",
)


def _how_to_claim(shop: ShopRow, portal: str | None) -> str:
    place = ", ".join(p for p in (shop.name, shop.branch_name) if p)
    words = f"Bring the unit and this slip to {place}"
    words += ", or start a claim online with the QR code." if portal else "."
    if shop.phone:
        words += f" Questions: call {shop.phone}."
    return words


def slip_view_in(
    uow: UnitOfWork, actor: Actor, warranty_code: str, *, copy: bool,
    documents: DocumentStore | None = None,
) -> SlipView:
    """A unit's warranty as the slip and the certificate print it."""
    require(actor, Permission.PRINT)
    code = warranty_code.strip().upper()
    session = uow.session
    shop = shop_of(session)
    # Through the driver, as the verdict's own reads: a slip prints after every sale.
    found = session_rows(session, "SELECT id FROM warranties WHERE code = ?", (code,))
    if not found:
        raise NotFound(f"No warranty {warranty_code.strip()!r}. Scan the slip's barcode or "
                       "look the unit up by serial first.")
    now = local_now(session, shop)
    verdict = verdicts_on(driver_of(session), [found[0][0]], today=now.date())[0]
    status = "void" if verdict.verdict == "void" else "active"
    portal = portal_link(shop, verdict.warranty_code)
    return SlipView(
        shop=header(shop, documents), copy=copy, printed_at=now,
        warranty_code=verdict.warranty_code, status=status,
        invoice_number=verdict.invoice_number, sold_on=verdict.sold_on,
        product_name=verdict.product_name, sku=verdict.sku, brand=verdict.brand,
        category=verdict.category, serial=verdict.serial,
        customer_name=verdict.customer_name, start_on=verdict.start_on,
        end_on=verdict.end_on, layers=() if verdict.awaits_delivery else verdict.layers,
        key_terms=_KEY_TERMS, terms=verdict.terms, exclusions=verdict.exclusions,
        how_to_claim=_how_to_claim(shop, portal), portal_url=portal,
        cover_note=verdict.detail if verdict.awaits_delivery else None)


slip_view = reads(slip_view_in)


def _claim(session: Session, number: str) -> Claim:
    claim = session.scalars(select(Claim).where(Claim.number == number.strip().upper())).first()
    if claim is None:
        raise NotFound(f"No claim {number.strip()!r}. Scan the claim ticket's barcode or find "
                       "the claim on the claims board.")
    return claim


def _product(session: Session, claim: Claim) -> tuple[str, str | None, str | None, str]:
    """Product name, SKU, brand and supplier, from the catalogue or the customer's words."""
    if claim.product_id is None:
        told = claim.claimed_purchase.get("product", "") or "Product not yet confirmed"
        return told, None, None, ""
    product = session.get_one(Product, claim.product_id)
    brand = session.get_one(Brand, product.brand_id).name
    return product.name, product.sku, brand, product.supplier.strip() or brand


def ticket_view_in(
    uow: UnitOfWork, actor: Actor, claim_number: str, *, copy: bool,
    documents: DocumentStore | None = None,
) -> TicketView:
    """The drop-off ticket for a claim, as it stood when the unit was handed in."""
    require(actor, Permission.PRINT)
    session = uow.session
    shop = shop_of(session)
    claim = _claim(session, claim_number)
    zone = zone_of(shop.timezone)
    name, sku, brand, _ = _product(session, claim)
    code = (session.scalars(select(Warranty.code).where(Warranty.id == claim.warranty_id))
            .first() if claim.warranty_id else None)
    customer = session.get(Customer, claim.customer_id) if claim.customer_id else None
    staff = session.get(Staff, claim.opened_by_id) if claim.opened_by_id else None
    portal = portal_link(shop, claim.number)
    follow = "Quote the claim number when you call or visit"
    follow += f" ({shop.phone})." if shop.phone else "."
    if portal:
        follow += " Or follow the claim online with the QR code."
    return TicketView(
        shop=header(shop, documents), copy=copy, printed_at=local_now(session, shop),
        claim_number=claim.number, opened_at=local_time(claim.opened_at, zone),
        channel=claim.channel, product_name=name, sku=sku, brand=brand,
        serial=claim.serial, warranty_code=code,
        customer_name=customer.name if customer else None,
        customer_phone=customer.phone if customer else None,
        accessories=claim.accessories, condition=claim.condition, fault=claim.fault,
        promised_on=claim.promised_on, received_by=staff.name if staff else actor.name,
        how_to_follow=follow, portal_url=portal)


ticket_view = reads(ticket_view_in)


def hand_back_view_in(
    uow: UnitOfWork, actor: Actor, claim_number: str, *, copy: bool,
    documents: DocumentStore | None = None,
) -> HandBackView:
    """The handover receipt of a claim whose unit went back to the customer."""
    require(actor, Permission.PRINT)
    session = uow.session
    shop = shop_of(session)
    claim = _claim(session, claim_number)
    row = session.scalars(select(HandBack).where(HandBack.claim_id == claim.id)).first()
    if row is None:
        raise NotFound(f"Claim {claim.number}'s unit has not been handed back yet, so there is "
                       "no handover receipt. Hand it back first (Ctrl+H on the claim).")
    name, _, brand, _ = _product(session, claim)
    customer = session.get(Customer, claim.customer_id) if claim.customer_id else None
    return HandBackView(
        shop=header(shop, documents), copy=copy, printed_at=local_now(session, shop),
        receipt_number=row.number, claim_number=claim.number,
        outcome=_OUTCOMES.get(claim.outcome or "reject", claim.outcome or ""), unit=row.unit,
        product_name=name, brand=brand, serial=row.serial,
        customer_name=customer.name if customer else None,
        handed_at=local_time(row.at, zone_of(shop.timezone)), handed_by=row.staff_name,
        collected_by=row.collected_by, on_behalf_proof=row.on_behalf_proof,
        accessories=tuple(row.accessories), accessories_missing=tuple(row.accessories_missing),
        condition=row.condition, signature_png=row.signature_png)


hand_back_view = reads(hand_back_view_in)


def label_view_in(uow: UnitOfWork, actor: Actor, claim_number: str) -> LabelView:
    """The tag for a claim's faulty unit in returns stock."""
    require(actor, Permission.PRINT)
    session = uow.session
    shop = shop_of(session)
    claim = _claim(session, claim_number)
    name, sku, brand, supplier = _product(session, claim)
    received = session.scalars(
        select(StockMovement.at).where(StockMovement.claim_id == claim.id,
                                       StockMovement.kind == "return_in")
        .order_by(StockMovement.at.desc()).limit(1)).first()
    now = local_now(session, shop)
    received_on = (local_time(received, zone_of(shop.timezone)).date() if received
                   else now.date())
    return LabelView(
        claim_number=claim.number, product_name=name, sku=sku, serial=claim.serial,
        supplier=supplier or "Supplier not set", brand=brand or "",
        received_on=received_on, fault=claim.fault, branch_code=shop.branch_code)


label_view = reads(label_view_in)
