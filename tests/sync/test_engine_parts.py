"""The engine's parts on their own: backoff, batch planning, the HTTP client, documents, run."""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import update

from sync.backoff import Backoff
from sync.contract import Event, Outcome, TransientError
from sync.failures import Kind
from sync.http import HttpClient, check_address, retry_after
from sync.ledger import Head
from sync.portal import upload_documents
from sync.window import PendingWindow, plan_batch
from tests.liveportal.branch_view import BranchPortal
from tests.sync.engine_helpers import FakeTime, destination, engine, outbox
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput
from warranty_desk.models import SyncCursor
from warranty_desk.services import outbox as emitter
from warranty_desk.services import sync_admin
from warranty_desk.storage.database import Database

AT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _event(seq: int, record: str, topic: str = "claim.opened") -> Event:
    return Event(seq, f"id-{seq}", topic, "claim", record, AT, {})


class _Recorder:
    """A destination that takes everything and remembers each batch."""

    name = "crm"

    def __init__(self, batch_size: int = 3, topics: Sequence[str] = ()) -> None:
        self.batch_size = batch_size
        self.topics = topics
        self.batches: list[list[int]] = []

    def wants(self, topic: str) -> bool:
        return not self.topics or topic in self.topics

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        self.batches.append([e.seq for e in events])
        return [Outcome(e.id, "accepted") for e in events]


def test_backoff_grows_with_full_jitter_up_to_the_cap() -> None:
    backoff = Backoff(base=1.0, cap=300.0, rng=random.Random(3))
    ceilings = [min(300.0, 2.0 ** n) for n in range(30)]
    delays = [backoff.next_delay() for _ in range(30)]
    assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert max(delays[20:]) > 150  # it reaches the cap's range and stays there
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_backoff_never_waits_less_than_retry_after() -> None:
    backoff = Backoff(rng=random.Random(1))
    assert all(backoff.next_delay(retry_after=30) >= 30 for _ in range(5))


def test_a_batch_carries_one_event_per_record_and_holds_blocked_records() -> None:
    events = [_event(1, "A"), _event(2, "A"), _event(3, "B"), _event(4, "C"), _event(5, "D")]
    head = Head(9, "rejected", "No.")
    plan = plan_batch(events, _Recorder(batch_size=3), {("claim", "C"): head})
    assert [e.seq for e in plan.send] == [1, 3, 5]
    assert [(e.seq, h) for e, h in plan.held] == [(4, head)]


def test_unwanted_topics_are_skipped_without_taking_a_place() -> None:
    events = [_event(1, "A", "claim.note"), _event(2, "B"), _event(3, "C")]
    plan = plan_batch(events, _Recorder(batch_size=1, topics=["claim.opened"]), {})
    assert [e.seq for e in plan.skipped] == [1] and [e.seq for e in plan.send] == [2]


def test_the_window_reads_ahead_in_chunks_and_its_floor_is_the_settled_prefix() -> None:
    reads: list[tuple[int, int, int]] = []

    def read(after: int, limit: int, upto: int) -> list[Event]:
        reads.append((after, limit, upto))
        return [_event(s, f"R{s}") for s in range(after + 1, min(after + limit, upto) + 1)]

    window = PendingWindow(read, cursor=10, capacity=4)
    window.fill(100)
    assert [e.seq for e in window.events()] == [11, 12, 13, 14]
    window.settle([11, 13])
    assert window.floor == 11
    window.fill(100)
    assert reads == [(10, 4, 100), (14, 2, 100)] and len(window) == 4
    window.settle([12, 14, 15, 16])
    assert window.floor == 16


def test_a_record_with_many_events_in_a_row_still_drains_in_order(db: Database) -> None:
    recorder = _Recorder(batch_size=3)
    with db.write() as session:
        for n in range(7):
            emitter.emit(session, "claim.status_changed", "claim", "C1", {"n": n})
            emitter.emit(session, "message.queued", "message", f"M{n}", {"n": n})
    report = engine(db, recorder).push_once()
    assert report.delivered == 14 and report.pending == 0
    sent = [seq for batch in recorder.batches for seq in batch]
    c1 = [e[0] for e in outbox(db) if e[3] == "C1"]
    assert [s for s in sent if s in c1] == c1
    assert all(len([s for s in batch if s in c1]) <= 1 for batch in recorder.batches)


def test_plain_http_is_refused_except_on_loopback() -> None:
    assert check_address("https://portal.example.com/api/v1/") == "https://portal.example.com/api/v1"
    assert check_address("http://127.0.0.1:8080/api/v1")
    with pytest.raises(BadInput, match="https://"):
        check_address("http://portal.example.com/api/v1")


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after({"Retry-After": "120"}) == 120
    sent = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    dated = {"Date": format_datetime(sent, usegmt=True),
             "Retry-After": format_datetime(sent + timedelta(seconds=90), usegmt=True)}
    assert retry_after(dated) == 90
    # Measured against the answer's own Date, never the till's clock: without one, no wait.
    assert retry_after({"Retry-After": dated["Retry-After"]}) is None
    assert retry_after({**dated, "Retry-After": format_datetime(sent - timedelta(hours=1),
                                                                usegmt=True)}) == 0
    assert retry_after({}) is None and retry_after({"Retry-After": "soon"}) is None


def test_the_token_is_asked_for_on_each_request_and_never_kept(portal: BranchPortal) -> None:
    tokens = iter(["stale", portal.token])
    client = HttpClient(portal.url, lambda: next(tokens))
    assert client.request("GET", "/branches/BR01/inbox").status_code == 401
    assert client.request("GET", "/branches/BR01/inbox").status_code == 200
    assert "Authorization" not in client._session.headers


def test_an_unreachable_portal_is_a_transient_error_in_plain_words() -> None:
    client = HttpClient("http://127.0.0.1:9/api/v1", lambda: "secret-token", connect_timeout=0.5)
    with pytest.raises(TransientError) as failed:
        client.request("POST", "/branches/BR01/events", data=b"{}")
    assert "Could not reach the portal at 127.0.0.1:9" in str(failed.value)
    assert "secret-token" not in str(failed.value)


def test_documents_go_up_only_when_the_portal_lacks_them(portal: BranchPortal) -> None:
    store = {hashlib.sha256(b).hexdigest(): b for b in (b"receipt", b"photo", b"label")}
    first, second, third = store
    portal.hold_document(store[first])
    client = destination(portal).client
    result = upload_documents(client, [first, second, third, second], store.__getitem__)
    assert set(result.uploaded) == {second, third} and result.already_held == (first,)
    assert [c.method for c in portal.calls].count("PUT") == 2
    assert upload_documents(client, store, store.__getitem__).uploaded == ()


def test_a_document_whose_bytes_changed_on_disk_is_refused(portal: BranchPortal) -> None:
    sha = hashlib.sha256(b"original").hexdigest()
    result = upload_documents(destination(portal).client, [sha], lambda _: b"tampered")
    assert result.refused == (sha,) and result.waiting == () and result.uploaded == ()
    assert isinstance(result.errors[0], BadInput) and "refused document" in str(result.errors[0])


def test_run_keeps_pushing_until_stopped(shop: Database, portal: BranchPortal) -> None:
    sell(shop)
    fake = FakeTime()
    stop = threading.Event()
    sync = engine(shop, destination(portal), fake=fake, idle_seconds=5)

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.sleeps) == 2:
            sell(shop, "INV-2", serials=("SN-2",))  # a sale while idle
        if len(fake.sleeps) == 4:
            stop.set()

    sync._sleep = sleep
    sync.run(stop)
    assert fake.sleeps == [5, 5, 5, 5]
    assert sorted(portal.event_ids()) == sorted(e[1] for e in outbox(shop))


def _outbox_of(db: Database, count: int) -> None:
    with db.write() as session:
        for n in range(count):
            emitter.emit(session, "customer.updated", "customer", f"CU-{n}", {"n": n})


def test_a_stop_request_ends_the_push_after_the_batch_in_hand(db: Database) -> None:
    _outbox_of(db, 10)
    stop = threading.Event()

    class Stopper(_Recorder):
        def send(self, events: Sequence[Event]) -> list[Outcome]:
            stop.set()  # the app is closing while the first batch is out
            return super().send(events)

    recorder = Stopper(batch_size=3)
    report = engine(db, recorder).drain(stop)
    assert recorder.batches == [[e[0] for e in outbox(db)[:3]]]
    assert report.pending == 7
    assert engine(db, _Recorder(batch_size=10)).push_once().delivered == 7


@pytest.mark.logs(r"stopped on an unexpected error")
def test_a_bug_in_a_destination_is_reported_and_the_next_push_starts_clean(db: Database) -> None:
    _outbox_of(db, 4)

    class Broken(_Recorder):
        def send(self, events: Sequence[Event]) -> list[Outcome]:
            raise RuntimeError("boom")

    report = engine(db, Broken()).push_once().destinations[0]
    assert report.error == "Sync to crm stopped on an unexpected error; see the log."
    assert report.error_kind is Kind.FAULT
    assert report.pending == 4
    assert sync_admin.status(db)[0].last_error == report.error


def test_a_second_worker_on_the_same_destination_keeps_its_cursor(db: Database) -> None:
    _outbox_of(db, 6)
    newest = outbox(db)[-1][0]

    class Racing(_Recorder):
        def send(self, events: Sequence[Event]) -> list[Outcome]:
            # Meanwhile another worker (the CLI's `sync --once`) delivered everything.
            with db.write() as session:
                session.execute(update(SyncCursor).values(delivered_seq=newest))
            return super().send(events)

    racing = Racing(batch_size=2)
    report = engine(db, racing).push_once()
    assert len(racing.batches) == 1 and not report.errors and report.pending == 0
    assert sync_admin.status(db)[0].delivered_seq == newest
