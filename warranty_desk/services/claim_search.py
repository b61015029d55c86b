"""Finding claims by their number, whole or in part, for the counter and the claims board."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from warranty_desk.models import Claim, Customer, Product
from warranty_desk.number_formats import ClaimNumberPart, partial_claim_number
from warranty_desk.scanning import Scan, ScanKind
from warranty_desk.services.shop_time import shop_zone
from warranty_desk.views import ClaimMatch

# Sequence 123 is one claim per branch and year; more than this is a search to narrow.
MAX_CLAIMS = 50


def number_condition(part: ClaimNumberPart) -> ColumnElement[bool]:
    """Claims whose number ends in this year and sequence (any branch; any year without one).

    Numbers are BR01-C-2026-000123: the sequence is zero-padded to six digits at least, so the
    end is exact and "123" never finds 001123.
    """
    year = f"{part.year:04d}" if part.year is not None else "____"
    return Claim.number.like(f"%-C-{year}-{part.seq:06d}")


def claim_condition(scan: Scan) -> ColumnElement[bool] | None:
    """The claims a scan names by number: the whole number, or its end; None if it names none."""
    if scan.kind is ScanKind.CLAIM_NUMBER:
        return Claim.number == scan.value
    part = partial_claim_number(scan.raw)
    return number_condition(part) if part is not None else None


def find_claims(session: Session, scan: Scan) -> tuple[ClaimMatch, ...]:
    """The claims a scan names by number, the newest first, each with its customer and product."""
    condition = claim_condition(scan)
    if condition is None:
        return ()
    rows = session.execute(
        select(Claim.number, Claim.state, Claim.opened_at, Claim.claimed_purchase,
               Product.name, Customer.name, Customer.phone)
        .outerjoin(Product, Product.id == Claim.product_id)
        .outerjoin(Customer, Customer.id == Claim.customer_id)
        .where(condition).order_by(Claim.opened_at.desc(), Claim.number.desc())
        .limit(MAX_CLAIMS)).all()
    if not rows:
        return ()
    zone = shop_zone(session)
    return tuple(ClaimMatch(
        number=number, state=state,
        product=product or str((purchase or {}).get("product") or "unknown product"),
        customer_name=customer or None, customer_phone=phone or None,
        opened_on=opened_at.astimezone(zone).date())
        for number, state, opened_at, purchase, product, customer, phone in rows)
