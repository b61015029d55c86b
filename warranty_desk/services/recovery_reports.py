"""Reports on the manufacturer side: supplier recovery rate, stale brand claims and
replacement time (returns stock by age is in management.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from warranty_desk.models import Brand, BrandClaim, Claim, ClaimEvent, Product
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.metrics.claims import replacement_time as replacement_metric
from warranty_desk.rules.metrics.costs import supplier_recovery_rate
from warranty_desk.rules.metrics.rows import ClaimRow
from warranty_desk.services.brand_claim_views import recoveries, rows_of, settled_each
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, reads


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1f}%"


def supplier_recovery_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date
                         ) -> ReportTable:
    """Brand claims lodged in the period, per supplier and brand: what the suppliers' terms made
    recoverable, what they settled, what was written off, and the rate settled ÷ recoverable."""
    require(actor, Permission.VIEW_REPORTS)
    _zone, start, end = report_period(uow.session, since, until)
    session = uow.session
    rows = list(session.scalars(select(BrandClaim).where(
        BrandClaim.submitted_at >= start, BrandClaim.submitted_at < end)))
    owed = recoveries(session, rows)
    paid = settled_each(session, rows)
    brands = dict(session.execute(select(Brand.id, Brand.name)).all())
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        key = (row.supplier or brands[row.brand_id], brands[row.brand_id])
        line = totals[key]
        line[0] += 1
        line[1] += owed[row.id].expected_minor
        line[2] += paid.get(row.id, 0)
        line[3] += row.written_off_minor
    table: list[tuple[Cell, ...]] = []
    for (supplier, brand), (count, recoverable, settled, written_off) in sorted(totals.items()):
        table.append((supplier, brand, count, recoverable, settled, written_off,
                      max(recoverable - settled - written_off, 0),
                      _percent(supplier_recovery_rate(settled, recoverable))))
    all_recoverable = sum(t[1] for t in totals.values())
    all_settled = sum(t[2] for t in totals.values())
    return ReportTable(
        name="supplier-recovery", title="Supplier recovery",
        subtitle=f"Brand claims lodged {since.isoformat()} to {until.isoformat()}",
        columns=("Supplier", "Brand", "Brand claims", "Recoverable", "Settled", "Written off",
                 "Outstanding", "Recovery rate"),
        rows=tuple(table), money_columns=frozenset({3, 4, 5, 6}), chart_column=4,
        notes=(f"Overall: {_percent(supplier_recovery_rate(all_settled, all_recoverable))} of "
               "what the suppliers' terms made recoverable was settled.",
               "Recoverable follows from the claims' cost postings under each supplier's "
               "terms (kinds covered, days from the sale or the claim)."))


supplier_recovery = reads(supplier_recovery_in)


def stale_brand_claims_in(uow: UnitOfWork, actor: Actor) -> ReportTable:
    """Open brand claims whose status has not moved for longer than their supplier allows."""
    require(actor, Permission.VIEW_REPORTS)
    session = uow.session
    open_rows = list(session.scalars(select(BrandClaim).where(BrandClaim.closed_at.is_(None))))
    stale = [r for r in rows_of(session, open_rows) if r.stale]
    table = tuple((r.number, r.supplier, r.brand, r.status.replace("_", " "),
                   r.last_moved_on.isoformat(), r.age_days, r.claims, r.expected_minor,
                   r.settled_minor) for r in sorted(stale, key=lambda r: (-r.age_days, r.number)))
    return ReportTable(
        name="stale-brand-claims", title="Stale brand claims",
        subtitle=f"Open brand claims without news, as of {shop_today(session).isoformat()}",
        columns=("Brand claim", "Supplier", "Brand", "Status", "Last moved", "Days without news",
                 "Claims", "Expected", "Settled"),
        rows=table, money_columns=frozenset({7, 8}), chart_column=5,
        notes=("A brand claim is stale when its status has not moved for more days than its "
               "supplier's terms allow (14 when none are set). Chase the service centre.",))


stale_brand_claims = reads(stale_brand_claims_in)


def replacement_time_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date
                        ) -> ReportTable:
    """Claims resolved as replacements in the period, per brand: how long from the claim to the
    decision, and to the replacement in the customer's hands."""
    require(actor, Permission.VIEW_REPORTS)
    zone, start, end = report_period(uow.session, since, until)
    session = uow.session
    decided = session.execute(
        select(Claim.id, Brand.name, Claim.number, Claim.opened_at, Claim.closed_at)
        .join(Product, Product.id == Claim.product_id).join(Brand, Brand.id == Product.brand_id)
        .where(Claim.outcome == "replace", Claim.closed_at >= start, Claim.closed_at < end)
    ).all()
    handed = dict(session.execute(
        select(ClaimEvent.claim_id, func.min(ClaimEvent.at))
        .where(ClaimEvent.kind == "handed_over",
               ClaimEvent.claim_id.in_([d[0] for d in decided]))
        .group_by(ClaimEvent.claim_id)).all())
    per: dict[str, list[ClaimRow]] = defaultdict(list)
    for claim_id, brand, number, opened, closed in decided:
        per[brand].append(ClaimRow(number, opened, "resolved", closed_at=closed,
                                   outcome="replace", handed_over_at=handed.get(claim_id)))
    table: list[tuple[Cell, ...]] = []
    for brand, found in sorted(per.items()):
        t = replacement_metric(found, zone)
        table.append((brand, t.replacements, t.days_to_decision, t.handed_over,
                      t.days_to_hand_over, t.longest))
    return ReportTable(
        name="replacement-time", title="Replacement time",
        subtitle=f"Replacements decided {since.isoformat()} to {until.isoformat()}",
        columns=("Brand", "Replacements", "Days to decision", "Handed over",
                 "Days to hand-over", "Longest (days)"),
        rows=tuple(table), chart_column=4,
        notes=("Days count calendar days in the shop's time zone from the day the claim was "
               "opened. A replacement not yet handed over counts only towards the decision.",))


replacement_time = reads(replacement_time_in)
