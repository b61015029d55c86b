"""The audit sample report: each month's sample in the period, how far its review got, and
every sampled claim with its finding and note."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from warranty_desk.models import AuditSample
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services.audit_sample import (
    FINE,
    NEEDS_FOLLOW_UP,
    month_key,
    sample_view,
)
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.services.unit_of_work import UnitOfWork

SAMPLE_COLUMNS = ("Month", "Drawn", "Drawn by", "Seed", "Closed in month", "In sample",
                  "Reviewed", "Fine", "Needs follow-up")
# Few enough to fit a portrait page: who reviewed and when share one column.
CLAIM_COLUMNS = ("Month", "Drawn as", "Claim", "Product", "Outcome", "Closed", "Finding",
                 "Reviewed", "Note")


def _minute(at: datetime | None, zone: ZoneInfo) -> str | None:
    return None if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _day(at: datetime | None, zone: ZoneInfo) -> str | None:
    return None if at is None else at.astimezone(zone).date().isoformat()


def audit_sample_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date) -> ReportTable:
    """The samples of the months the period touches, one line each, their claims below."""
    require(actor, Permission.VIEW_REPORTS)
    session = uow.session
    zone, _start, _end = report_period(session, since, until)
    found = session.scalars(
        select(AuditSample).where(AuditSample.month >= month_key(since.replace(day=1)),
                                  AuditSample.month <= month_key(until.replace(day=1)))
        .order_by(AuditSample.month)).all()
    samples: list[tuple[Cell, ...]] = []
    claims: list[tuple[Cell, ...]] = []
    for view in (sample_view(session, s) for s in found):
        findings = [c.finding for c in view.claims]
        samples.append((view.month, _minute(view.drawn_at, zone), view.drawn_by or "–",
                        view.seed, view.closed_count, len(view.claims), view.reviewed,
                        findings.count(FINE), findings.count(NEEDS_FOLLOW_UP)))
        claims += [(view.month, c.position, c.number, c.product, c.outcome or "–",
                    _day(c.closed_at, zone), c.finding_words,
                    f"{c.reviewed_by}, {_minute(c.reviewed_at, zone)}" if c.reviewed_at
                    else None, c.note) for c in view.claims]
    period = f"Months from {month_key(since)} to {month_key(until)}"
    waiting = sum(int(str(row[5])) - int(str(row[6])) for row in samples)
    return ReportTable(
        name="audit-sample", title="Monthly audit sample", subtitle=period,
        columns=SAMPLE_COLUMNS, rows=tuple(samples), chart_column=6,
        notes=(f"{len(samples)} sample(s) drawn; {waiting} sampled claim(s) still to review. "
               "Each month's sample is drawn again from its seed by `warranty-desk audit-sample "
               "show --month M`.",),
        follow=(ReportTable(name="audit-sample-claims", title="The sampled claims",
                            subtitle=period, columns=CLAIM_COLUMNS, rows=tuple(claims)),))
