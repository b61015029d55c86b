"""The owner's figures for a range: each metric's value, its one-sentence definition, and the
records behind it (claim numbers, or warranty codes), so every figure opens what made it.

Pure over MetricRows: the till's dashboard and head office's metric pages both call these, so
a branch and head office compute every figure the same way from their own rows."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from warranty_desk.errors import BadInput
from warranty_desk.rules.metrics import claim_facts as cf
from warranty_desk.rules.metrics import claims as cm
from warranty_desk.rules.metrics import costs as km
from warranty_desk.rules.metrics import delivery as dm
from warranty_desk.rules.metrics import refunds as rm
from warranty_desk.rules.metrics import sales as sm
from warranty_desk.rules.metrics import stock as st
from warranty_desk.rules.metrics import trust as tm
from warranty_desk.rules.metrics.claim_facts import ClaimFact
from warranty_desk.rules.metrics.rows import DIMENSIONS, ClaimRow, MetricRows

COUNT, MONEY, PERCENT, DAYS = "count", "money", "percent", "days"
CLAIM, WARRANTY = "claim", "warranty"


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure on the dashboard."""

    key: str
    title: str
    value: int | float | None
    unit: str  # COUNT, MONEY (minor units), PERCENT or DAYS
    definition: str  # the metric function's own first sentence
    behind: tuple[str, ...] = ()  # the records that make the figure
    behind_kind: str = CLAIM
    # The records behind are not listed yet: read them when the figure is picked
    # (metric_rows.warranty_codes), as a busy quarter has a hundred thousand warranties.
    behind_later: bool = False


# A docstring does not change; every figure of every group read its own again.
@cache
def definition(fn: Callable[..., Any]) -> str:
    """A metric's definition: its docstring's first paragraph, on one line."""
    doc = inspect.getdoc(fn) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _numbers(claims: Any) -> tuple[str, ...]:
    return tuple(sorted({c.number if isinstance(c, ClaimRow) else c for c in claims}))


def figures(rows: MetricRows, facts: Sequence[ClaimFact] | None = None) -> tuple[Figure, ...]:
    """Every figure for the rows' range, in the order the dashboard shows them. Given `facts`
    (the rows' claims counted in SQL), the claim figures come from them and the claims behind
    every figure are left to read when it is picked (behind_later)."""
    zone = rows.zone
    lazy = facts is not None
    every = cf.facts_of(rows.claims, zone) if facts is None else facts
    opened = [] if lazy else rows.opened()
    last = rows.end - timedelta(microseconds=1)
    closed = [] if lazy else [c for c in rows.claims if c.closed_at is not None
                              and rows.start <= c.closed_at < rows.end]
    fopened = cf.opened_within(every, rows.since, rows.until)
    fclosed = cf.closed_within(every, rows.since, rows.until)
    spent = km.claim_cost(rows.costs)
    by_kind = km.cost_by_kind(rows.costs)
    replaced = cf.replacement(fclosed)
    accuracy = rm.refund_accuracy(rows.refunds)
    recoverable = sum(r.expected_minor for r in rows.recovery)
    settled = sum(r.settled_minor for r in rows.recovery)
    done = cf.completion(fopened)
    messages = dm.message_delivery(rows.messages)
    synced = dm.sync_success(rows.synced)
    aging = st.return_aging_counted((u.age_days, u.count) for u in rows.waiting)
    count = sum(f.count for f in fopened)

    def claims(found: Iterable[object]) -> tuple[str, ...]:
        return () if lazy else _numbers(found)

    found = [
        Figure("open-claims", "Open claims", cf.open_count_on(every, rows.until), COUNT,
               definition(cm.open_claim_count),
               claims(c for c in rows.claims if cm.is_open_at(c, last))),
        Figure("claim-volume", "Claims opened", count, COUNT,
               definition(cm.claim_volume_by_week), claims(opened)),
        Figure("cost-per-claim", "Cost per claim", km.cost_per_claim(spent, count), MONEY,
               definition(km.cost_per_claim), claims(opened)),
        *(Figure(f"cost-{kind.replace('_', '-')}", f"Cost: {kind.replace('_', '-')}",
                 by_kind[kind], MONEY, definition(km.cost_by_kind),
                 claims(c.claim for c in rows.costs if c.kind == kind))
          for kind in km.ALL_KINDS),
        Figure("resolution-speed", "Median days to resolve", cf.speed(fclosed),
               DAYS, definition(cm.resolution_speed), claims(closed)),
        Figure("replacement-time", "Days to replacement",
               replaced.days_to_hand_over, DAYS, definition(cm.replacement_time),
               claims(c for c in closed if c.outcome == "replace")),
        Figure("refund-accuracy", "Refund accuracy", accuracy.accuracy, PERCENT,
               definition(rm.refund_accuracy), claims(r.claim for r in rows.refunds)),
        Figure("supplier-recovery", "Supplier recovery",
               km.supplier_recovery_rate(settled, recoverable), PERCENT,
               definition(km.supplier_recovery_rate), claims(r.claim for r in rows.recovery)),
        Figure("cost-recovery", "Cost recovery", km.cost_recovery(settled, spent), PERCENT,
               definition(km.cost_recovery),
               claims(r.claim for r in rows.recovery if r.settled_minor)),
        Figure("return-aging", "Returns over 30 days", sum(aging[2:]), COUNT,
               definition(st.return_aging),
               claims(u.claim for u in rows.waiting if st.age_band(u.age_days) >= 2)),
        Figure("resolution-completion", "Resolution completion", done.completion, PERCENT,
               definition(cm.resolution_completion),
               claims(c for c in opened if c.state in ("resolved", "rejected"))),
        Figure("sync-success", "Sync success", synced.rate, PERCENT,
               definition(dm.sync_success), ()),
        Figure("message-delivery", "Message delivery", messages.rate, PERCENT,
               definition(dm.message_delivery),
               claims(m.claim for m in rows.messages
                      if m.claim and dm.delivery_kind(m.state) == "failed")),
        *_sales_figures(rows, cf.judged(fopened), tm.first_claims(opened, zone),
                        claims(c for c in opened if c.rejected_before or c.reopened
                               or c.state == "rejected")),
    ]
    if lazy:  # every claim figure's claims are read when it is picked
        found = [replace(f, behind_later=True) if f.behind_kind == CLAIM and f.key not in
                 _NOTHING_BEHIND else f for f in found]
    return tuple(found)


def _sales_figures(rows: MetricRows, judged: tuple[int, int, int], first: Mapping[str, date],
                   distrusted: tuple[str, ...]) -> list[Figure]:
    """The warranty sales figures and the trust score (which reads the sales too)."""
    take_up = sm.extension_take_up(rows.offers, rows.zone, rows.since, rows.until)
    gaps = sm.registration_gaps(rows.sold, rows.since, rows.until)
    later = rows.sold_summed
    trust = (tm.trust_of(first, rows.sold, judged) if rows.claimants is None
             else tm.Trust(*rows.claimants, *judged))
    return [
        Figure("activations", "Warranties activated",
               sm.activations(rows.sold, rows.since, rows.until), COUNT,
               definition(sm.activations),
               () if later else tuple(sorted(s.code for s in rows.sold if not s.void)),
               WARRANTY, later),
        Figure("extension-take-up", "Extension take-up", take_up.rate, PERCENT,
               definition(sm.extension_take_up), ()),
        Figure("registration-gaps", "Registration gaps",
               sm.registration_gap_count(rows.sold, rows.since, rows.until), COUNT,
               definition(sm.registration_gaps),
               () if later else tuple(sorted(s.code for s in gaps)), WARRANTY, later),
        Figure("trust-score", "Customer trust", trust.score, PERCENT,
               definition(tm.trust_score), distrusted),
    ]


# Figures that never list records behind them.
_NOTHING_BEHIND = frozenset({"sync-success", "extension-take-up"})


def weekly(rows: MetricRows, facts: Sequence[ClaimFact] | None = None
           ) -> dict[str, dict[str, int]]:
    """Claims opened and claims open at each week's end, for the range's weeks (from the
    facts when given, as figures takes them)."""
    every = cf.facts_of(rows.claims, rows.zone) if facts is None else facts
    return {"opened": cf.volume_by_week(every, rows.since, rows.until),
            "open": cf.open_by_week(every, rows.since, rows.until)}


def check_field(field: str) -> None:
    """Refuse, in words, a field nobody can compare by."""
    if field not in DIMENSIONS:
        raise BadInput(f"Cannot compare by {field!r}. Compare by: {', '.join(DIMENSIONS)}.")


def narrow(rows: MetricRows, field: str, value: str) -> MetricRows:
    """The rows one value of a field holds (compare by): claims, their costs, refunds and
    recovery, warranties sold and offers; messages and synced events belong to no product,
    so they stay with the whole shop only."""
    check_field(field)
    claims = tuple(c for c in rows.claims if c.dims.get(field) == value)
    numbers = {c.number for c in claims}
    return replace(
        rows, claims=claims, costs=tuple(c for c in rows.costs if c.claim in numbers),
        sold=tuple(s for s in rows.sold if s.dims.get(field) == value),
        offers=tuple(o for o in rows.offers if o.dims.get(field) == value),
        messages=(), synced=(), refunds=tuple(r for r in rows.refunds if r.claim in numbers),
        waiting=tuple(u for u in rows.waiting if u.claim in numbers),
        recovery=tuple(r for r in rows.recovery if r.claim in numbers))


def values_of(rows: MetricRows, field: str) -> list[str]:
    """Every value a field takes in the rows, sorted: the groups of a comparison."""
    found = {c.dims[field] for c in rows.claims if field in c.dims}
    found |= {s.dims[field] for s in rows.sold if field in s.dims}
    return sorted(found)


def split(rows: MetricRows, field: str) -> dict[str, MetricRows]:
    """The rows per value of a field."""
    check_field(field)
    return {value: narrow(rows, field, value) for value in values_of(rows, field)}


def compare(rows: MetricRows, field: str) -> dict[str, tuple[Figure, ...]]:
    """Every figure per value of a field."""
    return {value: figures(part) for value, part in split(rows, field).items()}
