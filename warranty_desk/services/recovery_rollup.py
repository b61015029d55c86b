"""What suppliers owe and settled per claim of each brand claim, worked out by the rules and
kept in the recovery roll-up (models.RecoveryRollup), so the dashboard sums a range's rows
instead of working every brand claim out again (a third of a second on the 1M shop).

The triggers of storage/recovery_marks.py mark a brand claim stale in the transaction of any
change its figures come from; each unit of work that wrote something works its stale brand
claims out again before it commits (refresh), and a reader still finding one stale (a write
made outside a unit of work) works that one out from the rows itself (recovery_sums).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import (
    LargeBinary,
    String,
    Table,
    bindparam,
    delete,
    false,
    func,
    insert,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from warranty_desk.clock import zone_of
from warranty_desk.models import (
    BrandClaim,
    BrandClaimItem,
    Claim,
    CostPosting,
    InvoiceLine,
    RecoveryRollup,
    RecoveryStale,
    Sale,
    Settlement,
    Warranty,
)
from warranty_desk.rules.recovery import Posting, Terms, claim_recovery, split_by_weight
from warranty_desk.services.letterhead import shop_of
from warranty_desk.services.shop_days import shop_day
from warranty_desk.services.supplier_terms import terms_for
from warranty_desk.storage.database import clock_of

# Brand claims worked out per statement when many are stale at once (after an upgrade, or a
# change of terms): SQLite's limit on bound parameters is far above it.
_CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class Share:
    """One claim of one brand claim: what is recoverable and its share of the settlements."""

    brand_claim_id: bytes  # the stored 16 bytes
    claim_id: bytes
    opened_at: str  # the claim's stored UTC instant, as text
    expected_minor: int
    settled_minor: int
    counted: bool  # let through by the caller's range and filters (work_out's `counted`)


def raw(column: Any) -> Any:
    """An id column read as its 16 stored bytes: 30,000 UUID objects made and hashed for
    nothing but matching rows up cost a quarter of a second."""
    return type_coerce(column, LargeBinary)


def work_out(session: Session, day: Any, brand_claims: Any, counted: Any = None
             ) -> list[Share]:
    """Every claim's share in the brand claims whose ids the subquery `brand_claims` gives, by
    the suppliers' terms (rules.recovery.claim_recovery) and split_by_weight over each brand
    claim's claims in the order they were added; `day(column)` is a column's shop day SQL and
    `counted` an SQL condition on the claim carried into each share."""
    items = session.execute(
        select(raw(BrandClaim.id).label("row_id"), BrandClaim.supplier,
               day(BrandClaim.submitted_at), raw(Claim.id).label("claim_id"),
               type_coerce(Claim.opened_at, String), day(Claim.opened_at), Sale.sold_on,
               false() if counted is None else counted)
        .join(BrandClaimItem, BrandClaimItem.brand_claim_id == BrandClaim.id)
        .join(Claim, Claim.id == BrandClaimItem.claim_id)
        .outerjoin(Warranty, Warranty.id == Claim.warranty_id)
        .outerjoin(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
        .outerjoin(Sale, Sale.id == InvoiceLine.sale_id)
        .where(BrandClaim.id.in_(brand_claims))
        .order_by(BrandClaim.id, BrandClaimItem.added_at, Claim.number)).all()
    if not items:
        return []
    paid: dict[bytes, int] = {k: int(v) for k, v in session.execute(
        select(raw(Settlement.brand_claim_id).label("row_id"),
               func.sum(Settlement.amount_minor))
        .where(Settlement.brand_claim_id.in_(brand_claims))
        .group_by(Settlement.brand_claim_id))}
    postings = _postings(session, brand_claims)
    terms: dict[str, Terms] = {}
    per_row: dict[bytes, list[tuple[bytes, str, int, bool]]] = defaultdict(list)
    for row_id, supplier, lodged, claim_id, opened_at, opened, sold_on, mine in items:
        if supplier not in terms:
            terms[supplier] = terms_for(session, supplier)
        got = claim_recovery(terms[supplier], postings.get(claim_id, ()), sold_on=sold_on,
                             opened_on=date.fromisoformat(opened),
                             lodged_on=date.fromisoformat(lodged))
        per_row[row_id].append((claim_id, opened_at, got.expected_minor, bool(mine)))
    found = []
    for row_id, claims in per_row.items():
        shares = split_by_weight(paid.get(row_id, 0), [want for _, _, want, _ in claims])
        found += [Share(row_id, claim_id, opened_at, want, share, mine)
                  for (claim_id, opened_at, want, mine), share in zip(claims, shares,
                                                                     strict=True)]
    return found


def _postings(session: Session, brand_claims: Any) -> dict[bytes, list[Posting]]:
    """The recoverable postings of the claims in the brand claims, summed per claim and kind
    (claim_recovery only sums them)."""
    found: dict[bytes, list[Posting]] = defaultdict(list)
    claims = select(BrandClaimItem.claim_id).where(
        BrandClaimItem.brand_claim_id.in_(brand_claims))
    for claim_id, kind, amount in session.execute(
            select(raw(CostPosting.claim_id).label("claim_id"), CostPosting.kind,
                   func.sum(CostPosting.amount_minor))
            .where(CostPosting.claim_id.in_(claims), CostPosting.recoverable.is_(True))
            .group_by(CostPosting.claim_id, CostPosting.kind)):
        found[claim_id].append(Posting(kind, int(amount), True))
    return found


def stale_ids() -> Any:
    """The ids of the brand claims marked stale, as a subquery."""
    return select(RecoveryStale.brand_claim_id)


def refresh(session: Session) -> int:
    """Work out the stale brand claims again and store their rows; the count worked out."""
    stale = [bytes(b) for b in session.scalars(select(raw(RecoveryStale.brand_claim_id)))]
    if not stale:
        return 0
    zone = zone_of(shop_of(session).timezone)
    today = clock_of(session).now().date()

    def day(column: Any) -> Any:
        return shop_day(column, zone, today)

    for start in range(0, len(stale), _CHUNK):
        chunk = stale[start:start + _CHUNK]
        ids = type_coerce(RecoveryStale.brand_claim_id, LargeBinary).in_(chunk)
        wanted = select(RecoveryStale.brand_claim_id).where(ids)
        rows = work_out(session, day, wanted)
        session.execute(delete(RecoveryRollup).where(
            type_coerce(RecoveryRollup.brand_claim_id, LargeBinary).in_(chunk)))
        _store(session, rows)
        session.execute(delete(RecoveryStale).where(ids))
    return len(stale)


def _store(session: Session, rows: Iterable[Share]) -> None:
    values = [{"b": r.brand_claim_id, "c": r.claim_id, "o": r.opened_at,
               "e": r.expected_minor, "s": r.settled_minor} for r in rows]
    if values:
        session.execute(insert(cast(Table, RecoveryRollup.__table__)).values(
            brand_claim_id=bindparam("b", type_=LargeBinary),
            claim_id=bindparam("c", type_=LargeBinary),
            opened_at=bindparam("o", type_=String),
            expected_minor=bindparam("e"), settled_minor=bindparam("s")), values)
