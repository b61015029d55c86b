"""Refunds decided in a period, as the refund accuracy metric reads them: amount, price paid,
who approved it with their limit, and the refund cost in the ledger."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.models import Claim, ClaimEvent, CostPosting, InvoiceLine, Staff, Warranty
from warranty_desk.permissions import ROLE_LABELS, Role, refund_limit
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.rules.metrics.rows import RefundRow


def _approvers(session: Session, claim_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID | None]:
    """Per refunded claim, who approved the refund: the manager who overrode a rule for it, or
    the person who decided it (the newest decision, if it was decided twice)."""
    found: dict[uuid.UUID, uuid.UUID | None] = {}
    for claim_id, staff_id, override_by in session.execute(
            select(ClaimEvent.claim_id, ClaimEvent.staff_id, ClaimEvent.override_by_id)
            .where(ClaimEvent.claim_id.in_(claim_ids),
                   ClaimEvent.to_state == ClaimState.RESOLVED.value)
            .order_by(ClaimEvent.at)):
        found[claim_id] = override_by or staff_id
    return found


def refund_rows(session: Session, start: datetime, end: datetime, scope: Any = None
                ) -> list[tuple[RefundRow, str | None]]:
    """Refunds decided in [start, end), oldest first, each with its approver's name; `scope`
    (a subquery of claim ids) narrows them to the claims a filter lets through."""
    stmt = (select(Claim.id, Claim.number, Claim.closed_at, Claim.refund_minor,
                   InvoiceLine.unit_price_minor)
            .outerjoin(Warranty, Warranty.id == Claim.warranty_id)
            .outerjoin(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
            .where(Claim.outcome == "refund", Claim.refund_minor.is_not(None),
                   Claim.closed_at >= start, Claim.closed_at < end)
            .order_by(Claim.closed_at, Claim.number))
    if scope is not None:
        stmt = stmt.where(Claim.id.in_(scope))
    refunds = session.execute(stmt).all()
    ids = [r.id for r in refunds]
    approvers = _approvers(session, ids)
    people = {row.id: (row.name, Role(row.role)) for row in session.execute(
        select(Staff.id, Staff.name, Staff.role).where(
            Staff.id.in_({a for a in approvers.values() if a is not None})))}
    ledger = dict(session.execute(
        select(CostPosting.claim_id, func.sum(CostPosting.amount_minor))
        .where(CostPosting.claim_id.in_(ids), CostPosting.kind == "refund")
        .group_by(CostPosting.claim_id)).all()) if ids else {}
    found: list[tuple[RefundRow, str | None]] = []
    for r in refunds:
        approver = approvers.get(r.id)
        who = people.get(approver) if approver is not None else None
        found.append((RefundRow(r.number, r.closed_at, r.refund_minor, r.unit_price_minor,
                                ROLE_LABELS[who[1]] if who else None,
                                refund_limit(who[1]) if who else None,
                                int(ledger.get(r.id) or 0)), who[0] if who else None))
    return found
