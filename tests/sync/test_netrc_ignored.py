"""A ~/.netrc entry for head office's host never replaces the till's own credentials."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from sync.crm.jsonrpc import TrytonRpc
from sync.http import HttpClient


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with the Authorization header it came with."""

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


@pytest.fixture
def echo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    netrc = tmp_path / "netrc"
    # An entry for the very host, as a machine set up for something else may carry.
    netrc.write_text("machine 127.0.0.1 login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    _Echo.seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_portal_gets_the_tills_token_not_the_netrc_entry(echo: str) -> None:
    client = HttpClient(echo, lambda: "till-token")
    try:
        client.request("POST", "/branches/BR01/events", data=b"{}",
                       content_type="application/json")
        client.request("GET", "/branches/BR01/inbox")
    finally:
        client.close()
    assert _Echo.seen == ["Bearer till-token", "Bearer till-token"]


def test_a_crm_call_carries_only_what_the_till_wrote(echo: str) -> None:
    rpc = TrytonRpc(echo, "shop", "admin", "secret")
    rpc._post("common.version", [], None)  # before a session: no credentials at all
    rpc._post("common.version", [], "Session abc")
    assert _Echo.seen == ["", "Session abc"]


def test_requests_alone_would_have_sent_the_netrc_entry(echo: str) -> None:
    """The fault this guards against is real on this machine: a bare session sends Basic."""
    import requests

    with requests.Session() as bare:
        bare.get(echo + "/", headers={"Authorization": "Bearer till-token"}, timeout=5)
    assert _Echo.seen[0].startswith("Basic ")
