"""Creating the claim with the files kept before it existed (no Qt: runs off the GUI thread)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ui.screens.start_claim_parts.evidence import PendingFile
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.permissions import Actor
from warranty_desk.services import claims
from warranty_desk.services.claims import ClaimSummary
from warranty_desk.storage.database import Database


@dataclass(frozen=True, slots=True)
class ClaimStarted:
    """The new claim and any attachment that could not be added to it."""

    summary: ClaimSummary
    problems: tuple[str, ...]


def attach_all(db: Database, actor: Actor, summary: ClaimSummary,
               files: Sequence[PendingFile]) -> ClaimStarted:
    """Attach the files kept before the claim existed; the claim stands if one is refused."""
    problems = []
    for f in files:
        try:
            summary = claims.attach_evidence(
                db, actor, summary.number, kind=f.kind, sha256=f.document.sha256,
                media_type=f.document.media_type, size=f.document.size, original_name=f.name)
        except WarrantyDeskError as exc:
            problems.append(f"{f.name}: {exc}")
    return ClaimStarted(summary, tuple(problems))
