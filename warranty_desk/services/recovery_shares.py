"""What suppliers owe and settled per customer claim, for the claims opened in a period."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.models import Brand, BrandClaim, BrandClaimItem, Claim, Settlement
from warranty_desk.rules.metrics.rows import RecoveryShare
from warranty_desk.rules.recovery import split_by_weight
from warranty_desk.services.brand_claim_views import claims_of, recoveries


def recovery_shares(session: Session, start: datetime, end: datetime
                    ) -> dict[uuid.UUID, RecoveryShare]:
    """Per claim opened in [start, end) and sent to a brand: what its supplier's terms made
    recoverable and its share of what was settled. A brand claim's settlements are shared among
    its claims as write-offs are (rules.recovery.split_by_weight over each claim's expected
    recovery), so a batch whose claims were opened in different periods counts in each for its
    own claims, not all in its first claim's."""
    touched = (select(BrandClaimItem.brand_claim_id)
               .join(Claim, Claim.id == BrandClaimItem.claim_id)
               .where(Claim.opened_at >= start, Claim.opened_at < end))
    rows = list(session.scalars(select(BrandClaim).where(BrandClaim.id.in_(touched))))
    if not rows:
        return {}
    paid: dict[uuid.UUID, int] = {k: int(v) for k, v in session.execute(
        select(Settlement.brand_claim_id, func.sum(Settlement.amount_minor))
        .where(Settlement.brand_claim_id.in_([r.id for r in rows]))
        .group_by(Settlement.brand_claim_id)).all()}
    claims = claims_of(session, [r.id for r in rows])
    owed = recoveries(session, rows, claims)
    brands = dict(session.execute(select(Brand.id, Brand.name)).all())
    found: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0])
    numbers: dict[uuid.UUID, tuple[str, str]] = {}
    for row in rows:
        mine = claims.get(row.id, [])
        expected = [owed[row.id].per_claim[c.id][0] for c in mine]
        shares = split_by_weight(paid.get(row.id, 0), expected)
        for claim, want, share in zip(mine, expected, shares, strict=True):
            if start <= claim.opened_at < end:
                found[claim.id][0] += want
                found[claim.id][1] += share
                numbers[claim.id] = (claim.number, brands[row.brand_id])
    return {k: RecoveryShare(numbers[k][0], numbers[k][1], v[0], v[1])
            for k, v in found.items()}
