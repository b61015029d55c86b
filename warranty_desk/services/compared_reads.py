"""Compare by a field, read grouped: each part of the dashboard's figures is read once with the
compared field's key beside it and split into groups, rather than read again for each value.

The dashboard's read for one value of a field took about 100 ms on the 1M-warranty shop, so
comparing five brands took five of them on top of the open (784 ms). Each part here is the
same statement as the filtered read (services.rollup_reads, metric_rows, refund_rows,
recovery_sums) with a key added to what it groups by: a product's, staff member's or
branch's own column, never a join to name it. The few products and staff members are read
once to name each key's group, as the filters' values name them (services.metric_rows._dims).
tests/unit/services/test_compared_reads.py holds every group equal to the read for its value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, literal, literal_column, or_, select
from sqlalchemy.orm import Session

from warranty_desk.models import (
    Brand,
    ClaimRollup,
    ExtensionOffer,
    InvoiceLine,
    Product,
    Sale,
    SaleRollup,
    Staff,
    Warranty,
)
from warranty_desk.rules.metrics.claim_facts import ClaimFact
from warranty_desk.rules.metrics.figures import check_field
from warranty_desk.rules.metrics.rows import MetricRows, RecoveryShare
from warranty_desk.services import rollup_reads
from warranty_desk.services.letterhead import report_period, shop_of
from warranty_desk.services.metric_rows import (
    _CHUNK,
    NOT_RECORDED,
    PRODUCT_FIELDS,
    _dims,
    _void,
    keyed,
    offers_counted_by,
)
from warranty_desk.services.recovery_rollup import raw
from warranty_desk.services.recovery_sums import recovery_by
from warranty_desk.services.refund_rows import refunds_counted_by
from warranty_desk.services.shop_days import shop_day

Loaded = dict[str, tuple[MetricRows, list[ClaimFact]]]


@dataclass(frozen=True, slots=True)
class Keys:
    """The compared field on each kind of row read: a key the light reads group by (a
    product's or staff member's own id, no join), with the group each key names, and the group
    itself in SQL for the claims and customers, whose many rows are counted in SQL."""

    claim: Any  # the key over a claim's roll-up row
    sale: Any  # over the sales roll-up
    offer: Any  # over an extension offer, or its sale with offer_on_sale
    offer_on_sale: bool
    group: Callable[[Any], str]
    warranty: Any  # over a warranty and its sale
    claim_group: Any  # the group over a claim's roll-up row and what the field joins on


def named(value: Any) -> Any:
    """SQL naming a group as `group` names its key: no value or a blank one is not recorded
    (as the row path names them: metric_rows._claims)."""
    return func.coalesce(func.nullif(value, ""), literal(NOT_RECORDED))


def lone_value(session: Session, branch: str, field: str) -> str | None:
    """The field's one value when it lets every claim, sale and offer through (the till's own
    branch on a till of one branch, staff "not recorded" while no one is named): compared by
    it, there is that one group, the shop's own read (rollup_reads.narrowing); else None."""
    lone = {"branch": branch, "staff": NOT_RECORDED}.get(field)
    if lone is None or field in rollup_reads.narrowing(session, branch, {field: lone}):
        return None
    return lone


def keys_of(session: Session, branch: str, field: str) -> Keys:
    """The keys of `field`: a product's or staff member's id, read as its stored bytes, or the
    branch code itself; each named as its filter value would be (none: "not recorded")."""
    claim_group = named(rollup_reads.claim_dims(branch)[field])
    if field == "branch":
        def as_is(key: Any) -> str:
            return str(key or NOT_RECORDED)

        dims = _dims(branch, Staff.name, Sale.branch_code)
        return Keys(rollup_reads.claim_dims(branch)["branch"],
                    rollup_reads.sale_dims(branch)["branch"], dims["branch"], True, as_is,
                    dims["branch"], claim_group)
    if field in PRODUCT_FIELDS:
        dim = _dims(branch, Staff.name)[field]
        names = {key: name for key, name in session.execute(
            select(raw(Product.id), dim).outerjoin(Brand, Brand.id == Product.brand_id))}
        columns: tuple[Any, ...] = (ClaimRollup.product_id, SaleRollup.product_id,
                                    ExtensionOffer.product_id, Warranty.product_id)
    else:  # staff: the sales roll-up keeps no one as empty bytes, which names no one too
        names = {key: name for key, name in session.execute(select(raw(Staff.id), Staff.name))}
        columns = (ClaimRollup.staff_id, SaleRollup.staff_key, ExtensionOffer.staff_id,
                   Sale.staff_id)

    def group(key: Any) -> str:
        return str(names.get(key) or NOT_RECORDED)

    claim, sale, offer, warranty = (raw(c) for c in columns)
    return Keys(claim, sale, offer, False, group, warranty, claim_group)


def load_compared(session: Session, since: date, until: date, filters: Mapping[str, str],
                  by: str, per_value: Callable[[Mapping[str, str]], Loaded]) -> Loaded:
    """What metric_facts.load_compared gives, read grouped. `per_value(filters)` reads each
    value on its own instead: while the claims' shop days are counted for another zone (the
    trust score's customers are then looked up day by day), and for a field whose one value
    lets everything through (the shop's counts are read for it: rollup_reads.narrowing)."""
    shop = shop_of(session)
    branch = shop.branch_code
    # A field whose one value lets everything through has that one group: the shop's counts.
    if lone_value(session, branch, by) is not None or not rollup_reads.by_day(
            session, shop.timezone):
        return per_value(filters)
    zone, start, end = report_period(session, since, until)

    def day(column: Any) -> Any:
        return shop_day(column, zone, until)

    wanted = rollup_reads.narrowing(session, branch, filters)
    keys = keys_of(session, branch, by)
    r = ClaimRollup
    facts: dict[str, list[ClaimFact]] = defaultdict(list)
    for group, fact in rollup_reads.claim_facts_by(session, day, branch, start, end, wanted,
                                                   keys.claim_group, also=[by]):
        facts[group].append(fact)
    sold = _split(keys, rollup_reads.sold_counted_by(session, branch, since, until, wanted,
                                                     keys.sale))
    costs = _split(keys, rollup_reads.costs_by(session, branch, start, end, wanted,
                                               keys.claim))
    offers = _split(keys, offers_counted_by(session, branch, start, end, wanted, keys.offer,
                                            on_sale=keys.offer_on_sale))
    claim_keyed = rollup_reads.claim_keyed(branch, wanted)
    refunds = _split(keys, refunds_counted_by(session, start, end, where=claim_keyed,
                                              key=keys.claim))
    touching = (r.opened_at < end, or_(r.closed_at.is_(None), r.closed_at >= start))
    waiting = _split(keys, rollup_reads.waiting_ages_by(session, day, until,
                                                        (*claim_keyed, *touching), keys.claim))
    opened_in = (rollup_reads.rollup_claims(branch, wanted, r.claim_id)
                 .where(r.opened_at >= start, r.opened_at < end)) if wanted else None
    recovery: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, (expected, settled) in recovery_by(session, start, end, opened_in, day,
                                                keys.claim).items():
        recovery[keys.group(key)][0] += expected
        recovery[keys.group(key)][1] += settled
    claimants = _claimants(session, day, start, end, since, until, branch, wanted, by, keys)
    found: Loaded = {}
    for value in sorted({*facts, *sold}):
        expected, settled = recovery.get(value, (0, 0))
        rows = MetricRows(zone, since, until, start, end, (), tuple(costs.get(value, ())),
                          tuple(sold.get(value, ())), tuple(offers.get(value, ())), (), (),
                          tuple(refunds.get(value, ())), tuple(waiting.get(value, ())),
                          (RecoveryShare("", "", expected, settled),), sold_summed=True,
                          claimants=claimants.get(value, (0, 0)))
        found[value] = (rows, facts.get(value, []))
    return found


def volumes(session: Session, since: date, until: date, filters: Mapping[str, str],
            by: str, whole: tuple[int, bool]) -> dict[str, int]:
    """The claims opened in the range per value of the field compared by, for every group
    load_compared gives (a group with sales but no claim opened has 0): the comparison's chart,
    drawn before its every figure is read. `whole` is the dashboard's own read under the same
    filters: its claims opened, and whether it holds any claim or sale; a field whose one value
    lets everything through has that one group, the whole read."""
    check_field(by)
    shop = shop_of(session)
    branch = shop.branch_code
    lone = lone_value(session, branch, by)
    if lone is not None:
        opened, anything = whole
        return {lone: opened} if anything else {}
    wanted = rollup_reads.narrowing(session, branch, filters)
    _zone, start, end = report_period(session, since, until)
    keys = keys_of(session, branch, by)
    r = ClaimRollup
    # The claims claim_facts reads (those the range touches: each is a group's, opened in the
    # range or not), counted per key of their own column: a product's claims are read from
    # the index that holds the product with the claim's times, no join and no sort.
    touching = (rollup_reads.rollup_claims(branch, wanted, keys.claim, func.sum(case(
                    (r.opened_at >= start, 1), else_=0)))
                .where(r.opened_at < end,
                       or_(r.opened_at >= start, r.closed_at >= start, r.closed_at.is_(None)))
                .group_by(keys.claim))
    found: dict[str, int] = defaultdict(int)
    for key, n in session.connection().execute(touching):
        found[keys.group(key)] += int(n)
    for key, _row in rollup_reads.sold_counted_by(session, branch, since, until, wanted,
                                                  keys.sale):
        found[keys.group(key)] += 0
    return dict(sorted(found.items()))


def _split(keys: Keys, rows: Any) -> dict[str, list[Any]]:
    """(key, row) pairs gathered per group."""
    found: dict[str, list[Any]] = defaultdict(list)
    for key, row in rows:
        found[keys.group(key)].append(row)
    return found


def _claimants(session: Session, day: Any, start: datetime, end: datetime, since: date,
               until: date, branch: str, filters: Mapping[str, str], field: str, keys: Keys
               ) -> dict[str, tuple[int, int]]:
    """rollup_reads.claimants_back per group, on the counted path: per group, the customers
    who claimed in the range (counted in SQL), and those of them whose next day of buying
    after their first claim in the group (the roll-up row's) is in the range and who bought a
    warranty of the group there, not void, after that claim's day (the few whose next day is
    in the range are read, with the warranties they bought)."""
    r = ClaimRollup
    until_text = until.isoformat()
    in_range = (r.opened_at >= start, r.opened_at < end, r.customer_id.is_not(None))

    def claims(*columns: Any) -> Any:
        return rollup_reads.rollup_claims(branch, filters, keys.claim_group.label("grp"),
                                          *columns, also=[field]).where(*in_range)

    found = {group: [int(n), 0] for group, n in session.connection().execute(
        claims(func.count(r.customer_id.distinct())).group_by(literal_column("grp")))}
    # Those who may have come back: a claim in the range whose next day of buying is in it.
    # Their first claim in each group, and with min() the only aggregate SQLite takes the bare
    # next day from the row holding it: whether it is in the range is for that claim.
    maybe = (select(r.customer_id)
             .where(r.opened_at >= start, r.opened_at < end, r.next_sale_on <= until_text))
    candidates = [(group, customer, date.fromisoformat(on))
                  for group, customer, on, after in session.connection().execute(
                      claims(raw(r.customer_id), day(func.min(r.opened_at)), r.next_sale_on)
                      .where(r.customer_id.in_(maybe))
                      .group_by(literal_column("grp"), r.customer_id))
                  if after is not None and after <= until]
    if candidates:
        w, s = Warranty, Sale
        bought: dict[bytes, list[tuple[str, date]]] = defaultdict(list)
        customers = sorted({customer for _, customer, _ in candidates})
        # In chunks, as SQLite takes a bounded number of values in one statement.
        for n in range(0, len(customers), _CHUNK):
            for customer, key, sold_on in session.connection().execute(
                    select(raw(w.customer_id), keys.warranty, s.sold_on).select_from(w)
                    .join(InvoiceLine, InvoiceLine.id == w.invoice_line_id)
                    .join(s, s.id == InvoiceLine.sale_id)
                    .where(raw(w.customer_id).in_(customers[n:n + _CHUNK]), s.sold_on >= since,
                           s.sold_on <= until, ~_void(),
                           *keyed(branch, filters, product=w.product_id, staff=s.staff_id,
                                  sale_branch=s.branch_code))):
                bought[customer].append((keys.group(key), sold_on))
        for group, customer, on in candidates:
            found[group][1] += any(g == group and sold_on > on for g, sold_on in bought[customer])
    return {group: (n, again) for group, (n, again) in found.items()}
