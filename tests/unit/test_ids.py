"""UUIDv7 keys: time-ordered, unique, with the version and variant bits RFC 9562 sets."""

from __future__ import annotations

import uuid

import pytest

from warranty_desk import ids
from warranty_desk.ids import KeySource, uuid7, uuid7_block, uuid7_bytes


def test_a_block_of_keys_is_unique_sorted_and_valid_v7() -> None:
    before = uuid7().bytes
    block = uuid7_block(10_000)
    after = uuid7_bytes()
    assert len(set(block)) == len(block) == 10_000
    assert [before, *block, after] == sorted([before, *block, after])
    for key in block[:100]:
        parsed = uuid.UUID(bytes=key)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122


def test_a_key_source_hands_out_keys_in_time_order_across_blocks() -> None:
    source = KeySource(block=7)
    keys = [source() for _ in range(50)]
    assert keys == sorted(keys) and len(set(keys)) == 50


def test_a_key_source_draws_small_blocks_first_and_grows_to_its_largest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []

    def counted(count: int) -> list[bytes]:
        sizes.append(count)
        return uuid7_block(count)

    monkeypatch.setattr(ids, "uuid7_block", counted)
    source = KeySource(block=64)
    keys = [source() for _ in range(300)]
    assert sizes[:5] == [8, 16, 32, 64, 64]  # a counter sale's few keys cost a block of 8
    assert keys == sorted(keys) and len(set(keys)) == 300
