"""Claim reports: how many claims were carried to an end, and whether refunds were right."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from warranty_desk.models import Claim
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.metrics.claims import Completion, completion_of
from warranty_desk.rules.metrics.refunds import refund_accuracy, refund_misses
from warranty_desk.rules.metrics.rows import ClaimRow, RefundRow
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.refund_rows import refund_rows
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


def refund_accuracy_in(uow: UnitOfWork, actor: Actor, *, since: date,
                       until: date) -> ReportTable:
    """Refunds decided in the period, by month: within the price paid (policy), within the
    approver's refund limit, and matching the refund cost in the ledger; each miss below."""
    require(actor, Permission.VIEW_REPORTS)
    zone, start, end = report_period(uow.session, since, until)
    session = uow.session
    months: dict[str, list[RefundRow]] = defaultdict(list)
    misses: list[tuple[Cell, ...]] = []
    for row, approver in refund_rows(session, start, end):
        problems = [p for p in refund_misses(row) if p is not None]
        day = row.decided_at.astimezone(zone).date()
        months[day.strftime("%Y-%m")].append(row)
        if problems:
            misses.append((row.claim, day.isoformat(), row.amount_minor, row.paid_minor,
                           approver or "–", row.approver_role or "–", "; ".join(problems)))
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
