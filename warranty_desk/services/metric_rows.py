"""Rows for the owner's metrics, read for a date range and filters in a few set-based queries.

Filters and "compare by" work on the fields in rules.metrics.rows.DIMENSIONS: a claim's product
(SKU), brand, category, branch (of the sale, else this till's), supplier (the product's, else
its brand) and staff member (who opened the claim; who made the sale, for warranties sold).
Messages without a claim, and synced events, belong to no product: a filter leaves them out.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.models import (
    Brand,
    Claim,
    ClaimEvent,
    CostPosting,
    CustomerMessage,
    ExtensionOffer,
    InvoiceLine,
    OutboxEvent,
    Product,
    Sale,
    Staff,
    SyncCursor,
    SyncDelivered,
    SyncParked,
    Warranty,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.metrics.delivery import SYNC_DELIVERED, SYNC_PARKED, SYNC_WAITING
from warranty_desk.rules.metrics.rows import (
    DIMENSIONS,
    ClaimRow,
    CostRow,
    MetricRows,
    OfferRow,
    SentRow,
    SoldRow,
    WaitingUnit,
)
from warranty_desk.services.letterhead import report_period, shop_of
from warranty_desk.services.recovery_shares import recovery_shares
from warranty_desk.services.refund_rows import refund_rows
from warranty_desk.services.returns import units_held
from warranty_desk.services.unit_of_work import UnitOfWork, reads

# Where the till's events go to head office (the sync cycle's destination name).
HEAD_OFFICE = "portal"
NOT_RECORDED = "not recorded"
# The filter fields read off a row's product (and its brand).
PRODUCT_FIELDS = frozenset({"product", "brand", "category", "supplier"})
# A statement being built; SQLAlchemy's own generic types vary with the columns chosen.
Stmt = Any



def check_filters(filters: Mapping[str, str]) -> dict[str, str]:
    """The filters that hold a value; an unknown field is refused in words."""
    unknown = sorted(set(filters) - set(DIMENSIONS))
    if unknown:
        raise BadInput(f"There is no filter {unknown[0]!r}. Filter by: {', '.join(DIMENSIONS)}.")
    return {k: v.strip() for k, v in filters.items() if v and v.strip()}


def _dims(branch: str, staff: Any, sale_branch: Any = Sale.branch_code) -> dict[str, Any]:
    """The filter fields as SQL over Product, Brand, the sale's branch column (Sale's unless
    given) and a staff name column."""
    return {"product": Product.sku, "brand": Brand.name, "category": Product.category,
            "branch": func.coalesce(sale_branch, literal(branch)),
            "supplier": func.coalesce(func.nullif(Product.supplier, ""), Brand.name),
            "staff": func.coalesce(staff, literal(NOT_RECORDED))}


def keyed(branch: str, filters: Mapping[str, str], *, product: Any, staff: Any,
          sale_branch: Any) -> list[Any]:
    """The filters as tests of a row's own product, staff and branch columns (product and
    staff ids, NULL for none; the sale's branch code): the few products and staff members the
    filters let through are picked from their own small tables, so a read goes by an index
    on the row's product rather than joining every row to its product and brand, which
    also keeps the planner from reading the whole table for a filter that narrows it. The
    same rows _where lets through over the joins (the foreign keys hold every id to a row)."""
    dims = _dims(branch, Staff.name, sale_branch)
    found: list[Any] = []
    on_product = {k: v for k, v in filters.items() if k in PRODUCT_FIELDS}
    if on_product:
        ids = _where(select(Product.id).outerjoin(Brand, Brand.id == Product.brand_id),
                     dims, on_product)
        test = product.in_(ids)
        # A row with no product is "not recorded" in every product field.
        if all(v == NOT_RECORDED for v in on_product.values()):
            test = or_(product.is_(None), test)
        found.append(test)
    if "staff" in filters:
        test = staff.in_(_where(select(Staff.id), dims, {"staff": filters["staff"]}))
        found.append(or_(staff.is_(None), test) if filters["staff"] == NOT_RECORDED else test)
    if "branch" in filters:
        found.append(matches(dims["branch"], filters["branch"]))
    return found


def _claim_select(branch: str, *extra: Any, fields: Iterable[str] = DIMENSIONS
                  ) -> tuple[Stmt, dict[str, Any]]:
    """Claims with the filter fields named in `fields` selected and what they need joined on
    (every join outer: a claim may lack any). Only those: SQLite does not leave out a chain
    of unused joins, and the sale's (for the branch) costs a claim's warranty read, 0.5 s over
    the 1M shop's claims."""
    wanted = set(fields)
    dims = _dims(branch, Staff.name)
    stmt = (select(*extra, *(d.label(n) for n, d in dims.items() if n in wanted))
            .select_from(Claim))
    if wanted & {"product", "brand", "category", "supplier"}:
        stmt = (stmt.outerjoin(Product, Product.id == Claim.product_id)
                .outerjoin(Brand, Brand.id == Product.brand_id))
    if "branch" in wanted:
        stmt = (stmt.outerjoin(Warranty, Warranty.id == Claim.warranty_id)
                .outerjoin(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
                .outerjoin(Sale, Sale.id == InvoiceLine.sale_id))
    if "staff" in wanted:
        stmt = stmt.outerjoin(Staff, Staff.id == Claim.opened_by_id)
    return stmt, dims


def matches(dim: Any, value: str) -> Any:
    """SQL for a filter field's column holding the value a filter asks for."""
    # A claim with no product shows (and is compared) as "not recorded": that value finds
    # it. Only then the NULL test, so other values keep their index.
    return or_(dim.is_(None), dim == value) if value == NOT_RECORDED else dim == value


def _where(stmt: Stmt, dims: Mapping[str, Any],
           filters: Mapping[str, str]) -> Stmt:
    for name, value in filters.items():
        stmt = stmt.where(matches(dims[name], value))
    return stmt


def claim_scope(session: Session, filters: Mapping[str, str]) -> Stmt | None:
    """The ids of the claims the filters let through, as a subquery; None: every claim."""
    if not filters:
        return None
    stmt, dims = _claim_select(shop_of(session).branch_code, Claim.id, fields=filters)
    return _where(stmt, dims, filters).with_only_columns(Claim.id)


def load_rows(session: Session, since: date, until: date,
              filters: Mapping[str, str] | None = None, *, summed: bool = False) -> MetricRows:
    """Every row the metrics need for shop days since..until under the filters; `summed`
    reads the warranties sold counted in alike groups rather than one row each."""
    wanted = check_filters(filters or {})
    zone, start, end = report_period(session, since, until)
    branch = shop_of(session).branch_code
    claims = _claims(session, branch, start, end, wanted)
    opened = {c.number for c in claims if start <= c.opened_at < end}
    scope = claim_scope(session, wanted)
    costs = _costs(session, start, end, scope)
    return MetricRows(zone, since, until, start, end, tuple(claims),
                      tuple(c for c in costs if c.claim in opened),
                      tuple((_sold_summed if summed else _sold)(
                          session, branch, since, until, wanted)),
                      tuple(_offers(session, branch, start, end, wanted)),
                      tuple(_messages(session, start, end, scope, bool(wanted))),
                      () if wanted else tuple(_synced(session, start, end)),
                      tuple(r for r, _ in refund_rows(session, start, end, scope)),
                      _waiting(session, until, {c.number for c in claims} if wanted else None),
                      tuple(r for r in recovery_shares(session, start, end).values()
                            if r.claim in opened), summed)


def _claims(session: Session, branch: str, start: datetime, end: datetime,
            filters: Mapping[str, str]) -> list[ClaimRow]:
    stmt, dims = _claim_select(branch, Claim.id, Claim.number, Claim.opened_at, Claim.state,
                               Claim.closed_at, Claim.outcome, Claim.promised_on,
                               Claim.customer_id, Claim.serial)
    stmt = _where(stmt.where(Claim.opened_at < end,
                             or_(Claim.closed_at.is_(None), Claim.closed_at >= start)),
                  dims, filters)
    found = session.execute(stmt).all()
    facts = _event_facts(session, [r.id for r in found])
    rows = []
    for r in found:
        handed, reopened, rejected = facts.get(r.id, (None, False, False))
        rows.append(ClaimRow(
            r.number, r.opened_at, r.state, closed_at=r.closed_at, outcome=r.outcome,
            promised_on=r.promised_on,
            customer=None if r.customer_id is None else r.customer_id.hex, serial=r.serial,
            handed_over_at=handed, reopened=reopened, rejected_before=rejected,
            dims={n: str(getattr(r, n) or NOT_RECORDED) for n in DIMENSIONS}))
    return rows


# SQLite takes at most this many bound values in one IN (...).
_CHUNK = 900


def _event_facts(session: Session, ids: list[uuid.UUID]
                 ) -> dict[uuid.UUID, tuple[datetime | None, bool, bool]]:
    """Per claim: the first hand-over of a replacement, reopened ever, rejected ever."""
    facts: dict[uuid.UUID, tuple[datetime | None, bool, bool]] = {}
    for n in range(0, len(ids), _CHUNK):
        for claim_id, handed, reopened, rejected in session.execute(
                select(ClaimEvent.claim_id,
                       func.min(case((ClaimEvent.kind == "handed_over", ClaimEvent.at))),
                       func.max(case((ClaimEvent.kind == "reopened", 1), else_=0)),
                       func.max(case((ClaimEvent.to_state == "rejected", 1), else_=0)))
                .where(ClaimEvent.claim_id.in_(ids[n:n + _CHUNK]),
                       or_(ClaimEvent.kind.in_(("handed_over", "reopened")),
                           ClaimEvent.to_state == "rejected"))
                .group_by(ClaimEvent.claim_id)):
            facts[claim_id] = (handed, bool(reopened), bool(rejected))
    return facts


def _costs(session: Session, start: datetime, end: datetime,
           scope: Stmt | None) -> list[CostRow]:
    stmt = (select(Claim.number, CostPosting.kind, CostPosting.amount_minor)
            .join(Claim, Claim.id == CostPosting.claim_id)
            .where(Claim.opened_at >= start, Claim.opened_at < end))
    if scope is not None:
        stmt = stmt.where(Claim.id.in_(scope))
    return [CostRow(n, k, a) for n, k, a in session.execute(stmt)]


def _sale_of_warranty(stmt: Stmt) -> Stmt:
    """A warranty's sale, product and brand joined on (a warranty always has all three)."""
    return (stmt.join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
            .join(Sale, Sale.id == InvoiceLine.sale_id)
            .join(Product, Product.id == Warranty.product_id)
            .join(Brand, Brand.id == Product.brand_id))


def _sold(session: Session, branch: str, since: date, until: date,
          filters: Mapping[str, str]) -> list[SoldRow]:
    dims = _dims(branch, Staff.name)
    stmt = (select(Sale.sold_on, Product.serial_required, Warranty.serial, Warranty.customer_id,
                   Warranty.code,
                   Warranty.status, Sale.voided_at, *(d.label(n) for n, d in dims.items()))
            .select_from(Warranty))
    stmt = (_sale_of_warranty(stmt).outerjoin(Staff, Staff.id == Sale.staff_id)
            .where(Sale.sold_on >= since, Sale.sold_on <= until))
    return [SoldRow(r.sold_on, r.serial_required, r.serial,
                    customer=None if r.customer_id is None else r.customer_id.hex, code=r.code,
                    void=r.status == WarrantyStatus.VOID or r.voided_at is not None,
                    dims={n: str(getattr(r, n) or NOT_RECORDED) for n in DIMENSIONS})
            for r in session.execute(_where(stmt, dims, filters))]


def _void() -> Any:
    return or_(Warranty.status == WarrantyStatus.VOID, Sale.voided_at.is_not(None))


# str.strip()'s usual whitespace, so a blank serial is blank in SQL as in Python.
SERIAL_BLANKS = " \t\n\r\x0b\x0c"


def sold_in(branch: str, since: date, until: date, filters: Mapping[str, str],
            *columns: Any) -> Stmt:
    """Warranties sold on the range's days under the filters, with their sale, product, brand
    and the sale's staff member joined on, selecting `columns`."""
    dims = _dims(branch, Staff.name)
    stmt = _sale_of_warranty(select(*columns).select_from(Warranty))
    stmt = (stmt.outerjoin(Staff, Staff.id == Sale.staff_id)
            .where(Sale.sold_on >= since, Sale.sold_on <= until))
    return _where(stmt, dims, filters)


def _sold_summed(session: Session, branch: str, since: date, until: date,
                 filters: Mapping[str, str]) -> list[SoldRow]:
    """The warranties sold counted per product, branch, staff, serial needed or missing and
    void, and per customer only for customers who claimed (the trust score asks whether they
    bought again): a few thousand rows where a busy quarter sells a hundred thousand."""
    dims = _dims(branch, Staff.name)
    start, end = report_period(session, since, until)[1:]
    claimants = (select(Claim.customer_id)
                 .where(Claim.opened_at >= start, Claim.opened_at < end,
                        Claim.customer_id.is_not(None)))
    customer = case((Warranty.customer_id.in_(claimants), Warranty.customer_id), else_=None)
    gap = func.trim(func.coalesce(Warranty.serial, ""), SERIAL_BLANKS) == ""
    void = _void()
    keys = [Product.serial_required, gap, void, customer, *dims.values()]
    stmt = sold_in(branch, since, until, filters, func.max(Sale.sold_on),
                   Product.serial_required, func.min(Warranty.serial),
                   customer.label("customer"), func.min(Warranty.code), void.label("void"),
                   func.count(), *(d.label(n) for n, d in dims.items())).group_by(*keys)
    return [SoldRow(r[0], r[1], r[2], customer=None if r.customer is None else r.customer.hex,
                    code=r[4], void=bool(r.void), count=int(r[6]),
                    dims={n: str(getattr(r, n) or NOT_RECORDED) for n in DIMENSIONS})
            for r in session.execute(stmt)]


def warranty_codes(session: Session, since: date, until: date, filters: Mapping[str, str],
                   *, gaps_only: bool = False) -> tuple[str, ...]:
    """The codes behind the sales figures: warranties sold on the range's days and not void
    under the filters, sorted (with gaps_only, those needing a serial recorded without one)."""
    branch = shop_of(session).branch_code
    dims = _dims(branch, Staff.name)
    stmt = _sale_of_warranty(select(Warranty.code).select_from(Warranty))
    stmt = (stmt.outerjoin(Staff, Staff.id == Sale.staff_id)
            .where(Sale.sold_on >= since, Sale.sold_on <= until, ~_void()))
    if gaps_only:
        stmt = stmt.where(Product.serial_required.is_(True),
                          func.trim(func.coalesce(Warranty.serial, ""), SERIAL_BLANKS) == "")
    return tuple(sorted(session.scalars(_where(stmt, dims, check_filters(filters)))))


def _offers(session: Session, branch: str, start: datetime, end: datetime,
            filters: Mapping[str, str], *, counted: bool = False) -> list[OfferRow]:
    """Extensions offered in [start, end) under the filters; `counted`: taken and declined
    ones counted apart (the earliest offer's instant standing for each group, no fields)."""
    if counted:
        return [row for _, row in offers_counted_by(session, branch, start, end, filters)]
    dims = _dims(branch, Staff.name)
    stmt = (select(ExtensionOffer.at, ExtensionOffer.accepted,
                   *(d.label(n) for n, d in dims.items()))
            .where(ExtensionOffer.at >= start, ExtensionOffer.at < end)
            .join(Warranty, Warranty.id == ExtensionOffer.warranty_id))
    # Every offer has its warranty, sale, product and brand.
    stmt = _where(_sale_of_warranty(stmt).outerjoin(
        Staff, Staff.id == ExtensionOffer.staff_id), dims, filters)
    return [OfferRow(r.at, r.accepted, {n: str(getattr(r, n) or NOT_RECORDED)
                                        for n in DIMENSIONS})
            for r in session.execute(stmt)]


def offers_counted_by(session: Session, branch: str, start: datetime, end: datetime,
                      filters: Mapping[str, str], key: Any | None = None, *,
                      on_sale: bool = False) -> list[tuple[Any, OfferRow]]:
    """The extensions offered in [start, end) under the filters, taken and declined ones
    counted apart (the earliest offer's instant standing for each group), each with the value
    of `key` (SQL over the offer, or its sale with `on_sale`) when given, else with None."""
    grouped = [key] if key is not None else []
    stmt = (select(*grouped, func.min(ExtensionOffer.at), ExtensionOffer.accepted, func.count())
            .where(ExtensionOffer.at >= start, ExtensionOffer.at < end))
    # Tested on the offer's own product (its warranty's) and staff member, the warranty and
    # sale joined on only for the sale's branch: a quarter's tens of thousands of offers are
    # counted from the index on when (22 of a brand's 131 ms when each looked its warranty up).
    if on_sale or "branch" in filters:
        stmt = (stmt.join(Warranty, Warranty.id == ExtensionOffer.warranty_id)
                .join(InvoiceLine, InvoiceLine.id == Warranty.invoice_line_id)
                .join(Sale, Sale.id == InvoiceLine.sale_id))
    stmt = stmt.where(*keyed(branch, filters, product=ExtensionOffer.product_id,
                             staff=ExtensionOffer.staff_id, sale_branch=Sale.branch_code))
    return [(row[0] if grouped else None,
             OfferRow(row[-3], row[-2], count=int(row[-1])))
            for row in session.connection().execute(
                stmt.group_by(*grouped, ExtensionOffer.accepted))]


def _messages(session: Session, start: datetime, end: datetime, scope: Stmt | None,
              filtered: bool) -> list[SentRow]:
    stmt = (select(CustomerMessage.created_at, CustomerMessage.state, Claim.number)
            .outerjoin(Claim, Claim.id == CustomerMessage.claim_id)).where(
        CustomerMessage.direction == "outbound", CustomerMessage.created_at >= start,
        CustomerMessage.created_at < end)
    if filtered:
        stmt = stmt.where(CustomerMessage.claim_id.in_(scope) if scope is not None
                          else CustomerMessage.claim_id.is_not(None))
    return [SentRow(at, state, number) for at, state, number in session.execute(stmt)]


def _synced(session: Session, start: datetime, end: datetime) -> list[SentRow]:
    """Events for head office written in the range: delivered at or below the cursor or
    answered above it, parked when refused, else waiting (a retry is still waiting)."""
    cursor = session.scalar(select(SyncCursor.delivered_seq).where(
        SyncCursor.destination == HEAD_OFFICE)) or 0
    in_range = (OutboxEvent.created_at >= start, OutboxEvent.created_at < end)
    # Counted per state in SQL: a busy till writes hundreds of thousands of events a quarter.
    # Those at or below the cursor are delivered: counted from the index on created_at
    # alone (it holds seq), without looking each one up in the ledgers.
    at, below = session.execute(select(func.min(OutboxEvent.created_at), func.count())
                                .where(*in_range, OutboxEvent.seq <= cursor)).one()
    found = [SentRow(at, SYNC_DELIVERED, count=int(below))] if below else []
    state = case(
        (SyncDelivered.event_seq.is_not(None), SYNC_DELIVERED),
        (SyncParked.state == "parked", SYNC_PARKED), else_=SYNC_WAITING)
    stmt = (select(func.min(OutboxEvent.created_at), state, func.count())
            .outerjoin(SyncDelivered, (SyncDelivered.event_seq == OutboxEvent.seq)
                       & (SyncDelivered.destination == HEAD_OFFICE))
            .outerjoin(SyncParked, (SyncParked.event_seq == OutboxEvent.seq)
                       & (SyncParked.destination == HEAD_OFFICE))
            .where(*in_range, OutboxEvent.seq > cursor)
            .group_by(state))
    return found + [SentRow(at, str(s), count=int(n)) for at, s, n in session.execute(stmt)]


def _waiting(session: Session, day: date, claims: set[str] | None) -> tuple[WaitingUnit, ...]:
    return tuple(WaitingUnit(u.claim_number, u.age_days) for u in units_held(session, day)
                 if u.status != "back" and (claims is None or u.claim_number in claims))


def load_in(uow: UnitOfWork, actor: Actor, *, since: date, until: date,
            filters: Mapping[str, str] | None = None) -> MetricRows:
    """The metric rows for a person allowed to see reports."""
    require(actor, Permission.VIEW_REPORTS)
    return load_rows(uow.session, since, until, filters)


load = reads(load_in)
