"""A CRM webhook receiver on loopback: checks signatures, refuses stale and replayed events.

It verifies as a receiver does that installed the Standard Webhooks library (its own
`Webhook.verify`), or, set up the older way, with `verify_signature` and our header.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from sync.crm.webhook import (
    EVENT_HEADER,
    SIGNATURE_HEADER,
    STANDARD_PREFIX,
    SignatureError,
    verify_signature,
)
from tests.conftest import pinned_clock

Scheme = Literal["standard", "older"]


class ReceiverWebhook(Webhook):
    """The library's verifier, judging a message's age by the receiver's clock.

    The till's clock is pinned in tests, so what it signs is days from the wall clock the
    library reads (in a private method, replaced here with the same check on `now`).
    Everything else, the signature above all, is the library's own `verify`.
    """

    TOLERANCE = timedelta(minutes=5)

    def __init__(self, secret: str, now: Callable[[], float]) -> None:
        # A receiver passes a whsec_ secret as it is, and any other as its bytes.
        super().__init__(secret if secret.startswith(STANDARD_PREFIX) else secret.encode())
        self._now = now

    def _Webhook__verify_timestamp(self, timestamp_header: str) -> datetime:
        now = datetime.fromtimestamp(self._now(), UTC)
        try:
            timestamp = datetime.fromtimestamp(float(timestamp_header), UTC)
        except (ValueError, OverflowError):
            raise WebhookVerificationError("Invalid Signature Headers") from None
        if timestamp < now - self.TOLERANCE:
            raise WebhookVerificationError("Message timestamp too old")
        if timestamp > now + self.TOLERANCE:
            raise WebhookVerificationError("Message timestamp too new")
        return timestamp


@dataclass(frozen=True, slots=True)
class Scripted:
    """An answer the next request gets instead of the real one (to play a busy receiver)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class Receiver(ThreadingHTTPServer):
    """The server and what it saw: stored events by id, and each answer it gave."""

    daemon_threads = True

    def __init__(self, secret: str, clock: Callable[[], float], scheme: Scheme) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.secret = secret
        self.clock = clock
        self.scheme = scheme
        self.verifier = ReceiverWebhook(secret, clock)
        self.lock = threading.Lock()
        self.stored: dict[str, dict[str, Any]] = {}
        self.answers: list[int] = []
        self.script: list[Scripted] = []
        self.headers: list[dict[str, str]] = []  # each request's, as it came

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
            receiver.headers.append(dict(self.headers))
            scripted = receiver.script.pop(0) if receiver.script else None
        if scripted is not None:
            self._answer(scripted.status, scripted.body, scripted.headers)
            return
        # Signature first: an unsigned caller learns nothing, not even which ids exist.
        try:
            event_id = self._verified(body)
        except (WebhookVerificationError, SignatureError) as e:
            self._answer(HTTPStatus.UNAUTHORIZED, {"error": str(e)})
            return
        if not event_id:
            self._answer(HTTPStatus.BAD_REQUEST, {"error": "The message id is missing."})
            return
        with receiver.lock:
            seen = event_id in receiver.stored
            if not seen:
                receiver.stored[event_id] = json.loads(body)
        if seen:
            self._answer(HTTPStatus.CONFLICT, {"error": f"Event {event_id} was already stored."})
        else:
            self._answer(HTTPStatus.OK, {"stored": event_id})

    def _verified(self, body: bytes) -> str:
        """The event id of a request whose signature holds; raises when it does not."""
        receiver = self.server
        if receiver.scheme == "standard":
            receiver.verifier.verify(body, dict(self.headers))
            return self.headers.get("webhook-id", "")
        verify_signature(receiver.secret, self.headers.get(SIGNATURE_HEADER, ""), body,
                         now=receiver.clock())
        return self.headers.get(EVENT_HEADER, "")

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
def webhook_receiver(secret: str, clock: Callable[[], float] | None = None,
                     scheme: Scheme = "standard") -> Iterator[Receiver]:
    """A running receiver on a free loopback port, stopped on exit.

    It checks signature times against the tests' pinned clock (the till's clock in every test),
    unless given its own; by the Standard Webhooks headers unless set up the older way.
    """
    server = Receiver(secret, clock or (lambda: pinned_clock().now().timestamp()), scheme)
    # A short poll so shutdown() returns at once rather than after the default half second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
