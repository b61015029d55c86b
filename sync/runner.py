"""One sync cycle as the CLI, the nightly timer and the app's worker run it.

A cycle uploads the documents that pending claim events name (only those the portal lacks),
pushes the outbox to every destination (the portal, then the CRM if one is set), pulls the
portal inbox, and on the nightly run sends the drift report. Network trouble never leaves
`run_cycle` as an exception: it becomes `online=False` and one plain line. Settings that
cannot work (no portal address, no token) are a BadInput that says what to set and where.

The receivers come from sync.destinations, the steps from sync.cycle, what went wrong from
sync.failures and the lines from sync.wording.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sync.cycle import Cycle
from sync.destinations import own_sender_names, wire
from sync.engine import PushReport
from sync.inbox import PullReport
from sync.wording import message, problem_lines
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Actor
from warranty_desk.services import numbers, outbox_retention, reminders, retention, sync_admin
from warranty_desk.services.sync_admin import SyncStatus
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

# How long the nightly run keeps pushing (retrying with backoff through blips) before it gives
# up for the night; what is left goes with the app's worker or the next night. The OS
# schedulers in packaging/ allow the task an hour, so pull and the report always fit after it.
NIGHTLY_TIME_LIMIT = 20 * 60.0


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one sync cycle did, for the CLI, the app's worker and the log."""

    pushed: PushReport | None
    pulled: PullReport | None
    nightly: bool  # the nightly report was sent and accepted in this cycle
    online: bool  # every receiver could be reached (an answer came back, even a refusal)
    # One plain line: "Sent 12 records, pulled 2 inbox items; nothing waiting." or
    # "Offline: could not reach the portal at …; 34 records wait and will go when it is back."
    message: str
    # Each destination's queue after the cycle (what still waits, and why it last failed).
    queues: tuple[SyncStatus, ...] = ()
    # What went wrong other than the network, one plain line each (refusals, parked events).
    problems: tuple[str, ...] = ()

    @property
    def waiting(self) -> int:
        """Records not yet at every receiver: to send, refused, or held behind a refusal."""
        return max((q.pending + q.parked + q.held for q in self.queues), default=0)

    @property
    def complete(self) -> bool:
        """Everything this cycle was asked to do reached head office (exit code 0)."""
        return self.online and not self.waiting and not self.problems


def run_cycle(
    home: Home, db: Database, settings: SyncSettings, *, push: bool = True, pull: bool = True,
    nightly: bool = False, time_limit: float = NIGHTLY_TIME_LIMIT,
) -> CycleReport:
    """Upload documents, push every destination, pull the inbox, and on `nightly` report.

    `nightly` implies push and pull: the push drains (retrying with backoff) for at most
    `time_limit` seconds, then the inbox is pulled and the nightly report sent. Raises
    BadInput only for settings that cannot work; whatever the network or a receiver does is
    in the report.
    """
    started = time.monotonic()
    if nightly:
        # Due reminders are queued first, so they leave with this run's push; each warranty's
        # end is reminded once, however often the nightly run comes round.
        sent = reminders.send_due(db, Actor.system("nightly run"))
        if sent:
            log.info("Queued %d warranty reminder(s)", len(sent))
        # A claim open too long is noticed by the day passing, not by a change: the night
        # runs the retention rules, and the CRM hears of each new follow-up with this push.
        raised = retention.raise_due(db, Actor.system("nightly run"))
        if raised:
            log.info("Raised %d retention follow-up(s)", raised)
    if not settings.portal_url and settings.messages == "smtp":
        # A shop without head office: its own mail server is the only receiver.
        from sync.mail_cycle import run_mail_cycle

        report = run_mail_cycle(home, db, settings)
        if nightly:
            # No head office to count the days: the messages every own sender has taken go
            # after the days kept; every other event waits for a head office (outbox_retention).
            outbox_retention.prune_alone(db, own_sender_names(settings))
            outbox_retention.compact(db)
        return report
    with db.read() as session:
        branch = numbers.branch_code(session)
    wiring = wire(home, settings, db.clock, branch=branch)
    cycle = Cycle(home, db, wiring)
    try:
        done = cycle.run(push=push or nightly, pull=pull or nightly, nightly=nightly,
                         time_limit=time_limit)
    finally:
        wiring.close()
    if done.nightly:
        # Head office has the events and has counted their days: the delivered ones can go,
        # and the file is compacted when that freed a fair share of it.
        outbox_retention.prune_delivered(db, wiring.names)
        outbox_retention.compact(db)
    queues: tuple[SyncStatus, ...] = ()
    if done.pushed is not None:  # a pull alone says nothing about what waits to be sent
        found = {q.destination: q for q in sync_admin.status(db, wiring.names)}
        queues = tuple(found[name] for name in wiring.names)  # the portal first, as pushed
        cycle.parked(queues)
    voices = wiring.voices()
    line = message(done.pushed, done.pulled, done.nightly, cycle.failures, queues, voices)
    report = CycleReport(done.pushed, done.pulled, done.nightly, not cycle.offline, line, queues,
                         problem_lines(cycle.failures, voices))
    (log.info if report.complete else log.warning)(
        "Sync cycle (%.1f s): %s", time.monotonic() - started, line)
    return report
