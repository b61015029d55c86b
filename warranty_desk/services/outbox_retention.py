"""Delivered outbox events leave the shop's file once head office has them and has counted them.

The outbox is a queue, not the shop's history: the records themselves (sales, warranties,
claims) stay for good. An event may go when every configured destination has settled it, a
nightly report has counted its day, and it is older than KEEP_DAYS (left for a replay if head
office finds a gap in the report). Events parked for a person stay until they are settled.

A till working alone (no portal) has no nightly report: its own mail server and SMS gateway
are its only receivers, and they take the messages to customers only. Once every one of them
has taken a message and KEEP_DAYS have passed, that message's event may go (prune_alone).
Every other event stays: a till that connects to head office later sends its whole outbox on
its first sync, and head office builds the shop's customers, products, warranties and claims
from those events alone (it cannot ask the till for what is missing, and its first nightly
report compares only the last week). The messages are the one topic head office never wants
from a till that mails its own customers, and one it must not get years late either: it would
queue them to be sent again.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import cast

from sqlalchemy import delete, func, select

from warranty_desk.models import OutboxEvent, SyncCursor, SyncParked
from warranty_desk.permissions import Actor
from warranty_desk.services import audit, erasure_register
from warranty_desk.services.message_delivery import QUEUED_TOPIC
from warranty_desk.storage.database import Database

log = logging.getLogger(__name__)

# The SyncCursor row that remembers the last nightly report head office accepted.
NIGHTLY_CURSOR = "nightly"
KEEP_DAYS = 7
# Rows deleted per write transaction: the counter can still record a sale between chunks.
CHUNK = 20_000
# VACUUM rewrites the whole file; worth it only when a fair share of it is free pages.
COMPACT_FREE_SHARE = 0.2
COMPACT_MIN_FREE_PAGES = 256
_WAITING_STATES = ("parked", "retry")
# What a till working alone may let go once its receivers have taken it (see above).
ALONE_TOPICS = (QUEUED_TOPIC,)


@dataclass(frozen=True, slots=True)
class Horizon:
    """What may go: events with seq up to `seq` written before `before`."""

    seq: int
    before: datetime


def _taken(db: Database, destinations: Sequence[str], *, nightly: bool
           ) -> tuple[int, datetime | None] | None:
    """The seq every destination has settled (below the newest event) and when the nightly
    report was last accepted; None while a destination has taken nothing yet."""
    if not destinations:
        return None  # nobody has the events yet: they wait for head office to be set up
    names = [*destinations, NIGHTLY_CURSOR] if nightly else list(destinations)
    with db.read() as session:
        cursors = {name: (seq, success) for name, seq, success in session.execute(
            select(SyncCursor.destination, SyncCursor.delivered_seq, SyncCursor.last_success_at)
            .where(SyncCursor.destination.in_(names)))}
        newest = session.scalar(select(func.max(OutboxEvent.seq))) or 0
    if any(name not in cursors for name in destinations):
        return None
    delivered = min(cursors[name][0] for name in destinations)
    # The newest event always stays: seq is SQLite's rowid, and an empty table would hand
    # out seq 1 again, below every destination's cursor.
    seq = min(delivered, newest - 1)
    return (seq, cursors.get(NIGHTLY_CURSOR, (0, None))[1]) if seq >= 1 else None


def horizon(db: Database, destinations: Sequence[str], *,
            keep_days: int = KEEP_DAYS) -> Horizon | None:
    """The pruning horizon, or None while some destination or the nightly report lags."""
    taken = _taken(db, destinations, nightly=True)
    reported = taken[1] if taken is not None else None
    if taken is None or reported is None:
        return None
    seq = taken[0]
    # The nightly report recounts from its last run's day on, so earlier days are counted.
    counted = datetime.combine(reported.astimezone(UTC).date(), time(), UTC)
    return Horizon(seq, min(counted, db.clock.now() - timedelta(days=keep_days)))


def prune_delivered(db: Database, destinations: Sequence[str], *,
                    keep_days: int = KEEP_DAYS) -> int:
    """Delete the events past the horizon, in short chunks; how many went."""
    limit = horizon(db, destinations, keep_days=keep_days)
    return 0 if limit is None else _prune(db, limit, ())


def prune_alone(db: Database, senders: Sequence[str], *, keep_days: int = KEEP_DAYS) -> int:
    """A till without head office: delete the messages' events every one of its own senders
    (mail, SMS) has taken, older than `keep_days`, in short chunks; how many went."""
    taken = _taken(db, senders, nightly=False)
    if taken is None:
        return 0
    limit = Horizon(taken[0], db.clock.now() - timedelta(days=keep_days))
    return _prune(db, limit, ALONE_TOPICS)


def _prune(db: Database, limit: Horizon, topics: Sequence[str]) -> int:
    """Delete events past `limit` (of `topics` only, when any), never one waiting for a
    person or a retry; how many went."""
    waiting = select(SyncParked.event_seq).where(SyncParked.state.in_(_WAITING_STATES))
    gone = 0
    while True:
        chunk = (select(OutboxEvent.seq)
                 .where(OutboxEvent.seq <= limit.seq, OutboxEvent.created_at < limit.before,
                        OutboxEvent.seq.not_in(waiting))
                 .order_by(OutboxEvent.seq).limit(CHUNK))
        if topics:
            chunk = chunk.where(OutboxEvent.topic.in_(topics))
        with db.write() as session:
            deleted = session.execute(delete(OutboxEvent).where(OutboxEvent.seq.in_(chunk)))
            count = int(getattr(deleted, "rowcount", 0) or 0)
            if count:
                gone += count
        if count < CHUNK:
            break
    if gone:
        with db.write() as session:
            audit.record(session, Actor.system("nightly"), "outbox.prune", "outbox",
                         str(limit.seq), {"events": gone, "before": limit.before.isoformat(),
                                          **({"topics": list(topics)} if topics else {})})
        log.info("Removed %d delivered outbox events (up to seq %d, before %s)", gone,
                 limit.seq, limit.before.isoformat())
    return gone


def free_share(db: Database) -> tuple[int, int]:
    """(free pages, all pages) of the database file."""
    with db.engine.connect() as connection:
        free = int(connection.exec_driver_sql("PRAGMA freelist_count").scalar_one())
        pages = int(connection.exec_driver_sql("PRAGMA page_count").scalar_one())
    return free, pages


def rewrite_file(db: Database) -> bool:
    """VACUUM the file, then empty its WAL into it; whether the WAL was emptied (a reader on
    another connection keeps it until later). sqlite3.OperationalError when VACUUM could not
    run (another connection busy)."""
    pooled = db.engine.raw_connection()
    try:
        raw = cast(sqlite3.Connection, pooled.driver_connection)
        raw.execute("VACUUM")
        busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        pooled.close()
    return not busy


def compact(db: Database) -> bool:
    """VACUUM when a fair share of the file is free pages; whether it ran.

    Meant for the nightly run: it rewrites the file and holds the write lock meanwhile (a
    few seconds per 100 MB). If another connection is busy it is left for the next night.
    It also runs, whatever the free pages, while an erasure is owed one (erasure_register).
    """
    free, pages = free_share(db)
    # An erasure that could not rewrite the file at once is owed a rewrite, however small.
    owed = erasure_register.compaction_owed(db.path)
    if not owed and (free < COMPACT_MIN_FREE_PAGES or free < pages * COMPACT_FREE_SHARE):
        return False
    try:
        emptied = rewrite_file(db)
    except sqlite3.OperationalError as exc:
        log.warning("The database was not compacted tonight (%s); it will be tried again.", exc)
        return False
    if owed and emptied:
        erasure_register.compaction_paid(db.path)
    log.info("Compacted the database: %d of %d pages were free", free, pages)
    return True
