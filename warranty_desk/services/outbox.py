"""Outbox events, written in the caller's transaction for sync to deliver to head office.

Two paths write them: `emit` adds one event through the ORM (a service's change), and
`bulk_row` gives the row a bulk insert writes (a sale plan of thousands of units). Both build
the event's fields with `fields`, so an event reads the same whichever path wrote it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from warranty_desk.models import OutboxEvent

# The outbox table's columns in the order of `bulk_row`.
BULK_COLUMNS = ("id", "topic", "aggregate", "aggregate_id", "payload", "created_at")

# One encoder for every payload: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(sort_keys=True, default=str, ensure_ascii=False)
# JSON text as every outbox payload is written (keys sorted, text as it is). The encoder's own
# method, not a function around it: a bulk plan calls it three times a unit.
encode: Callable[[Any], str] = _JSON.encode


def fields(
    topic: str, aggregate: str, aggregate_id: object, payload: Mapping[str, Any] | str,
) -> tuple[str, str, str, str]:
    """An event's topic, aggregate, aggregate id and payload as stored; a payload given as
    text is one `encode` already wrote (a bulk plan encodes its cards from a template)."""
    text = payload if isinstance(payload, str) else encode(payload)
    return topic, aggregate, str(aggregate_id), text


def emit(
    session: Session, topic: str, aggregate: str, aggregate_id: object, payload: dict[str, Any]
) -> OutboxEvent:
    """Queue one event; it commits or rolls back with the change it describes."""
    topic, aggregate, key, text = fields(topic, aggregate, aggregate_id, payload)
    event = OutboxEvent(topic=topic, aggregate=aggregate, aggregate_id=key, payload=text)
    session.add(event)
    return event


def bulk_row(
    key: bytes, at: str, topic: str, aggregate: str, aggregate_id: object,
    payload: Mapping[str, Any] | str,
) -> tuple[Any, ...]:
    """One event as a bulk insert writes it, in BULK_COLUMNS order: its id as 16 bytes and its
    time as stored text (storage.bulk.stored)."""
    return (key, *fields(topic, aggregate, aggregate_id, payload), at)
