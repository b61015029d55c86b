"""The sync token and an address's password never reach the log, stdout or stderr, whatever a
server echoes back: every line passes the one redaction step."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.cli import run
from tests.e2e.test_cli_sync import demo_template, file_secrets, home, set_secret  # noqa: F401
from warranty_desk.logs import LOG_NAME

pytestmark = pytest.mark.slow

TOKEN = "wd-sync-9f8e7d6c5b4a39281706"
PASSWORD = "hunter2-Pa55word"


class _Echo(BaseHTTPRequestHandler):
    """Head office's broken error page: it shows the request's headers back, token and all."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = "; ".join(f"{k}: {v}" for k, v in self.headers.items())
        kind = self.server.kind  # type: ignore[attr-defined]
        if kind == "html":
            status, media = 502, "text/html"
            body = f"<html><body>Bad gateway. Your request: {headers}</body></html>".encode()
        else:
            status, media = (400, "application/problem+json") if kind == "refuse" else (
                500, "application/problem+json")
            code = "invalid_request" if kind == "refuse" else "internal_error"
            body = json.dumps({"code": code, "reason": f"Failed for {headers}",
                               "detail": headers}).encode()
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _serve


@pytest.fixture
def echo() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.kind = "problem"  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _found(folder: Path, secret: str, *outputs: str) -> int:
    log = (folder / "logs" / LOG_NAME).read_text("utf-8")
    config = ((folder / "config.toml").read_text("utf-8") if (folder / "config.toml").exists()
              else "")
    return sum(text.count(secret) for text in (log, config, *outputs))


@pytest.mark.parametrize("kind", ["problem", "refuse", "html"])
def test_an_error_page_that_echoes_the_token_leaks_it_nowhere(
    home: Path, echo: ThreadingHTTPServer, kind: str  # noqa: F811
) -> None:
    echo.kind = kind  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{echo.server_address[1]}/api/v1"
    assert run(home, "config", "set", "sync.portal_url", url).returncode == 0
    assert set_secret(home, "portal-token", TOKEN).returncode == 0
    outputs = []
    for args in (("sync",), ("sync", "--json"), ("sync", "--nightly", "--time-limit", "0.02"),
                 ("sync", "parked")):
        done = run(home, *args)
        outputs += [done.stdout, done.stderr]
        assert "this is a bug" not in done.stderr, done.stderr
    assert _found(home, TOKEN, *outputs) == 0
    assert any(outputs)  # something was said, and it was said without the token


def test_a_portal_address_with_a_password_is_refused_and_never_shown(
    home: Path, echo: ThreadingHTTPServer  # noqa: F811
) -> None:
    port = echo.server_address[1]
    outputs = []
    for url in (f"http://admin:{PASSWORD}@127.0.0.1:{port}/api/v1",
                f"http://admin:{PASSWORD}@127.0.0.1:99999/api/v1"):
        done = run(home, "config", "set", "sync.portal_url", url)
        assert done.returncode == 2 and "Nothing was saved" in done.stderr, done.stderr
        outputs += [done.stdout, done.stderr]
    # Written by hand into config.toml: the till refuses it and still says nothing of it.
    (home / "config.toml").write_text(
        f'[sync]\nportal_url = "http://admin:{PASSWORD}@127.0.0.1:{port}/api/v1"\n', "utf-8")
    assert set_secret(home, "portal-token", TOKEN).returncode == 0
    for args in (("sync",), ("config", "show"), ("config", "show", "--json")):
        done = run(home, *args)
        outputs += [done.stdout, done.stderr]
    (home / "config.toml").unlink()
    assert _found(home, PASSWORD, *outputs) == 0 and _found(home, TOKEN, *outputs) == 0
