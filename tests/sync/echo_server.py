"""A loopback HTTP(S) server that answers every request and notes its Authorization header."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar


class Echo(BaseHTTPRequestHandler):
    """Answers every request with a JSON-RPC null result; notes the Authorization it came with."""

    seen: ClassVar[list[str]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(self.headers.get("Authorization") or "")
        body = b'{"id": 1, "result": null}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:  # the test reads no access log
        pass


@contextmanager
def echo_served(tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """Echo on a free loopback port (over TLS with `tls`), Echo.seen emptied; the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Echo.seen = []
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
