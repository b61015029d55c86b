"""Branch epochs: a restored till waits for head office's high-water marks, then carries on above.

A backup is an older copy of the till: after a restore its outbox sequence and its number
counters stand where they stood at the backup, below what head office may already hold from
the till as it went on. The restore starts a new epoch that needs head office's marks (when
the till syncs with a portal): until sync has applied them, no number is issued and nothing
is sent, so no sequence number or people-facing number head office has seen is used again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.models import BranchEpoch, NumberCounter, OutboxEvent
from warranty_desk.permissions import Actor
from warranty_desk.services import audit, outbox
from warranty_desk.storage.database import Database, clock_of, session_rows

log = logging.getLogger(__name__)

RESTORE = "restore"
# The event that opens an epoch at head office; it also lifts the outbox's numbering above
# head office's highest seq (SQLite numbers a new row after the highest one there).
STARTED_TOPIC = "branch.epoch_started"

AWAITING_WORDS = ("This till was restored from a backup and has not yet read from head office "
                  "which numbers it already holds, so it issues no new warranty, claim or "
                  "customer numbers yet. Connect to the network and run a sync (Sync panel, or "
                  "`warranty-desk sync`); then try again. Nothing was saved.")


@dataclass(frozen=True, slots=True)
class EpochView:
    """The current epoch as the sync panel and the command line show it."""

    epoch: uuid.UUID
    started_at: datetime | None
    reason: str
    marks_needed: bool
    marks_at: datetime | None


@dataclass(frozen=True, slots=True)
class HeadOfficeMarks:
    """What head office holds from this branch (getBranchMarks)."""

    seq: int
    numbers: tuple[tuple[str, int, int], ...] = ()  # (kind, year, last)


@dataclass(frozen=True, slots=True)
class MarksApplied:
    """What applying head office's marks changed."""

    epoch: uuid.UUID
    raised: tuple[tuple[str, int, int, int], ...]  # (kind, year, was, now) of counters raised
    first_seq: int  # the seq of the event that opens the epoch; its own events follow
    moved: int  # events made since the restore, renumbered above head office's seq


def _current(session: Session) -> BranchEpoch:
    row = session.scalars(select(BranchEpoch).order_by(BranchEpoch.n.desc()).limit(1)).first()
    if row is None:  # a database older than migration 0011 is upgraded before it is used
        raise RuntimeError("the database has no branch epoch; run `warranty-desk init`")
    return row


def _view(row: BranchEpoch) -> EpochView:
    return EpochView(row.epoch, row.started_at, row.reason, row.marks_needed, row.marks_at)


def current(db: Database) -> EpochView:
    """The till's current epoch."""
    with db.read() as session:
        return _view(_current(session))


def refuse_numbers_while_awaiting_marks(session: Session) -> None:
    """BadInput while a restored till waits for head office's marks (numbers.counter calls it)."""
    # Through the driver: it runs before every number the till issues.
    found = session_rows(session, "SELECT marks_needed FROM branch_epochs ORDER BY n DESC "
                         "LIMIT 1")
    if found and found[0][0]:
        raise BadInput(AWAITING_WORDS)


def start_after_restore(session: Session, actor: Actor, *, needs_marks: bool,
                        note: str) -> EpochView:
    """A new epoch for a database just restored, in the restore's own write; audited."""
    newest = session.scalar(select(func.coalesce(func.max(OutboxEvent.seq), 0))) or 0
    row = BranchEpoch(started_at=clock_of(session).now(), reason=RESTORE, first_seq=newest,
                      marks_needed=needs_marks, note=note)
    session.add(row)
    session.flush()
    audit.record(session, actor, "branch.epoch_started", "branch_epoch", row.epoch,
                 {"reason": RESTORE, "first_seq": newest, "marks_needed": needs_marks,
                  "note": note})
    return _view(row)


def push_marks(db: Database) -> dict[str, object]:
    """What every push says beside its events: the epoch and the number counters."""
    with db.read() as session:
        epoch = _current(session).epoch
        counters = session.execute(select(NumberCounter.kind, NumberCounter.year,
                                          NumberCounter.last)
                                   .order_by(NumberCounter.kind, NumberCounter.year)).all()
    return {"epoch": str(epoch),
            "numbers": [{"kind": k, "year": y, "last": last} for k, y, last in counters]}


def apply_marks(db: Database, marks: HeadOfficeMarks) -> MarksApplied | None:
    """Carry on above head office's marks; None when the current epoch needs none.

    Counters rise to head office's; the events made since the restore (none was sent: the
    till sends nothing meanwhile) are renumbered above head office's highest seq, after an
    event that opens the epoch there. One transaction: all of it, or none.
    """
    with db.write() as session:
        row = _current(session)
        if not row.marks_needed:
            return None
        raised = _raise_counters(session, marks.numbers)
        # The opening event takes the seq after both head office's highest and the restored
        # file's; the epoch's own events follow it in their order.
        opening = max(marks.seq, row.first_seq) + 1
        moved = _move_after(session, row.first_seq, opening)
        started = outbox.emit(session, STARTED_TOPIC, "branch_epoch", row.epoch, {
            "epoch": str(row.epoch), "reason": row.reason, "note": row.note,
            "restored_from_seq": row.first_seq, "office_seq": marks.seq})
        started.seq = opening
        row.marks_needed = False
        row.marks_at = clock_of(session).now()
        audit.record(session, Actor.system("sync"), "branch.marks_applied", "branch_epoch",
                     row.epoch, {"office_seq": marks.seq, "opening_seq": opening,
                                 "moved": moved, "raised": [list(r) for r in raised]})
        applied = MarksApplied(row.epoch, raised, opening, moved)
    log.info("Head office's high-water marks applied: events continue at seq %d, %d counters "
             "raised, %d events renumbered.", applied.first_seq, len(raised), moved)
    return applied


def _raise_counters(session: Session, numbers: Iterable[tuple[str, int, int]]
                    ) -> tuple[tuple[str, int, int, int], ...]:
    raised = []
    for kind, year, last in numbers:
        row = session.get(NumberCounter, (kind, year))
        if row is None:
            row = NumberCounter(kind=kind, year=year, last=0)
            session.add(row)
        if last > row.last:
            raised.append((kind, year, row.last, last))
            row.last = last
    return tuple(raised)


def _move_after(session: Session, restored_seq: int, opening: int) -> int:
    """Renumber the events made since the restore to follow the opening event; how many."""
    shift = opening - restored_seq
    moved = session.scalar(select(func.count()).select_from(OutboxEvent)
                           .where(OutboxEvent.seq > restored_seq)) or 0
    if moved:
        # Through negatives, so no row ever lands on a seq another still holds.
        session.execute(text("UPDATE outbox_events SET seq = -(seq + :shift) WHERE seq > :seq"),
                        {"shift": shift, "seq": restored_seq})
        session.execute(text("UPDATE outbox_events SET seq = -seq WHERE seq < 0"))
    return int(moved)
