"""A ~/.netrc entry for head office's host never replaces the till's own credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.crm.jsonrpc import TrytonRpc
from sync.http import HttpClient
from tests.sync.echo_server import Echo, echo_served


@pytest.fixture
def echo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    netrc = tmp_path / "netrc"
    # An entry for the very host, as a machine set up for something else may carry.
    netrc.write_text("machine 127.0.0.1 login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with echo_served() as port:
        yield f"http://127.0.0.1:{port}"


def test_the_portal_gets_the_tills_token_not_the_netrc_entry(echo: str) -> None:
    client = HttpClient(echo, lambda: "till-token")
    try:
        client.request("POST", "/branches/BR01/events", data=b"{}",
                       content_type="application/json")
        client.request("GET", "/branches/BR01/inbox")
    finally:
        client.close()
    assert Echo.seen == ["Bearer till-token", "Bearer till-token"]


def test_a_crm_call_carries_only_what_the_till_wrote(echo: str) -> None:
    rpc = TrytonRpc(echo, "shop", "admin", "secret")
    rpc._post("common.version", [], None)  # before a session: no credentials at all
    rpc._post("common.version", [], "Session abc")
    assert Echo.seen == ["", "Session abc"]


def test_requests_alone_would_have_sent_the_netrc_entry(echo: str) -> None:
    """The fault this guards against is real on this machine: a bare session sends Basic."""
    import requests

    with requests.Session() as bare:
        bare.get(echo + "/", headers={"Authorization": "Bearer till-token"}, timeout=5)
    assert Echo.seen[0].startswith("Basic ")
