"""The dashboard's claims, costs and warranty sales read from the roll-ups (models.metric_rollup)
rather than from the claims with their events, costs and sales, or every warranty sold.

Each function gives what its namesake in metric_facts gave from the rows
(tests/unit/services/test_metric_facts.py holds the dashboard equal to the row path, and
tests/unit/services/test_rollups.py the roll-ups equal to a rebuild after any service calls).
Reads that return many rows go through Core (session.connection()): the ORM's loading of plain
rows cost more than reading them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    LargeBinary,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Brand,
    ClaimFactDay,
    ClaimFactZone,
    ClaimRollup,
    CustomerSaleDay,
    ExtensionOffer,
    InvoiceLine,
    Product,
    Sale,
    SaleRollup,
    Staff,
    Warranty,
)
from warranty_desk.models.metric_rollup import WAITING_ONLY
from warranty_desk.rules.claim_states import OPEN_STATES, ClaimState
from warranty_desk.rules.metrics.claim_facts import ClaimFact
from warranty_desk.rules.metrics.costs import ALL_KINDS
from warranty_desk.rules.metrics.rows import CostRow, SoldRow, WaitingUnit
from warranty_desk.services.metric_rows import (
    NOT_RECORDED,
    PRODUCT_FIELDS,
    _dims,
    _void,
    _where,
    keyed,
)
from warranty_desk.storage.database import session_rows

# What a group's serial is shown as when it has one (the figures only ask whether it is blank).
SERIAL_GIVEN = "(serial)"
# Cost columns of a claim's roll-up row, per kind; "other" holds any kind not named.
_COSTS = {kind: getattr(ClaimRollup, f"cost_{kind}") for kind in (*ALL_KINDS, "other")}


def _joined(stmt: Any, fields: Iterable[str], product: Any, staff: Any) -> Any:
    """The product, brand and staff joined on as far as the fields need them."""
    wanted = set(fields)
    if wanted & PRODUCT_FIELDS:
        stmt = (stmt.outerjoin(Product, Product.id == product)
                .outerjoin(Brand, Brand.id == Product.brand_id))
    if "staff" in wanted:
        stmt = stmt.outerjoin(Staff, Staff.id == staff)
    return stmt


def claim_dims(branch: str) -> dict[str, Any]:
    """The filter fields as SQL over a claim's roll-up row and what it joins."""
    return _dims(branch, Staff.name, ClaimRollup.branch_code)


def claim_keyed(branch: str, filters: Mapping[str, str]) -> list[Any]:
    """keyed over a claim's roll-up row."""
    r = ClaimRollup
    return keyed(branch, filters, product=r.product_id, staff=r.staff_id,
                 sale_branch=r.branch_code)


def rollup_claims(branch: str, filters: Mapping[str, str], *columns: Any,
                  also: Iterable[str] = ()) -> Any:
    """The claims' roll-up rows the filters let through, selecting `columns`, with what the
    fields in `also` need joined on too."""
    stmt = _joined(select(*columns).select_from(ClaimRollup), also,
                   ClaimRollup.product_id, ClaimRollup.staff_id)
    return stmt.where(*claim_keyed(branch, filters))


def claim_scope(branch: str, filters: Mapping[str, str]) -> Any | None:
    """The ids of the claims the filters let through, as a subquery; None: every claim."""
    return rollup_claims(branch, filters, ClaimRollup.claim_id) if filters else None


def narrowing(session: Session, branch: str, filters: Mapping[str, str]) -> dict[str, str]:
    """The filters less those that let every claim, sale and offer through, for which the
    counts for the whole shop are read instead: this till's own branch while every warranty
    was sold there (a claim without a sale is the till's too), as on a till of one branch;
    staff "not recorded" while no claim, sale or offer names anyone. Each look stops at the
    first row that makes the filter a real one."""
    found = dict(filters)
    s = SaleRollup

    def some(stmt: Any) -> bool:
        return session.scalar(stmt.limit(1)) is not None

    if found.get("branch") == branch and not some(
            select(s.branch_code).where(s.branch_code != branch, s.count > 0)):
        del found["branch"]
    # "Above the empty blob" rather than IS NOT NULL, which SQLite reads the whole table for
    # when every row is NULL (10 ms on the 1M shop): the same rows, ids being 16 bytes.
    named = type_coerce(ClaimRollup.staff_id, LargeBinary) > b""
    if found.get("staff") == NOT_RECORDED and not (
            some(select(ClaimRollup.claim_id).where(named))
            or some(select(s.sold_on).where(s.staff_key != b"", s.count > 0))
            or some(select(ExtensionOffer.id).where(ExtensionOffer.staff_id.is_not(None)))):
        del found["staff"]
    return found


def claim_facts(session: Session, day: Any, branch: str, start: datetime, end: datetime,
                filters: Mapping[str, str]) -> list[ClaimFact]:
    """metric_facts.claim_facts from the roll-up: the claims opened before the range's end and
    not closed before its start, counted into facts; `day(column)` is a column's shop day."""
    return [f for _, f in claim_facts_by(session, day, branch, start, end, filters)]


def claim_facts_by(session: Session, day: Any, branch: str, start: datetime, end: datetime,
                   filters: Mapping[str, str], key: Any | None = None, also: Iterable[str] = ()
                   ) -> list[tuple[Any, ClaimFact]]:
    """claim_facts, each fact with the value of `key` (SQL over the roll-up row and what the
    fields in `also` join on) its claims share when given (compare by: services.
    compared_reads), else with None."""
    r = ClaimRollup
    closed = day(r.closed_at)
    in_range = and_(r.opened_at >= start, r.opened_at < end)
    on_time = and_(r.state.not_in(OPEN_STATES), r.closed_at.is_not(None),
                   r.promised_on.is_not(None), closed <= r.promised_on)
    keys = [day(r.opened_at).label("opened"), closed.label("closed"), r.state.label("st"),
            r.outcome.label("oc"), case((on_time, 1), else_=0).label("on_time"),
            case((and_(r.outcome == "replace", r.closed_at >= start, r.closed_at < end),
                  day(r.handed_at))).label("handed"),
            case((and_(in_range, or_(r.state == ClaimState.REJECTED.value,
                                     r.rejected_event.is_(True))), 1), else_=0).label("rejected"),
            case((and_(in_range, r.reopened.is_(True)), 1), else_=0).label("reopened")]
    grouped = [key.label("grp")] if key is not None else []
    # Each arm of the OR is a range of one index: those opened in the range, those closed
    # after its start, and those still open (rather than every claim opened before the end).
    # Counted in Python rather than by GROUP BY: SQLite sorts the range's tens of thousands
    # of rows on ten keys in a temporary B-tree, which cost more than reading them (on the 1M
    # shop, 40k claims: about 100 against 40 ms for a Counter of the same rows).
    stmt = (rollup_claims(branch, filters, *grouped, *keys, also=also)
            .where(r.opened_at < end,
                   or_(r.opened_at >= start, r.closed_at >= start, r.closed_at.is_(None))))
    # A quarter's thousands of facts name a few hundred days: each is parsed once.
    parse = lru_cache(maxsize=None)(date.fromisoformat)

    def on(text: str | None) -> date | None:
        return None if text is None else parse(text)

    found = []
    # Through Core, not the ORM: the ORM's loading of a quarter's thousands of plain rows cost
    # more than reading them.
    for row, n in Counter(map(tuple, session.connection().execute(stmt))).items():
        group = row[0] if grouped else None
        opened, closed, st, oc, on_time, handed, rejected, reopened = row[len(grouped):]
        found.append((group, ClaimFact(parse(opened), st, on(closed), oc, bool(on_time),
                                       on(handed), bool(rejected), bool(reopened), count=n)))
    return found


def by_day(session: Session, zone: str) -> bool:
    """Whether the claims counted per shop day (storage/fact_days.py) were counted for the
    shop's `zone` (changed since: the next write counts them again)."""
    return session.scalar(select(ClaimFactZone.zone)) == zone


def facts_by_day(session: Session, since: date, until: date) -> list[ClaimFact]:
    """claim_facts for the whole shop from the claims counted per shop day, for shop days
    since..until; by_day says whether they can be read."""
    first, last = since.isoformat(), until.isoformat()
    # Straight through the driver: a quarter's thousands of rows cost more to pass through
    # the ORM's result than to read (models.ClaimFactDay names the columns).
    rows = session_rows(
        session, "SELECT opened_on, closed_on, state, outcome, on_time, handed_on, rejected, "
        "reopened, count FROM claim_fact_days WHERE count != 0 AND opened_on <= ? "
        "AND (opened_on >= ? OR closed_on >= ? OR closed_on = '')", (last, first, first))
    parse = lru_cache(maxsize=None)(date.fromisoformat)
    found = []
    for opened, closed, st, oc, on_time, handed, rejected, reopened, n in rows:
        # As claim_facts keeps them: the hand-over of a replacement (the only kind whose
        # day is counted) closed in the range, and rejected or reopened for one opened in it.
        closed_in = closed != "" and first <= closed <= last
        opened_in = first <= opened
        found.append(ClaimFact(parse(opened), st, parse(closed) if closed else None, oc or None,
                               bool(on_time),
                               parse(handed) if handed and closed_in else None,
                               bool(rejected) and opened_in, bool(reopened) and opened_in,
                               count=n))
    return found


def _cost_rows(sums: Iterable[Any]) -> list[CostRow]:
    """The costs summed per kind (in _COSTS' order) as rows, the kinds with none left out."""
    return [CostRow("", kind, int(total)) for kind, total in zip(_COSTS, sums, strict=True)
            if total]


def costs_by_day(session: Session, since: date, until: date) -> list[CostRow]:
    """costs_by_kind for the whole shop from the claims counted per shop day (those opened on
    shop days since..until are those opened in the range); by_day says whether they can be."""
    f = ClaimFactDay
    stmt = select(*(func.sum(getattr(f, f"cost_{kind}")) for kind in _COSTS)).where(
        f.opened_on >= since.isoformat(), f.opened_on <= until.isoformat())
    return _cost_rows(session.execute(stmt).one())


def costs_by_kind(session: Session, branch: str, start: datetime, end: datetime,
                  filters: Mapping[str, str]) -> list[CostRow]:
    """The costs posted on the claims opened in the range, summed per kind."""
    return [row for _, row in costs_by(session, branch, start, end, filters)]


def costs_by(session: Session, branch: str, start: datetime, end: datetime,
             filters: Mapping[str, str], key: Any | None = None) -> list[tuple[Any, CostRow]]:
    """costs_by_kind, each row with the value of `key` (SQL over the claim's roll-up row) its
    claims share when given, else with None."""
    grouped = [key] if key is not None else []
    stmt = (rollup_claims(branch, filters, *grouped, *(func.sum(c) for c in _COSTS.values()))
            .where(ClaimRollup.opened_at >= start, ClaimRollup.opened_at < end)
            .group_by(*grouped))
    return [(row[0] if grouped else None, cost)
            for row in session.connection().execute(stmt)
            for cost in _cost_rows(row[len(grouped):])]


def rollup_sold(branch: str, filters: Mapping[str, str], *columns: Any,
                also: Iterable[str] = ()) -> Any:
    """The sales roll-up's groups with warranties in them that the filters let through,
    selecting `columns`, with their product and brand (and staff, when a field needs it)."""
    s = SaleRollup
    stmt = (select(*columns).select_from(s).join(Product, Product.id == s.product_id)
            .join(Brand, Brand.id == Product.brand_id).where(s.count > 0))
    if "staff" in {*filters, *also}:
        stmt = stmt.outerjoin(Staff, Staff.id == s.staff_key)
    return _where(stmt, sale_dims(branch), filters)


def sale_dims(branch: str) -> dict[str, Any]:
    """The filter fields as SQL over the sales roll-up and what it joins."""
    return _dims(branch, Staff.name, SaleRollup.branch_code)


def sold_counted(session: Session, branch: str, since: date, until: date,
                 filters: Mapping[str, str]) -> list[SoldRow]:
    """The warranties sold in the range under the filters, counted per serial needed, serial
    missing and void, each group with its newest sale day (as metric_facts.sales_counted)."""
    return [row for _, row in sold_counted_by(session, branch, since, until, filters)]


def sold_counted_by(session: Session, branch: str, since: date, until: date,
                    filters: Mapping[str, str], key: Any | None = None
                    ) -> list[tuple[Any, SoldRow]]:
    """sold_counted, each group with the value of `key` (SQL over the sales roll-up and what
    it joins) when given, else with None."""
    s = SaleRollup
    grouped = [key] if key is not None else []
    stmt = (rollup_sold(branch, filters, *grouped, func.max(s.sold_on), Product.serial_required,
                        s.gap, s.void, func.sum(s.count))
            .where(s.sold_on >= since, s.sold_on <= until)
            .group_by(*grouped, Product.serial_required, s.gap, s.void))
    found = []
    for row in session.connection().execute(stmt):
        newest, needed, gap, void, n = row[len(grouped):]
        found.append((row[0] if grouped else None,
                      SoldRow(newest, bool(needed), None if gap else SERIAL_GIVEN,
                              void=bool(void), count=int(n))))
    return found


def compared_values(session: Session, branch: str, field: str, start: datetime, end: datetime,
                    since: date, until: date, filters: Mapping[str, str]) -> list[str]:
    """Every value a field takes under the filters, among the claims opened before the range's
    end and not closed before its start and the warranties sold in it, sorted: the groups of
    a comparison (figures.values_of over the rows)."""
    r, s = ClaimRollup, SaleRollup
    claims = (rollup_claims(branch, filters, claim_dims(branch)[field].label("v"), also=[field])
              .where(r.opened_at < end, or_(r.closed_at.is_(None), r.closed_at >= start)))
    sold = (rollup_sold(branch, filters, sale_dims(branch)[field].label("v"), also=[field])
            .where(s.sold_on >= since, s.sold_on <= until))
    return sorted({str(v or NOT_RECORDED) for (v,) in session.execute(claims.union(sold))})


def claimants_back(session: Session, day: Any, start: datetime, end: datetime, since: date,
                   until: date, branch: str, filters: Mapping[str, str], *,
                   counted: bool = False) -> tuple[int, int]:
    """The trust score's customers (trust.trust_of): those who claimed in the range (a claim
    the filters let through), and those of them who bought a warranty under the filters, not
    void, on a day of the range after their first such claim's. `counted`: the roll-up rows'
    claimant columns (storage/claimants.py) are for the shop's zone (by_day), so the whole
    shop's are counted from one index, and a filter's claimants need no look-up of their days
    of buying; otherwise one look-up per claimant in the customers' days. Under filters only a
    customer who bought again at all has their warranties read, to see whether one was of the
    product, branch and staff member the filters ask for."""
    r, d = ClaimRollup, CustomerSaleDay
    until_text = until.isoformat()
    if counted and not filters:
        # A customer's first claim in the range is the one whose claim before is not in it;
        # any day of buying after it is in the range (the claim's day is), so on or before
        # its last day is all there is to ask.
        found = session.execute(
            select(func.count(), func.coalesce(func.sum(case(
                (r.next_sale_on <= until_text, 1), else_=0)), 0))
            .where(r.opened_at >= start, r.opened_at < end, r.customer_id.is_not(None),
                   or_(r.prev_opened_at.is_(None), r.prev_opened_at < start))).one()
        return int(found[0]), int(found[1])
    # With min() the only aggregate, SQLite takes the bare next day from the row holding it:
    # the first claim's.
    claimed = (rollup_claims(branch, filters, r.customer_id.label("customer"),
                             day(func.min(r.opened_at)).label("day"),
                             r.next_sale_on.label("next"))
               .where(r.opened_at >= start, r.opened_at < end, r.customer_id.is_not(None))
               .group_by(r.customer_id).cte("claimed").prefix_with("MATERIALIZED"))
    again: Any = (claimed.c.next <= until_text if counted else
                  exists().where(d.customer_id == claimed.c.customer, d.sold_on > claimed.c.day,
                                 d.sold_on >= since, d.sold_on <= until, d.count > 0))
    if filters:
        w, s = Warranty, Sale
        bought = (exists().where(w.customer_id == claimed.c.customer,
                                 InvoiceLine.id == w.invoice_line_id, s.id == InvoiceLine.sale_id,
                                 s.sold_on > claimed.c.day, s.sold_on >= since,
                                 s.sold_on <= until, ~_void(),
                                 *keyed(branch, filters, product=w.product_id,
                                        staff=s.staff_id, sale_branch=s.branch_code)))
        # A CASE, as SQLite evaluates both sides of an AND: the warranties are read only
        # for the few who bought anything again.
        again = case((again, bought), else_=False)
    found = session.execute(select(func.count(), func.coalesce(
        func.sum(case((again, 1), else_=0)), 0)).select_from(claimed)).one()
    return int(found[0]), int(found[1])


def _waiting(day: Any) -> tuple[Any, Any]:
    """The claims (with a product and brand) whose last returns movement brought the unit in
    and it is not back from the supplier (returns.units_held less those back), from the
    roll-up; with the SQL of the shop day it came in."""
    r = ClaimRollup
    # A product is all units_held joins for: its brand is there by the foreign keys, and
    # counted from the index alone (joining each to its product and brand was 9 of 21 ms of
    # the 1M shop's quarter).
    stmt = (select(r.claim_id).select_from(r)
            .where(text(WAITING_ONLY), r.product_id.is_not(None)))
    return stmt, day(r.returns_at)


def waiting_ages(session: Session, day: Any, until: date, where: Iterable[Any] = ()
                 ) -> tuple[WaitingUnit, ...]:
    """The units waiting in returns stock for their supplier, counted per shop day each came,
    aged on `until`; `where` (tests of the claim's roll-up row) narrows them."""
    return tuple(unit for _, unit in waiting_ages_by(session, day, until, where))


def waiting_ages_by(session: Session, day: Any, until: date, where: Iterable[Any] = (),
                    key: Any | None = None) -> list[tuple[Any, WaitingUnit]]:
    """waiting_ages, each count with the value of `key` (SQL over the claim's roll-up row)
    when given, else with None."""
    stmt, came = _waiting(day)
    grouped = [key] if key is not None else []
    stmt = stmt.with_only_columns(*grouped, came, func.count()).group_by(*grouped, came)
    return [(row[0] if grouped else None,
             WaitingUnit("", max((until - date.fromisoformat(row[-2])).days, 0), int(row[-1])))
            for row in session.connection().execute(stmt.where(*where))]


def waiting_since(day: Any, latest: date) -> Any:
    """The ids of the claims whose unit has waited in returns stock since `latest` or before:
    the same units waiting_ages counts, so a figure opens the claims it counted."""
    stmt, came = _waiting(day)
    return stmt.where(came <= latest.isoformat())
