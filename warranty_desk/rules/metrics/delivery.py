"""Message delivery and sync success: how much of what the shop sent reached the other end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warranty_desk.rules.metrics.periods import rate
from warranty_desk.rules.metrics.rows import SentRow

# Message states: sent or delivered reached the customer; these three did not.
DELIVERED_STATES = frozenset({"sent", "delivered"})
FAILED_STATES = ("failed", "bounced", "interrupted")
# A synced event is delivered (head office took it), parked (refused) or waiting (not yet).
SYNC_DELIVERED, SYNC_PARKED, SYNC_WAITING = "delivered", "parked", "waiting"


def delivery_kind(state: str) -> str:
    """delivered, failed or waiting, for a message state or a synced event's state."""
    if state in DELIVERED_STATES:
        return "delivered"
    if state in FAILED_STATES or state == SYNC_PARKED:
        return "failed"
    return "waiting"


@dataclass(frozen=True, slots=True)
class Delivery:
    """Things sent: how many were delivered, failed, and are still waiting."""

    delivered: int = 0
    failed: int = 0
    waiting: int = 0

    @property
    def total(self) -> int:
        return self.delivered + self.failed + self.waiting

    @property
    def rate(self) -> float | None:
        """Delivered ÷ all sent, in per cent."""
        return rate(self.delivered, self.total)


def delivery(sent: Iterable[SentRow]) -> Delivery:
    """Message delivery (and sync success): delivered ÷ everything sent, failures and waiting
    ones counted apart."""
    counts = {"delivered": 0, "failed": 0, "waiting": 0}
    for row in sent:
        counts[delivery_kind(row.state)] += row.count
    return Delivery(counts["delivered"], counts["failed"], counts["waiting"])


def message_delivery(messages: Iterable[SentRow]) -> Delivery:
    """Message delivery: outbound messages sent or delivered ÷ all outbound messages written."""
    return delivery(messages)


def sync_success(events: Iterable[SentRow]) -> Delivery:
    """Sync success: events the head office took ÷ all events written for it; refused (parked)
    ones count as failed, unsent ones as waiting."""
    return delivery(events)
