"""A serial scanner's line with noise on it, and pulled out mid-frame: every clean scan still
arrives whole and in order, noise is a warning, and the app says the scanner went away and
picks it up again when it is back (a real pty pair from socat, killed mid-frame)."""

from __future__ import annotations

import queue
import random
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.soak import rounds
from tests.socat import PtyPair
from ui.devices.serial_reader import SerialScanner, SerialSettings

WAIT_S = 20.0


class Line:
    """The app's reader on the host end of a pty pair, its reports in a queue."""

    def __init__(self, pair: PtyPair) -> None:
        self.pair = pair
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.stop = threading.Event()
        self.scanner = SerialScanner(SerialSettings(port=str(pair.host)))
        self.thread = threading.Thread(
            target=self.scanner.run,
            args=(lambda text: self.events.put(("scan", text)),
                  lambda level, message: self.events.put((level, message)), self.stop))
        self.thread.start()

    def until(self, kind: str, text: str | None = None) -> list[tuple[str, str]]:
        """Every report up to and including the first of this kind (and text)."""
        seen: list[tuple[str, str]] = []
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(event)
            if event[0] == kind and (text is None or event[1] == text):
                return seen
        raise AssertionError(f"no {kind} {text or ''} within {WAIT_S} s; saw {seen}")

    def close(self) -> None:
        self.stop.set()
        self.scanner.interrupt()
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive()


def pull_out(pair: PtyPair) -> None:
    """The cable yanked: socat killed outright, no chance to tidy up."""
    assert pair.proc is not None
    pair.proc.send_signal(signal.SIGKILL)
    pair.proc.wait(WAIT_S)
    pair.proc = None
    pair.unplug()  # closes the test's own ends of the dead ptys
    # A killed socat leaves its links pointing at ptys that are gone.
    for link in (pair.device, pair.host):
        link.unlink(missing_ok=True)


def noise(rng: random.Random) -> bytes:
    """Line noise: random bytes, bursts of control bytes, wrong-baud garbage, a lone suffix."""
    kind = rng.randrange(4)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
    if kind == 1:
        return bytes(rng.choice(b"\x00\x07\x08\x1b\x7f\xff") for _ in range(rng.randint(1, 20)))
    if kind == 2:
        return b"\xf8\x80\xfe" * rng.randint(1, 10)
    return b"\r\n" * rng.randint(1, 3)


@pytest.mark.soak
def test_noise_on_the_line_never_loses_or_mangles_a_clean_scan(tmp_path: Path) -> None:
    rng = random.Random(20)
    pair = PtyPair(tmp_path)
    pair.plug_in()
    line = Line(pair)
    try:
        line.until("online")
        sent: list[str] = []
        bursts = rounds(40)
        for number in range(bursts):
            # Noise, then the suffix a scanner's next frame is separated by, then a clean scan.
            pair.send(noise(rng) + b"\r\n")
            scan = f"SN-NOISE-{number:05d}"
            pair.send(scan.encode() + b"\r\n")
            sent.append(scan)
            if number % 8 == 0:
                time.sleep(0.05)  # the reader sees some writes apart and some run together
        seen = line.until("scan", sent[-1])
        scans = [text for kind, text in seen if kind == "scan"]
        # Every clean scan, whole and in order; anything else from the noise is only a warning.
        assert [s for s in scans if s.startswith("SN-NOISE-")] == sent
        assert {kind for kind, _ in seen} <= {"scan", "warning"}, seen
        assert line.thread.is_alive()
        print(f"serial noise: {bursts} bursts, "
              f"{sum(kind == 'warning' for kind, _ in seen)} warnings, {len(sent)} scans whole")
    finally:
        line.close()
        pair.unplug()


@pytest.mark.soak
def test_a_scanner_pulled_out_mid_frame_is_reported_gone_and_picked_up_again(
    tmp_path: Path,
) -> None:
    pair = PtyPair(tmp_path)
    pair.plug_in()
    line = Line(pair)
    try:
        line.until("online")
        for attempt in range(rounds(3)):
            pair.send(f"SN-HALF-{attempt}".encode())  # the cable goes before the suffix
            pull_out(pair)
            gone = line.until("offline")
            assert gone[-1][1] == f"Scanner on {pair.host} is unplugged or off; reconnecting…"
            assert all(kind != "scan" for kind, _ in gone), gone
            pair.plug_in()
            back = line.until("online")
            assert back[-1][1] == f"Scanner on {pair.host} connected."
            pair.send(f"SN-BACK-{attempt}\r\n".encode())
            after = line.until("scan")
            # The half frame from before the unplug never sticks to the first scan after it.
            assert after[-1] == ("scan", f"SN-BACK-{attempt}"), after
            assert {kind for kind, _ in back + after} <= {"online", "scan", "warning"}
    finally:
        line.close()
        pair.unplug()
