"""UUIDv7 keys: time-ordered, unique, with the version and variant bits RFC 9562 sets."""

from __future__ import annotations

import threading
import uuid

from warranty_desk.ids import uuid7, uuid7_bytes


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


def test_keys_made_on_several_threads_never_collide() -> None:
    made: list[list[bytes]] = [[] for _ in range(4)]

    def make(into: list[bytes]) -> None:
        into.extend(uuid7_bytes() for _ in range(5_000))

    threads = [threading.Thread(target=make, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [key for keys in made for key in keys]
    assert len(set(every)) == len(every) == 20_000
    assert all(keys == sorted(keys) for keys in made)
