"""UUIDv7 keys: time-ordered, unique, with the version and variant bits RFC 9562 sets; event
ids dated by the database's clock, strictly increasing however that clock moves."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import select

from tests.conftest import TODAY, stand_at
from warranty_desk.clock import FixedClock
from warranty_desk.ids import IdMaker, uuid7, uuid7_bytes
from warranty_desk.models import BranchEpoch, OutboxEvent
from warranty_desk.services.outbox import emit
from warranty_desk.storage.database import Database


def test_keys_are_unique_sorted_and_valid_v7_even_many_in_one_millisecond() -> None:
    before = uuid7().bytes
    keys = [uuid7_bytes() for _ in range(10_000)]
    after = uuid7().bytes
    assert len(set(keys)) == len(keys) == 10_000
    assert [before, *keys, after] == sorted([before, *keys, after])
    for key in keys[:100]:
        parsed = uuid.UUID(bytes=key)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert len(key) == 16


def test_an_orm_key_is_the_standard_librarys_uuid() -> None:
    key = uuid7()
    assert type(key) is uuid.UUID and key.version == 7


def assert_unique_and_ordered_made_on_four_threads(new_key: Callable[[], bytes]) -> None:
    """5,000 keys made on each of four threads at once: none repeats, each thread's in order."""
    made: list[list[bytes]] = [[] for _ in range(4)]

    def make(into: list[bytes]) -> None:
        into.extend(new_key() for _ in range(5_000))

    threads = [threading.Thread(target=make, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [key for keys in made for key in keys]
    assert len(set(every)) == len(every) == 20_000
    assert all(keys == sorted(keys) for keys in made)


def test_keys_made_on_several_threads_never_collide() -> None:
    assert_unique_and_ordered_made_on_four_threads(uuid7_bytes)


def made_at(key: bytes | uuid.UUID) -> datetime:
    """The instant a UUIDv7 names (its first 48 bits, milliseconds since the Unix epoch)."""
    number = key.int if isinstance(key, uuid.UUID) else int.from_bytes(key)
    return datetime.fromtimestamp((number >> 80) / 1000, UTC)


def test_event_ids_strictly_increase_when_the_clock_stands_still_and_steps_back(
    db: Database,
) -> None:
    noon = db.clock.now()
    standing = [db.event_id() for _ in range(2_000)]
    stand_at(db, noon - timedelta(days=400))
    stepped_back = [db.event_id() for _ in range(50)]
    keys = [*standing, *stepped_back]
    assert len(set(keys)) == len(keys) and keys == sorted(keys)
    assert all(key.version == 7 and key.variant == uuid.RFC_4122 for key in keys)
    # Moved back, the ids stay just above the last one: their order outranks their date.
    assert all(made_at(key) == noon for key in keys)


def test_event_ids_carry_the_databases_clock_as_it_moves_forward(db: Database) -> None:
    for step in (timedelta(0), timedelta(milliseconds=1), timedelta(hours=5),
                 timedelta(days=400)):
        instant = db.clock.now() + step
        stand_at(db, instant)
        assert made_at(db.event_id()) == instant.replace(
            microsecond=instant.microsecond // 1000 * 1000)
    later = datetime(2028, 3, 4, 5, 6, 7, 891_999, tzinfo=UTC)
    stand_at(db, later)
    assert made_at(db.event_id()) == datetime(2028, 3, 4, 5, 6, 7, 891_000, tzinfo=UTC)


def test_recorded_events_and_the_branch_epoch_carry_the_databases_clock(db: Database) -> None:
    long_ago = FixedClock.on(TODAY - timedelta(days=3000)).now()
    stand_at(db, long_ago)
    with db.write() as session:
        emit(session, "customer.created", "customer", "BR01-C1", {"reference": "BR01-C1"})
        session.add(BranchEpoch(started_at=long_ago, reason="restore"))
    with db.read() as session:
        [event] = session.scalars(select(OutboxEvent.id))
        epoch = session.scalars(select(BranchEpoch.epoch).order_by(BranchEpoch.n.desc())).first()
    assert made_at(event) == long_ago and epoch is not None and made_at(epoch) == long_ago


def test_two_databases_keep_their_own_last_id(tmp_path: Path) -> None:
    ahead = Database(tmp_path / "ahead.sqlite3", clock=FixedClock.on(TODAY + timedelta(days=400)))
    today = Database(tmp_path / "today.sqlite3", clock=FixedClock.on(TODAY))
    try:
        assert made_at(ahead.event_id()) > made_at(today.event_id())
        assert made_at(today.event_id()) == today.clock.now()
    finally:
        ahead.dispose()
        today.dispose()


def test_a_maker_used_from_several_threads_never_repeats_an_id() -> None:
    maker = IdMaker()
    assert_unique_and_ordered_made_on_four_threads(
        partial(maker.bytes_at, FixedClock.on(TODAY).now()))
