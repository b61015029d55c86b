"""Delivered outbox events go once every destination has them and the night has counted them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import stand_at
from warranty_desk.models import AuditEntry, OutboxEvent, SyncCursor, SyncParked
from warranty_desk.services import outbox, outbox_retention
from warranty_desk.storage.database import Database

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def _events(db: Database, days_ago: list[int]) -> list[int]:
    """One event per entry, written that many days before NOW; their seqs."""
    with db.write() as session:
        made = [outbox.emit(session, "test.event", "test", n, {"n": n})
                for n in range(len(days_ago))]
        session.flush()
        for event, age in zip(made, days_ago, strict=True):
            event.created_at = NOW - timedelta(days=age)
        return [event.seq for event in made]


def _cursor(db: Database, name: str, seq: int, success: datetime | None = None) -> None:
    with db.write() as session:
        session.merge(SyncCursor(destination=name, delivered_seq=seq, last_success_at=success))


def _left(db: Database) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(OutboxEvent.seq).order_by(OutboxEvent.seq)))


def test_old_events_every_destination_settled_and_the_night_counted_are_removed(
        db: Database) -> None:
    seqs = _events(db, [30, 20, 10, 8, 3, 1])
    _cursor(db, "portal", seqs[-1])
    _cursor(db, "crm", seqs[-1])
    _cursor(db, outbox_retention.NIGHTLY_CURSOR, 0, success=NOW - timedelta(hours=1))

    stand_at(db, NOW)
    gone = outbox_retention.prune_delivered(db, ["portal", "crm"])

    assert gone == 4
    assert _left(db) == seqs[4:]  # the last 7 days stay
    with db.read() as session:
        details = session.scalars(select(AuditEntry.details)
                                  .where(AuditEntry.action == "outbox.prune")).one()
    assert '"events": 4' in details


def test_a_destination_behind_holds_back_what_it_has_not_had(db: Database) -> None:
    seqs = _events(db, [30, 20, 10, 9])
    _cursor(db, "portal", seqs[-1])
    _cursor(db, "crm", seqs[1])  # the CRM was down: it has only the first two
    _cursor(db, outbox_retention.NIGHTLY_CURSOR, 0, success=NOW)

    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, ["portal", "crm"]) == 2
    assert _left(db) == seqs[2:]


def test_nothing_goes_without_destinations_a_cursor_or_a_nightly_report(db: Database) -> None:
    seqs = _events(db, [30, 20, 10])
    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, []) == 0
    _cursor(db, "portal", seqs[-1])
    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, ["portal"]) == 0  # no nightly yet
    _cursor(db, outbox_retention.NIGHTLY_CURSOR, 0, success=NOW)
    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, ["portal", "crm"]) == 0  # crm never ran
    assert _left(db) == seqs


def test_days_the_nightly_report_has_not_counted_stay(db: Database) -> None:
    seqs = _events(db, [30, 20, 10])
    _cursor(db, "portal", seqs[-1])
    # The last accepted report was 25 days ago: it recounts from that day on.
    _cursor(db, outbox_retention.NIGHTLY_CURSOR, 0, success=NOW - timedelta(days=25))

    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, ["portal"]) == 1
    assert _left(db) == seqs[1:]


def test_parked_events_stay_until_settled_and_the_newest_always_stays(db: Database) -> None:
    seqs = _events(db, [30, 29, 28, 27])
    with db.write() as session:
        session.add(SyncParked(destination="portal", event_seq=seqs[0], aggregate="test",
                               aggregate_id="0", reason="refused", state="parked"))
    _cursor(db, "portal", seqs[-1])
    _cursor(db, outbox_retention.NIGHTLY_CURSOR, 0, success=NOW)

    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, ["portal"]) == 2
    # seq is the rowid: were the table emptied, SQLite would hand out seq 1 again, below the
    # cursor, and the next event would never be sent.
    assert _left(db) == [seqs[0], seqs[-1]]
    with db.write() as session:
        session.execute(update(SyncParked).values(state="dismissed"))
    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, ["portal"]) == 1
    assert _left(db) == [seqs[-1]]
    new = _events(db, [0])
    assert new[0] > seqs[-1]


def test_pruning_in_chunks_removes_them_all(db: Database,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox_retention, "CHUNK", 7)
    seqs = _events(db, [30] * 50 + [0])
    _cursor(db, "portal", seqs[-1])
    _cursor(db, outbox_retention.NIGHTLY_CURSOR, 0, success=NOW)

    stand_at(db, NOW)
    assert outbox_retention.prune_delivered(db, ["portal"]) == 50
    assert _left(db) == [seqs[-1]]


def test_compacting_runs_only_when_a_fair_share_of_the_file_is_free(db: Database) -> None:
    assert outbox_retention.compact(db) is False  # a fresh file has nothing to give back
    seqs = _events(db, [30] * 3000 + [0])
    with db.write() as session:  # fatten the events so they fill a few hundred pages
        session.execute(update(OutboxEvent).values(payload=func.printf("%.2000c", "x")))
    _cursor(db, "portal", seqs[-1])
    _cursor(db, outbox_retention.NIGHTLY_CURSOR, 0, success=NOW)
    stand_at(db, NOW)
    outbox_retention.prune_delivered(db, ["portal"])
    free, pages = outbox_retention.free_share(db)
    assert free > outbox_retention.COMPACT_MIN_FREE_PAGES

    assert outbox_retention.compact(db) is True

    free_after, pages_after = outbox_retention.free_share(db)
    assert free_after == 0
    assert pages_after < pages - free // 2
    assert _left(db) == [seqs[-1]]
