"""Head office asked for a day again: mark that day's delivered outbox events to go once more.

Each event keeps its id, so head office stores the ones it lacks and answers "duplicate" for
the rest. The marks are sync_parked rows in state retry (kind "resend"), which the sync engine
sends before anything new; events a person must look at (refused, held) are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.models import OutboxEvent, SyncCursor, SyncParked
from warranty_desk.storage.database import clock_of

# The sync destination head office's events go to (sync.portal.PortalDestination's name).
PORTAL = "portal"
KIND = "resend"
_OPEN = ("parked", "retry")


@dataclass(frozen=True, slots=True)
class Resend:
    """What marking a day for resend found."""

    day: date
    marked: int  # will go again with the next push
    waiting: int  # already waiting to go, or parked for a person
    not_sent_yet: int  # beyond the cursor: they go in the normal way


def mark_day(session: Session, day: date, topics: Sequence[str] = (), *,
             reason: str = "") -> Resend:
    """Mark the day's events (UTC day, as the nightly report counts) for another push."""
    start = datetime.combine(day, time(), UTC)
    end = start + timedelta(days=1)
    delivered = session.scalar(select(SyncCursor.delivered_seq)
                               .where(SyncCursor.destination == PORTAL)) or 0
    query = (select(OutboxEvent.seq, OutboxEvent.aggregate, OutboxEvent.aggregate_id)
             .where(OutboxEvent.created_at >= start, OutboxEvent.created_at < end)
             .order_by(OutboxEvent.seq))
    if topics:
        query = query.where(OutboxEvent.topic.in_(list(topics)))
    rows = session.execute(query).all()
    now = clock_of(session).now()
    why = ("Head office asked for this day again" + (f": {reason}" if reason else "."))[:2000]
    marked = waiting = later = 0
    for seq, aggregate, aggregate_id in rows:
        if seq > delivered:
            later += 1
            continue
        row = session.get(SyncParked, (PORTAL, seq))
        if row is None:
            session.add(SyncParked(destination=PORTAL, event_seq=seq, aggregate=aggregate,
                                   aggregate_id=aggregate_id, kind=KIND, reason=why,
                                   state="retry", parked_at=now))
        elif row.state in _OPEN:
            waiting += 1
            continue
        elif row.state == "dismissed":
            # A person decided this event is not to go; their word stands.
            waiting += 1
            continue
        else:
            row.kind, row.state, row.reason, row.parked_at = KIND, "retry", why, now
            row.settled_at, row.settled_by = None, ""
        marked += 1
    return Resend(day, marked, waiting, later)
