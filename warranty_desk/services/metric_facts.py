"""The dashboard's claims counted in SQL into alike facts (rules.metrics.claim_facts), rather
than read one object per claim: a busy quarter opens 40,000 claims, the facts are a few thousand.

Shop days are worked out in SQL from the stored UTC text (services.shop_days).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    LargeBinary,
    and_,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from warranty_desk.models import (
    BrandClaimItem,
    Claim,
    ClaimEvent,
    ClaimRollup,
    CostPosting,
    CustomerMessage,
)
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.rules.metrics.claim_facts import ClaimFact
from warranty_desk.rules.metrics.costs import ALL_KINDS
from warranty_desk.rules.metrics.delivery import FAILED_STATES, SYNC_PARKED
from warranty_desk.rules.metrics.figures import check_field
from warranty_desk.rules.metrics.rows import (
    MetricRows,
    RecoveryShare,
    SentRow,
)
from warranty_desk.rules.metrics.stock import AGE_BANDS
from warranty_desk.services import compared_reads, rollup_reads
from warranty_desk.services.letterhead import report_period, shop_of
from warranty_desk.services.metric_rows import (
    _claim_select,
    _offers,
    _synced,
    _where,
    check_filters,
    claim_scope,
)
from warranty_desk.services.recovery_sums import recovery_sums
from warranty_desk.services.refund_rows import refunds_counted
from warranty_desk.services.shop_days import shop_day


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def load_facts(session: Session, since: date, until: date,
               filters: Mapping[str, str] | None = None, *, messages: bool = True
               ) -> tuple[MetricRows, list[ClaimFact]]:
    """What the dashboard reads for shop days since..until under the filters: the claims as
    counted facts, and the other rows counted in SQL where a figure only sums them (costs per
    kind, messages per state, waits per day); the records behind a figure are read when it is
    picked. The rows carry no claims: figures(rows, facts) takes them from the facts. Without
    `messages` the rows hold no messages or synced events (a group of a comparison)."""
    wanted = check_filters(filters or {})
    zone, start, end = report_period(session, since, until)
    shop = shop_of(session)
    branch = shop.branch_code

    def day(column: Any) -> Any:
        return shop_day(column, zone, until)

    # Any filter leaves out what belongs to no claim (and keeps the waits of the range's
    # claims), even one that lets every claim, sale and offer through: that one reads the
    # shop's own counts.
    filtered = bool(wanted)
    wanted = rollup_reads.narrowing(session, branch, wanted)
    counted = rollup_reads.by_day(session, shop.timezone)
    # The whole shop's claims and costs are read counted per shop day, a filter's counted.
    if not wanted and counted:
        facts = rollup_reads.facts_by_day(session, since, until)
        costs = rollup_reads.costs_by_day(session, since, until)
    else:
        facts = rollup_reads.claim_facts(session, day, branch, start, end, wanted)
        costs = rollup_reads.costs_by_kind(session, branch, start, end, wanted)
    r = ClaimRollup
    keyed = rollup_reads.claim_keyed(branch, wanted)
    # Each figure's claims tested on the roll-up row it reads where it reads one, else picked
    # from the claims that could count (the ids of every claim a filter lets through, since
    # the shop opened, would be built again for each figure).
    touching = (r.opened_at < end, or_(r.closed_at.is_(None), r.closed_at >= start))
    opened_in = rollup_reads.rollup_claims(branch, wanted, r.claim_id).where(
        r.opened_at >= start, r.opened_at < end) if wanted else None
    messaged = rollup_reads.rollup_claims(branch, wanted, r.claim_id).where(
        r.opened_at < end) if wanted else None
    claimants = rollup_reads.claimants_back(session, day, start, end, since, until, branch,
                                            wanted, counted=counted)
    expected, settled, _ = recovery_sums(session, start, end, opened_in, day)
    return MetricRows(
        zone, since, until, start, end, (),
        tuple(costs),
        tuple(rollup_reads.sold_counted(session, branch, since, until, wanted)),
        tuple(_offers(session, branch, start, end, wanted, counted=True)),
        tuple(_messages_by_state(session, start, end, messaged, filtered)) if messages else (),
        () if filtered or not messages else tuple(_synced(session, start, end)),
        tuple(refunds_counted(session, start, end, where=keyed)),
        rollup_reads.waiting_ages(session, day, until, (*keyed, *touching) if filtered else ()),
        (RecoveryShare("", "", expected, settled),),
        sold_summed=True,
        claimants=claimants), facts


def _messages_by_state(session: Session, start: datetime, end: datetime, scope: Any | None,
                       filtered: bool) -> list[SentRow]:
    """metric_rows' outbound messages in the range, counted per state."""
    stmt = (select(func.min(CustomerMessage.created_at), CustomerMessage.state, func.count())
            .where(CustomerMessage.direction == "outbound", CustomerMessage.created_at >= start,
                   CustomerMessage.created_at < end)
            .group_by(CustomerMessage.state))
    if filtered:
        stmt = stmt.where(CustomerMessage.claim_id.in_(scope) if scope is not None
                          else CustomerMessage.claim_id.is_not(None))
    return [SentRow(at, state, count=int(n)) for at, state, n in session.execute(stmt)]


def claims_behind(session: Session, key: str, since: date, until: date,
                  filters: Mapping[str, str]) -> tuple[str, ...] | None:
    """The claim numbers behind a claim figure, sorted, read by one query under the filters
    for the figures that pick claims by their own fields (metric_figures lists the same from
    rows); None for a figure this does not cover."""
    zone, start, end = report_period(session, since, until)

    def day(column: Any) -> Any:
        return shop_day(column, zone, until)

    opened = and_(Claim.opened_at >= start, Claim.opened_at < end)
    closed = and_(Claim.closed_at >= start, Claim.closed_at < end)

    def event(*where: Any) -> Any:
        return exists().where(ClaimEvent.claim_id == Claim.id, *where)

    def costs(kind: str) -> Any:
        return and_(opened, exists().where(CostPosting.claim_id == Claim.id,
                                           CostPosting.kind == kind))

    picks: dict[str, Any] = {
        "open-claims": and_(Claim.opened_at < end,
                            or_(Claim.closed_at.is_(None), Claim.closed_at >= end)),
        "claim-volume": opened, "cost-per-claim": opened,
        **{f"cost-{k.replace('_', '-')}": costs(k) for k in ALL_KINDS},
        "resolution-speed": closed,
        "replacement-time": and_(closed, Claim.outcome == "replace"),
        "refund-accuracy": and_(closed, Claim.outcome == "refund",
                                Claim.refund_minor.is_not(None)),
        "supplier-recovery": and_(opened, exists().where(BrandClaimItem.claim_id == Claim.id)),
        "message-delivery": exists().where(
            CustomerMessage.claim_id == Claim.id, CustomerMessage.direction == "outbound",
            CustomerMessage.created_at >= start, CustomerMessage.created_at < end,
            CustomerMessage.state.in_((*FAILED_STATES, SYNC_PARKED))),
        "resolution-completion": and_(opened, Claim.state.in_(
            (ClaimState.RESOLVED.value, ClaimState.REJECTED.value))),
        "trust-score": and_(opened, or_(
            Claim.state == ClaimState.REJECTED.value,
            event(ClaimEvent.to_state == ClaimState.REJECTED.value),
            event(ClaimEvent.kind == "reopened"))),
    }
    if key == "return-aging":  # waiting since the first day of the bands the figure counts
        picks[key] = Claim.id.in_(rollup_reads.waiting_since(
            day, until - timedelta(days=AGE_BANDS[2][0])))
        if filters:  # as the rows: a filter keeps the waits of the claims in the range
            picks[key] = and_(picks[key], Claim.opened_at < end,
                              or_(Claim.closed_at.is_(None), Claim.closed_at >= start))
    if key == "cost-recovery":  # the claims with a share of what suppliers settled
        scope = claim_scope(session, check_filters(filters))
        paid = recovery_sums(session, start, end, scope, day, paid=True)[2]
        picks[key] = type_coerce(Claim.id, LargeBinary).in_(sorted(paid))
    if key not in picks:
        return None
    wanted = check_filters(filters)
    stmt, dims = _claim_select(shop_of(session).branch_code, Claim.number, fields=wanted)
    stmt = _where(stmt, dims, wanted).with_only_columns(Claim.number)
    return tuple(sorted(set(session.scalars(stmt.where(picks[key])))))


def load_compared(session: Session, since: date, until: date, filters: Mapping[str, str],
                  by: str) -> dict[str, tuple[MetricRows, list[ClaimFact]]]:
    """Compare by a field on the counted path: per value the field takes under the filters,
    what load_facts reads with that value added to them, read grouped (services.
    compared_reads); messages and synced events belong to no product and stay with the whole
    shop (figures.narrow)."""
    check_field(by)
    wanted = check_filters(filters)

    def per_value(only: Mapping[str, str]) -> dict[str, tuple[MetricRows, list[ClaimFact]]]:
        return load_each(session, since, until, only, by)

    return compared_reads.load_compared(session, since, until, wanted, by, per_value)


def load_each(session: Session, since: date, until: date, filters: Mapping[str, str],
              by: str) -> dict[str, tuple[MetricRows, list[ClaimFact]]]:
    """load_compared read once per value of the field: load_facts with the value added to the
    filters (compared_reads holds its groups equal to these)."""
    wanted = check_filters(filters)
    _zone, start, end = report_period(session, since, until)
    values = rollup_reads.compared_values(session, shop_of(session).branch_code, by, start,
                                          end, since, until, wanted)
    return {value: load_facts(session, since, until, {**wanted, by: value}, messages=False)
            for value in values}
