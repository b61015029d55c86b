"""The outbox delivery engine: pushes pending events to each destination, exactly once, in order."""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sync import ledger, outbox_reader
from sync.backoff import BASE_SECONDS, CAP_SECONDS, Backoff
from sync.collection import rarer_collections
from sync.contract import Destination, Event, Outcome, TransientError
from sync.failures import Kind, kind_of
from sync.ledger import Key
from sync.window import LOOKAHEAD_BATCHES, PendingWindow, Plan, key_of, plan_batch
from warranty_desk.storage.database import Database

log = logging.getLogger(__name__)

# Seconds between looks at the outbox when all is delivered: new events reach head office
# within this, and an idle till costs one indexed read per destination.
IDLE_SECONDS = 5.0

# Seconds of lateness or earliness that count as "due now": a clock that ticks in microseconds
# (or a float sum) can leave a sliver of wait that sleeping would never use up.
_SLACK = 0.001

# How the sync panel names each receiver in a held event's reason.
_WHO = {"portal": "head office", "crm": "the CRM"}


@dataclass(frozen=True, slots=True)
class DestinationReport:
    """What one push did for one destination, and what is left."""

    destination: str
    delivered: int = 0  # answered for: stored now, or stored before (a re-send)
    parked: int = 0
    skipped: int = 0
    pending: int = 0
    error: str = ""
    retry_after: float | None = None
    error_kind: Kind | None = None  # what the error means (sync.failures), when there is one
    stored: int = 0  # of `delivered`, those the receiver stored now (not re-sends)
    waiting: int = 0  # of `pending`, those waiting for a document of theirs to reach it


@dataclass(frozen=True, slots=True)
class PushReport:
    """One push over every destination."""

    destinations: tuple[DestinationReport, ...]

    @property
    def delivered(self) -> int:
        return sum(d.delivered for d in self.destinations)

    @property
    def stored(self) -> int:
        """Records the receivers newly stored: what "Sent N records" counts."""
        return sum(d.stored for d in self.destinations)

    @property
    def parked(self) -> int:
        return sum(d.parked for d in self.destinations)

    @property
    def pending(self) -> int:
        return sum(d.pending for d in self.destinations)

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f"{d.destination}: {d.error}" for d in self.destinations if d.error)


@dataclass(slots=True)
class _Tally:
    delivered: int = 0
    parked: int = 0
    skipped: int = 0
    stored: int = 0
    waiting: int = 0

    def count(self, outcome: Outcome) -> None:
        self.delivered += 1
        self.stored += outcome.status == "accepted"


# Whether an event must wait this push for something of its own: (destination name, event).
Waits = Callable[[str, Event], bool]


def _check(events: Sequence[Event], outcomes: list[Outcome]) -> list[Outcome]:
    # A receiver that answers for other events than it was sent settles nothing.
    if [o.event_id for o in outcomes] != [e.id for e in events]:
        raise TransientError("The answer did not match the events sent; they will be sent "
                             "again.")
    return outcomes


class SyncEngine:
    """Blocking and Qt-free: the UI runs it on a worker thread, the CLI in the foreground."""

    def __init__(
        self, db: Database, destinations: Sequence[Destination], *,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None, rng: random.Random | None = None,
        idle_seconds: float = IDLE_SECONDS, backoff_base: float = BASE_SECONDS,
        backoff_cap: float = CAP_SECONDS, waits: Waits | None = None,
    ) -> None:
        self.db = db
        # Events whose document is not at the receiver yet wait; every other event goes.
        self._waits = waits
        self.destinations = tuple(destinations)
        # Timestamps kept in sync_cursors and sync_parked; the database's clock unless a test
        # runs the engine on a fake timeline.
        self._clock = clock or db.clock.now
        # Waits are timed on a monotonic clock: a till's wall clock corrected by an hour must
        # not stall the worker for an hour.
        self._monotonic = monotonic
        self._sleep = sleep
        self._stop = threading.Event()
        self._idle = idle_seconds
        rng = rng or random.Random()
        self._backoff = {d.name: Backoff(base=backoff_base, cap=backoff_cap, rng=rng)
                         for d in self.destinations}
        self._windows: dict[str, PendingWindow] = {}

    def push_once(self) -> PushReport:
        """Send everything pending now to every destination; stop one at its first failure."""
        return PushReport(tuple(self.push(d) for d in self.destinations))

    def drain(self, stop_event: threading.Event | None = None) -> PushReport:
        """Push with backoff until nothing is pending (or stop is set): however long it takes."""
        return self._loop(stop_event or threading.Event(), until_idle=True)

    def run(self, stop_event: threading.Event) -> None:
        """The background worker: push, back off on failure, look again when idle, until stop."""
        self._loop(stop_event, until_idle=False)

    def _loop(self, stop: threading.Event, *, until_idle: bool) -> PushReport:
        self._stop = stop  # checked between batches, so the app can quit mid-push
        due = dict.fromkeys((d.name for d in self.destinations), self._monotonic())
        last: dict[str, DestinationReport] = {}
        try:
            while not stop.is_set():
                for dest in self.destinations:
                    if due[dest.name] <= self._monotonic() + _SLACK and not stop.is_set():
                        report = last[dest.name] = self.push(dest)
                        due[dest.name] = self._monotonic() + self._next_wait(dest.name, report)
                if until_idle and len(last) == len(due) and all(
                        not r.error and r.pending <= r.waiting for r in last.values()):
                    break
                pause = min(due.values()) - self._monotonic()
                if pause > _SLACK:
                    self._wait(stop, pause)
        finally:
            self._stop = threading.Event()
        return PushReport(tuple(last.values()))

    def _next_wait(self, name: str, report: DestinationReport) -> float:
        backoff = self._backoff[name]
        if report.error:
            wait = backoff.next_delay(report.retry_after)
            log.info("Sync to %s failed, next try in %.0f s: %s", name, wait, report.error)
            return wait
        backoff.reset()
        # More arrived while pushing: go again at once rather than after a nap (events waiting
        # for their documents are not "more": they go once the documents are there).
        return 0.0 if report.pending > report.waiting else self._idle

    def _wait(self, stop: threading.Event, seconds: float) -> None:
        if self._sleep is None:
            stop.wait(seconds)
        else:
            self._sleep(seconds)

    def push(self, dest: Destination) -> DestinationReport:
        """One destination: parked events marked for retry first, then everything new."""
        tally = _Tally()
        error, retry_after, kind = "", None, None
        try:
            # Parked rows are rare; skipping their queries when there are none keeps a retry
            # against an offline portal (thousands in a week) to a few cheap reads.
            has_parked = ledger.has_open(self.db, dest.name)
            with rarer_collections():
                if has_parked:
                    self._push_retries(dest, tally)
                self._push_pending(dest, tally, has_parked=has_parked)
        except TransientError as exc:
            # The window stays: events it holds were not settled, and will go again.
            error, retry_after = str(exc) or type(exc).__name__, exc.retry_after
            kind = kind_of(exc)
            ledger.record_failure(self.db, dest.name, error, self._clock())
        except ledger.LostRace:
            self._windows.pop(dest.name, None)
            log.info("Another worker is delivering to %s; this push stops.", dest.name)
        except Exception:
            # A bug or a database fault: forget what is in memory, and let the worker back off
            # and try again rather than die; the traceback goes to the log.
            self._windows.pop(dest.name, None)
            log.exception("Sync to %s stopped on an unexpected error", dest.name)
            error = f"Sync to {dest.name} stopped on an unexpected error; see the log."
            kind = Kind.FAULT
            with contextlib.suppress(Exception):  # the database may be what failed
                ledger.record_failure(self.db, dest.name, error, self._clock())
        return DestinationReport(dest.name, tally.delivered, tally.parked, tally.skipped,
                                 ledger.pending(self.db, dest.name), error, retry_after, kind,
                                 tally.stored, tally.waiting)

    def _push_retries(self, dest: Destination, tally: _Tally) -> None:
        who = _WHO.get(dest.name, dest.name)
        while True:
            ledger.release_held(self.db, dest.name)
            seqs = ledger.retry_seqs(self.db, dest.name, dest.batch_size)
            if not seqs:
                return
            found = outbox_reader.read_seqs(self.db, seqs)
            events = [found[s] for s in seqs if s in found and dest.wants(found[s].topic)]
            gone = [s for s in seqs if s not in found or not dest.wants(found[s].topic)]
            outcomes = _check(events, dest.send(events)) if events else []
            refused = [(e.seq, o.reason) for e, o in zip(events, outcomes, strict=True)
                       if o.status == "rejected"]
            delivered = [e.seq for e, o in zip(events, outcomes, strict=True)
                         if o.status != "rejected"]
            ledger.commit_retries(self.db, dest.name, delivered=delivered, refused=refused,
                                  gone=gone, now=self._clock(), who=who)
            for outcome in outcomes:
                if outcome.status != "rejected":
                    tally.count(outcome)
            tally.parked += len(refused)

    def _window(self, dest: Destination) -> PendingWindow:
        # Kept between pushes: after a failed batch the window still knows which events above
        # the cursor were answered, so only the failed batch goes again, not the look-ahead.
        committed = ledger.cursor(self.db, dest.name)
        window = self._windows.get(dest.name)
        if window is None or window.committed != committed:
            window = PendingWindow(partial(outbox_reader.read_after, self.db), committed,
                                   dest.batch_size * LOOKAHEAD_BATCHES,
                                   ledger.settled_above(self.db, dest.name, committed))
            self._windows[dest.name] = window
        return window

    def _push_pending(self, dest: Destination, tally: _Tally, *, has_parked: bool) -> None:
        who = _WHO.get(dest.name, dest.name)
        upto = outbox_reader.last_seq(self.db)
        heads = ledger.heads(self.db, dest.name) if has_parked else {}
        window = self._window(dest)
        waits = None if self._waits is None else partial(self._waits, dest.name)
        # The answered batch's ledger commit, not yet run: it runs while the next batch is on
        # the wire (or here, when no batch follows), never before its own answer came.
        behind: Callable[[], None] | None = None
        # The next batch's plan, made on the helper while a batch is on the wire as if every
        # event of it were stored; events that wait for their documents are only asked about
        # here, on this thread.
        ahead: list[Plan] | None = [] if waits is None else None
        with ThreadPoolExecutor(1, thread_name_prefix="sync-ledger") as helper:
            try:
                while not self._stop.is_set():
                    added = window.fill(upto)
                    if not len(window):
                        return
                    # The plan made ahead is this one when the answer stored every event (a
                    # refusal empties `ahead`) and nothing was read since it was made.
                    made = ahead.pop() if ahead else None
                    plan = made if made is not None and not added else plan_batch(
                        window.events(), dest, heads, waits)
                    tally.waiting = plan.waiting
                    if not plan.send and not plan.held and not plan.skipped:
                        return  # what is left waits for its documents
                    # Taken before it runs, so the `finally` below never runs it twice.
                    commit, behind = behind, None
                    if commit is not None and (not plan.send or ledger.cursor(
                            self.db, dest.name) != window.committed):
                        # Nothing to overlap it with; or another worker moved the cursor, and
                        # the commit says so (LostRace) before this push sends anything more.
                        commit()
                        commit = None
                    outcomes = _check(plan.send, _send_beside(
                        helper, dest, plan.send, partial(
                            _catch_up, commit, window, upto, plan,
                            getattr(dest, "prepare", None), None if ahead is None else partial(
                                _plan_ahead, window, plan, dest, heads, ahead,
                                getattr(dest, "prepare_batch", None))))) if plan.send else []
                    parked = [ledger.ParkRow(e.seq, e.aggregate, e.aggregate_id, "held",
                                             ledger.held_reason(head, who))
                              for e, head in plan.held]
                    statuses = [outcome.status for outcome in outcomes]
                    if "rejected" not in statuses:
                        # Every one stored (nearly every batch): counted in one go.
                        tally.delivered += len(statuses)
                        tally.stored += statuses.count("accepted")
                    else:
                        if ahead:
                            ahead.clear()  # made with the heads this refusal changes
                        self._refused(plan.send, outcomes, parked, heads, tally)
                    settled = plan.settled_seqs()
                    window.settle(settled)
                    # Written only after the answer: a crash before the commit re-sends the
                    # batch and the receiver answers "duplicate", so each event is stored
                    # exactly once. What was settled above the new cursor is kept too, so no
                    # later push sends it again.
                    behind = partial(self._commit, dest.name, window, window.floor, parked,
                                     bool(plan.send), settled)
                    tally.parked += len(parked)
                    tally.skipped += len(plan.skipped)
            finally:
                if behind is not None:
                    behind()

    @staticmethod
    def _refused(sent: Sequence[Event], outcomes: Sequence[Outcome],
                 parked: list[ledger.ParkRow], heads: dict[Key, ledger.Head],
                 tally: _Tally) -> None:
        # A batch with refusals: each refused event parks and holds its record's later ones.
        for event, outcome in zip(sent, outcomes, strict=True):
            if outcome.status == "rejected":
                parked.append(ledger.ParkRow(event.seq, event.aggregate, event.aggregate_id,
                                             "rejected", outcome.reason))
                heads[key_of(event)] = ledger.Head(event.seq, "rejected", outcome.reason)
            else:
                tally.count(outcome)

    def _commit(self, name: str, window: PendingWindow, new: int,
                parked: Sequence[ledger.ParkRow], sent: bool, above: Sequence[int]) -> None:
        ledger.commit_batch(self.db, name, old=window.committed, new=new, parked=parked,
                            now=self._clock(), sent=sent, above=above)
        window.committed = new


def _catch_up(commit: Callable[[], None] | None, window: PendingWindow, upto: int,
              on_wire: Plan, prepare: Callable[[list[Event]], None] | None,
              plan_next: Callable[[], None] | None) -> None:
    # The last answer's commit first, so the durable cursor moves as soon as it can; then the
    # look-ahead, with room for the events on the wire (still in the window until answered),
    # encoded now by a destination that can (PortalDestination.prepare) rather than on the
    # way out; then the next batch, planned and made ready ahead.
    if commit is not None:
        commit()
    added = window.fill(upto, extra=len(on_wire.send))
    if prepare is not None and added:
        prepare(added)
    if plan_next is not None:
        plan_next()


def _plan_ahead(window: PendingWindow, on_wire: Plan, dest: Destination,
                heads: Mapping[Key, ledger.Head], out: list[Plan],
                ready: Callable[[list[Event]], None] | None) -> None:
    # The plan the window gives once the answer settles what is on the wire: the same
    # events, in the same order, as plan_batch then reads. Between an answer and the next
    # request the engine then plans nothing, and a destination that can (PortalDestination.
    # prepare_batch) has the batch's body ready.
    settling = set(on_wire.settled_seqs())
    plan = plan_batch((e for e in window.events() if e.seq not in settling), dest, heads)
    out.append(plan)
    if ready is not None and plan.send:
        ready(plan.send)


def _send_beside(helper: ThreadPoolExecutor, dest: Destination, events: Sequence[Event],
                 work: Callable[[], None]) -> list[Outcome]:
    """dest.send(events), with `work` (the ledger and the outbox) done meanwhile on `helper`.

    The till's own work then costs no time of its own: it overlaps the round trip and the
    receiver's, which are most of a batch. A destination that says when its request is
    written (PortalDestination.send_then) has `work` started only then: started with the
    send, its pure-Python reading and encoding held the interpreter while the request was
    built and written, and the writer, giving it up at each system call, waited up to a
    switch interval (5 ms) to get it back, with the receiver idle. `work` is always waited
    for; its failure (a lost race, a database fault) wins over the send's, which is chained
    to it.
    """
    running: list[Future[None]] = []

    def start() -> None:
        if not running:
            running.append(helper.submit(work))

    send_then = getattr(dest, "send_then", None)
    try:
        if send_then is None:
            start()
            outcomes: list[Outcome] = dest.send(events)
        else:
            outcomes = send_then(events, start)
    except BaseException as sent_error:
        start()  # the request never went out whole: the work still runs, now
        error = running[0].exception()
        if error is not None:
            raise error from sent_error
        raise
    start()
    running[0].result()
    return outcomes
