"""What every sync destination speaks: events out, one outcome per event, or a transient error."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol

Status = Literal["accepted", "duplicate", "rejected"]


# The compact JSON of a payload given as a dict (Event.payload_json).
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_FIELDS = ("seq", "id", "topic", "aggregate", "aggregate_id", "occurred_at")


class Event:
    """One outbox event as it leaves the branch; `id` (UUID text) is the idempotency key.

    Immutable. Its payload is given as a dict, or as the JSON text the outbox stored
    (`payload_json=`), then decoded only when something reads `payload`: the portal sends
    the text as it is, so a push of 100k events decodes and re-encodes none of them.
    """

    __slots__ = (*_FIELDS, "_payload", "_payload_json")

    seq: int
    id: str
    topic: str
    aggregate: str
    aggregate_id: str
    occurred_at: datetime  # aware, UTC
    _payload: dict[str, Any] | None
    _payload_json: str | None

    def __init__(self, seq: int, id: str, topic: str, aggregate: str,
                 aggregate_id: str, occurred_at: datetime,
                 payload: dict[str, Any] | None = None, *,
                 payload_json: str | None = None) -> None:
        if (payload is None) == (payload_json is None):
            raise TypeError("An event has one payload: a dict, or the JSON text of one.")
        for name, value in zip(_FIELDS, (seq, id, topic, aggregate, aggregate_id,
                                         occurred_at), strict=True):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_payload", payload)
        object.__setattr__(self, "_payload_json", payload_json)

    @classmethod
    def stored(cls, seq: int, id: str, topic: str, aggregate: str, aggregate_id: str,
               occurred_at: datetime, payload_json: str) -> Event:
        """An event as the outbox stored it, its payload the stored JSON text.

        What __init__ makes, each slot set through its own descriptor: the outbox reader makes
        100k of these a push, and __init__'s loop of object.__setattr__ took three times as
        long.
        """
        event = object.__new__(cls)
        _put_seq(event, seq)
        _put_id(event, id)
        _put_topic(event, topic)
        _put_aggregate(event, aggregate)
        _put_aggregate_id(event, aggregate_id)
        _put_occurred_at(event, occurred_at)
        _put_payload(event, None)
        _put_payload_json(event, payload_json)
        return event

    @property
    def payload(self) -> dict[str, Any]:
        """The payload, decoded from its stored text on first use."""
        if self._payload is None:
            assert self._payload_json is not None
            object.__setattr__(self, "_payload", json.loads(self._payload_json))
        assert self._payload is not None
        return self._payload

    @property
    def payload_json(self) -> str:
        """The payload as JSON text: as the outbox stored it, or encoded from the dict."""
        if self._payload_json is None:
            return str(_ENCODE(self._payload))
        return self._payload_json

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"An Event cannot be changed ({name}).")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"An Event cannot be changed ({name}).")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # equal by value, and the payload is a dict

    def _key(self) -> tuple[Any, ...]:
        return (*(getattr(self, name) for name in _FIELDS), self.payload)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"Event({fields}, payload={self.payload!r})"


# Each slot's own setter, for Event.stored (the class forbids setting them otherwise).
(_put_seq, _put_id, _put_topic, _put_aggregate, _put_aggregate_id, _put_occurred_at,
 _put_payload, _put_payload_json) = (
    vars(Event)[name].__set__ for name in (*_FIELDS, "_payload", "_payload_json"))


class Outcome(NamedTuple):
    """The receiver's answer for one event: stored now, stored before, or refused and why.

    A named tuple: a push of 100k events makes 100k, one by one while the next batch waits,
    and a frozen dataclass took four times as long to make.
    """

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
