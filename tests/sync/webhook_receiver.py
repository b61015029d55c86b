"""A CRM webhook receiver on loopback: checks signatures, refuses stale and replayed events."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sync.crm.webhook import EVENT_HEADER, SIGNATURE_HEADER, SignatureError, verify_signature
from tests.conftest import pinned_clock


@dataclass(frozen=True, slots=True)
class Scripted:
    """An answer the next request gets instead of the real one (to play a busy receiver)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class Receiver(ThreadingHTTPServer):
    """The server and what it saw: stored events by id, and each answer it gave."""

    daemon_threads = True

    def __init__(self, secret: str, clock: Callable[[], float]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.secret = secret
        self.clock = clock
        self.lock = threading.Lock()
        self.stored: dict[str, dict[str, Any]] = {}
        self.answers: list[int] = []
        self.script: list[Scripted] = []

    @property
    def url(self) -> str:
        """Where to post."""
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/crm"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_POST(self) -> None:
        receiver = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with receiver.lock:
            scripted = receiver.script.pop(0) if receiver.script else None
        if scripted is not None:
            self._answer(scripted.status, scripted.body, scripted.headers)
            return
        # Signature first: an unsigned caller learns nothing, not even which ids exist.
        try:
            verify_signature(receiver.secret, self.headers.get(SIGNATURE_HEADER, ""), body,
                             now=receiver.clock())
        except SignatureError as e:
            self._answer(HTTPStatus.UNAUTHORIZED, {"error": str(e)})
            return
        event_id = self.headers.get(EVENT_HEADER, "")
        if not event_id:
            self._answer(HTTPStatus.BAD_REQUEST, {"error": f"{EVENT_HEADER} is missing."})
            return
        with receiver.lock:
            seen = event_id in receiver.stored
            if not seen:
                receiver.stored[event_id] = json.loads(body)
        if seen:
            self._answer(HTTPStatus.CONFLICT, {"error": f"Event {event_id} was already stored."})
        else:
            self._answer(HTTPStatus.OK, {"stored": event_id})

    def _answer(self, status: int, body: dict[str, Any],
                headers: dict[str, str] | None = None) -> None:
        with self.server.lock:
            self.server.answers.append(int(status))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def webhook_receiver(secret: str, clock: Callable[[], float] | None = None) -> Iterator[Receiver]:
    """A running receiver on a free loopback port, stopped on exit.

    It checks signature times against the tests' pinned clock (the till's clock in every test),
    unless given its own.
    """
    server = Receiver(secret, clock or (lambda: pinned_clock().now().timestamp()))
    # A short poll so shutdown() returns at once rather than after the default half second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
