"""The owner's figures for a range: each metric's value, its one-sentence definition, and the
records behind it (claim numbers, or warranty codes), so every figure opens what made it.

Pure over MetricRows: the till's dashboard and head office's metric pages both call these, so
a branch and head office compute every figure the same way from their own rows."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from warranty_desk.errors import BadInput
from warranty_desk.rules.metrics import claims as cm
from warranty_desk.rules.metrics import costs as km
from warranty_desk.rules.metrics import delivery as dm
from warranty_desk.rules.metrics import refunds as rm
from warranty_desk.rules.metrics import sales as sm
from warranty_desk.rules.metrics import stock as st
from warranty_desk.rules.metrics import trust as tm
from warranty_desk.rules.metrics.claims import claim_volume_by_week, open_by_week
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


def definition(fn: Callable[..., Any]) -> str:
    """A metric's definition: its docstring's first paragraph, on one line."""
    doc = inspect.getdoc(fn) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _numbers(claims: Any) -> tuple[str, ...]:
    return tuple(sorted({c.number if isinstance(c, ClaimRow) else c for c in claims}))


def figures(rows: MetricRows) -> tuple[Figure, ...]:
    """Every figure for the rows' range, in the order the dashboard shows them."""
    zone = rows.zone
    opened = rows.opened()
    last = rows.end - timedelta(microseconds=1)
    closed = [c for c in rows.claims if c.closed_at is not None
              and rows.start <= c.closed_at < rows.end]
    still_open = [c for c in rows.claims if cm.is_open_at(c, last)]
    spent = km.claim_cost(rows.costs)
    by_kind = km.cost_by_kind(rows.costs)
    replaced = cm.replacement_time(closed, zone)
    accuracy = rm.refund_accuracy(rows.refunds)
    recoverable = sum(r.expected_minor for r in rows.recovery)
    settled = sum(r.settled_minor for r in rows.recovery)
    done = cm.resolution_completion(opened, zone)
    messages = dm.message_delivery(rows.messages)
    synced = dm.sync_success(rows.synced)
    take_up = sm.extension_take_up(rows.offers, zone, rows.since, rows.until)
    gaps = sm.registration_gaps(rows.sold, rows.since, rows.until)
    later = rows.sold_summed
    trust = tm.trust_score(opened, rows.sold, zone)
    aging = st.return_aging(u.age_days for u in rows.waiting)
    found = [
        Figure("open-claims", "Open claims", cm.open_claim_count(rows.claims, last), COUNT,
               definition(cm.open_claim_count), _numbers(still_open)),
        Figure("claim-volume", "Claims opened", len(opened), COUNT,
               definition(cm.claim_volume_by_week), _numbers(opened)),
        Figure("cost-per-claim", "Cost per claim", km.cost_per_claim(spent, len(opened)), MONEY,
               definition(km.cost_per_claim), _numbers(opened)),
        *(Figure(f"cost-{kind.replace('_', '-')}", f"Cost: {kind.replace('_', '-')}",
                 by_kind[kind], MONEY, definition(km.cost_by_kind),
                 _numbers(c.claim for c in rows.costs if c.kind == kind))
          for kind in km.ALL_KINDS),
        Figure("resolution-speed", "Median days to resolve", cm.resolution_speed(closed, zone),
               DAYS, definition(cm.resolution_speed), _numbers(closed)),
        Figure("replacement-time", "Days to replacement",
               replaced.days_to_hand_over, DAYS, definition(cm.replacement_time),
               _numbers(c for c in closed if c.outcome == "replace")),
        Figure("refund-accuracy", "Refund accuracy", accuracy.accuracy, PERCENT,
               definition(rm.refund_accuracy), _numbers(r.claim for r in rows.refunds)),
        Figure("supplier-recovery", "Supplier recovery",
               km.supplier_recovery_rate(settled, recoverable), PERCENT,
               definition(km.supplier_recovery_rate), _numbers(r.claim for r in rows.recovery)),
        Figure("cost-recovery", "Cost recovery", km.cost_recovery(settled, spent), PERCENT,
               definition(km.cost_recovery),
               _numbers(r.claim for r in rows.recovery if r.settled_minor)),
        Figure("return-aging", "Returns over 30 days", sum(aging[2:]), COUNT,
               definition(st.return_aging),
               _numbers(u.claim for u in rows.waiting if st.age_band(u.age_days) >= 2)),
        Figure("resolution-completion", "Resolution completion", done.completion, PERCENT,
               definition(cm.resolution_completion),
               _numbers(c for c in opened if c.state in ("resolved", "rejected"))),
        Figure("sync-success", "Sync success", synced.rate, PERCENT,
               definition(dm.sync_success), ()),
        Figure("message-delivery", "Message delivery", messages.rate, PERCENT,
               definition(dm.message_delivery),
               _numbers(m.claim for m in rows.messages
                        if m.claim and dm.delivery_kind(m.state) == "failed")),
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
               definition(tm.trust_score),
               _numbers(c for c in opened if c.rejected_before or c.reopened
                        or c.state == "rejected")),
    ]
    return tuple(found)


def weekly(rows: MetricRows) -> dict[str, dict[str, int]]:
    """Claims opened and claims open at each week's end, for the range's weeks."""
    return {"opened": claim_volume_by_week(rows.claims, rows.zone, rows.since, rows.until),
            "open": open_by_week(rows.claims, rows.zone, rows.since, rows.until)}


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
