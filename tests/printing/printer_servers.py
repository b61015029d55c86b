"""Network receipt printers on loopback: one that prints, one that drops, one that stalls."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

WAIT_S = 10.0  # generous: two cores shared with other test runs


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, handler: type[socketserver.BaseRequestHandler]) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self.jobs: list[bytes] = []
        self.arrived = threading.Condition()


class _Prints(socketserver.BaseRequestHandler):
    """A raw port-9100 printer: reads until the sender half-closes, then closes."""

    def handle(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        chunks = []
        while chunk := self.request.recv(65536):
            chunks.append(chunk)
        with server.arrived:
            server.jobs.append(b"".join(chunks))
            server.arrived.notify_all()


class _Drops(socketserver.BaseRequestHandler):
    """A printer that reads a few bytes and resets the connection (power cut, crash)."""

    def handle(self) -> None:
        self.request.recv(16)
        # Linger 0 turns close into a reset, as a printer that dies mid-job sends.
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # Closed here: socketserver would half-close first, and a FIN reads as a clean end.
        self.request.close()


class _Stalls(socketserver.BaseRequestHandler):
    """A printer out of paper: it holds the connection and stops reading."""

    def handle(self) -> None:
        server = self.server
        assert isinstance(server, _Server)
        with server.arrived:
            server.arrived.wait(WAIT_S)


class LoopbackPrinter:
    """One printer server on 127.0.0.1, running on a thread until stopped."""

    def __init__(self, handler: type[socketserver.BaseRequestHandler], port: int = 0) -> None:
        self._server = _Server(port, handler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def target(self) -> str:
        """The printer as a target string."""
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def jobs(self) -> list[bytes]:
        """Every job received so far, in order."""
        with self._server.arrived:
            return list(self._server.jobs)

    def wait_for_jobs(self, count: int) -> list[bytes]:
        """The jobs once `count` have arrived (or what arrived by the deadline)."""
        deadline = time.monotonic() + WAIT_S
        with self._server.arrived:
            while len(self._server.jobs) < count and time.monotonic() < deadline:
                self._server.arrived.wait(deadline - time.monotonic())
            return list(self._server.jobs)

    def start(self) -> LoopbackPrinter:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._server.arrived:
            self._server.arrived.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(WAIT_S)


@contextmanager
def printer(kind: str = "prints", port: int = 0) -> Iterator[LoopbackPrinter]:
    """A running loopback printer that `prints`, `drops` or `stalls`."""
    handler = {"prints": _Prints, "drops": _Drops, "stalls": _Stalls}[kind]
    server = LoopbackPrinter(handler, port).start()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A loopback port nothing listens on, so a connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
