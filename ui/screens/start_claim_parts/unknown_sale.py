"""What the counter hands Start claim for a unit it did not find, kept apart from the form so
the counter (built at every start) does not load the claim services with it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UnknownSale:
    """What the counter hands Start claim for a unit it did not find: the serial scanned."""

    serial: str = ""
