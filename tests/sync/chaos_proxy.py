"""A loopback HTTP(S) server between a till and the real portal: it forwards, logs each call,
and injects faults: 500s, throttling, hangs, answers lost after the portal stored the request,
slow answers, going offline, or answering as a captive Wi-Fi page, a proxy or a firewall would
(redirects, 407, HTML error pages, 200 HTML, drops)."""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import ssl
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

LOGIN_PAGE = (b"<!doctype html><html><head><title>Welcome to CafeNet</title></head><body>"
              b"<form action='/login'>Accept the terms to browse</form></body></html>")

# mode: (status, extra headers, HTML body or None for an empty body)
CAPTIVE: dict[str, tuple[int, dict[str, str], bytes | None]] = {
    "302": (302, {"Location": "http://login.cafenet.example/portal?u=1"}, LOGIN_PAGE),
    "308": (308, {"Location": "https://portal.elsewhere.example/api/v1"}, None),
    "407": (407, {"Proxy-Authenticate": 'Basic realm="corp"'}, b"<html>Proxy login</html>"),
    "400": (400, {}, b"<html><body><h1>400 Bad Request</h1>nginx</body></html>"),
    "405": (405, {"Allow": "GET"}, b"<html><body><h1>405 Not Allowed</h1></body></html>"),
    "200": (200, {}, LOGIN_PAGE),
}


@dataclass
class Chaos:
    """Seeded misbehaviour: each request draws once; the fractions add up to at most 1."""

    error_500: float = 0.0  # answer 500 without passing the request on
    too_many: float = 0.0  # answer 429 with Retry-After, without passing it on
    hang: float = 0.0  # wait past the client's timeout, then pass it on and answer too late
    drop_after_store: float = 0.0  # pass it on, then close the connection without an answer
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
    """One request as the till saw it: status 0 means it never got an answer."""

    method: str
    path: str
    status: int
    chaos: str
    body: bytes = b""  # what the till sent


# A fault the proxy answers itself, as the portal's own problem+json would say it.
_OWN_ANSWERS = {
    "error_500": (500, "internal_error", "The portal had an internal error."),
    "too_many": (429, "slow_down", "Slow down."),
}


@dataclass
class ChaosProxy:
    """`mode` is "forward", "drop", or a key of CAPTIVE; `seen` counts requests by mode.

    In "forward" mode `chaos` (or `chaos_for`, which picks by method and path and may return
    None to draw from `chaos`) decides each request's fault. `calls` logs every request;
    `answers` and `batches` count what the portal said of each pushed event.
    """

    target: str  # the real portal's base URL, with its path
    mode: str = "forward"
    seen: dict[str, int] = field(default_factory=dict)
    echo_headers: bool = False  # put the request's headers into the captive page's body
    chaos: Chaos = field(default_factory=Chaos)
    chaos_for: Callable[[str, str], str | None] | None = None
    # Changes the portal's answer body on the way (method, path, body) -> body: what a portal
    # of another version, or a box on the line, could hand the till.
    rewrite: Callable[[str, str, bytes], bytes] | None = None
    tls: ssl.SSLContext | None = None  # terminate TLS with this context
    host: str = "127.0.0.1"  # the name the till uses (the certificate's)
    seed: int = 0
    calls: list[Call] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    # Every push's answers in arrival order: [(event id, status), ...] per request.
    batches: list[list[tuple[str, str]]] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _live: set[socket.socket] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    # The answer that brings the pushed events stored to this many is held back (the
    # portal stored the batch, the till hears nothing) until release(): `holding` is set
    # while one is held. A fixed delay before answering left it to the test's polling to
    # act in time.
    hold_from: int | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    # The gate the one held answer waits at; a fresh one per hold, so a release can never
    # leak into the next hold (a shared event cleared by the woken handler let the next
    # round's wait see the last round's `holding`).
    _gate: threading.Event | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def url(self) -> str:
        """The base URL a till uses, with the portal's base path."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}{urlsplit(self.target).path}"

    def start(self) -> ChaosProxy:
        """Listen on loopback (a free port the first time, the same port after going offline)."""
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.proxy = self
        if self.tls is not None:
            # The handshake runs in each connection's handler thread, so a till refusing the
            # certificate never holds up the accept loop.
            server.socket = self.tls.wrap_socket(server.socket, server_side=True,
                                                 do_handshake_on_connect=False)
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="chaos-proxy", daemon=True).start()
        return self

    def go_offline(self) -> None:
        """Refuse connections: stop listening and cut the open keep-alive connections."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        with self.lock:
            live, self._live = list(self._live), set()
        for conn in live:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def go_online(self) -> None:
        """Listen again on the same port."""
        if self._server is None:
            self.start()

    def release(self) -> None:
        """Hold nothing more, and let a held answer go (to a till that may be gone)."""
        with self.lock:
            self.hold_from = None
            gate, self._gate = self._gate, None
            self.holding.clear()
        if gate is not None:
            gate.set()

    def held(self) -> bool:
        """Whether this answer is to be held (it brought the events stored to hold_from);
        waits for release() if so. One answer is held per hold_from set."""
        with self.lock:
            if self.hold_from is None or self.answers["accepted"] < self.hold_from:
                return False
            self.hold_from = None
            gate = self._gate = threading.Event()
            self.holding.set()
        gate.wait()
        return True

    def stop(self) -> None:
        """Wake hanging handlers and go offline for good."""
        self.release()
        self.stopping.set()
        self.go_offline()

    def track(self, conn: socket.socket, *, open_: bool) -> None:
        """Keep the open connections, so offline can cut them."""
        with self.lock:
            (self._live.add if open_ else self._live.discard)(conn)

    def draw(self, method: str, path: str) -> str:
        """The misbehaviour for this request."""
        picked = self.chaos_for(method, path) if self.chaos_for else None
        if picked is not None:
            return picked
        with self.lock:
            return self.chaos.draw(self.rng)

    def log(self, call: Call) -> None:
        """Remember a request and what the till got."""
        with self.lock:
            self.calls.append(call)

    def heard(self, method: str, path: str, status: int, answer: bytes) -> None:
        """Count what the portal said of each pushed event, whether or not the till hears it."""
        if status == 200 and method == "POST" and urlsplit(path).path.endswith("/events"):
            said = [(r["id"], r["status"]) for r in json.loads(answer)["results"]]
            with self.lock:
                self.answers.update(status for _, status in said)
                self.batches.append(said)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: ChaosProxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A till that hangs up mid-request, or refuses the TLS certificate, is what the
        # tests provoke; the call log says what each request got.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the engine's session expects
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.proxy.track(self.connection, open_=True)

    def finish(self) -> None:
        self.server.proxy.track(self.connection, open_=False)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the proxy's call log replaces stderr noise

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        proxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = proxy.mode
        with proxy.lock:
            proxy.seen[mode] = proxy.seen.get(mode, 0) + 1
        if mode == "drop":
            return self._drop("drop")
        if mode != "forward":
            return self._captive(proxy, mode)
        chaos = proxy.draw(self.command, urlsplit(self.path).path)
        if chaos in _OWN_ANSWERS:
            status, code, reason = _OWN_ANSWERS[chaos]
            problem = {"title": reason, "status": status, "code": code, "permanent": False,
                       "reason": reason}
            headers = [("Content-Type", "application/problem+json")]
            if chaos == "too_many":
                headers.append(("Retry-After", str(proxy.chaos.retry_after)))
            return self._answer(status, headers, json.dumps(problem).encode(), chaos, body)
        if chaos == "hang" and proxy.stopping.wait(proxy.chaos.hang_seconds):
            return self._drop(chaos, body)
        status, headers, data = self._forward(proxy, body)
        if chaos == "drop_after_store":
            return self._drop(chaos, body)
        if proxy.held():
            return self._drop("held", body)
        self._answer(status, headers, data, chaos, body)

    def _captive(self, proxy: ChaosProxy, mode: str) -> None:
        status, extra, page = CAPTIVE[mode]
        if page is not None and proxy.echo_headers:
            echoed = "".join(f"<li>{k}: {v}</li>" for k, v in self.headers.items())
            page = page.replace(b"</body>", f"<ul>{echoed}</ul></body>".encode())
        headers = list(extra.items())
        if page is not None:
            headers.append(("Content-Type", "text/html; charset=utf-8"))
        self._answer(status, headers, page or b"", mode)

    def _forward(self, proxy: ChaosProxy, body: bytes
                 ) -> tuple[int, list[tuple[str, str]], bytes]:
        target = urlsplit(proxy.target)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "connection")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        proxy.heard(self.command, self.path, answer.status, data)
        if proxy.rewrite is not None:
            data = proxy.rewrite(self.command, self.path, data)
        kept = [(name, value) for name, value in answer.getheaders()
                if name.lower() not in ("connection", "transfer-encoding", "content-length",
                                        "server", "date")]
        return answer.status, kept, data

    def _answer(self, status: int, headers: list[tuple[str, str]], data: bytes,
                chaos: str, sent: bytes = b"") -> None:
        # Logged before the answer goes out, so a test that has its answer sees the call.
        self.server.proxy.log(Call(self.command, self.path, status, chaos, sent))
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            pass  # the till had gone (it timed out); it never saw this answer

    def _drop(self, chaos: str, sent: bytes = b"") -> None:
        # Logged before the connection goes, as _answer logs before answering: the till sees
        # the drop at once, and a test reading the calls then must find this one (under load
        # this thread could lose the processor between the two).
        self.server.proxy.log(Call(self.command, self.path, 0, chaos, sent))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
