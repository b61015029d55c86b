"""A sync cycle for a shop without head office: its own mail server is its only receiver."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sync.cycle import parked_failures
from sync.destinations import MAIL, build_mail
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
    """Email every queued message once; what the server did, as run_cycle reports it."""
    from sync.runner import CycleReport  # the runner hands shops without a portal here

    mail = build_mail(home, settings, db.clock)
    try:
        pushed = SyncEngine(db, [mail]).push_once()
    finally:
        mail.close()
    failures = [Failure(Step.PUSH, MAIL.cursor, d.error_kind or Kind.FAULT, d.error)
                for d in pushed.destinations if d.error]
    queues = tuple(sync_admin.status(db, [MAIL.cursor]))
    failures += parked_failures(queues)
    voices = {MAIL.cursor: MAIL.voice}
    line = message(pushed, None, False, failures, queues, voices)
    return CycleReport(pushed, None, False, not any(f.offline for f in failures), line,
                       queues, problem_lines(failures, voices))
