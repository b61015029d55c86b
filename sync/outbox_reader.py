"""Reading the outbox for delivery: pending events in seq order, in chunks, as plain Events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select

from sync.contract import Event
from warranty_desk.models import OutboxEvent
from warranty_desk.storage.database import Database

# Column selects, not ORM objects: at 100k events per push the identity map and per-object
# bookkeeping would cost more than the HTTP round trips.
_COLUMNS = (OutboxEvent.seq, OutboxEvent.id, OutboxEvent.topic, OutboxEvent.aggregate,
            OutboxEvent.aggregate_id, OutboxEvent.payload, OutboxEvent.created_at)


def _event(row: Sequence[Any]) -> Event:
    seq, uid, topic, aggregate, aggregate_id, payload, created_at = row
    return Event(seq=seq, id=str(uid), topic=topic, aggregate=aggregate,
                 aggregate_id=aggregate_id, occurred_at=created_at, payload=json.loads(payload))


def read_after(
    db: Database, after_seq: int, limit: int, upto_seq: int | None = None
) -> list[Event]:
    """Up to `limit` events with after_seq < seq (<= upto_seq), oldest first."""
    query = select(*_COLUMNS).where(OutboxEvent.seq > after_seq)
    if upto_seq is not None:
        query = query.where(OutboxEvent.seq <= upto_seq)
    with db.read() as session:
        rows = session.execute(query.order_by(OutboxEvent.seq).limit(limit)).all()
    return [_event(row) for row in rows]


def read_seqs(db: Database, seqs: Iterable[int]) -> dict[int, Event]:
    """The events with these seqs (a few, for re-sending parked ones), by seq."""
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    with db.read() as session:
        rows = session.execute(select(*_COLUMNS).where(OutboxEvent.seq.in_(wanted))).all()
    return {row[0]: _event(row) for row in rows}


def last_seq(db: Database) -> int:
    """The newest event's seq, 0 for an empty outbox."""
    with db.read() as session:
        newest = session.scalar(select(func.max(OutboxEvent.seq)))
    return int(newest or 0)
