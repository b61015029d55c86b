"""The hash-chained audit log: append an entry in the caller's transaction, or verify the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from warranty_desk.models import AuditEntry
from warranty_desk.permissions import Actor
from warranty_desk.storage.database import clock_of

GENESIS = "0" * 64


def entry_hash(
    *, seq: int, at: datetime, actor_id: str, actor_name: str, action: str, entity: str,
    entity_id: str, details: str, prev_hash: str,
) -> str:
    """The hash of one entry over every field and its predecessor's hash."""
    body = json.dumps(
        [seq, at.isoformat(timespec="microseconds"), actor_id, actor_name, action, entity,
         entity_id, details, prev_hash],
        separators=(",", ":"), ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session, actor: Actor, action: str, entity: str, entity_id: object,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; the caller's write transaction serialises the chain."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    # Microsecond precision survives SQLite's text storage exactly, so the hash re-computes.
    at = clock_of(session).now()
    detail_text = json.dumps(details or {}, sort_keys=True, default=str, ensure_ascii=False)
    actor_id = actor.staff_id.hex if actor.staff_id else ""
    entry = AuditEntry(
        seq=seq, at=at, actor_id=actor.staff_id, actor_name=actor.name, action=action,
        entity=entity, entity_id=str(entity_id), details=detail_text, prev_hash=prev,
        hash=entry_hash(seq=seq, at=at, actor_id=actor_id, actor_name=actor.name, action=action,
                        entity=entity, entity_id=str(entity_id), details=detail_text,
                        prev_hash=prev),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of checking the chain: ok, or the first bad entry and why."""

    ok: bool
    entries: int
    head: str
    first_bad_seq: int | None = None
    problem: str = ""


def verify(session: Session) -> ChainReport:
    """Walk the chain in order; report the first entry changed, removed or inserted."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    rows = session.execute(
        text(
            "SELECT seq, at, actor_id, actor_name, action, entity, entity_id, details, "
            "prev_hash, hash FROM audit_entries ORDER BY seq"
        )
    )
    for seq, at, actor_id, actor_name, action, entity, entity_id, details, prev_hash, hsh in rows:
        if seq != expected_seq:
            where = f"entry {expected_seq}" if seq > expected_seq else f"entry {seq}"
            return ChainReport(False, count, prev, expected_seq,
                               f"{where} is missing or out of order (found entry {seq} next).")
        if prev_hash != prev:
            return ChainReport(False, count, prev, seq,
                               f"entry {seq} does not follow entry {seq - 1}: "
                               "an entry before it was changed, removed or inserted.")
        # SQLite keeps the UTC time without its zone; hashes were taken on the aware value.
        when = datetime.fromisoformat(str(at)).replace(tzinfo=UTC)
        actor_hex = bytes(actor_id).hex() if actor_id is not None else ""
        again = entry_hash(seq=seq, at=when, actor_id=actor_hex, actor_name=actor_name,
                           action=action, entity=entity, entity_id=entity_id, details=details,
                           prev_hash=prev_hash)
        if again != hsh:
            return ChainReport(False, count, prev, seq,
                               f"entry {seq} was changed after it was written.")
        prev = hsh
        expected_seq += 1
        count += 1
    return ChainReport(True, count, prev)
