"""UUIDv7 keys: time-ordered, so branches never collide and indexes grow at the end."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7() -> uuid.UUID:
    """Return a new UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a counter and random bits."""
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            # Seeded randomly so two processes started in the same millisecond still differ.
            _counter = int.from_bytes(os.urandom(2), "big") & 0x1FF
        else:
            # Keep ids monotonic within one process even if the clock stalls or steps back.
            _counter += 1
            if _counter > 0xFFF:
                _last_ms += 1
                _counter = 0
        ms, counter = _last_ms, _counter
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= counter << 64
    value |= 0b10 << 62
    value |= rand_b
    return uuid.UUID(int=value)
