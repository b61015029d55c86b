"""What suppliers owe and settled in total for the claims opened in a period.

The dashboard's form of recovery_shares: the same terms (rules.recovery.claim_recovery) and the
same sharing of settlements (split_by_weight), summed from the recovery roll-up
(services.recovery_rollup) for every brand claim it holds up to date, and worked out from the
rows for any still marked stale. Tests hold the two equal (tests/unit/services/
test_metric_facts.py through the recovery figures, test_recovery_rollup.py after every kind of
change).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from warranty_desk.models import BrandClaimItem, Claim, ClaimRollup, RecoveryRollup
from warranty_desk.services.recovery_rollup import Share, raw, stale_ids, work_out


def _kept(start: datetime, end: datetime, scope: Any | None) -> list[Any]:
    """The stored rows up to date of the claims opened in [start, end) in `scope`."""
    r = RecoveryRollup
    kept: list[Any] = [r.opened_at >= start, r.opened_at < end,
                       r.brand_claim_id.not_in(stale_ids())]
    if scope is not None:
        kept.append(r.claim_id.in_(scope))
    return kept


def _worked_out(session: Session, start: datetime, end: datetime, scope: Any | None,
                shop_day: Any) -> list[Share]:
    """The shares counted of the brand claims still stale that hold a claim of the range:
    worked out here from the rows."""
    mine = and_(Claim.opened_at >= start, Claim.opened_at < end)
    if scope is not None:
        mine = and_(mine, Claim.id.in_(scope))
    touched = (select(BrandClaimItem.brand_claim_id)
               .join(Claim, Claim.id == BrandClaimItem.claim_id)
               .where(Claim.opened_at >= start, Claim.opened_at < end,
                      BrandClaimItem.brand_claim_id.in_(stale_ids())))
    return [row for row in work_out(session, shop_day, touched, mine) if row.counted]


def recovery_sums(session: Session, start: datetime, end: datetime, scope: Any | None,
                  shop_day: Any, *, paid: bool = False
                  ) -> tuple[int, int, frozenset[bytes]]:
    """What the supplier's terms made recoverable, and the share settled, summed over the
    claims opened in [start, end) (and let through by `scope`, claim ids, when given) that were
    sent to a brand; with `paid`, also the ids (stored bytes) of those claims with a share
    settled (else none). `shop_day(column)` is the SQL for a column's shop day."""
    r = RecoveryRollup
    kept = _kept(start, end, scope)
    found = session.execute(select(func.coalesce(func.sum(r.expected_minor), 0),
                                   func.coalesce(func.sum(r.settled_minor), 0)).where(*kept)).one()
    expected, settled = int(found[0]), int(found[1])
    shares: dict[bytes, int] = defaultdict(int)
    if paid:
        shares.update((claim, int(share)) for claim, share in session.execute(
            select(raw(r.claim_id), func.sum(r.settled_minor)).where(*kept)
            .group_by(r.claim_id)))
    for row in _worked_out(session, start, end, scope, shop_day):
        expected += row.expected_minor
        settled += row.settled_minor
        shares[row.claim_id] += row.settled_minor
    return expected, settled, frozenset(claim for claim, share in shares.items() if share)


def recovery_by(session: Session, start: datetime, end: datetime, scope: Any | None,
                shop_day: Any, key: Any) -> dict[Any, tuple[int, int]]:
    """recovery_sums' two sums per value of `key`, SQL over the claim's roll-up row (compare
    by: services.compared_reads)."""
    r, c = RecoveryRollup, ClaimRollup
    sums: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for group, expected, settled in session.connection().execute(
            select(key, func.sum(r.expected_minor), func.sum(r.settled_minor))
            .select_from(r).join(c, c.claim_id == r.claim_id)
            .where(*_kept(start, end, scope)).group_by(key)):
        sums[group][0] += int(expected)
        sums[group][1] += int(settled)
    stale = _worked_out(session, start, end, scope, shop_day)
    if stale:
        # The claims of the stale brand claims, by a subquery: after a change of zone every
        # brand claim is stale, too many ids for one statement's values.
        held = select(BrandClaimItem.claim_id).where(
            BrandClaimItem.brand_claim_id.in_(stale_ids()))
        keys = {claim: group for claim, group in session.execute(
            select(raw(c.claim_id), key).where(c.claim_id.in_(held)))}
        for row in stale:
            sums[keys[row.claim_id]][0] += row.expected_minor
            sums[keys[row.claim_id]][1] += row.settled_minor
    return {group: (found[0], found[1]) for group, found in sums.items()}
