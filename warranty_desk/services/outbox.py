"""Writes outbox events in the caller's transaction, for sync to deliver to head office."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from warranty_desk.models import OutboxEvent


def emit(
    session: Session, topic: str, aggregate: str, aggregate_id: object, payload: dict[str, Any]
) -> OutboxEvent:
    """Queue one event; it commits or rolls back with the change it describes."""
    event = OutboxEvent(
        topic=topic, aggregate=aggregate, aggregate_id=str(aggregate_id),
        payload=json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False),
    )
    session.add(event)
    return event
