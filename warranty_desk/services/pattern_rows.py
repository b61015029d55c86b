"""The rows the patterns read for the dashboard's range and filters, counted in SQL (GROUP BY /
HAVING) so only the claims that may repeat, and per model and staff member only their counts,
leave the database; then the patterns themselves (rules.metrics.patterns)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Claim,
    ClaimEvent,
    Customer,
    Product,
    Staff,
    Warranty,
    WarrantySpan,
)
from warranty_desk.models import WarrantyStatus as Status
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.rules.metrics import patterns as pm
from warranty_desk.rules.metrics.patterns import Pattern, PatternClaim, PatternRows, Tally
from warranty_desk.services.letterhead import report_period
from warranty_desk.services.metric_rows import NOT_RECORDED, Stmt, check_filters, claim_scope
from warranty_desk.services.metric_scope import warranty_scope
from warranty_desk.services.unit_of_work import UnitOfWork, reads

# As rules.metrics.patterns.fault_key compares them: blanks trimmed, A–Z lowered (SQLite's
# lower() leaves other letters alone, as fault_key does).
_BLANKS = " \t\n\r\x0b\x0c"
_STEPS = ("opened", "status")  # the claim events a manager's override can come with
_DECIDED = (ClaimState.RESOLVED.value, ClaimState.REJECTED.value)


def _in_range(stmt: Stmt, start: datetime, end: datetime, scope: Stmt | None) -> Stmt:
    stmt = stmt.where(Claim.opened_at >= start, Claim.opened_at < end)
    return stmt if scope is None else stmt.where(Claim.id.in_(scope))


def _fault() -> Any:
    return func.lower(func.trim(Claim.fault, _BLANKS))


# Joins the claim numbers of a group in SQL; no claim number holds it.
_APART = "\x1f"


def _repeat_claims(session: Session, start: datetime, end: datetime,
                   scope: Stmt | None) -> tuple[PatternClaim, ...]:
    """The claims opened in the range whose serial or customer comes up often enough to be a
    pattern, then those whose model and fault do, each counted in SQL first (a common fault
    on a busy model is thousands of claims: their numbers come joined, one row a group)."""
    serials = (_in_range(select(Claim.serial), start, end, scope)
               .where(func.trim(Claim.serial, _BLANKS) != "").group_by(Claim.serial)
               .having(func.count() >= pm.SERIAL_LEAST))
    customers = (_in_range(select(Claim.customer_id), start, end, scope)
                 .where(Claim.customer_id.is_not(None)).group_by(Claim.customer_id)
                 .having(func.count() >= pm.CUSTOMER_LEAST))
    stmt = _in_range(
        select(Claim.number, Claim.serial, Claim.customer_id, Customer.name, Product.sku,
               Claim.fault)
        .outerjoin(Customer, Customer.id == Claim.customer_id)
        .outerjoin(Product, Product.id == Claim.product_id), start, end, scope
    ).where(or_(Claim.serial.in_(serials), Claim.customer_id.in_(customers)))
    found = {r.number: PatternClaim(r.number, r.serial,
                                    None if r.customer_id is None else r.customer_id.hex,
                                    r.name or "", r.sku or "", r.fault or "")
             for r in session.execute(stmt)}
    fault = _fault()
    faults = (_in_range(select(Product.sku, func.min(Claim.fault),
                               func.group_concat(Claim.number, _APART))
                        .join(Product, Product.id == Claim.product_id), start, end, scope)
              .where(fault != "").group_by(Claim.product_id, fault)
              .having(func.count() >= pm.FAULT_LEAST))
    for sku, words, numbers in session.execute(faults):
        for number in numbers.split(_APART):
            found.setdefault(number, PatternClaim(number, product=sku, fault=words))
    return tuple(found.values())


def _models(session: Session, since: date, until: date, start: datetime, end: datetime,
            scope: Stmt | None, units_scope: Stmt | None) -> tuple[Tally, ...]:
    """Per model: claims opened in the range, and units under warranty on any of its days."""
    claimed = dict(session.execute(
        _in_range(select(Claim.product_id, func.count()), start, end, scope)
        .where(Claim.product_id.is_not(None)).group_by(Claim.product_id)).all())
    if units_scope is None:  # the whole shop: from the spans' roll-up, not every warranty
        span = WarrantySpan
        units = (select(span.product_id, func.sum(span.count))
                 .where(span.start_on <= until, span.end_on >= since, span.count > 0)
                 .group_by(span.product_id))
    else:
        units = (select(Warranty.product_id, func.count())
                 .where(Warranty.status != Status.VOID, Warranty.start_on <= until,
                        Warranty.end_on >= since, Warranty.id.in_(units_scope))
                 .group_by(Warranty.product_id))
    held = dict(session.execute(units).all())
    wanted = set(claimed) | set(held)
    products = session.execute(select(Product.id, Product.sku, Product.name, Product.category)
                               .where(Product.id.in_(wanted))).all() if wanted else []
    return tuple(Tally(p.sku, p.category or NOT_RECORDED, int(claimed.get(p.id, 0)),
                       int(held.get(p.id, 0)), p.name) for p in products)


def _staff_events(start: datetime, end: datetime, scope: Stmt | None) -> Stmt:
    stmt = (select().select_from(ClaimEvent).join(Claim, Claim.id == ClaimEvent.claim_id)
            .join(Staff, Staff.id == ClaimEvent.staff_id)
            .where(ClaimEvent.at >= start, ClaimEvent.at < end))
    return stmt if scope is None else stmt.where(Claim.id.in_(scope))


def _is_override() -> Any:
    return and_(ClaimEvent.kind.in_(_STEPS), ClaimEvent.override_by_id.is_not(None))


def _is_refund() -> Any:
    return and_(ClaimEvent.kind == "status", ClaimEvent.to_state == ClaimState.RESOLVED.value,
                Claim.outcome == "refund")


def _staff(session: Session, start: datetime, end: datetime, scope: Stmt | None
           ) -> tuple[tuple[Tally, ...], tuple[Tally, ...]]:
    """Per staff member, counted over the claim events they recorded in the range: their steps
    and those with a manager's override; their decisions and those that were refunds."""
    stmt = _staff_events(start, end, scope).add_columns(
        Staff.name,
        func.sum(case((ClaimEvent.kind.in_(_STEPS), 1), else_=0)),
        func.sum(case((_is_override(), 1), else_=0)),
        func.sum(case((and_(ClaimEvent.kind == "status", ClaimEvent.to_state.in_(_DECIDED)),
                       1), else_=0)),
        func.sum(case((_is_refund(), 1), else_=0)),
    ).group_by(Staff.name)
    found = session.execute(stmt).all()
    return (tuple(Tally(name, "", int(o or 0), int(s or 0)) for name, s, o, _d, _r in found),
            tuple(Tally(name, "", int(r or 0), int(d or 0)) for name, _s, _o, d, r in found))


def _behind(session: Session, start: datetime, end: datetime, scope: Stmt | None,
            models: tuple[Tally, ...], overrides: tuple[Tally, ...],
            refunds: tuple[Tally, ...]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The claims behind each rate that stands out (read only for those)."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    flagged = [s.tally.subject for s in pm.standouts(models, exact_binomial=False)]
    if flagged:
        stmt = _in_range(select(Product.sku, Claim.number)
                         .join(Product, Product.id == Claim.product_id), start, end, scope)
        for sku, number in session.execute(stmt.where(Product.sku.in_(flagged))):
            found[(pm.MODEL, sku)].add(number)
    for kind, tallies, test in ((pm.OVERRIDES, overrides, _is_override),
                                (pm.REFUNDS, refunds, _is_refund)):
        names = [s.tally.subject for s in pm.staff_standouts(tallies)]
        if names:
            stmt = _staff_events(start, end, scope).add_columns(Staff.name, Claim.number)
            for name, number in session.execute(
                    stmt.where(Staff.name.in_(names), test())):
                found[(kind, name)].add(number)
    return {key: tuple(sorted(numbers)) for key, numbers in found.items()}


def load_pattern_rows(session: Session, since: date, until: date,
                      filters: Mapping[str, str] | None = None) -> PatternRows:
    """Every row the patterns read for shop days since..until under the dashboard's filters."""
    wanted = check_filters(filters or {})
    _zone, start, end = report_period(session, since, until)
    scope = claim_scope(session, wanted)
    models = _models(session, since, until, start, end, scope, warranty_scope(session, wanted))
    overrides, refunds = _staff(session, start, end, scope)
    return PatternRows(_repeat_claims(session, start, end, scope), models, overrides, refunds,
                       _behind(session, start, end, scope, models, overrides, refunds))


def patterns_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date,
                filters: Mapping[str, str] | None = None) -> tuple[Pattern, ...]:
    """The patterns for a person allowed to see reports."""
    require(actor, Permission.VIEW_REPORTS)
    return pm.find_patterns(load_pattern_rows(uow.session, since, until, filters))


patterns = reads(patterns_in)

