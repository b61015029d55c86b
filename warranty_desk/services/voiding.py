"""Voiding one warranty inside the caller's transaction: its reason, audit entry and event."""

from __future__ import annotations

from sqlalchemy.orm import Session

from warranty_desk.models import Warranty, WarrantyStatus
from warranty_desk.permissions import Actor
from warranty_desk.services import audit, outbox
from warranty_desk.storage.database import clock_of


def void_in(
    session: Session, actor: Actor, warranty: Warranty, reason: str, **details: str,
) -> None:
    """Void one active warranty; `details` go into the audit entry beside the reason."""
    warranty.status = WarrantyStatus.VOID
    warranty.void_reason = reason
    warranty.voided_at = clock_of(session).now()
    audit.record(session, actor, "warranty.void", "warranty", warranty.code,
                 {"reason": reason, **details})
    outbox.emit(session, "warranty.voided", "warranty", warranty.code,
                {"code": warranty.code, "reason": reason})
