"""Warranty sales: warranties activated, extensions taken, and serials that should be there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from warranty_desk.rules.metrics.periods import in_days, rate
from warranty_desk.rules.metrics.rows import OfferRow, SoldRow


def activations(sold: Iterable[SoldRow], since: date, until: date) -> int:
    """Activations: warranties started by a sale on a day of the range and not voided."""
    return sum(s.count for s in sold if since <= s.sold_on <= until and not s.void)


def registration_gaps(sold: Iterable[SoldRow], since: date, until: date) -> list[SoldRow]:
    """Registration gaps: units sold in the range of a product that needs a serial, recorded
    without one (voided sales left out)."""
    return [s for s in sold if since <= s.sold_on <= until and not s.void
            and s.serial_required and not (s.serial or "").strip()]


def registration_gap_count(sold: Iterable[SoldRow], since: date, until: date) -> int:
    """How many units registration_gaps finds (rows counted by their weight)."""
    return sum(s.count for s in registration_gaps(sold, since, until))


@dataclass(frozen=True, slots=True)
class TakeUp:
    """Extensions offered and taken."""

    offered: int
    taken: int

    @property
    def rate(self) -> float | None:
        """Extension take-up in per cent."""
        return rate(self.taken, self.offered)


def extension_take_up(offers: Iterable[OfferRow], zone: ZoneInfo, since: date,
                      until: date) -> TakeUp:
    """Extension take-up: extensions accepted ÷ extensions offered on the range's shop days."""
    found = [o for o in offers if in_days(o.at, zone, since, until)]
    return TakeUp(sum(o.count for o in found), sum(o.count for o in found if o.accepted))
