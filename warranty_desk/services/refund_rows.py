"""Refunds decided in a period, as the refund accuracy metric reads them: amount, price paid,
who approved it with their limit, and the refund cost in the ledger (as the claims' roll-up
sums it, storage/rollups.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Claim,
    ClaimEvent,
    ClaimRollup,
    InvoiceLine,
    Staff,
    Warranty,
)
from warranty_desk.permissions import ROLE_LABELS, Role, refund_limit
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.rules.metrics.rows import RefundRow


def _approver() -> Any:
    """SQL for who approved a refunded claim's refund: the manager who overrode a rule for it,
    or the person who decided it (the newest decision, if it was decided twice)."""
    e = ClaimEvent
    return (select(func.coalesce(e.override_by_id, e.staff_id))
            .where(e.claim_id == Claim.id, e.to_state == ClaimState.RESOLVED.value)
            .order_by(e.at.desc()).limit(1).scalar_subquery())


def _refunds(start: datetime, end: datetime, scope: Any, *columns: Any) -> Any:
    """The refunds decided in [start, end), selecting `columns` over the claim, its roll-up
    row (the ledger's refund cost), the price paid and the approver; `scope` (a subquery of
    claim ids) narrows them to the claims a filter lets through."""
    r = ClaimRollup  # its index on closed_at finds the range; the claims table has none
    stmt = (select(*columns).select_from(r).join(Claim, Claim.id == r.claim_id)
            .outerjoin(Warranty, Warranty.id == Claim.warranty_id)
            .outerjoin(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
            .outerjoin(Staff, Staff.id == _approver())
            .where(r.outcome == "refund", r.closed_at >= start, r.closed_at < end,
                   Claim.refund_minor.is_not(None)))
    return stmt if scope is None else stmt.where(r.claim_id.in_(scope))


def _checked(role: str | None) -> tuple[str | None, int | None]:
    """The approver's role in words and refund limit, as RefundRow keeps them."""
    if role is None:
        return None, None
    return ROLE_LABELS[Role(role)], refund_limit(Role(role))


def refund_rows(session: Session, start: datetime, end: datetime, scope: Any = None
                ) -> list[tuple[RefundRow, str | None]]:
    """Refunds decided in [start, end), oldest first, each with its approver's name."""
    found: list[tuple[RefundRow, str | None]] = []
    for r in session.execute(_refunds(
            start, end, scope, Claim.number, Claim.closed_at, Claim.refund_minor,
            InvoiceLine.unit_price_minor, Staff.role, Staff.name,
            ClaimRollup.cost_refund.label("ledger"))
            .order_by(Claim.closed_at, Claim.number)):
        found.append((RefundRow(r.number, r.closed_at, r.refund_minor, r.unit_price_minor,
                                *_checked(r.role), int(r.ledger)), r.name))
    return found


def refunds_counted(session: Session, start: datetime, end: datetime, scope: Any = None,
                    *, where: Iterable[Any] = ()) -> list[RefundRow]:
    """refund_rows counted into alike rows in SQL (amount, price, approver's role, ledger),
    each standing for `count` refunds, dated by the newest of them: the dashboard reads a
    figure, and its claims only when picked. From the refund facts on the claims' roll-up
    rows (storage/refund_facts.py), not each refund's claim, sale and events."""
    return [row for _, row in refunds_counted_by(session, start, end, scope, where=where)]


def refunds_counted_by(session: Session, start: datetime, end: datetime, scope: Any = None,
                       *, where: Iterable[Any] = (), key: Any | None = None
                       ) -> list[tuple[Any, RefundRow]]:
    """refunds_counted, each row with the value of `key` (SQL over the claim's roll-up row)
    its refunds share when given, else with None."""
    r = ClaimRollup
    grouped = [key.label("grp")] if key is not None else []
    cols = (*grouped, r.refund_minor.label("amount"), r.refund_paid.label("paid"),
            Staff.role.label("role"), r.cost_refund.label("ledger"))
    stmt = (select(func.max(r.closed_at), *cols, func.count()).select_from(r)
            .outerjoin(Staff, Staff.id == r.refund_by)
            .where(r.outcome == "refund", r.closed_at >= start, r.closed_at < end,
                   r.refund_minor.is_not(None), *where)
            .group_by(*(literal_column(c.name) for c in cols)))
    if scope is not None:
        stmt = stmt.where(r.claim_id.in_(scope))
    found = []
    for row in session.connection().execute(stmt):
        at, amount, paid, role, ledger, n = row[0], *row[1 + len(grouped):]
        # Both are there: the rows are refunds closed in the range, with their amount.
        assert at is not None and amount is not None
        found.append((row[1] if grouped else None,
                      RefundRow("", at, amount, paid, *_checked(role), int(ledger),
                                count=int(n))))
    return found
