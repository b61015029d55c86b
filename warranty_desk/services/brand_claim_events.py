"""The events that tell head office about a brand claim: each carries the brand claim as it
now is (contract BrandClaimV1), with what the event itself changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from warranty_desk.models import Brand, BrandClaim
from warranty_desk.services import outbox
from warranty_desk.services.brand_claim_views import claims_of, recoveries, settled
from warranty_desk.services.shop_locale import money_of


def brand_claim_key(row: BrandClaim) -> str:
    """How head office names the brand claim: its number (brand claims from before numbers
    go by the brand's id for them, else the till's own id)."""
    return row.number or row.external_id or str(row.id)


def state_of(session: Session, row: BrandClaim) -> dict[str, Any]:
    """The brand claim as every one of its events carries it."""
    session.flush()
    claims = claims_of(session, [row.id]).get(row.id, [])
    brand = session.get_one(Brand, row.brand_id)
    owed = recoveries(session, [row], {row.id: claims})[row.id]
    return {
        "number": brand_claim_key(row), "supplier": row.supplier or brand.name,
        "brand": brand.name, "external_id": row.external_id,
        "service_centre": row.service_centre, "status": row.external_status,
        "approval": row.approval, "claims": [c.number for c in claims],
        "expected_minor": owed.expected_minor,
        # Each claim's part, as the claims list them: head office shares settlements by it.
        "expected_per_claim": [owed.per_claim[c.id][0] for c in claims],
        "settled_minor": settled(session, row), "written_off_minor": row.written_off_minor,
        "closed": row.closed_at is not None, "currency": money_of(session).currency,
    }


def emit(session: Session, topic: str, row: BrandClaim, **changed: Any) -> None:
    """Queue one brand claim event (topic brand_claim.*) with the brand claim as it is now and
    what the event changed."""
    outbox.emit(session, topic, "brand_claim", brand_claim_key(row),
                {**state_of(session, row), **changed})
