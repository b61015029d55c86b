"""Management reports: where warranty cost and delay happen, by brand, by state and by age."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Brand,
    Claim,
    CostPosting,
    Product,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES, ClaimState
from warranty_desk.rules.metrics.costs import WRITE_OFF, cost_per_claim, cost_recovery
from warranty_desk.rules.metrics.stock import AGE_BANDS
from warranty_desk.rules.metrics.stock import return_aging as aging_bands
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.recovery_shares import recovery_shares
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.services.returns import units_held
from warranty_desk.services.shop_time import shop_today
from warranty_desk.services.unit_of_work import UnitOfWork, reads


def claims_by_brand_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date) -> ReportTable:
    """Claims opened per brand in the period: volume, open, speed, cost and supplier recovery."""
    require(actor, Permission.VIEW_REPORTS)
    session = uow.session
    _zone, start, end = report_period(session, since, until)
    in_period = (Claim.opened_at >= start) & (Claim.opened_at < end)
    days = func.julianday(Claim.closed_at) - func.julianday(Claim.opened_at)
    counts = session.execute(
        select(Brand.name, func.count(Claim.id),
               func.sum(case((Claim.state.in_(OPEN_STATES), 1), else_=0)),
               func.avg(case((Claim.closed_at.is_not(None), days))))
        .join(Product, Product.id == Claim.product_id).join(Brand, Brand.id == Product.brand_id)
        .where(in_period).group_by(Brand.name)).all()
    cost: dict[str, int] = dict(session.execute(
        select(Brand.name, func.sum(CostPosting.amount_minor))
        .join(Claim, Claim.id == CostPosting.claim_id)
        .join(Product, Product.id == Claim.product_id).join(Brand, Brand.id == Product.brand_id)
        # A write-off is recovery given up on a cost already counted, not a new cost.
        .where(in_period, CostPosting.kind != WRITE_OFF).group_by(Brand.name)).all())
    recovered = _recovered_in_period(session, start, end)
    rows = []
    for brand, total, still_open, avg_days in sorted(counts, key=lambda r: (-r[1], r[0])):
        spent = int(cost.get(brand) or 0)
        back = int(recovered.get(brand) or 0)
        recovery = cost_recovery(back, spent)
        rows.append((brand, total, int(still_open or 0),
                     None if avg_days is None else round(avg_days, 1),
                     spent, cost_per_claim(spent, total), back,
                     "–" if recovery is None else f"{recovery:.1f}%"))
    return ReportTable(
        name="claims-by-brand", title="Claims by brand",
        subtitle=f"Claims opened {since.isoformat()} to {until.isoformat()}",
        columns=("Brand", "Claims", "Still open", "Days to close", "Cost", "Cost per claim",
                 "Recovered", "Recovery"),
        rows=tuple(rows), money_columns=frozenset({4, 5, 6}), chart_column=1,
        notes=("Days to close counts claims closed so far. Recovered is what brands and "
               "suppliers settled against these claims: a brand claim's settlements are "
               "shared among its claims by what each was expected to bring back (equally "
               "when none was), and each share counts in the period its claim was opened.",))


claims_by_brand = reads(claims_by_brand_in)


def _recovered_in_period(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """What brands settled against the claims opened in [start, end), by brand (each claim's
    share, as recovery_shares reckons it)."""
    found: dict[str, int] = defaultdict(int)
    for share in recovery_shares(session, start, end).values():
        found[share.brand] += share.settled_minor
    return found


def open_claims_in(uow: UnitOfWork, actor: Actor) -> ReportTable:
    """Open claims by state: how many, the oldest, and how many are past their promised date."""
    require(actor, Permission.VIEW_REPORTS)
    session = uow.session
    today = shop_today(session)
    found = session.execute(
        select(Claim.state, func.count(Claim.id), func.min(Claim.opened_at),
               func.sum(case((Claim.promised_on < today, 1), else_=0)))
        .where(Claim.state.in_(OPEN_STATES)).group_by(Claim.state)).all()
    by_state = {state: (n, oldest, late) for state, n, oldest, late in found}
    rows = []
    for state in ClaimState:
        if state.value in by_state:
            n, oldest, late = by_state[state.value]
            age = (today - oldest.date()).days if oldest is not None else 0
            rows.append((state.value.replace("_", " ").capitalize(), n, max(age, 0),
                         int(late or 0)))
    return ReportTable(
        name="open-claims", title="Open claims", subtitle=f"As of {today.isoformat()}",
        columns=("State", "Claims", "Oldest (days)", "Past promised date"),
        rows=tuple(rows), chart_column=1)


open_claims = reads(open_claims_in)


def return_aging_in(uow: UnitOfWork, actor: Actor) -> ReportTable:
    """Faulty units in returns stock per supplier, by how long they have waited."""
    require(actor, Permission.VIEW_REPORTS)
    session = uow.session
    today = shop_today(session)
    units = units_held(session, today)
    per: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        if unit.status != "back":
            per[unit.supplier].append(unit.age_days)
    rows: list[tuple[Cell, ...]] = [(supplier, *(bands := aging_bands(ages)), sum(bands))
                                    for supplier, ages in sorted(per.items())]
    return ReportTable(
        name="return-aging", title="Returns stock by age",
        subtitle=f"Units waiting for a supplier, as of {today.isoformat()}",
        columns=("Supplier", *(label for _, _, label in AGE_BANDS), "Total"),
        rows=tuple(rows), chart_column=len(AGE_BANDS) + 1)


return_aging = reads(return_aging_in)
