"""One sync cycle's steps: documents, push, pull and the nightly report, each failure by kind.

Network trouble never leaves a step as an exception: it becomes a Failure (sync.failures
says which kind), and the cycle goes on with what can still be done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sync import ledger
from sync.backoff import Backoff
from sync.contract import Event, TransientError
from sync.destinations import Wiring
from sync.documents import document_of, upload_pending
from sync.engine import DestinationReport, PushReport, SyncEngine
from sync.failures import Failure, Kind, Step, kind_of
from sync.inbox import PortalInbox, PullReport, pull_once
from sync.marks import catch_up
from sync.nightly import run_nightly
from warranty_desk.errors import BadInput
from warranty_desk.services import epochs
from warranty_desk.services.sync_admin import SyncStatus
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

# Upload attempts in the nightly run before the events go without their waiting documents
# (those events wait for the next cycle; the rest go now).
UPLOAD_TRIES = 4


@dataclass(frozen=True, slots=True)
class Done:
    """What the steps of one cycle did (None: the step was not asked for)."""

    pushed: PushReport | None
    pulled: PullReport | None
    nightly: bool  # the nightly report was sent and accepted


def merge(first: PushReport, second: PushReport) -> PushReport:
    """Two pushes as one: counts added, what is left and the error from the second."""
    earlier = {d.destination: d for d in first.destinations}
    merged = []
    for later in second.destinations:
        before = earlier.pop(later.destination, None)
        if before is not None:
            later = replace(later, delivered=before.delivered + later.delivered,
                            parked=before.parked + later.parked,
                            skipped=before.skipped + later.skipped,
                            stored=before.stored + later.stored)
        merged.append(later)
    return PushReport((*merged, *earlier.values()))


@dataclass(slots=True)
class Cycle:
    """One cycle's receivers and the failures its steps met, in the order they happened."""

    home: Home
    db: Database
    wiring: Wiring
    failures: list[Failure] = field(default_factory=list)
    # Receivers that answered for something in this cycle (events, an inbox page): one request
    # of theirs that got no answer does not make them offline.
    heard: set[str] = field(default_factory=set)

    @property
    def offline(self) -> bool:
        """Whether some receiver gave no answer at all in this cycle."""
        return any(f.offline for f in self.failures)

    def _file(self, failure: Failure) -> None:
        if failure.kind is Kind.UNREACHABLE and failure.destination in self.heard:
            failure = replace(failure, heard=True)
        if failure not in self.failures:
            self.failures.append(failure)

    def _heard(self, destination: str) -> None:
        # Earlier "no answer" failures of a receiver that has answered since are not offline.
        self.heard.add(destination)
        self.failures = [replace(f, heard=True) if f.kind is Kind.UNREACHABLE
                         and f.destination == destination else f for f in self.failures]

    def __post_init__(self) -> None:
        # Every push names the till's epoch and its number counters (head office's marks).
        self.wiring.portal.marks = lambda: epochs.push_marks(self.db)

    def run(self, *, push: bool, pull: bool, nightly: bool, time_limit: float) -> Done:
        """The steps asked for, in order: push (documents first), pull, the nightly report.

        A till restored from a backup first reads head office's high-water marks; until it
        has them, nothing else runs.
        """
        if not self.marks():
            return Done(None, None, False)
        pushed = self.push(drain_for=time_limit if nightly else None) if push else None
        pulled = self.pull() if pull else None
        if pushed is not None and pulled is not None and pulled.applied and not self.offline \
                and not any(d.error for d in pushed.destinations):
            # What the inbox changed (a claim started online) goes back in the same cycle.
            pushed = merge(pushed, self.push(drain_for=None))
        return Done(pushed, pulled, self.nightly() if nightly else False)

    def marks(self) -> bool:
        """After a restore, head office's high-water marks before all else; whether to go on."""
        try:
            catch_up(self.db, self.wiring.portal.client, self.wiring.branch)
        except (TransientError, BadInput) as exc:
            self._file(Failure(Step.MARKS, "portal", kind_of(exc), str(exc)))
            return False
        return True

    def upload(self, stop: threading.Event | None) -> frozenset[str]:
        """Documents before the events that name them; the documents that must still wait.

        Only the events naming a waiting document wait for it: every other event goes. With
        `stop` (the nightly run) a failed upload is retried with backoff a few times first.
        """
        backoff = Backoff()
        for attempt in range(1, UPLOAD_TRIES + 1):
            result = upload_pending(self.home, self.db, self.wiring.portal.client)
            if result.uploaded:
                log.info("Uploaded %d documents to the portal.", len(result.uploaded))
            if not result.waiting or stop is None or attempt == UPLOAD_TRIES \
                    or stop.wait(backoff.next_delay()):
                break
        for error in result.errors:
            if isinstance(error, TransientError):
                ledger.record_failure(self.db, "portal", str(error), self.db.clock.now())
            # A refused document is not the events' fault: they still go, and it is shown.
            self._file(Failure(Step.UPLOAD, "portal", kind_of(error), str(error)))
        return frozenset(result.waiting)

    def push(self, *, drain_for: float | None) -> PushReport:
        """Upload, then push every receiver once, or drain for at most `drain_for` seconds."""
        if drain_for is None:
            return self._push(None)
        stop = threading.Event()
        timer = threading.Timer(drain_for, stop.set)
        timer.daemon = True
        timer.start()
        try:
            return self._push(stop)
        finally:
            timer.cancel()

    def _push(self, stop: threading.Event | None) -> PushReport:
        portal = self.wiring.portal.name
        missing = self.upload(stop)

        def waits(destination: str, event: Event) -> bool:
            # Only the portal takes documents; an event waits for its own document alone.
            return destination == portal and document_of(event) in missing

        engine = SyncEngine(self.db, self.wiring.destinations, waits=waits if missing else None)
        # Every receiver gets at least its one try, even when the upload used up the time.
        draining = stop is not None and not stop.is_set()
        report = engine.drain(stop) if draining else engine.push_once()
        self._pushed(report.destinations)
        return report

    def _pushed(self, reports: Iterable[DestinationReport]) -> None:
        for report in reports:
            if report.delivered or report.parked:
                self._heard(report.destination)
            if not report.error or any(f.offline and f.destination == report.destination
                                       for f in self.failures):
                continue  # after no answer at all, what else a receiver did is not news
            kind = report.error_kind if report.error_kind is not None else Kind.FAULT
            self._file(Failure(Step.PUSH, report.destination, kind, report.error))

    def pull(self) -> PullReport:
        """Read and apply the portal's inbox."""
        inbox = PortalInbox(self.wiring.portal.client, self.wiring.branch)
        report = pull_once(self.db, inbox, documents=DocumentStore(self.home.documents))
        if report.pages:
            self._heard("portal")
        if report.error:
            kind = report.error_kind if report.error_kind is not None else Kind.FAULT
            self._file(Failure(Step.PULL, "portal", kind, report.error))
        if report.unusable:
            self._file(Failure(Step.PULL, "portal", Kind.UNUSABLE, records=report.unusable))
        if report.requests:
            self._file(Failure(Step.PULL, "portal", Kind.REQUESTS, records=report.requests))
        return report

    def nightly(self) -> bool:
        """Send the nightly report once nothing waits for the portal; whether it went."""
        if ledger.pending(self.db, "portal"):
            self._file(Failure(Step.NIGHTLY, "portal", Kind.HELD))
            return False
        try:
            run_nightly(self.db, self.wiring.portal.client, branch=self.wiring.branch)
        except (TransientError, BadInput) as exc:
            self._file(Failure(Step.NIGHTLY, "portal", kind_of(exc), str(exc)))
            return False
        return True

    def parked(self, queues: Sequence[SyncStatus]) -> None:
        """A failure for each receiver holding records it refused (and those behind them)."""
        for failure in parked_failures(queues):
            self._file(failure)


def parked_failures(queues: Sequence[SyncStatus]) -> list[Failure]:
    """A failure for each receiver holding records it refused (and those behind them)."""
    return [Failure(Step.PUSH, queue.destination, Kind.PARKED, records=queue.parked,
                    behind=queue.held) for queue in queues if queue.parked or queue.held]
