"""Claim reports: how many claims were carried to an end, and whether refunds were right."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warranty_desk.models import Claim, ClaimEvent, CostPosting, InvoiceLine, Staff, Warranty
from warranty_desk.permissions import ROLE_LABELS, Actor, Permission, Role, refund_limit, require
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.rules.metrics.claims import Completion, completion_of
from warranty_desk.rules.metrics.refunds import refund_accuracy, refund_misses
from warranty_desk.rules.metrics.rows import ClaimRow, RefundRow
from warranty_desk.services.letterhead import report_period
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
    counts: dict[str, Completion] = defaultdict(Completion)
    for number, opened_at, state, closed_at, promised_on in uow.session.execute(
            select(Claim.number, Claim.opened_at, Claim.state, Claim.closed_at,
                   Claim.promised_on)
            .where(Claim.opened_at >= start, Claim.opened_at < end)):
        month = opened_at.astimezone(zone).strftime("%Y-%m")
        counts[month] += completion_of(ClaimRow(number, opened_at, state, closed_at=closed_at,
                                                promised_on=promised_on), zone)
    rows: list[tuple[Cell, ...]] = []
    total = Completion()
    for month in sorted(counts):
        total += counts[month]
        rows.append(_completion_row(month, counts[month]))
    if len(rows) > 1:
        rows.append(_completion_row(TOTAL, total))
    return ReportTable(
        name="resolution-completion", title="Resolution completion",
        subtitle=f"Claims opened {since.isoformat()} to {until.isoformat()}",
        columns=COMPLETION_COLUMNS, rows=tuple(rows), chart_column=6,
        notes=("Completion counts resolved and rejected claims against those opened; on time "
               "counts the closed ones that closed by the day promised to the customer.",))


def _completion_row(month: str, c: Completion) -> tuple[Cell, ...]:
    return (month, c.opened, c.resolved, c.rejected, c.still_open, c.on_time, c.completion,
            c.on_time_rate)


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
    months: dict[str, list[RefundRow]] = defaultdict(list)
    misses: list[tuple[Cell, ...]] = []
    for r in refunds:
        approver = approvers.get(r.id)
        who = people.get(approver) if approver is not None else None
        row = RefundRow(r.number, r.closed_at, r.refund_minor, r.unit_price_minor,
                        ROLE_LABELS[who[1]] if who else None,
                        refund_limit(who[1]) if who else None, int(ledger.get(r.id) or 0))
        problems = [p for p in refund_misses(row) if p is not None]
        day = r.closed_at.astimezone(zone).date()
        months[day.strftime("%Y-%m")].append(row)
        if problems:
            misses.append((r.number, day.isoformat(), r.refund_minor, r.unit_price_minor,
                           who[0] if who else "–", ROLE_LABELS[who[1]] if who else "–",
                           "; ".join(problems)))
    rows: list[tuple[Cell, ...]] = []
    for month, found in sorted(months.items()):
        a = refund_accuracy(found)
        rows.append((month, a.refunds, a.amount_minor, a.within_price, a.within_limit,
                     a.matches_ledger, a.accurate, a.accuracy))
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
