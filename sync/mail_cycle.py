"""A sync cycle for a shop without head office: its own mail server (and SMS gateway) only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync.cycle import parked_failures
from sync.destinations import build_own_senders, close_destinations
from sync.engine import SyncEngine
from sync.failures import Failure, Kind, Step
from sync.wording import message, problem_lines
from warranty_desk.config import SyncSettings
from warranty_desk.services import sync_admin
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from sync.runner import CycleReport


def run_mail_cycle(home: Home, db: Database, settings: SyncSettings) -> CycleReport:
    """Email (or text) every queued message once; what the servers did, as run_cycle says."""
    from sync.runner import CycleReport  # the runner hands shops without a portal here

    built = build_own_senders(home, settings, db.clock)
    try:
        pushed = SyncEngine(db, [dest for _, dest in built]).push_once()
    finally:
        close_destinations(dest for _, dest in built)
    failures = [Failure(Step.PUSH, d.destination, d.error_kind or Kind.FAULT, d.error)
                for d in pushed.destinations if d.error]
    queues = tuple(sync_admin.status(db, [entry.cursor for entry, _ in built]))
    failures += parked_failures(queues)
    voices = {entry.cursor: entry.voice for entry, _ in built}
    line = message(pushed, None, False, failures, queues, voices)
    return CycleReport(pushed, None, False, not any(f.offline for f in failures), line,
                       queues, problem_lines(failures, voices))
