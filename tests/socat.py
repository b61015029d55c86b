"""A real serial line for tests: socat joins two ptys, one for the device and one for the app."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from pathlib import Path

# Generous: socat, the readers' backoff and other test runs share two cores.
WAIT_S = 20.0


class PtyPair:
    """`device` is the scanner's or printer's end of the wire; `host` is the port the app opens."""

    def __init__(self, folder: Path) -> None:
        self.device = folder / "device"
        self.host = folder / "host"
        self.log = folder / "socat.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._reader: int | None = None
        self._writer: int | None = None

    def plug_in(self, *, listen: bool = False) -> None:
        """Start socat; with `listen`, open the device's end at once so no byte sent is lost."""
        socat = shutil.which("socat")
        assert socat is not None, "socat is needed for the serial tests (make system-packages)"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [socat, "-d", "-d", f"pty,raw,echo=0,link={self.device}",
                 f"pty,raw,echo=0,link={self.host}"], stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if (self.device.exists() and self.host.exists()
                    and b"starting data transfer loop" in self.log.read_bytes()):
                if listen:
                    self._reader = os.open(self.device, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
                return
            assert self.proc.poll() is None, self.log.read_text()
            time.sleep(0.02)
        raise AssertionError(f"socat did not make its ptys: {self.log.read_text()}")

    def unplug(self) -> None:
        """Stop socat, as pulling the cable out does; safe to call twice."""
        for fd in (self._reader, self._writer):
            if fd is not None:
                os.close(fd)
        self._reader = self._writer = None
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(WAIT_S)
            self.proc = None

    def send(self, data: bytes) -> None:
        """What the device sends down the wire (a scanner's read)."""
        if self._writer is None:
            self._writer = os.open(self.device, os.O_WRONLY | os.O_NOCTTY)
        os.write(self._writer, data)

    def received(self, count: int) -> bytes:
        """What the device has read once `count` bytes arrived (or by the deadline)."""
        assert self._reader is not None, "plug_in(listen=True) to read the device's end"
        data = b""
        deadline = time.monotonic() + WAIT_S
        while len(data) < count and time.monotonic() < deadline:
            ready, _, _ = select.select([self._reader], [], [], 0.1)
            if ready:
                data += os.read(self._reader, 65536)
        return data

    def nothing_more(self) -> bool:
        """No further bytes arrive within a short wait."""
        assert self._reader is not None
        return not select.select([self._reader], [], [], 0.3)[0]
