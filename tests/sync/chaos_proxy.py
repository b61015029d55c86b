"""A loopback HTTP server between a till and its portal: it forwards, or answers as a captive
Wi-Fi page, a proxy or a firewall would (redirects, 407, HTML error pages, 200 HTML, drops)."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
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
class ChaosProxy:
    """`mode` is "forward", "drop", or a key of CAPTIVE; `seen` counts requests by mode."""

    target: str  # the real portal's base URL, with its path
    mode: str = "forward"
    seen: dict[str, int] = field(default_factory=dict)
    echo_headers: bool = False  # put the request's headers into the captive page's body
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        path = urlsplit(self.target).path
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def start(self) -> ChaosProxy:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.proxy = self  # type: ignore[attr-defined]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        proxy: ChaosProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        mode = proxy.mode
        proxy.seen[mode] = proxy.seen.get(mode, 0) + 1
        if mode == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "forward":
            return self._forward(proxy, body)
        status, headers, page = CAPTIVE[mode]
        if page is not None and proxy.echo_headers:
            echoed = "".join(f"<li>{k}: {v}</li>" for k, v in self.headers.items())
            page = page.replace(b"</body>", f"<ul>{echoed}</ul></body>".encode())
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        data = page or b""
        if page is not None:
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _forward(self, proxy: ChaosProxy, body: bytes) -> None:
        target = urlsplit(proxy.target)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "connection")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length",
                                    "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
