"""Claim reports: how many claims were carried to an end, and whether refunds were right."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.models import Claim, ClaimEvent, CostPosting, InvoiceLine, Staff, Warranty
from warranty_desk.permissions import ROLE_LABELS, Actor, Permission, Role, refund_limit, require
from warranty_desk.rules.claim_states import OPEN_STATES, ClaimState
from warranty_desk.rules.refunds import refund_within_limit
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.message_report import rate
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.services.unit_of_work import UnitOfWork

COMPLETION_COLUMNS = ("Month opened", "Opened", "Resolved", "Rejected", "Still open",
                      "Closed by promised day", "Completion %", "On time %")
ACCURACY_COLUMNS = ("Month decided", "Refunds", "Amount", "Within price paid",
                    "Within role limit", "Matches the cost ledger", "Accurate", "Accuracy %")
PROBLEM_COLUMNS = ("Claim", "Decided", "Amount", "Paid", "Approved by", "Role", "Problems")
TOTAL = "All"


def resolution_completion_in(uow: UnitOfWork, actor: Actor, *, since: date,
                             until: date) -> ReportTable:
    """Claims opened in the period, by month: how many were resolved or rejected, how many are
    still open, and how many closed by the day the shop promised."""
    require(actor, Permission.VIEW_REPORTS)
    zone, start, end = report_period(uow.session, since, until)
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * 5)
    for opened_at, state, closed_at, promised_on in uow.session.execute(
            select(Claim.opened_at, Claim.state, Claim.closed_at, Claim.promised_on)
            .where(Claim.opened_at >= start, Claim.opened_at < end)):
        month = opened_at.astimezone(zone).strftime("%Y-%m")
        row = counts[month]
        row[0] += 1
        if state == ClaimState.RESOLVED.value:
            row[1] += 1
        elif state == ClaimState.REJECTED.value:
            row[2] += 1
        elif state in OPEN_STATES:
            row[3] += 1
        if (state not in OPEN_STATES and closed_at is not None and promised_on is not None
                and closed_at.astimezone(zone).date() <= promised_on):
            row[4] += 1
    rows: list[tuple[Cell, ...]] = []
    total = [0] * 5
    for month in sorted(counts):
        found = counts[month]
        total = [a + b for a, b in zip(total, found, strict=True)]
        rows.append(_completion_row(month, found))
    if len(rows) > 1:
        rows.append(_completion_row(TOTAL, total))
    return ReportTable(
        name="resolution-completion", title="Resolution completion",
        subtitle=f"Claims opened {since.isoformat()} to {until.isoformat()}",
        columns=COMPLETION_COLUMNS, rows=tuple(rows), chart_column=6,
        notes=("Completion counts resolved and rejected claims against those opened; on time "
               "counts the closed ones that closed by the day promised to the customer.",))


def _completion_row(month: str, c: list[int]) -> tuple[Cell, ...]:
    opened, resolved, rejected, still_open, on_time = c
    closed = resolved + rejected
    return (month, opened, resolved, rejected, still_open, on_time, rate(closed, opened),
            rate(on_time, closed))


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


def _misses(amount: int, paid: int | None, role: Role | None, ledger: int
            ) -> tuple[str | None, str | None, str | None]:
    """What is wrong with a refund, per check (price paid, role limit, ledger); None: right."""
    price = ("no sale on record to check the amount against" if paid is None
             else "more than the customer paid" if amount > paid else None)
    limit = ("no staff member on record approved it" if role is None
             else None if refund_within_limit(amount, refund_limit(role))
             else f"over the refund limit of a {ROLE_LABELS[role].lower()}")
    posted = None if ledger == amount else "the refund cost posted differs from the refund"
    return price, limit, posted


def refund_accuracy_in(uow: UnitOfWork, actor: Actor, *, since: date,
                       until: date) -> ReportTable:
    """Refunds decided in the period, by month: within the price paid (policy), within the
    approver's refund limit, and matching the refund cost in the ledger; each miss below."""
    require(actor, Permission.VIEW_REPORTS)
    zone, start, end = report_period(uow.session, since, until)
    session = uow.session
    refunds = session.execute(
        select(Claim.id, Claim.number, Claim.closed_at, Claim.refund_minor,
               InvoiceLine.unit_price_minor)
        .outerjoin(Warranty, Warranty.id == Claim.warranty_id)
        .outerjoin(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
        .where(Claim.outcome == "refund", Claim.refund_minor.is_not(None),
               Claim.closed_at >= start, Claim.closed_at < end)
        .order_by(Claim.closed_at, Claim.number)).all()
    ids = [r.id for r in refunds]
    approvers = _approvers(session, ids)
    people = {row.id: (row.name, Role(row.role)) for row in session.execute(
        select(Staff.id, Staff.name, Staff.role).where(
            Staff.id.in_({a for a in approvers.values() if a is not None})))}
    ledger = dict(session.execute(
        select(CostPosting.claim_id, func.sum(CostPosting.amount_minor))
        .where(CostPosting.claim_id.in_(ids), CostPosting.kind == "refund")
        .group_by(CostPosting.claim_id)).all()) if ids else {}
    months: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    misses: list[tuple[Cell, ...]] = []
    for r in refunds:
        approver = approvers.get(r.id)
        who = people.get(approver) if approver is not None else None
        checks = _misses(r.refund_minor, r.unit_price_minor, who[1] if who else None,
                         int(ledger.get(r.id) or 0))
        problems = [p for p in checks if p is not None]
        day = r.closed_at.astimezone(zone).date()
        m = months[day.strftime("%Y-%m")]
        m[0] += 1
        m[1] += r.refund_minor
        for n, miss in enumerate(checks, start=2):
            m[n] += miss is None
        m[5] += not problems
        if problems:
            misses.append((r.number, day.isoformat(), r.refund_minor, r.unit_price_minor,
                           who[0] if who else "–", ROLE_LABELS[who[1]] if who else "–",
                           "; ".join(problems)))
    rows: list[tuple[Cell, ...]] = [(month, *m[:5], m[5], rate(m[5], m[0]))
                                    for month, m in sorted(months.items())]
    period = f"Refunds decided {since.isoformat()} to {until.isoformat()}"
    return ReportTable(
        name="refund-accuracy", title="Refund accuracy", subtitle=period,
        columns=ACCURACY_COLUMNS, rows=tuple(rows), money_columns=frozenset({2}),
        chart_column=7,
        notes=("A refund is accurate when it is no more than the customer paid for the unit, "
               "within the refund limit of whoever approved it, and the refund cost posted "
               "on the claim equals it." + (f" {len(misses)} refund(s) missed; listed below."
                                            if misses else ""),),
        follow=(ReportTable(name="refund-misses", title="Refunds that missed", subtitle=period,
                            columns=PROBLEM_COLUMNS, rows=tuple(misses),
                            money_columns=frozenset({2, 3})),))
