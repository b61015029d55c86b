"""Brand claims as the returns desk, finance and the supplier read them: their claims and
units, where each unit is, what the supplier owes under its terms, and what it has paid."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.errors import NotFound
from warranty_desk.models import (
    Brand,
    BrandClaim,
    BrandClaimItem,
    BrandStatusUpdate,
    Claim,
    CostPosting,
    EvidenceDocument,
    InvoiceLine,
    Product,
    Sale,
    Settlement,
    Staff,
    Warranty,
)
from warranty_desk.permissions import Actor, Permission, Role, require
from warranty_desk.rules.brand_status import brand_status_words
from warranty_desk.rules.recovery import Posting, Terms, claim_recovery, is_stale
from warranty_desk.services.returns import positions
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.supplier_terms import terms_for
from warranty_desk.services.unit_of_work import UnitOfWork, reads

# Where a unit is after its last stock movement, in words (the brand claim names the supplier).
_PLACES = {"return_in": "in returns stock", "to_supplier": "at the supplier",
           "back_from_supplier": "back in returns stock", "scrap": "scrapped"}


@dataclass(frozen=True, slots=True)
class BrandClaimLine:
    """One customer claim in a brand claim, with its unit and what it adds to the recovery."""

    claim_number: str
    serial: str | None
    product: str
    sku: str
    fault: str
    opened_on: date
    sold_on: date | None
    place: str
    expected_minor: int
    not_recoverable: str | None  # why it adds nothing, when it does not
    evidence: tuple[str, ...]  # "kind: file name" per document on the claim


@dataclass(frozen=True, slots=True)
class StatusUpdateView:
    """One status the brand gave, as entered."""

    at: datetime
    status: str
    from_status: str
    source: str  # desk | csv | head_office
    entered_by: str
    origin: str
    note: str


@dataclass(frozen=True, slots=True)
class SettlementView:
    """Money or a credit note from the supplier."""

    settled_on: date
    amount_minor: int
    kind: str
    reference: str
    reason: str
    recorded_by: str | None
    agreed_by: str | None


@dataclass(frozen=True, slots=True)
class BrandClaimView:
    """One brand claim in full."""

    number: str
    supplier: str
    brand: str
    external_id: str
    service_centre: str
    status: str
    status_words: str
    approval: str
    submitted_at: datetime
    last_moved_on: date
    expected_minor: int
    settled_minor: int
    written_off_minor: int
    stale: bool
    closed: bool
    terms: Terms
    lines: tuple[BrandClaimLine, ...]
    updates: tuple[StatusUpdateView, ...]
    settlements: tuple[SettlementView, ...]

    @property
    def outstanding_minor(self) -> int:
        """What the supplier still owes, less what was written off; never below nothing."""
        return max(self.expected_minor - self.settled_minor - self.written_off_minor, 0)


@dataclass(frozen=True, slots=True)
class BrandClaimRow:
    """A brand claim as the list shows it."""

    number: str
    supplier: str
    brand: str
    external_id: str
    status: str
    approval: str
    claims: int
    expected_minor: int
    settled_minor: int
    last_moved_on: date
    age_days: int
    stale: bool
    closed: bool


def find(session: Session, number: str, actor: Actor | None = None) -> BrandClaim:
    """The brand claim with this number (or the brand's own id for it), or a plain NotFound.

    Given the actor, a supplier contact finds only their own supplier's brand claims: another
    supplier's answers as missing, so the contact learns nothing of what else the shop claims.
    """
    key = number.strip()
    row = session.scalars(select(BrandClaim).where(
        (BrandClaim.number == key.upper()) | (BrandClaim.external_id == key))).first()
    if row is None or (actor is not None and not may_see(actor, row)):
        raise NotFound(f"No brand claim {key}. Check the number on the packet (it reads like "
                       "BR01-BC-2026-000001) or the brand's own claim id.")
    return row


def may_see(actor: Actor, row: BrandClaim) -> bool:
    """A supplier contact sees only their own supplier's brand claims; staff see them all."""
    return actor.role is not Role.SUPPLIER or row.supplier.casefold() == actor.supplier.casefold()


def claims_of(session: Session, brand_claim_ids: Iterable[uuid.UUID]
              ) -> dict[uuid.UUID, list[Claim]]:
    """The customer claims in each brand claim, in the order they were added."""
    found: dict[uuid.UUID, list[Claim]] = {}
    for item, claim in session.execute(
            select(BrandClaimItem.brand_claim_id, Claim)
            .join(Claim, Claim.id == BrandClaimItem.claim_id)
            .where(BrandClaimItem.brand_claim_id.in_(list(brand_claim_ids)))
            .order_by(BrandClaimItem.added_at, Claim.number)):
        found.setdefault(item, []).append(claim)
    return found


def _sold_on(session: Session, claims: list[Claim]) -> dict[uuid.UUID, date]:
    ids = [c.warranty_id for c in claims if c.warranty_id is not None]
    if not ids:
        return {}
    return dict(session.execute(
        select(Warranty.id, Sale.sold_on)
        .join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
        .join(Sale, Sale.id == InvoiceLine.sale_id).where(Warranty.id.in_(ids))).all())


def _postings(session: Session, claims: list[Claim]) -> dict[uuid.UUID, list[Posting]]:
    found: dict[uuid.UUID, list[Posting]] = {}
    for claim_id, kind, amount, recoverable in session.execute(
            select(CostPosting.claim_id, CostPosting.kind, CostPosting.amount_minor,
                   CostPosting.recoverable)
            .where(CostPosting.claim_id.in_([c.id for c in claims]))):
        found.setdefault(claim_id, []).append(Posting(kind, amount, recoverable))
    return found


@dataclass(frozen=True, slots=True)
class Recovery:
    """What one brand claim's supplier owes, claim by claim, the claims' sale days and the
    supplier's terms it was reckoned under."""

    per_claim: dict[uuid.UUID, tuple[int, str | None]]
    sold_on: dict[uuid.UUID, date]
    terms: Terms

    @property
    def expected_minor(self) -> int:
        """The sum over the brand claim's claims."""
        return sum(amount for amount, _ in self.per_claim.values())


def recoveries(session: Session, rows: list[BrandClaim],
               claims: dict[uuid.UUID, list[Claim]] | None = None) -> dict[uuid.UUID, Recovery]:
    """What each brand claim's supplier owes under its terms, from its claims' cost postings;
    a few queries for any number of brand claims."""
    if claims is None:
        claims = claims_of(session, [r.id for r in rows])
    every = [c for r in rows for c in claims.get(r.id, [])]
    zone = shop_zone(session)
    sold = _sold_on(session, every)
    postings = _postings(session, every) if every else {}
    terms: dict[str, Terms] = {}
    found: dict[uuid.UUID, Recovery] = {}
    for row in rows:
        # Not setdefault(key, terms_for(...)): that reads the terms again for every row.
        if row.supplier not in terms:
            terms[row.supplier] = terms_for(session, row.supplier)
        rule = terms[row.supplier]
        lodged = row.submitted_at.astimezone(zone).date()
        per: dict[uuid.UUID, tuple[int, str | None]] = {}
        sold_on: dict[uuid.UUID, date] = {}
        for claim in claims.get(row.id, []):
            day = sold.get(claim.warranty_id) if claim.warranty_id else None
            if day is not None:
                sold_on[claim.id] = day
            got = claim_recovery(rule, postings.get(claim.id, []), sold_on=day,
                                 opened_on=claim.opened_at.astimezone(zone).date(),
                                 lodged_on=lodged)
            per[claim.id] = (got.expected_minor, got.outside_window)
        found[row.id] = Recovery(per, sold_on, rule)
    return found


def expected_recovery(session: Session, row: BrandClaim, claims: list[Claim] | None = None
                      ) -> int:
    """What the supplier owes on a brand claim under its terms, from the claims' cost postings."""
    given = None if claims is None else {row.id: claims}
    return recoveries(session, [row], given)[row.id].expected_minor


def _moved(row: BrandClaim, newest: datetime | None) -> datetime:
    """When the brand claim's status last moved (or it was lodged, before any update)."""
    return max(row.submitted_at, newest) if newest is not None else row.submitted_at


def last_moved(session: Session, row: BrandClaim) -> datetime:
    """One brand claim's last move, read from its status updates."""
    return _moved(row, session.scalar(select(func.max(BrandStatusUpdate.at)).where(
        BrandStatusUpdate.brand_claim_id == row.id)))


def settled(session: Session, row: BrandClaim) -> int:
    """What the supplier has paid or credited on a brand claim so far."""
    return int(session.scalar(select(func.coalesce(func.sum(Settlement.amount_minor), 0))
                              .where(Settlement.brand_claim_id == row.id)) or 0)


def settled_each(session: Session, rows: list[BrandClaim]) -> dict[uuid.UUID, int]:
    """What the supplier has paid or credited so far on each of these brand claims (one
    query; a brand claim with nothing settled is left out)."""
    return {k: int(v) for k, v in session.execute(
        select(Settlement.brand_claim_id, func.sum(Settlement.amount_minor))
        .where(Settlement.brand_claim_id.in_([r.id for r in rows]))
        .group_by(Settlement.brand_claim_id)).all()}


def _evidence(session: Session, claims: list[Claim]) -> dict[uuid.UUID, tuple[str, ...]]:
    found: dict[uuid.UUID, list[str]] = {}
    for claim_id, kind, name in session.execute(
            select(EvidenceDocument.claim_id, EvidenceDocument.kind,
                   EvidenceDocument.original_name)
            .where(EvidenceDocument.claim_id.in_([c.id for c in claims]))
            .order_by(EvidenceDocument.added_at)):
        found.setdefault(claim_id, []).append(
            f"{kind.replace('_', ' ')}: {name}" if name else kind.replace("_", " "))
    return {k: tuple(v) for k, v in found.items()}


def _place(kind: str | None, reference: str) -> str:
    if kind is None:
        return "not received (with the customer)"
    words = _PLACES.get(kind, kind.replace("_", " "))
    return f"{words} ({reference})" if kind == "to_supplier" and reference else words


def view_of(session: Session, row: BrandClaim) -> BrandClaimView:
    """One brand claim in full (no permission check)."""
    zone = shop_zone(session)
    claims = claims_of(session, [row.id]).get(row.id, [])
    recovery = recoveries(session, [row], {row.id: claims})[row.id]
    terms = recovery.terms
    where = positions(session, [c.id for c in claims])
    evidence = _evidence(session, claims)
    products = {p.id: p for p in session.scalars(select(Product).where(
        Product.id.in_([c.product_id for c in claims if c.product_id])))}
    lines = []
    for claim in claims:
        product = products.get(claim.product_id) if claim.product_id else None
        pos = where.get(claim.id)
        expected, why = recovery.per_claim[claim.id]
        lines.append(BrandClaimLine(
            claim.number, claim.serial, product.name if product else "unknown product",
            product.sku if product else "", claim.fault,
            claim.opened_at.astimezone(zone).date(), recovery.sold_on.get(claim.id),
            _place(pos.last_kind if pos else None, pos.reference if pos else ""),
            expected, why, evidence.get(claim.id, ())))
    names = dict(session.execute(select(Staff.id, Staff.name)).all())
    updates = tuple(StatusUpdateView(u.at, u.status, u.from_status, u.source, u.entered_by,
                                     u.origin, u.note)
                    for u in session.scalars(select(BrandStatusUpdate).where(
                        BrandStatusUpdate.brand_claim_id == row.id)
                        .order_by(BrandStatusUpdate.at, BrandStatusUpdate.id)))
    settlements = tuple(
        SettlementView(s.settled_on, s.amount_minor, s.kind, s.reference, s.reason,
                       names.get(s.recorded_by_id) if s.recorded_by_id else None,
                       names.get(s.agreed_by_id) if s.agreed_by_id else None)
        for s in session.scalars(select(Settlement).where(Settlement.brand_claim_id == row.id)
                                 .order_by(Settlement.settled_on, Settlement.id)))
    moved = last_moved(session, row).astimezone(zone).date()
    brand = session.get_one(Brand, row.brand_id)
    return BrandClaimView(
        row.number or row.external_id, row.supplier, brand.name, row.external_id,
        row.service_centre, row.external_status,
        brand_status_words(row.external_status) or row.external_status, row.approval,
        row.submitted_at, moved, recovery.expected_minor,
        sum(s.amount_minor for s in settlements), row.written_off_minor,
        row.closed_at is None and is_stale(moved, shop_today(session), terms),
        row.closed_at is not None, terms, tuple(lines), updates, settlements)


def brand_claim_in(uow: UnitOfWork, actor: Actor, number: str) -> BrandClaimView:
    """One brand claim by its number or the brand's id for it."""
    require(actor, Permission.VIEW_BRAND_CLAIMS)
    row = find(uow.session, number, actor)
    return view_of(uow.session, row)


brand_claim = reads(brand_claim_in)


def rows_of(session: Session, rows: list[BrandClaim]) -> list[BrandClaimRow]:
    """List lines for brand claims (no permission check), stale ones first, then oldest."""
    today = shop_today(session)
    zone = shop_zone(session)
    claims = claims_of(session, [r.id for r in rows])
    brands = dict(session.execute(select(Brand.id, Brand.name)).all())
    paid = settled_each(session, rows)
    moved_at: dict[uuid.UUID, datetime] = dict(session.execute(
        select(BrandStatusUpdate.brand_claim_id, func.max(BrandStatusUpdate.at))
        .where(BrandStatusUpdate.brand_claim_id.in_([r.id for r in rows]))
        .group_by(BrandStatusUpdate.brand_claim_id)).all())
    owed = recoveries(session, rows, claims)
    found = []
    for row in rows:
        terms = owed[row.id].terms
        mine = claims.get(row.id, [])
        moved = _moved(row, moved_at.get(row.id)).astimezone(zone).date()
        found.append(BrandClaimRow(
            row.number or row.external_id, row.supplier, brands.get(row.brand_id, ""),
            row.external_id, row.external_status, row.approval, len(mine),
            owed[row.id].expected_minor, paid.get(row.id, 0), moved,
            max((today - moved).days, 0),
            row.closed_at is None and is_stale(moved, today, terms), row.closed_at is not None))
    return sorted(found, key=lambda r: (r.closed, not r.stale, r.last_moved_on, r.number))


def brand_claims_in(uow: UnitOfWork, actor: Actor, *, include_closed: bool = False
                    ) -> tuple[BrandClaimRow, ...]:
    """Brand claims (open ones unless asked), stale first; a supplier contact sees only their
    own supplier's."""
    require(actor, Permission.VIEW_BRAND_CLAIMS)
    stmt = select(BrandClaim)
    if not include_closed:
        stmt = stmt.where(BrandClaim.closed_at.is_(None))
    rows = list(uow.session.scalars(stmt))
    if actor.role is Role.SUPPLIER:
        rows = [r for r in rows if may_see(actor, r)]
    return tuple(rows_of(uow.session, rows))


brand_claims = reads(brand_claims_in)
