"""What the till's HTTP client takes from the environment, read once per client: the proxy
(NO_PROXY still sends requests direct) and a CA bundle that REQUESTS_CA_BUNDLE names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.contract import TransientError
from sync.http import HttpClient
from tests.sync.echo_server import Echo, echo_served
from tests.sync.tls_portal import make_certificates, tls_context

# A loopback address nothing listens on: reached only through the proxy.
TARGET = "http://localhost:9"


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # The echo server stands in for the proxy: what it answers only comes through it.
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY",
                 "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    with echo_served() as port:
        address = f"http://127.0.0.1:{port}"
        monkeypatch.setenv("HTTP_PROXY", address)
        monkeypatch.setenv("http_proxy", address)
        yield address


def test_requests_go_through_the_proxy_the_environment_names(proxy: str) -> None:
    client = HttpClient(TARGET, lambda: "till-token")
    try:
        assert client.request("POST", "/branches/BR01/events", data=b"{}",
                              content_type="application/json").status_code == 200
        assert client.request("GET", "/branches/BR01/inbox").status_code == 200
    finally:
        client.close()
    assert Echo.seen == ["Bearer till-token", "Bearer till-token"]


def test_no_proxy_sends_them_direct(proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost")
    monkeypatch.setenv("no_proxy", "localhost")
    client = HttpClient(TARGET, lambda: "till-token", connect_timeout=1.0)
    try:
        with pytest.raises(TransientError, match="Could not reach"):
            client.request("GET", "/branches/BR01/inbox")
    finally:
        client.close()
    assert Echo.seen == []


@pytest.fixture
def tls_echo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """An https echo server with a private CA's certificate; (its address, the CA's file)."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy",
                 "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    certificates = make_certificates(tmp_path / "certs")
    with echo_served(tls_context(certificates)) as port:
        yield f"https://127.0.0.1:{port}", certificates.ca


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_ca_bundle_the_environment_names_is_trusted(
        tls_echo: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    url, ca = tls_echo
    untrusting = HttpClient(url, lambda: "till-token", connect_timeout=2.0)
    monkeypatch.setenv(variable, str(ca))
    trusting = HttpClient(url, lambda: "till-token", connect_timeout=2.0)
    try:
        with pytest.raises(TransientError, match="not trusted"):
            untrusting.request("GET", "/branches/BR01/inbox")
        assert trusting.request("GET", "/branches/BR01/inbox").status_code == 200
    finally:
        untrusting.close()
        trusting.close()
    assert Echo.seen == ["Bearer till-token"]


def test_the_bundle_in_the_sync_settings_wins_over_the_environments(
        tls_echo: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url, ca = tls_echo
    other = make_certificates(tmp_path / "other").ca  # a CA that signed nothing here
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
    client = HttpClient(url, lambda: "till-token", ca_bundle=str(ca), connect_timeout=2.0)
    try:
        assert client.request("GET", "/branches/BR01/inbox").status_code == 200
    finally:
        client.close()
