"""A real HTTP portal on loopback that checks every request against the OpenAPI file."""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.sync.openapi_check import BASE_PATH, RawRequest, request_error
from tests.sync.portal_store import BadRequest, PortalStore

TOKEN = "test-token-5f2a9c"

_BRANCH = r"/branches/([A-Z0-9]{2,6})"
_SHA = r"/documents/([0-9a-f]{64})"
ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(f"^{BASE_PATH}{path}$"), handler) for method, path, handler in (
        ("POST", _BRANCH + "/events", "events"),
        ("GET", _BRANCH + "/inbox", "inbox"),
        ("POST", _BRANCH + "/inbox/ack", "ack"),
        ("POST", _BRANCH + "/nightly", "nightly"),
        ("GET", _BRANCH + "/marks", "marks"),
        ("POST", "/documents/missing", "missing"),
        ("PUT", _SHA, "put_document"),
        ("GET", _SHA, "get_document"),
    ))


@dataclass
class Chaos:
    """Seeded misbehaviour: each request draws once; the fractions add up to at most 1."""

    error_500: float = 0.0  # answer 500 without doing anything
    too_many: float = 0.0  # answer 429 with Retry-After
    hang: float = 0.0  # wait past the client's timeout, then do the work and answer too late
    drop_after_store: float = 0.0  # do the work, then close the connection without an answer
    retry_after: int = 7
    hang_seconds: float = 1.0

    def draw(self, rng: random.Random) -> str:
        """Which misbehaviour this request gets, or "" for none."""
        roll = rng.random()
        for name in ("error_500", "too_many", "hang", "drop_after_store"):
            share = float(getattr(self, name))
            if roll < share:
                return name
            roll -= share
        return ""


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the portal saw it: status 0 means it never answered."""

    method: str
    path: str
    status: int
    chaos: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    portal: PortalServer


class PortalServer(PortalStore):
    """Start it, point a PortalDestination at `url`, and read what arrived from the store."""

    def __init__(self, *, token: str = TOKEN, seed: int = 0) -> None:
        super().__init__()
        self.token = token
        self.chaos = Chaos()
        self.rng = random.Random(seed)
        self.answer_delay = 0.0  # seconds between doing the work and answering (kill windows)
        self.calls: list[Call] = []
        self.port = 0
        self._httpd: _Server | None = None
        self._live: set[socket.socket] = set()
        self.stopping = threading.Event()

    @property
    def url(self) -> str:
        """The base URL a client uses, with the spec's base path."""
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    def start(self) -> PortalServer:
        """Listen on loopback (a free port the first time, the same port after going offline)."""
        httpd = _Server(("127.0.0.1", self.port), _Handler)
        httpd.portal = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         name="loopback-portal", daemon=True).start()
        return self

    def go_offline(self) -> None:
        """Refuse connections: stop listening and cut the open keep-alive connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        with self.lock:
            live, self._live = list(self._live), set()
        for conn in live:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def go_online(self) -> None:
        """Listen again on the same port."""
        if self._httpd is None:
            self.start()

    def stop(self) -> None:
        """Wake hanging handlers and go offline for good."""
        self.stopping.set()
        self.go_offline()

    def track(self, conn: socket.socket, *, open_: bool) -> None:
        """Keep the open connections, so offline can cut them."""
        with self.lock:
            (self._live.add if open_ else self._live.discard)(conn)

    def log_call(self, call: Call) -> None:
        """Remember a request and what it got."""
        with self.lock:
            self.calls.append(call)

    def draw_chaos(self) -> str:
        """The misbehaviour for the next request."""
        with self.lock:
            return self.chaos.draw(self.rng)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the engine's session expects
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.portal.track(self.connection, open_=True)

    def finish(self) -> None:
        self.server.portal.track(self.connection, open_=False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the call log in PortalServer.calls replaces stderr noise

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        portal = self.server.portal
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        chaos = portal.draw_chaos()
        if chaos == "error_500":
            return self._answer(500, {"reason": "The portal had an internal error."}, chaos)
        if chaos == "too_many":
            return self._answer(429, {"reason": "Slow down."}, chaos,
                                headers={"Retry-After": str(portal.chaos.retry_after)})
        if chaos == "hang" and portal.stopping.wait(portal.chaos.hang_seconds):
            return self._drop(chaos)
        status, payload, headers = self._work(path, body)
        if chaos == "drop_after_store":
            return self._drop(chaos)
        if portal.answer_delay and portal.stopping.wait(portal.answer_delay):
            return self._drop("stopping")
        self._answer(status, payload, chaos, headers=headers)

    def _work(self, path: str, body: bytes) -> tuple[int, Any, dict[str, str]]:
        portal = self.server.portal
        if self.headers.get("Authorization") != f"Bearer {portal.token}":
            return 401, {"reason": "Missing or wrong sync token."}, {}
        problem = request_error(RawRequest(self.command, self.path, dict(self.headers), body))
        if problem is not None:
            return (404 if problem.startswith("Path not found") else 400), {"reason": problem}, {}
        for method, pattern, name in ROUTES:
            match = pattern.match(path)
            if match and method == self.command:
                try:
                    return _ROUTE_HANDLERS[name](portal, match.groups(), body, self.path)
                except BadRequest as exc:
                    return 400, {"reason": str(exc)}, {}
        return 405, {"reason": f"{self.command} is not allowed on {path}."}, {}

    def _answer(self, status: int, payload: Any, chaos: str,
                headers: dict[str, str] | None = None) -> None:
        if isinstance(payload, bytes):
            data, kind = payload, "application/octet-stream"
        else:
            data = b"" if payload is None else json.dumps(payload).encode()
            kind = "application/json"
        # Logged before the answer goes out, so a test that has its answer sees the call.
        self.server.portal.log_call(Call(self.command, self.path, status, chaos))
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if data:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass  # the client had gone (it timed out); it never saw this answer

    def _drop(self, chaos: str) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        self.server.portal.log_call(Call(self.command, self.path, 0, chaos))


def _events(portal: PortalServer, groups: tuple[str, ...], body: bytes, _t: str) -> Any:
    sent = json.loads(body)
    portal.note_marks(sent)
    return 200, {"results": portal.push(groups[0], sent["events"])}, {}


def _marks(portal: PortalServer, groups: tuple[str, ...], body: bytes, _t: str) -> Any:
    return 200, portal.marks(groups[0]), {}


def _inbox(portal: PortalServer, groups: tuple[str, ...], body: bytes, target: str) -> Any:
    query = parse_qs(urlsplit(target).query)
    after = query.get("after", [None])[0]
    return 200, portal.inbox_page(after, int(query.get("limit", ["100"])[0])), {}


def _ack(portal: PortalServer, groups: tuple[str, ...], body: bytes, _t: str) -> Any:
    portal.ack(json.loads(body)["cursor"])
    return 204, None, {}


def _nightly(portal: PortalServer, groups: tuple[str, ...], body: bytes, _t: str) -> Any:
    portal.add_nightly(json.loads(body))
    return 204, None, {}


def _missing(portal: PortalServer, groups: tuple[str, ...], body: bytes, _t: str) -> Any:
    return 200, {"missing": portal.missing(json.loads(body)["sha256"])}, {}


def _put_document(portal: PortalServer, groups: tuple[str, ...], body: bytes, _t: str) -> Any:
    return portal.put_document(groups[0], body), None, {}


def _get_document(portal: PortalServer, groups: tuple[str, ...], body: bytes, _t: str) -> Any:
    with portal.lock:
        data = portal.documents.get(groups[0])
    if data is None:
        return 404, {"reason": "No such document."}, {}
    return 200, data, {}


_ROUTE_HANDLERS = {
    "events": _events, "inbox": _inbox, "ack": _ack, "nightly": _nightly, "marks": _marks,
    "missing": _missing, "put_document": _put_document, "get_document": _get_document,
}


def wait_until(condition: Any, timeout: float = 10.0, step: float = 0.01) -> bool:
    """Poll a condition (for tests watching the server from another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())
