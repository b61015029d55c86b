"""The hash-chained audit log: append an entry in the caller's transaction, or verify the chain."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput
from warranty_desk.permissions import Actor

# The chain itself (hashing, the walk that proves it) lives in audit_chain; these names stay
# here for the callers that know the audit log by this module.
from warranty_desk.services.audit_chain import (
    GENESIS,
    GUARD_TRIGGERS,
    ChainReport,
    entry_hash,
    verify,
)
from warranty_desk.storage.bulk import stored
from warranty_desk.storage.database import clock_of, driver_of, session_rows

__all__ = ["GENESIS", "GUARD_TRIGGERS", "ChainReport", "entry_hash", "kept_words", "record",
           "verify"]


def record(
    session: Session, actor: Actor, action: str, entity: str, entity_id: object,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry; the caller's write transaction serialises the chain."""
    # Through the driver, read and insert: every change at the counter appends one entry, and
    # the ORM's add and flush of it cost about 0.4 ms of CPU, the two statements a few us.
    found = session_rows(session, "SELECT seq, hash FROM audit_entries ORDER BY seq DESC "
                         "LIMIT 1")
    seq, prev = (found[0][0] + 1, found[0][1]) if found else (1, GENESIS)
    # Microsecond precision survives SQLite's text storage exactly, so the hash re-computes.
    at = clock_of(session).now()
    detail_text = json.dumps(details or {}, sort_keys=True, default=str, ensure_ascii=False)
    actor_id = actor.staff_id.hex if actor.staff_id else ""
    digest = entry_hash(seq=seq, at=at, actor_id=actor_id, actor_name=actor.name,
                        action=action, entity=entity, entity_id=str(entity_id),
                        details=detail_text, prev_hash=prev)
    driver_of(session).execute(
        f"INSERT INTO audit_entries ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
        (seq, stored(at), stored(actor.staff_id), actor.name, action, entity, str(entity_id),
         detail_text, prev, digest))


# The entry's columns in the order `record` binds them.
_COLUMNS = ("seq", "at", "actor_id", "actor_name", "action", "entity", "entity_id", "details",
            "prev_hash", "hash")


def kept_words(text: str, ask: str) -> str:
    """A person's reason or note for the audit log, stripped; BadInput asking for it if it is
    missing or too short to say anything ("ok", "x")."""
    said = card_numbers.typed(text)
    if len(said) < 3:
        raise BadInput(ask)
    return said
