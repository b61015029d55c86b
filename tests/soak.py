"""How many rounds a reliability test runs: its count in `make test`, ten times that in soak."""

from __future__ import annotations

import os

# `make soak` sets this; `make test` leaves it unset, so the suite stays bounded in time.
SOAK_ENV = "WARRANTY_DESK_SOAK"
SOAK_FACTOR = 10


def soaking() -> bool:
    """Whether this run is the long soak."""
    return os.environ.get(SOAK_ENV, "") not in ("", "0")


def rounds(count: int) -> int:
    """`count` in the bounded suite, SOAK_FACTOR times it in the soak."""
    return count * SOAK_FACTOR if soaking() else count
