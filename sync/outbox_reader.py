"""Reading the outbox for delivery: pending events in seq order, in chunks, as plain Events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from sync.contract import Event
from warranty_desk.models import OutboxEvent
from warranty_desk.storage.database import Database

# The driver's own rows, not SQLAlchemy's: at 100k events per push its result processing (the
# ORM's, or even Core's per-column converters) cost more CPU than everything else the till
# does for a batch, CPU the portal's own processes want on a small machine. The two stored
# forms are converted here as UUIDBlob and UTCDateTime convert them (warranty_desk.models.base).
_SELECT = ("SELECT seq, id, topic, aggregate, aggregate_id, payload, created_at "
           "FROM outbox_events ")


def _uuid_text(blob: bytes) -> str:
    # str(uuid.UUID(bytes=blob)), spelled out: the same canonical text at a third of the cost.
    h = blob.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _utc(stored: str) -> datetime:
    # SQLite keeps the time without its zone; it was stored as UTC (UTCDateTime). Read with
    # the zone written on: one call, where parsing and then replacing the zone took six times
    # as long; a text that carries a zone of its own is read as before.
    try:
        return datetime.fromisoformat(stored + "+00:00")
    except ValueError:
        return datetime.fromisoformat(stored).replace(tzinfo=UTC)


def _event(row: Sequence[Any]) -> Event:
    seq, uid, topic, aggregate, aggregate_id, payload, created_at = row
    # The payload stays the stored text until something reads it (Event.payload).
    return Event.stored(seq, _uuid_text(uid), topic, aggregate, aggregate_id, _utc(created_at),
                        payload)


def _rows(db: Database, sql: str, params: tuple[Any, ...]) -> list[Any]:
    # On the driver connection in a read transaction, as the lookup reads: a session and
    # SQLAlchemy's result around 2,000 rows cost more than reading them.
    with db.driver_read() as conn:
        return conn.execute(_SELECT + sql, params).fetchall()


def read_after(
    db: Database, after_seq: int, limit: int, upto_seq: int | None = None
) -> list[Event]:
    """Up to `limit` events with after_seq < seq (<= upto_seq), oldest first."""
    # No upper bound is a bound no seq reaches (SQLite integers are 64-bit).
    upto = (1 << 63) - 1 if upto_seq is None else upto_seq
    rows = _rows(db, "WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", (after_seq, upto, limit))
    return [_event(row) for row in rows]


def read_seqs(db: Database, seqs: Iterable[int]) -> dict[int, Event]:
    """The events with these seqs (a few, for re-sending parked ones), by seq."""
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    # In chunks: SQLite caps the number of parameters of one statement.
    found: dict[int, Event] = {}
    for start in range(0, len(wanted), 500):
        chunk = tuple(wanted[start:start + 500])
        marks = ", ".join("?" * len(chunk))
        found.update((row[0], _event(row))
                     for row in _rows(db, f"WHERE seq IN ({marks})", chunk))
    return found


def last_seq(db: Database) -> int:
    """The newest event's seq, 0 for an empty outbox."""
    with db.read() as session:
        newest = session.scalar(select(func.max(OutboxEvent.seq)))
    return int(newest or 0)
