"""Exponential backoff with full jitter, honouring the receiver's Retry-After."""

from __future__ import annotations

import random

# One second first, doubling to five minutes: a till that was offline for a week still tries
# every few minutes, and a portal coming back up is not hit by every branch at once (jitter).
BASE_SECONDS = 1.0
CAP_SECONDS = 300.0
# 2**20 s is far past the cap; stopping the exponent there keeps the float finite forever.
_MAX_EXPONENT = 20


class Backoff:
    """The wait before the next attempt; grows per failure, back to zero after a success."""

    def __init__(
        self, *, base: float = BASE_SECONDS, cap: float = CAP_SECONDS,
        rng: random.Random | None = None,
    ) -> None:
        self.base = base
        self.cap = cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self, retry_after: float | None = None) -> float:
        """Seconds to wait after one more failure: full jitter, never less than Retry-After."""
        ceiling = min(self.cap, self.base * 2 ** min(self.attempt, _MAX_EXPONENT))
        self.attempt += 1
        delay = self._rng.uniform(0, ceiling)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    def reset(self) -> None:
        """A success: the next failure starts again from the base."""
        self.attempt = 0
