"""A generic HTTP JSON SMS gateway on loopback (http.server in a thread) that keeps what it took.

Shared by the till's sync tests and the portal's: both speak to it through
warranty_desk.sms_gateway.HttpJsonSms.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "gw-token-0123456789"


@dataclass
class Gateway:
    """What the gateway took, and how it answers: `status` with `reason` for a refusal."""

    url: str = ""
    texts: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    status: int = 201
    reason: str = ""
    # Seconds the gateway holds its answer back after keeping the text.
    hold: float = 0.0
    # An answer of its own (an HTML page, no JSON) instead of the JSON one, and extra headers.
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def references(self) -> list[str]:
        """Every reference taken, in order (a text taken twice is there twice)."""
        return [str(t["reference"]) for t in self.texts]


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            gateway.authorizations.append(self.headers.get("Authorization", ""))
            if 200 <= gateway.status < 300:
                gateway.texts.append(body)
                if gateway.hold:
                    time.sleep(gateway.hold)
                answer: dict[str, Any] = {"id": f"GW-{len(gateway.texts):04d}"}
            else:
                answer = {"error": gateway.reason or "refused"}
            data = json.dumps(answer).encode() if gateway.body is None else gateway.body
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in gateway.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def sms_gateway() -> Iterator[Gateway]:
    """A running gateway on loopback at `url`, stopped at the end."""
    gateway = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/v1/messages"
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
