"""Rewriting audit entries' details when a customer is erased, so the chain still proves itself.

The append-only guard refuses every UPDATE; an erasure lifts it for its own transaction only
(SQLite's DDL is transactional: a failure anywhere puts the guard back with everything else)
and puts it back exactly as migration 0002 wrote it. Each entry rewritten keeps its hash; the
erasure's own entry names it with its hash as written and as it would be over the redacted
details (audit_chain._walk checks both), so nothing but the erased words is taken on trust.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from warranty_desk.models import AuditEntry
from warranty_desk.services.audit_chain import GUARD_TRIGGERS, entry_hash


def rewrite(session: Session, entries: list[AuditEntry], redact: Callable[[str], str]
            ) -> dict[str, list[str]]:
    """Give each entry the details `redact` makes of them; seq -> [hash as written, hash as
    redacted] for the erasure's own entry. Entries `redact` leaves alone are not listed."""
    changed: dict[str, list[str]] = {}
    new_details: dict[int, str] = {}
    for entry in entries:
        after = redact(entry.details)
        if after == entry.details:
            continue
        actor_id = entry.actor_id.hex if entry.actor_id else ""
        again = entry_hash(seq=entry.seq, at=entry.at, actor_id=actor_id,
                           actor_name=entry.actor_name, action=entry.action, entity=entry.entity,
                           entity_id=entry.entity_id, details=after, prev_hash=entry.prev_hash)
        changed[str(entry.seq)] = [entry.hash, again]
        new_details[entry.seq] = after
    if not new_details:
        return changed
    # The ORM must not write these rows itself (its UPDATE would meet the guard): it forgets
    # them, and the rewrite goes by plain SQL between the guard's removal and its return.
    for entry in entries:
        session.expunge(entry)
    session.execute(text("DROP TRIGGER audit_entries_no_update"))
    for seq, details in new_details.items():
        session.execute(text("UPDATE audit_entries SET details = :d WHERE seq = :s"),
                        {"d": details, "s": seq})
    session.execute(text(GUARD_TRIGGERS["audit_entries_no_update"]))
    return changed
