"""UUIDv7 keys (uuid-utils): time-ordered, so branches never collide and indexes grow at the end."""

# Row keys (uuid7, uuid7_bytes) read the machine clock: they only order an index and never
# reach head office's date check. Event ids do, so they come from a Database's IdMaker.

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import uuid_utils


def uuid7() -> uuid.UUID:
    """A new UUIDv7 (RFC 9562) as the standard library's UUID, for ORM rows.

    Keys made in one process keep their order even within one millisecond or when the clock
    steps back (uuid-utils counts on from the last key).
    """
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def uuid7_bytes() -> bytes:
    """A new UUIDv7 as the 16 bytes the database stores, for bulk rows (no UUID object)."""
    return uuid_utils.uuid7().bytes


# uuid-utils' maker, bound once: it is given the instant, so a test that swaps the module's
# attribute for a maker of its own clock never changes an event id.
_uuid7_dated = uuid_utils.uuid7
# Milliseconds since the Unix epoch, exactly (a float timestamp can land a key 1 ms early).
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def ms_since_epoch(instant: datetime) -> int:
    """An aware instant as whole milliseconds since the Unix epoch, the time a UUIDv7 holds."""
    return (instant - _UNIX_EPOCH) // _MILLISECOND


class IdMaker:
    """UUIDv7 event ids dated by the one injected clock, strictly increasing per maker.

    Head office dates an event by its id and refuses one from more than a year past its own
    clock, so ids that leave the till carry the database's clock, not the machine's. A pinned
    clock stands still and a test may move it back: then the next id is the last one plus one,
    so ids still never repeat and keep the order they were made in.
    """

    __slots__ = ("_last", "_last_ms", "_lock")

    def __init__(self) -> None:
        self._last = 0  # the last id as a number, 0 before the first
        self._last_ms = -1  # the millisecond it was asked for
        # The sync worker and the window write events to one database from two threads.
        self._lock = threading.Lock()

    def bytes_at(self, instant: datetime) -> bytes:
        """A new id dated at an aware instant, as the 16 bytes the database stores."""
        return self.bytes_at_ms(ms_since_epoch(instant))

    def bytes_at_ms(self, millis: int) -> bytes:
        """A new id dated at a millisecond since the Unix epoch (bulk rows work it out once)."""
        with self._lock:
            if millis > self._last_ms:
                made = int.from_bytes(_uuid7_dated(nanoseconds=millis * 1_000_000).bytes)
                self._last_ms = millis
                # Dated past every earlier id; the check guards against counting on having
                # carried into the time bits.
                made = made if made > self._last else self._last + 1
            else:
                # The clock stands or stepped back: count on (a bulk sale's units share one
                # millisecond, and this skips a random draw per unit).
                made = self._last + 1
            self._last = made
        return made.to_bytes(16)

    def at(self, instant: datetime) -> uuid.UUID:
        """A new id dated at an aware instant, as the standard library's UUID (ORM rows)."""
        return uuid.UUID(bytes=self.bytes_at(instant))
