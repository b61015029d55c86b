"""A till working alone: its outbox keeps what a head office would need, and lets go only the
messages its own senders have all taken, once the days kept have passed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import TODAY, stand_on
from warranty_desk.models import AuditEntry, OutboxEvent, SyncCursor, SyncParked
from warranty_desk.services import outbox_retention
from warranty_desk.services.outbox_retention import KEEP_DAYS
from warranty_desk.storage.database import Database

MESSAGE = "message.queued"


def _event(db: Database, topic: str, n: int) -> int:
    """One event written now on the database's clock (payloads do not matter here)."""
    with db.write() as session:
        row = OutboxEvent(topic=topic, aggregate=topic.split(".")[0], aggregate_id=f"X{n}",
                          payload="{}", created_at=db.clock.now())
        session.add(row)
        session.flush()
        return row.seq


def _cursor(db: Database, name: str, seq: int) -> None:
    with db.write() as session:
        session.merge(SyncCursor(destination=name, delivered_seq=seq))


def _topics_left(db: Database) -> list[tuple[int, str]]:
    with db.read() as session:
        return [(s, t) for s, t in session.execute(
            select(OutboxEvent.seq, OutboxEvent.topic).order_by(OutboxEvent.seq))]


def _a_shops_days(db: Database) -> list[int]:
    """Ten days of a shop: a sale and a message each day; the mail server took them all."""
    seqs = []
    for day in range(10):
        stand_on(db, TODAY + timedelta(days=day))
        seqs += [_event(db, "sale.recorded", day), _event(db, MESSAGE, day)]
    stand_on(db, TODAY + timedelta(days=10))
    seqs.append(_event(db, "claim.created", 10))  # the newest event
    _cursor(db, "mail", seqs[-1])
    return seqs


def test_messages_the_mail_server_took_go_after_the_days_kept_and_nothing_else_does(
        db: Database) -> None:
    seqs = _a_shops_days(db)
    # Day 10: the messages of days 0, 1 and 2 are more than KEEP_DAYS (7) old.
    assert outbox_retention.prune_alone(db, ["mail"]) == 3
    left = _topics_left(db)
    assert [s for s, t in left if t == MESSAGE] == seqs[7:20:2]
    # Every sale and the claim stay: a head office connected later builds its books from them.
    assert [s for s, t in left if t != MESSAGE] == [*seqs[0:20:2], seqs[20]]
    with db.read() as session:
        details = session.scalars(select(AuditEntry.details)
                                  .where(AuditEntry.action == "outbox.prune")).one()
    assert '"events": 3' in details and MESSAGE in details

    # A year on, alone all the while: the messages have gone, the records' events are whole.
    stand_on(db, TODAY + timedelta(days=365))
    assert outbox_retention.prune_alone(db, ["mail"]) == 7
    assert [t for _, t in _topics_left(db)] == ["sale.recorded"] * 10 + ["claim.created"]


def test_a_message_a_sender_has_not_taken_stays_however_old(db: Database) -> None:
    seqs = _a_shops_days(db)
    _cursor(db, "mail", seqs[3])  # the mail server was down after day 1's message
    stand_on(db, TODAY + timedelta(days=60))
    assert outbox_retention.prune_alone(db, ["mail"]) == 2
    assert seqs[3] not in dict(_topics_left(db))
    assert seqs[5] in dict(_topics_left(db))
    # An SMS gateway that has never run holds every message back.
    assert outbox_retention.prune_alone(db, ["mail", "sms"]) == 0
    _cursor(db, "mail", seqs[-1])
    _cursor(db, "sms", seqs[9])
    assert outbox_retention.prune_alone(db, ["mail", "sms"]) == 3  # up to day 4's message
    # No sender at all: nothing can have been taken.
    assert outbox_retention.prune_alone(db, []) == 0


def test_a_refused_message_waiting_for_a_person_stays(db: Database) -> None:
    seqs = _a_shops_days(db)
    with db.write() as session:
        session.add(SyncParked(destination="mail", event_seq=seqs[1], aggregate="message",
                               aggregate_id="X0", kind="rejected", state="parked",
                               reason="550 No such user here"))
        session.add(SyncParked(destination="mail", event_seq=seqs[3], aggregate="message",
                               aggregate_id="X1", kind="rejected", state="retry",
                               reason="550 No such user here"))
    stand_on(db, TODAY + timedelta(days=30))
    assert outbox_retention.prune_alone(db, ["mail"]) == 8
    assert [s for s, t in _topics_left(db) if t == MESSAGE] == [seqs[1], seqs[3]]


def test_the_days_kept_are_counted_on_the_one_clock(db: Database) -> None:
    _a_shops_days(db)
    stand_on(db, TODAY + timedelta(days=KEEP_DAYS - 1))
    assert outbox_retention.prune_alone(db, ["mail"]) == 0
    stand_on(db, TODAY + timedelta(days=KEEP_DAYS), hour=13)
    assert outbox_retention.prune_alone(db, ["mail"]) == 1  # day 0's message, 7 days and 1 h
