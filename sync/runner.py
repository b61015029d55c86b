"""One sync cycle as the CLI, the nightly timer and the app's worker run it.

A cycle uploads the documents that pending claim events name (only those the portal lacks),
pushes the outbox to every destination (the portal, then the CRM if one is set), pulls the
portal inbox, and on the nightly run sends the drift report. Network trouble never leaves
`run_cycle` as an exception: it becomes `online=False` and one plain line. Settings that
cannot work (no portal address, no token) are a BadInput that says what to set and where.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import requests
from sqlalchemy import or_, select

from sync import ledger
from sync.backoff import Backoff
from sync.contract import Destination, TransientError
from sync.crm.jsonrpc import TrytonRpc
from sync.crm.tryton import TrytonConnector
from sync.crm.webhook import WebhookConnector
from sync.engine import DestinationReport, PushReport, SyncEngine
from sync.http import HttpClient
from sync.inbox import PortalInbox, PullReport, pull_once
from sync.nightly import run_nightly
from sync.portal import PortalDestination, upload_documents
from sync.secrets import PORTAL_TOKEN, TRYTON_PASSWORD, WEBHOOK_SECRET, get_secret
from warranty_desk.clock import Clock
from warranty_desk.config import SyncSettings, sync_problems
from warranty_desk.errors import BadInput
from warranty_desk.models import OutboxEvent, SyncParked
from warranty_desk.services import numbers, outbox_retention, sync_admin
from warranty_desk.services.sync_admin import SyncStatus
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

# How long the nightly run keeps pushing (retrying with backoff through blips) before it gives
# up for the night; what is left goes with the app's worker or the next night. The OS
# schedulers in packaging/ allow the task an hour, so pull and the report always fit after it.
NIGHTLY_TIME_LIMIT = 20 * 60.0

# Outbox topics whose payload names a stored document, and the payload key that names it.
DOCUMENT_KEYS: dict[str, str] = {"claim.evidence_added": "sha256", "claim.opened": "proof"}

# Where a person fixes the sync settings, said in every configuration error.
_WHERE = "with `warranty-desk config …` or under Settings > Sync"
_SECRET_FLAGS = {PORTAL_TOKEN: "portal-token", WEBHOOK_SECRET: "webhook-secret",
                 TRYTON_PASSWORD: "tryton-password"}
_WHO = {"portal": "the portal", "crm": "the CRM"}


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one sync cycle did, for the CLI, the app's worker and the log."""

    pushed: PushReport | None
    pulled: PullReport | None
    nightly: bool  # the nightly report was sent and accepted in this cycle
    online: bool  # every receiver could be reached (an answer came back, even a refusal)
    # One plain line: "Sent 12 records, pulled 2 inbox items; nothing waiting." or
    # "Offline: the portal did not answer (…); 34 records wait and will go when it is back."
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


# --- Who we talk to ------------------------------------------------------------------------


class _WatchedSession(requests.Session):
    """A requests session that knows whether its last request got no answer at all."""

    def __init__(self) -> None:
        super().__init__()
        self.unreachable = False

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        try:
            response = super().request(*args, **kwargs)
        except (requests.ConnectionError, requests.Timeout):
            self.unreachable = True
            raise
        self.unreachable = False
        return response


class _WatchedClient(HttpClient):
    """The portal's client: the same requests, knowing whether the last one got no answer."""

    unreachable = False

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = super().request(method, path, **kwargs)
        except TransientError:
            # HttpClient raises TransientError only when no answer came back at all.
            self.unreachable = True
            raise
        self.unreachable = False
        return response


@dataclass(slots=True)
class _Wiring:
    client: _WatchedClient
    branch: str
    destinations: list[Destination]
    sessions: list[_WatchedSession]

    def close(self) -> None:
        self.client.close()
        for session in self.sessions:
            session.close()


def _missing_secret(what: str, name: str) -> BadInput:
    return BadInput(f"Sync needs the {what}, and none is stored. Store it with "
                    f"`warranty-desk config set-secret {_SECRET_FLAGS[name]}` (it is read from "
                    "the keyboard, never from the command line) or under Settings > Sync.")


def _shop_branch(home: Home, clock: Clock) -> str:
    if not home.database.exists():
        raise BadInput(f"There is no shop database in {home.root}. Run `warranty-desk --home "
                       f"{home.root} init` first.")
    db = Database(home.database, clock=clock)
    try:
        with db.read() as session:
            return numbers.branch_code(session)
    finally:
        db.dispose()


def _crm(home: Home, settings: SyncSettings, sessions: list[_WatchedSession],
         clock: Clock) -> Destination | None:
    if settings.crm == "none":
        return None
    if settings.crm == "webhook":
        secret = get_secret(home, WEBHOOK_SECRET)
        if not secret:
            raise _missing_secret("webhook's shared secret", WEBHOOK_SECRET)
        session = _WatchedSession()
        sessions.append(session)
        return WebhookConnector(settings.crm_url, str(secret), session=session, clock=clock)
    password = get_secret(home, TRYTON_PASSWORD)
    if not password:
        raise _missing_secret("Tryton user's password", TRYTON_PASSWORD)
    session = _WatchedSession()
    sessions.append(session)
    rpc = TrytonRpc(settings.crm_url, settings.tryton_database, settings.tryton_user,
                    str(password), session=session)
    return TrytonConnector(settings.crm_url, settings.tryton_database, settings.tryton_user,
                           str(password), rpc=rpc)


def _wire(home: Home, settings: SyncSettings, clock: Clock, branch: str = "") -> _Wiring:
    found = sync_problems(settings)
    if found:
        raise BadInput("The sync settings cannot be used: " + "; ".join(found)
                       + f". Fix them {_WHERE}.")
    if not settings.portal_url:
        raise BadInput("Sync has no portal address. Set it with `warranty-desk config set "
                       "sync.portal_url https://portal.example.com/api/v1` or under "
                       "Settings > Sync.")
    if not get_secret(home, PORTAL_TOKEN):
        raise _missing_secret("portal's sync token", PORTAL_TOKEN)
    sessions: list[_WatchedSession] = []
    crm = _crm(home, settings, sessions, clock)
    code = settings.branch or branch or _shop_branch(home, clock)

    def token() -> str:
        # Read for every request: a token changed in Settings applies to the next one.
        value = get_secret(home, PORTAL_TOKEN)
        return str(value) if value else ""

    client = _WatchedClient(settings.portal_url, token, who="the portal")
    dests: list[Destination] = [PortalDestination(client, code)]
    if crm is not None:
        dests.append(crm)
    return _Wiring(client, code, dests, sessions)


def destinations(home: Home, settings: SyncSettings, *, clock: Clock) -> list[Destination]:
    """The portal first, then the CRM if one is set; BadInput naming what to set and where.

    The branch is the [sync] branch, else the shop's own code from the home's database.
    Close them with `close_destinations` when done.
    """
    return _wire(home, settings, clock).destinations


def close_destinations(dests: Iterable[Destination]) -> None:
    """Drop the pooled connections of destinations made by `destinations`."""
    for dest in dests:
        client = getattr(dest, "client", None)
        closer = getattr(client if client is not None else dest, "close", None)
        if callable(closer):
            closer()


# --- Documents -------------------------------------------------------------------------------


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


def _upload(home: Home, db: Database, client: HttpClient) -> int:
    """Upload what pending events name and the portal lacks; how many were sent."""
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


# --- One cycle -------------------------------------------------------------------------------


def _wait(count: int) -> str:
    """"1 record waits" / "3 records wait"."""
    return f"{_plural(count, 'record')} {'waits' if count == 1 else 'wait'}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _who(name: str) -> str:
    return _WHO.get(name, name)


@dataclass(slots=True)
class _Cycle:
    """One cycle's state: what failed for want of an answer, and what a receiver refused."""

    home: Home
    db: Database
    wiring: _Wiring
    problems: list[str] = field(default_factory=list)
    offline: dict[str, str] = field(default_factory=dict)  # destination -> why, first only

    def unreachable(self, name: str) -> bool:
        if name == "portal":
            return self.wiring.client.unreachable
        return any(s.unreachable for s in self.wiring.sessions)

    def failed(self, name: str, error: str) -> None:
        """File a failure as the network's (offline) or a receiver's (a problem)."""
        if self.unreachable(name):
            self.offline.setdefault(name, error)
        elif name == "portal" or error.lower().startswith(("the ", "sync to ")):
            self.problems.append(error)
        else:
            self.problems.append(f"{_who(name).capitalize()}: {error}")

    def upload(self, stop: threading.Event | None) -> str:
        """Documents before the events that name them; the error when the portal must wait.

        With `stop` (the nightly run) a failure is retried with backoff until stop is set.
        """
        backoff = Backoff()
        while True:
            try:
                sent = _upload(self.home, self.db, self.wiring.client)
            except TransientError as exc:
                if stop is not None and not stop.wait(backoff.next_delay()):
                    continue
                error = str(exc)
                ledger.record_failure(self.db, "portal", error, self.db.clock.now())
                self.failed("portal", error)
                return error
            except BadInput as exc:
                # A refused document is not the events' fault: they still go, and it is shown.
                self.problems.append(str(exc))
                return ""
            if sent:
                log.info("Uploaded %d documents to the portal.", sent)
            return ""

    def push(self, *, nightly: bool, time_limit: float) -> PushReport:
        stop = threading.Event()
        timer = threading.Timer(time_limit, stop.set) if nightly else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            report = self._push(stop if nightly else None)
        finally:
            if timer is not None:
                timer.cancel()
        for dest in report.destinations:
            if dest.error and dest.destination not in self.offline and \
                    dest.error not in self.problems:
                self.failed(dest.destination, dest.error)
        return report

    def _push(self, stop: threading.Event | None) -> PushReport:
        portal, *others = self.wiring.destinations
        error = self.upload(stop)
        if not error:
            engine = SyncEngine(self.db, self.wiring.destinations)
            return engine.drain(stop) if stop is not None else engine.push_once()
        # The portal waits for its documents; the CRM needs none and gets its one try.
        held = DestinationReport(portal.name, pending=ledger.pending(self.db, portal.name),
                                 error=error)
        rest = SyncEngine(self.db, others).push_once().destinations if others else ()
        return PushReport((held, *rest))

    def pull(self) -> PullReport:
        inbox = PortalInbox(self.wiring.client, self.wiring.branch)
        report = pull_once(self.db, inbox, documents=DocumentStore(self.home.documents))
        if report.error:
            if self.wiring.client.unreachable:
                self.offline.setdefault("portal", report.error)
            else:
                self.problems.append(f"The inbox pull stopped: {report.error}")
        return report

    def nightly(self) -> bool:
        if ledger.pending(self.db, "portal"):
            self.problems.append("The nightly report waits until every record has reached "
                                 "head office; it goes with the next nightly run.")
            return False
        try:
            run_nightly(self.db, self.wiring.client, branch=self.wiring.branch)
        except TransientError as exc:
            if self.wiring.client.unreachable:
                self.offline.setdefault("portal", str(exc))
            else:
                self.problems.append(f"The nightly report was not sent: {exc}")
            return False
        except BadInput as exc:
            self.problems.append(f"The nightly report was not sent: {exc}")
            return False
        return True

    def parked(self, queues: Sequence[SyncStatus]) -> None:
        for queue in queues:
            if queue.parked or queue.held:
                self.problems.append(
                    f"{_who(queue.destination).capitalize()} refused "
                    f"{_plural(queue.parked, 'record')}"
                    + (f" ({queue.held:,} more wait behind them)" if queue.held else "")
                    + "; retry or dismiss them in the sync panel")


def _merge(first: PushReport, second: PushReport) -> PushReport:
    """Two pushes as one: counts added, what is left and the error from the second."""
    earlier = {d.destination: d for d in first.destinations}
    merged = []
    for later in second.destinations:
        before = earlier.pop(later.destination, None)
        if before is not None:
            later = replace(later, delivered=before.delivered + later.delivered,
                            parked=before.parked + later.parked,
                            skipped=before.skipped + later.skipped)
        merged.append(later)
    return PushReport((*merged, *earlier.values()))


def _waiting(queue: SyncStatus) -> int:
    return queue.pending + queue.parked + queue.held


def _message(pushed: PushReport | None, pulled: PullReport | None, nightly_sent: bool,
             offline: dict[str, str], problems: Sequence[str],
             queues: Sequence[SyncStatus]) -> str:
    waiting = max((_waiting(q) for q in queues), default=0)
    if offline:
        name, why = next(iter(offline.items()))
        count = next((_waiting(q) for q in queues if q.destination == name), waiting)
        line = f"Offline: {_who(name)} did not answer ({why.rstrip('.')})"
        return (f"{line}; {_wait(count)} and will go when it is back."
                if count else line + ".")
    done = []
    if pushed is not None:
        done.append(f"Sent {_plural(pushed.delivered, 'record')}")
    if pulled is not None:
        done.append(f"{'pulled' if done else 'Pulled'} {_plural(pulled.applied, 'inbox item')}")
    if nightly_sent:
        done.append("sent the nightly report")
    line = ", ".join(done) or "Nothing to do"
    if pulled is not None and pulled.problems:
        line += f" ({_plural(len(pulled.problems), 'inbox item')} could not be used)"
    if pulled is not None and pulled.waiting:
        line += f" ({_plural(len(pulled.waiting), 'inbox item')} waiting)"
    if problems:
        why = "; ".join(p.rstrip(".") for p in problems)
        return (f"{line}; {_wait(waiting)}: {why}." if waiting
                else f"{line}; {why}.")
    if waiting:
        return f"{line}; {_wait(waiting)} for the next run."
    return line + ("; nothing waiting." if pushed is not None else ".")


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
    with db.read() as session:
        branch = numbers.branch_code(session)
    wiring = _wire(home, settings, db.clock, branch)
    cycle = _Cycle(home, db, wiring)
    pushed: PushReport | None = None
    pulled: PullReport | None = None
    sent_nightly = False
    try:
        if push or nightly:
            pushed = cycle.push(nightly=nightly, time_limit=time_limit)
        if pull or nightly:
            pulled = cycle.pull()
            if pushed is not None and pulled.applied and not cycle.offline and not any(
                    d.error for d in pushed.destinations):
                # What the inbox changed (a claim started online) goes back in the same cycle.
                pushed = _merge(pushed, cycle.push(nightly=False, time_limit=time_limit))
        if nightly:
            sent_nightly = cycle.nightly()
    finally:
        wiring.close()
    if sent_nightly:
        # Head office has the events and has counted their days: the delivered ones can go,
        # and the file is compacted when that freed a fair share of it.
        outbox_retention.prune_delivered(db, [d.name for d in wiring.destinations])
        outbox_retention.compact(db)
    queues: tuple[SyncStatus, ...] = ()
    if pushed is not None:  # a pull alone says nothing about what waits to be sent
        names = [d.name for d in wiring.destinations]
        found = {q.destination: q for q in sync_admin.status(db, names)}
        queues = tuple(found[name] for name in names)  # the portal first, as pushed
        cycle.parked(queues)
    message = _message(pushed, pulled, sent_nightly, cycle.offline, cycle.problems, queues)
    report = CycleReport(pushed, pulled, sent_nightly, not cycle.offline, message, queues,
                         tuple(cycle.problems))
    (log.info if report.complete else log.warning)(
        "Sync cycle (%.1f s): %s", time.monotonic() - started, message)
    return report
