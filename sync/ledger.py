"""Sync bookkeeping in the database: each destination's cursor and its parked events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from warranty_desk.models import OutboxEvent, SyncCursor, SyncDelivered, SyncParked
from warranty_desk.storage.bulk import stored
from warranty_desk.storage.database import Database, driver_of

# Parked rows still waiting for something: a person (parked) or the engine (retry).
OPEN_STATES = ("parked", "retry")
# settled_by for rows the engine settles itself, as opposed to a person's name.
ENGINE = "sync"

# commit_batch's statements, run on the driver (see there); the stamp is _touch's on success.
_CURSOR = "SELECT delivered_seq FROM sync_cursors WHERE destination = ?"
_MOVE = "UPDATE sync_cursors SET delivered_seq = ? WHERE destination = ? AND delivered_seq = ?"
_FORGET = "DELETE FROM sync_delivered WHERE destination = ? AND event_seq <= ?"
_KEEP = "INSERT OR IGNORE INTO sync_delivered (destination, event_seq) VALUES (?, ?)"
_STAMP = ("UPDATE sync_cursors SET last_attempt_at = ?, last_success_at = ?, last_error = NULL "
          "WHERE destination = ?")

Key = tuple[str, str]  # (aggregate, aggregate_id): one record, whose events keep their order


class LostRace(Exception):
    """Another worker moved this destination's cursor meanwhile; its result stands."""


@dataclass(frozen=True, slots=True)
class Head:
    """The first open parked event of a record; the record's later events wait behind it."""

    seq: int
    kind: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParkRow:
    """One event to park: refused by the receiver, or held behind a refused one."""

    seq: int
    aggregate: str
    aggregate_id: str
    kind: str
    reason: str


def held_reason(head: Head, who: str) -> str:
    """Why an event waits, in words the sync panel shows as they are."""
    if head.kind == "rejected":
        return f"Waits behind event {head.seq}, which {who} refused: {head.reason}"
    return f"Waits behind event {head.seq} of the same record, which goes first."


def cursor(db: Database, name: str) -> int:
    """The destination's delivered_seq, creating its row on first use."""
    # Read first: a till that is offline for days retries thousands of times, and a write
    # transaction costs an fsync each time. On the driver: the engine asks before every
    # batch, and a session's select cost a quarter of a millisecond.
    with db.driver_read() as conn:
        found = conn.execute(_CURSOR, (name,)).fetchone()
    if found is not None:
        return int(found[0])
    # The statement is built only here: building it cost more than the driver's read, on
    # the path between an answer and the next batch.
    with db.write() as session:
        seq = session.scalar(select(SyncCursor.delivered_seq)
                             .where(SyncCursor.destination == name))
        if seq is None:
            session.add(SyncCursor(destination=name, delivered_seq=0))
        return seq or 0


def has_open(db: Database, name: str) -> bool:
    """Whether any parked event of this destination still waits (most of the time: none)."""
    with db.read() as session:
        return session.scalar(select(SyncParked.event_seq).where(
            SyncParked.destination == name, SyncParked.state.in_(OPEN_STATES)).limit(1)) is not None


def heads(db: Database, name: str) -> dict[Key, Head]:
    """The records that have an open parked event, with the first such event of each."""
    first = (select(SyncParked.aggregate, SyncParked.aggregate_id,
                    func.min(SyncParked.event_seq).label("seq"))
             .where(SyncParked.destination == name, SyncParked.state.in_(OPEN_STATES))
             .group_by(SyncParked.aggregate, SyncParked.aggregate_id).subquery())
    query = select(SyncParked.aggregate, SyncParked.aggregate_id, SyncParked.event_seq,
                   SyncParked.kind, SyncParked.reason).join(first, and_(
                       SyncParked.destination == name, SyncParked.event_seq == first.c.seq))
    with db.read() as session:
        rows = session.execute(query).all()
    return {(a, i): Head(seq, kind, reason) for a, i, seq, kind, reason in rows}


def release_held(db: Database, name: str) -> None:
    """A held event whose record has nothing open before it any more goes next (state retry)."""
    earlier = aliased(SyncParked)
    blocker = (select(earlier.event_seq).where(
        earlier.destination == name, earlier.aggregate == SyncParked.aggregate,
        earlier.aggregate_id == SyncParked.aggregate_id, earlier.state.in_(OPEN_STATES),
        earlier.event_seq < SyncParked.event_seq).exists())
    candidates = (SyncParked.destination == name, SyncParked.state == "parked",
                  SyncParked.kind == "held", ~blocker)
    with db.read() as session:
        if session.scalar(select(SyncParked.event_seq).where(*candidates).limit(1)) is None:
            return
    with db.write() as session:
        session.execute(update(SyncParked).where(*candidates).values(state="retry"))


def retry_seqs(db: Database, name: str, limit: int) -> list[int]:
    """Events marked for another attempt, the first of each record only, oldest first."""
    query = (select(func.min(SyncParked.event_seq))
             .where(SyncParked.destination == name, SyncParked.state == "retry")
             .group_by(SyncParked.aggregate, SyncParked.aggregate_id)
             .order_by(func.min(SyncParked.event_seq)).limit(limit))
    with db.read() as session:
        return list(session.scalars(query))


def _touch(session: Session, name: str, now: datetime, *, success: bool) -> None:
    values: dict[str, object] = {"last_attempt_at": now}
    if success:
        values.update(last_success_at=now, last_error=None)
    session.execute(update(SyncCursor).where(SyncCursor.destination == name).values(**values))


def settled_above(db: Database, name: str, seq: int) -> set[int]:
    """Events above the cursor this destination has already settled (answered, parked, skipped).

    Kept across cycles and restarts: a line that drops every second answer must not send
    the same events again each cycle.
    """
    with db.read() as session:
        return set(session.scalars(select(SyncDelivered.event_seq).where(
            SyncDelivered.destination == name, SyncDelivered.event_seq > seq)))


def commit_batch(
    db: Database, name: str, *, old: int, new: int, parked: Sequence[ParkRow], now: datetime,
    sent: bool, above: Sequence[int] = (),
) -> None:
    """After the receiver answered: park what it refused, keep what was settled above the new
    cursor (`above`), and move the cursor, all at once."""
    with db.write() as session:
        # The cursor, the kept rows and the stamp through the driver, in the session's
        # transaction: SQLAlchemy's statements and its per-row parameters cost a millisecond a
        # batch, as much as the look-ahead's reading and encoding of its 500 events.
        conn = driver_of(session)
        if conn.execute(_MOVE, (new, name, old)).rowcount != 1:
            raise LostRace(name)
        if new > old:  # the cursor now covers them: their rows say nothing more
            conn.execute(_FORGET, (name, new))
        keep = [(name, seq) for seq in above if seq > new]
        if keep:
            conn.executemany(_KEEP, keep)
        if parked:
            session.execute(insert(SyncParked), [
                {"destination": name, "event_seq": p.seq, "aggregate": p.aggregate,
                 "aggregate_id": p.aggregate_id, "kind": p.kind, "reason": p.reason,
                 "state": "parked", "parked_at": now} for p in parked])
        if sent:
            at = stored(now)
            conn.execute(_STAMP, (at, at, name))


def commit_retries(
    db: Database, name: str, *, delivered: Sequence[int], refused: Sequence[tuple[int, str]],
    gone: Sequence[int], now: datetime, who: str,
) -> None:
    """Settle re-sent events: delivered ones close, refused ones park again and lead."""
    with db.write() as session:
        mine = (SyncParked.destination == name, SyncParked.state == "retry")
        if delivered:
            session.execute(update(SyncParked).where(*mine, SyncParked.event_seq.in_(delivered))
                            .values(state="delivered", settled_at=now, settled_by=ENGINE))
        if gone:
            session.execute(update(SyncParked).where(*mine, SyncParked.event_seq.in_(gone))
                            .values(state="dismissed", settled_at=now, settled_by=ENGINE,
                                    reason="Not sent: the event is no longer in the outbox, or "
                                           "this destination no longer takes its topic."))
        for seq, reason in refused:
            row = session.get_one(SyncParked, (name, seq))
            if row.state != "retry":  # a person dismissed it meanwhile; their word stands
                continue
            row.kind, row.state, row.reason, row.parked_at = "rejected", "parked", reason, now
            session.execute(update(SyncParked).where(
                SyncParked.destination == name, SyncParked.aggregate == row.aggregate,
                SyncParked.aggregate_id == row.aggregate_id, SyncParked.kind == "held",
                SyncParked.state == "parked", SyncParked.event_seq > seq,
            ).values(reason=held_reason(Head(seq, "rejected", reason), who)))
        _touch(session, name, now, success=True)


def record_failure(db: Database, name: str, message: str, now: datetime) -> None:
    """Remember the attempt and why it failed, for the sync panel."""
    with db.write() as session:
        session.execute(update(SyncCursor).where(SyncCursor.destination == name)
                        .values(last_attempt_at=now, last_error=message))


def pending(db: Database, name: str) -> int:
    """Events still to send: beyond the cursor, plus parked ones marked for another attempt."""
    with db.read() as session:
        seq = session.scalar(select(SyncCursor.delivered_seq)
                             .where(SyncCursor.destination == name)) or 0
        beyond = session.scalar(select(func.count()).select_from(OutboxEvent)
                                .where(OutboxEvent.seq > seq)) or 0
        done = session.scalar(select(func.count()).select_from(SyncDelivered).where(
            SyncDelivered.destination == name, SyncDelivered.event_seq > seq)) or 0
        retry = session.scalar(select(func.count()).select_from(SyncParked).where(
            SyncParked.destination == name, SyncParked.state == "retry")) or 0
    return int(beyond) - int(done) + int(retry)
