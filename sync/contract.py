"""What every sync destination speaks: events out, one outcome per event, or a transient error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

Status = Literal["accepted", "duplicate", "rejected"]


@dataclass(frozen=True, slots=True)
class Event:
    """One outbox event as it leaves the branch; `id` (UUID text) is the idempotency key."""

    seq: int
    id: str
    topic: str
    aggregate: str
    aggregate_id: str
    occurred_at: datetime  # aware, UTC
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The receiver's answer for one event: stored now, stored before, or refused and why."""

    event_id: str
    status: Status
    reason: str = ""
    code: str = ""  # with "rejected": the receiver's code for the refusal (EventResult.code)


class TransientError(Exception):
    """The receiver could not answer now (network, timeout, 5xx, 408, 429): try again later.

    The facts travel with it, and sync.failures says what they mean for a cycle:
    `answered` is False when no answer came back at all (no network, a timeout), `status` is
    the HTTP status of the answer when there was one, and `retry_after` is the receiver's own
    wait in seconds (Retry-After), when it gave one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None,
                 answered: bool = True, status: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.answered = answered
        self.status = status


class Destination(Protocol):
    """A receiver of outbox events: the head-office portal or a CRM connector."""

    name: str  # "portal", "crm": the key of its cursor in sync_cursors
    batch_size: int

    def wants(self, topic: str) -> bool:
        """Whether this destination takes events of this topic (others are settled unsent)."""
        ...

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        """Deliver events in order; one outcome per event, or raise TransientError."""
        ...
