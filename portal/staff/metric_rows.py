"""Head office's metric rows: the branches' projected records as the pure metrics read them.

The figures come from the same functions a branch's dashboard calls (rules.metrics.figures over
rules.metrics.rows.MetricRows), so a branch and head office count alike. What head office reads
differs only in where: a claim's branch is the branch that sent it, and each branch's days are
its own: its instants are read on its wall clock (its local time written as UTC, from the zone
its till's shop.updated told, UTC until it has) and the shared figures run in UTC, so a claim
at 23:30 in Auckland falls on the day the Auckland till counts it on. Sales carry the till's
own sale day already. Some figures rest on records only the till holds (what is
waiting in its own sync queue, its message sends, the extensions offered at its counter, who
made a sale): BRANCH_ONLY names them, and the pages say so rather than show a wrong number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from portal.branches.models import Branch
from portal.errors import PortalInputError
from portal.projections.models import BrandClaim, Claim, ClaimEvent, Product, Warranty
from warranty_desk.clock import zone_of
from warranty_desk.rules.metrics.rows import (
    DIMENSIONS,
    ClaimRow,
    CostRow,
    MetricRows,
    RecoveryShare,
    RefundRow,
    SoldRow,
    WaitingUnit,
)
from warranty_desk.rules.recovery import split_by_weight

NOT_RECORDED = "not recorded"  # as the till words a missing filter value
# Figures only a branch's till can give: its sync queue, its sends, its counter's offers.
BRANCH_ONLY = {"sync-success": "what waits in each till's own sync queue",
               "message-delivery": "how each till's own messages were delivered",
               "extension-take-up": "the extensions offered at each till's counter"}
# Under a staff filter the sales figures need who made each sale, which tills do not send.
SALES_BY_STAFF = {"activations", "registration-gaps", "trust-score"}
# Stock movements in and out of returns stock (as the till's returns service counts them).
_IN, _OUT = ("return_in", "back_from_supplier"), ("to_supplier", "scrap", "handed_back")
_CLOSING = ("claim.decided", "claim.status_changed")
# A replaced unit's warranty is void at the till (its replacement is on the same sale).
VOID = ("void", "replaced")


@dataclass(frozen=True, slots=True)
class BranchOnly:
    """A figure head office cannot count, and why."""

    key: str
    why: str


def branch_only(filters: Mapping[str, str], by: str | None) -> dict[str, str]:
    """The figures to show as the branches' own, with the reason in words."""
    found = dict(BRANCH_ONLY)
    if "staff" in filters or by == "staff":
        found |= dict.fromkeys(SALES_BY_STAFF, "who made each sale, which tills keep to "
                                               "themselves")
    return found


def check_filters(filters: Mapping[str, str]) -> dict[str, str]:
    """The filters that hold a value; an unknown field is refused in words."""
    unknown = sorted(set(filters) - set(DIMENSIONS))
    if unknown:
        raise PortalInputError(f"There is no filter {unknown[0]!r}. Filter by: "
                               f"{', '.join(DIMENSIONS)}.")
    return {k: v.strip() for k, v in filters.items() if v and v.strip()}


# Every branch's days run from midnight to midnight on its own wall clock, read as UTC's.
WALL = ZoneInfo("UTC")
# The farthest a zone's midnight lies from UTC's (Kiribati +14, Baker Island -12), and more.
_REACH = timedelta(hours=15)


def period(since: date, until: date) -> tuple[Any, datetime, datetime]:
    """The wall clock's zone and its instants from the first day's start to the last's end."""
    if since > until:
        raise PortalInputError(f"The period starts ({since}) after it ends ({until}); swap "
                               "the dates.")
    return (WALL, datetime.combine(since, time(), WALL),
            datetime.combine(until + timedelta(days=1), time(), WALL))


def branch_zones() -> dict[int, ZoneInfo | None]:
    """Each branch's time zone as its till told it; None for one that has not told one yet."""
    return {pk: zone_of(name) if name else None
            for pk, name in Branch.objects.values_list("pk", "time_zone")}


def unzoned() -> list[str]:
    """The codes of branches whose till has not told its time zone: their days are UTC's."""
    return list(Branch.objects.filter(time_zone="").order_by("code")
                .values_list("code", flat=True))


def _wall(at: datetime | None, zone: ZoneInfo | None) -> datetime | None:
    """An instant as the branch's wall clock shows it, written as UTC (its days are then
    UTC's days); a branch with no zone yet reads UTC."""
    if at is None or zone is None:
        return at
    return at.astimezone(zone).replace(tzinfo=UTC)


def _products(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Product]:
    wanted = {(b, s) for b, s in pairs if s}
    query = Q(pk__in=[])
    for branch, sku in wanted:
        query |= Q(branch_id=branch, sku=sku)
    return {(p.branch_id, p.sku): p for p in Product.objects.filter(query)} if wanted else {}


def _dims(branch: str, product: Product | None, staff: str) -> dict[str, str]:
    """The filter fields as the till's dashboard fills them (metric_rows._dims)."""
    supplier = (product.supplier or product.brand) if product is not None else ""
    values = {"product": product.sku if product else "", "brand": product.brand if product
              else "", "category": product.category if product else "", "branch": branch,
              "supplier": supplier, "staff": staff}
    return {n: values[n] or NOT_RECORDED for n in DIMENSIONS}


def _of_branch(rows: Any, filters: Mapping[str, str]) -> Any:
    """One branch's rows only, read in SQL (the commonest filter at head office); the other
    filters are the rows' fields, checked as the till checks them."""
    return rows.filter(branch__code=filters["branch"]) if "branch" in filters else rows


def _passes(dims: Mapping[str, str], filters: Mapping[str, str]) -> bool:
    return all(dims.get(k) == v for k, v in filters.items())


def _facts(claim_ids: list[int]) -> dict[int, tuple[datetime | None, bool, bool]]:
    """Per claim: the first hand-over of a replacement, reopened ever, rejected ever."""
    found: dict[int, list[Any]] = defaultdict(lambda: [None, False, False])
    for claim_id, topic, to_state, at in ClaimEvent.objects.filter(
            claim_id__in=claim_ids).filter(
            Q(topic__in=("claim.replacement_handed_over", "claim.reopened"))
            | Q(topic__in=_CLOSING, to_state="rejected")).values_list(
            "claim_id", "topic", "to_state", "occurred_at"):
        row = found[claim_id]
        if topic == "claim.replacement_handed_over":
            row[0] = at if row[0] is None else min(row[0], at)
        row[1] = row[1] or topic == "claim.reopened"
        row[2] = row[2] or (topic in _CLOSING and to_state == "rejected")
    return {k: (v[0], v[1], v[2]) for k, v in found.items()}


def _claims(start: datetime, end: datetime, filters: Mapping[str, str],
            zones: Mapping[int, ZoneInfo | None]) -> list[tuple[Claim, ClaimRow]]:
    """The claims open on some of the range's days, each on its branch's wall clock (read
    widely in SQL, as each branch's day starts at another instant, and kept here)."""
    found = [c for c in _of_branch(Claim.objects.select_related("branch", "warranty__product"),
                                   filters)
             .filter(opened_at__isnull=False, opened_at__lt=end + _REACH)
             .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start - _REACH))
             if _within(c, zones.get(c.branch_id), start, end)]
    products = _products((c.branch_id, c.sku) for c in found)
    kept: list[tuple[Claim, dict[str, str]]] = []
    for c in found:
        product = products.get((c.branch_id, c.sku)) or (
            c.warranty.product if c.warranty is not None and not c.sku else None)
        dims = _dims(c.branch.code, product, c.opened_by)
        if _passes(dims, filters):
            kept.append((c, dims))
    facts = _facts([c.pk for c, _ in kept])
    rows = []
    for c, dims in kept:
        handed, reopened, rejected = facts.get(c.pk, (None, False, False))
        zone = zones.get(c.branch_id)
        opened_at = _wall(c.opened_at, zone)
        assert opened_at is not None
        rows.append((c, ClaimRow(
            c.number, opened_at, c.state, closed_at=_wall(c.closed_at, zone),
            outcome=c.outcome or None, promised_on=c.promised_on,
            customer=None if c.customer_id is None else str(c.customer_id),
            serial=c.serial or None, handed_over_at=_wall(handed, zone), reopened=reopened,
            rejected_before=rejected, dims=dims)))
    return rows


def _within(claim: Claim, zone: ZoneInfo | None, start: datetime, end: datetime) -> bool:
    """Opened before the range's last day ends and not closed before its first day starts,
    on the claim's branch's days."""
    opened, closed = _wall(claim.opened_at, zone), _wall(claim.closed_at, zone)
    return opened is not None and opened < end and (closed is None or closed >= start)


def _costs(claims: list[Claim]) -> list[CostRow]:
    numbers = {c.pk: c.number for c in claims}
    return [CostRow(numbers[claim_id], str(d.get("kind", "")), int(d.get("amount_minor") or 0))
            for claim_id, d in ClaimEvent.objects.filter(
                claim_id__in=list(numbers), topic="claim.cost_posted")
            .order_by("claim_id", "seq").values_list("claim_id", "details")]


def _refunds(pairs: list[tuple[Claim, ClaimRow]], start: datetime, end: datetime,
             costs: list[CostRow]) -> list[RefundRow]:
    """Refunds decided in the range (the till's refund_rows, from what its events said), on
    each branch's wall clock."""
    ledger: dict[str, int] = defaultdict(int)
    for cost in costs:
        if cost.kind == "refund":
            ledger[cost.claim] += cost.amount_minor
    decided = sorted(((c, r.closed_at) for c, r in pairs
                      if c.outcome == "refund" and c.refund_minor is not None
                      and r.closed_at is not None and start <= r.closed_at < end),
                     key=lambda pair: (pair[1], pair[0].number))
    return [RefundRow(c.number, at, int(c.refund_minor or 0),
                      c.warranty.price_minor if c.warranty is not None else None,
                      c.approver_role or None, c.approver_limit_minor, ledger[c.number])
            for c, at in decided]


def _waiting(claims: list[Claim], until: date, zones: Mapping[int, ZoneInfo | None]
             ) -> tuple[WaitingUnit, ...]:
    """Units whose last move was into returns stock, aged to the range's last day (the day
    each came in on its branch's days)."""
    last: dict[int, tuple[str, datetime]] = {}
    for claim_id, details, at in ClaimEvent.objects.filter(
            claim_id__in=[c.pk for c in claims], topic="stock.moved").order_by(
            "seq").values_list("claim_id", "details", "occurred_at"):
        kind = str(details.get("kind", ""))
        if kind in _IN + _OUT:
            last[claim_id] = (kind, at)
    return tuple(sorted((WaitingUnit(c.number, max((until - last[c.pk][1].astimezone(
        zones.get(c.branch_id) or WALL).date()).days, 0)) for c in claims
        if c.pk in last and last[c.pk][0] == "return_in"), key=lambda u: u.claim))


def _recovery(opened: list[Claim]) -> tuple[RecoveryShare, ...]:
    """Per claim opened in the range: its share of what each brand claim owed and settled."""
    mine = {(c.branch_id, c.number) for c in opened}
    found: dict[tuple[int, str], list[Any]] = {}
    for b in BrandClaim.objects.filter(branch_id__in={c.branch_id for c in opened},
                                       claim_numbers__overlap=[c.number for c in opened]):
        expected = list(b.expected_per_claim)
        if len(expected) != len(b.claim_numbers):  # an older till: only the whole is known
            expected = [b.expected_minor] if len(b.claim_numbers) == 1 else \
                [0] * len(b.claim_numbers)
        shares = split_by_weight(b.settled_minor, expected)
        for number, want, share in zip(b.claim_numbers, expected, shares, strict=True):
            if (b.branch_id, number) in mine:
                row = found.setdefault((b.branch_id, number), [number, b.brand, 0, 0])
                row[2] += want
                row[3] += share
    return tuple(RecoveryShare(n, brand, w, s) for n, brand, w, s in found.values())


def _sold(since: date, until: date, filters: Mapping[str, str]) -> list[SoldRow]:
    rows = []
    for w in (_of_branch(Warranty.objects.select_related("branch", "product"), filters)
              .filter(sold_on__gte=since, sold_on__lte=until).order_by("pk")):
        dims = _dims(w.branch.code, w.product, "")
        if _passes(dims, filters):
            rows.append(SoldRow(w.sold_on or since,
                                w.product.serial_required if w.product else True,
                                w.serial or None,
                                customer=None if w.customer_id is None else str(w.customer_id),
                                code=w.code, void=w.status in VOID,
                                dims=dims))
    return rows


def load_rows(since: date, until: date, filters: Mapping[str, str] | None = None
              ) -> MetricRows:
    """Every row the metrics need for the days since..until (each branch's own) under the
    filters."""
    wanted = check_filters(filters or {})
    zone, start, end = period(since, until)
    zones = branch_zones()
    pairs = _claims(start, end, wanted, zones)
    claims = [c for c, _ in pairs]
    opened = [c for c, r in pairs if start <= r.opened_at < end]
    # One read of the costs: every claim's for the refunds' ledger, the opened ones' figures.
    every_cost = _costs(claims)
    numbers = {c.number for c in opened}
    costs = [cost for cost in every_cost if cost.claim in numbers]
    return MetricRows(
        zone, since, until, start, end, tuple(r for _, r in pairs), tuple(costs),
        tuple(_sold(since, until, wanted)), (), (), (),
        tuple(_refunds(pairs, start, end, every_cost)),
        _waiting(claims if wanted else _every_claim(), until, zones), _recovery(opened))


def _every_claim() -> list[Claim]:
    """Every claim with a stock movement (return aging reads all units, filtered or not)."""
    return list(Claim.objects.filter(timeline__topic="stock.moved").distinct())
