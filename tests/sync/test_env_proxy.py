"""The environment's proxy still carries the till's requests, read once per client; NO_PROXY
still sends them direct."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from sync.contract import TransientError
from sync.http import HttpClient
from tests.sync.test_netrc_ignored import _Echo

# A loopback address nothing listens on: reached only through the proxy.
TARGET = "http://localhost:9"


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # The echo server stands in for the proxy: what it answers only comes through it.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY",
                 "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    address = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.setenv("http_proxy", address)
    _Echo.seen = []
    try:
        yield address
    finally:
        server.shutdown()
        server.server_close()


def test_requests_go_through_the_proxy_the_environment_names(proxy: str) -> None:
    client = HttpClient(TARGET, lambda: "till-token")
    try:
        assert client.request("POST", "/branches/BR01/events", data=b"{}",
                              content_type="application/json").status_code == 200
        assert client.request("GET", "/branches/BR01/inbox").status_code == 200
    finally:
        client.close()
    assert _Echo.seen == ["Bearer till-token", "Bearer till-token"]


def test_no_proxy_sends_them_direct(proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost")
    monkeypatch.setenv("no_proxy", "localhost")
    client = HttpClient(TARGET, lambda: "till-token", connect_timeout=1.0)
    try:
        with pytest.raises(TransientError, match="Could not reach"):
            client.request("GET", "/branches/BR01/inbox")
    finally:
        client.close()
    assert _Echo.seen == []
