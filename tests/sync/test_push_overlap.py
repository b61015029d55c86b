"""The push's overlap: the ledger and the look-ahead worked while a batch is on the wire, started
once the batch is written (not while it is built)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from sync import ledger
from sync.contract import Event, Outcome, TransientError
from sync.http import HttpClient
from sync.portal import PortalDestination, batch_body
from sync.window import PendingWindow
from tests.sync.engine_helpers import engine, outbox, wait_until
from warranty_desk.services import outbox as emitter
from warranty_desk.storage.database import Database

AT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _outbox_of(db: Database, count: int) -> None:
    with db.write() as session:
        for n in range(count):
            emitter.emit(session, "customer.updated", "customer", f"CU-{n}", {"n": n})


class _Watching:
    """Takes everything; from the second batch on, watches the ledger while "on the wire"."""

    name = "crm"
    batch_size = 3

    def __init__(self, db: Database, fail_at: int | None = None) -> None:
        self.db = db
        self.fail_at = fail_at
        self.batches: list[list[int]] = []
        # For each batch after the first: whether the previous batch's cursor became durable
        # while this one was still being sent.
        self.committed_meanwhile: list[bool] = []

    def wants(self, topic: str) -> bool:
        return True

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        if self.batches:
            previous = self.batches[-1][-1]
            self.committed_meanwhile.append(wait_until(
                lambda: ledger.cursor(self.db, self.name) == previous, timeout=10.0))
        self.batches.append([e.seq for e in events])
        if len(self.batches) == self.fail_at:
            raise TransientError("The line dropped.", answered=False)
        return [Outcome(e.id, "accepted") for e in events]


def test_each_answer_is_durable_while_the_next_batch_is_on_the_wire(db: Database) -> None:
    _outbox_of(db, 9)
    watching = _Watching(db)
    report = engine(db, watching).push_once()
    assert report.delivered == 9 and report.pending == 0
    assert watching.committed_meanwhile == [True, True]
    assert ledger.cursor(db, "crm") == outbox(db)[-1][0]


def test_a_failed_batch_leaves_the_answered_one_durable_and_is_sent_again(db: Database) -> None:
    _outbox_of(db, 9)
    seqs = [e[0] for e in outbox(db)]
    failing = _Watching(db, fail_at=2)
    report = engine(db, failing).push_once()
    assert report.errors and report.delivered == 3 and report.pending == 6
    assert ledger.cursor(db, "crm") == seqs[2]
    again = _Watching(db)
    assert engine(db, again).push_once().delivered == 6
    assert [s for batch in again.batches for s in batch] == seqs[3:]


def test_the_window_reads_ahead_past_its_capacity_by_the_batch_on_the_wire() -> None:
    def read(after: int, limit: int, upto: int) -> list[Event]:
        return [Event(s, f"id-{s}", "claim.opened", "claim", f"R{s}", AT, {})
                for s in range(after + 1, min(after + limit, upto) + 1)]

    window = PendingWindow(read, cursor=0, capacity=4)
    assert [e.seq for e in window.fill(100)] == [1, 2, 3, 4]
    assert [e.seq for e in window.fill(100, extra=2)] == [5, 6]
    assert window.fill(100) == [] and len(window) == 6


class _Receiver(BaseHTTPRequestHandler):
    bodies: ClassVar[list[bytes]]  # one list per receiver (its own subclass, _receiver)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.bodies.append(body)
        answer = json.dumps({"results": [{"id": e["id"], "status": "accepted"}
                                         for e in json.loads(body)["events"]]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _receiver() -> Iterator[tuple[str, list[bytes]]]:
    bodies: list[bytes] = []
    handler = type("Handler", (_Receiver,), {"bodies": bodies})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    finally:
        server.shutdown()
        server.server_close()


def _events(count: int) -> list[Event]:
    return [Event(s, f"019ae0a1-1111-7000-8000-{s:012d}", "customer.updated", "customer",
                  f"CU-{s}", AT, {"name": f"Zoë {s}", "n": s}) for s in range(1, count + 1)]


def test_events_prepared_ahead_make_the_same_body_and_only_for_the_same_objects() -> None:
    events = _events(3)
    with _receiver() as (url, bodies):
        portal = PortalDestination(HttpClient(url, lambda: "token-123456"), "BR01")
        portal.marks = lambda: {"epoch": 2}
        portal.send(events)
        portal.prepare(events)
        portal.send(events)
        # Equal ids and seqs, but other objects read later (a payload erased meanwhile): what
        # was prepared for the earlier objects is not what goes.
        portal.prepare(events)
        later = [Event(e.seq, e.id, e.topic, e.aggregate, e.aggregate_id, e.occurred_at,
                       payload_json=f'{{"n": {e.seq}, "name": ""}}') for e in events]
        portal.send(later)
    plain = json.dumps({"events": [{
        "id": e.id, "seq": e.seq, "topic": e.topic, "aggregate": e.aggregate,
        "aggregate_id": e.aggregate_id, "occurred_at": e.occurred_at.isoformat(),
        "payload": e.payload} for e in events], "epoch": 2}, separators=(",", ":"),
        ensure_ascii=False).encode()
    assert bodies[0] == bodies[1] == plain
    # A payload read from the outbox goes as the text it was stored in.
    assert b'"payload":{"n": 1, "name": ""}}' in bodies[2]
    assert [e["payload"] for e in json.loads(bodies[2])["events"]] == [
        e.payload for e in later]


def test_an_event_read_as_text_is_decoded_once_and_equals_one_given_a_dict() -> None:
    text = Event(1, "id-1", "claim.opened", "claim", "C1", AT, payload_json='{"a": [1, "é"]}')
    given = Event(1, "id-1", "claim.opened", "claim", "C1", AT, {"a": [1, "é"]})
    assert text == given and text.payload is text.payload
    assert given.payload_json == '{"a":[1,"é"]}' and text.payload_json == '{"a": [1, "é"]}'
    assert text != Event(2, "id-1", "claim.opened", "claim", "C1", AT, {"a": [1, "é"]})
    with pytest.raises(AttributeError):
        text.seq = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Event(1, "id-1", "claim.opened", "claim", "C1", AT)


def test_what_is_prepared_stays_bounded() -> None:
    portal = PortalDestination(HttpClient("http://127.0.0.1:9", lambda: "token-123456"), "BR01")
    for start in range(0, 20_000, 500):
        portal.prepare(_events(start + 500)[start:])
    assert 0 < len(portal._ahead) <= 11 * 500
    assert batch_body([], {}) == b'{"events":[]}'


_ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
           b"\r\n{}")


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += conn.recv(65536)
    return data[:len(head) + 4] + body


@contextmanager
def _raw_server(called: threading.Event) -> Iterator[tuple[str, list[tuple[bytes, bool]]]]:
    """Records each request's bytes, and whether `called` was set before it was answered (it
    waits for it a while before answering)."""
    seen: list[tuple[bytes, bool]] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                while True:
                    try:
                        request = _read_request(conn)
                    except (OSError, StopIteration):
                        break
                    seen.append((request, called.wait(5.0)))
                    conn.sendall(_ANSWER)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        listener.close()


def test_on_wire_is_told_before_the_answer_and_the_request_is_the_same_bytes() -> None:
    body = '{"events":[{"id":"é"}]}'.encode() * 2000  # more than one socket write's worth
    called = threading.Event()
    calls: list[int] = []

    def on_wire() -> None:
        calls.append(1)
        called.set()

    with _raw_server(called) as (url, seen):
        client = HttpClient(url, lambda: "token-123456")
        try:
            told = client.request("POST", "/branches/BR01/events", data=body,
                                  content_type="application/json", on_wire=on_wire)
            called.set()  # the plain request is not waited on
            plain = client.request("POST", "/branches/BR01/events", data=body,
                                   content_type="application/json")
        finally:
            client.close()
    assert told.status_code == plain.status_code == 200
    # Told once, while the receiver held its answer back: before the answer was read.
    assert calls == [1] and seen[0][1]
    # Byte for byte the request a plain body makes: the same Content-Length, no chunks.
    assert seen[0][0] == seen[1][0] and seen[0][0].endswith(b"\r\n\r\n" + body)


def test_no_body_goes_as_before_and_tells_no_one() -> None:
    called = threading.Event()
    calls: list[int] = []
    with _raw_server(called) as (url, seen):
        client = HttpClient(url, lambda: "token-123456")
        called.set()
        try:
            client.request("POST", "/documents/missing", data=b"",
                           content_type="application/json", on_wire=lambda: calls.append(1))
        finally:
            client.close()
    assert calls == [] and b"Content-Length: 0\r\n" in seen[0][0]


class _Telling(_Watching):
    """Says when each batch is written (send_then); watches the ledger before and after."""

    def __init__(self, db: Database, fail_at: int | None = None) -> None:
        super().__init__(db, fail_at)
        # For each batch after the first: the cursor while the batch was being built and
        # written (committed_meanwhile: whether the previous one's became durable after).
        self.while_written: list[int] = []

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        raise AssertionError("The engine tells a destination that can say when it wrote.")

    def send_then(self, events: Sequence[Event], on_wire: Callable[[], None] | None
                  ) -> list[Outcome]:
        assert on_wire is not None
        self.batches.append([e.seq for e in events])
        if len(self.batches) == self.fail_at:
            # Nothing went out whole: the engine still does its work (the answered batch's
            # commit) before it reports the failure.
            raise TransientError("The line dropped while writing.", answered=False)
        if len(self.batches) > 1:
            previous = self.batches[-2][-1]
            self.while_written.append(ledger.cursor(self.db, self.name))
            on_wire()
            self.committed_meanwhile.append(wait_until(
                lambda: ledger.cursor(self.db, self.name) == previous, timeout=10.0))
        else:
            on_wire()
        return [Outcome(e.id, "accepted") for e in events]


def test_the_answered_batch_is_committed_once_the_next_is_written(db: Database) -> None:
    _outbox_of(db, 9)
    seqs = [e[0] for e in outbox(db)]
    telling = _Telling(db)
    report = engine(db, telling).push_once()
    assert report.delivered == 9 and report.pending == 0
    # Not started while the batch was built and written; done while its answer was awaited.
    assert telling.while_written == [0, seqs[2]]
    assert telling.committed_meanwhile == [True, True]
    assert ledger.cursor(db, "crm") == seqs[-1]


def test_a_batch_never_written_still_has_the_answered_one_committed(db: Database) -> None:
    _outbox_of(db, 9)
    seqs = [e[0] for e in outbox(db)]
    report = engine(db, _Telling(db, fail_at=2)).push_once()
    assert report.errors and report.delivered == 3 and report.pending == 6
    assert ledger.cursor(db, "crm") == seqs[2]
