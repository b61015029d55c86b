"""UUIDv7 keys (uuid-utils): time-ordered, so branches never collide and indexes grow at the end."""

from __future__ import annotations

import uuid

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
