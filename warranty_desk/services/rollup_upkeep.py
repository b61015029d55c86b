"""The roll-ups the services keep up where SQL triggers alone cannot: each unit of work that
wrote something brings them up to date before it commits (services.unit_of_work).

- Brand claims marked stale (storage/recovery_marks.py) are worked out again by the rules
  (services/recovery_rollup.py).
- The claims counted per shop day (storage/fact_days.py) are counted again, and the claimants'
  next days of buying worked out again (storage/claimants.py), with the zone's changes filled
  in, when the shop's zone is not the one they were counted for: a new shop, an upgrade, or
  the zone changed in settings (or by hand).
"""

from __future__ import annotations

from sqlalchemy import delete, insert, text
from sqlalchemy.orm import Session

from warranty_desk.clock import zone_of
from warranty_desk.models import ClaimFactZone, ShopZoneChange
from warranty_desk.services import recovery_rollup
from warranty_desk.services.letterhead import shop_of
from warranty_desk.services.shop_days import zone_changes
from warranty_desk.storage import claimants, fact_days


def refresh(session: Session, *, stale: bool, zone_moved: bool) -> None:
    """Bring the roll-ups up to date: some brand claim is `stale`, the shop's zone is not the
    one the claims were counted for (`zone_moved`), as unit_of_work asks at each commit."""
    if zone_moved:
        count_facts_again(session)
    if stale:
        recovery_rollup.refresh(session)


def count_facts_again(session: Session) -> None:
    """Fill in the shop zone's changes and count every claim per shop day again."""
    name = shop_of(session).timezone
    session.execute(delete(ShopZoneChange))
    session.execute(insert(ShopZoneChange), [
        {"at": at, "offset_seconds": offset} for at, offset in zone_changes(zone_of(name))])
    # The zone is named first: the rebuild, as the triggers, counts nothing while none is
    # (after an upgrade that emptied claim_fact_zone it counted no claim at all).
    session.execute(delete(ClaimFactZone))
    session.add(ClaimFactZone(zone=name))
    session.flush()
    fact_days.rebuild(lambda sql: session.execute(text(sql)))
    # The claims' next shop day of buying moves with the zone's days too.
    claimants.rebuild(lambda sql: session.execute(text(sql)), prev=False)

