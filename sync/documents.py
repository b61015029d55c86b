"""The stored documents pending events name, uploaded to the portal before those events."""

from __future__ import annotations

import json
import logging

from sqlalchemy import or_, select

from sync import ledger
from sync.http import HttpClient
from sync.portal import upload_documents
from warranty_desk.models import OutboxEvent, SyncParked
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

# Outbox topics whose payload names a stored document, and the payload key that names it.
DOCUMENT_KEYS: dict[str, str] = {"claim.evidence_added": "sha256", "claim.opened": "proof"}


def pending_documents(db: Database, destination: str = "portal") -> list[str]:
    """Hashes of the stored documents named by events still to send, oldest event first."""
    cursor = ledger.cursor(db, destination)
    retry = (select(SyncParked.event_seq)
             .where(SyncParked.destination == destination, SyncParked.state == "retry"))
    query = (select(OutboxEvent.topic, OutboxEvent.payload)
             .where(OutboxEvent.topic.in_(DOCUMENT_KEYS),
                    or_(OutboxEvent.seq > cursor, OutboxEvent.seq.in_(retry)))
             .order_by(OutboxEvent.seq))
    found: dict[str, None] = {}
    with db.read() as session:
        for topic, text in session.execute(query):
            try:
                value = json.loads(text).get(DOCUMENT_KEYS[topic])
            except (ValueError, AttributeError):
                continue
            if isinstance(value, str) and value:
                found[value] = None
    return list(found)


def upload_pending(home: Home, db: Database, client: HttpClient) -> int:
    """Upload what pending events name and the portal lacks; how many were sent.

    A document missing here is logged and left out: its event goes without it.
    """
    store = DocumentStore(home.documents)
    wanted = []
    for sha in pending_documents(db):
        if store.exists(sha):
            wanted.append(sha)
        else:
            log.warning("Document %s named by an event is not in %s; the event goes without it.",
                        sha[:12], home.documents)
    if not wanted:
        return 0
    return len(upload_documents(client, wanted, store.open).uploaded)
