"""Reads scans from a serial (or USB virtual COM) scanner: blocking, Qt-free, never raising."""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import serial

from warranty_desk.scanning import MAX_SCAN_LENGTH

__all__ = [
    "SUFFIXES",
    "BadFrame",
    "FrameDecoder",
    "OnScan",
    "OnStatus",
    "SerialPort",
    "SerialScanner",
    "SerialSettings",
]

log = logging.getLogger(__name__)

# The end-of-scan suffixes a scanner can be set to send, with the names people see.
SUFFIXES: dict[str, str] = {"\r\n": "CR LF", "\r": "CR", "\n": "LF", "\t": "Tab"}

# Controls that belong inside a scan: Tab, and the GS/RS/EOT of GS1 and ISO/IEC 15434
# envelopes, which warranty_desk.scanning reads. Any other control byte is line noise.
_TEXT_CONTROLS = frozenset("\t\x1d\x1e\x04")
_SHOWN_BYTES = 8  # enough bytes to recognise garbage by, few enough to read out on the phone

# Reconnect backoff: quick enough that plugging the scanner back in feels immediate, slow
# enough that an absent scanner costs nothing.
FIRST_RETRY_S = 0.5
MAX_RETRY_S = 5.0
# A scanner sends a whole scan in tens of ms even at 9600 baud (about 1 ms a byte), so a
# second of silence after part of a scan means its suffix is not coming.
QUIET_AFTER_S = 1.0

OnScan = Callable[[str], None]
OnStatus = Callable[[str, str], None]  # level (online | offline | warning | error), message


@dataclass(frozen=True, slots=True)
class SerialSettings:
    """How to talk to one serial scanner (Settings > Devices)."""

    port: str
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    suffix: str = "\r\n"
    timeout: float = 0.2  # how long one read blocks, so stop requests are seen this often

    def __post_init__(self) -> None:
        if not self.port:
            raise ValueError("Choose the scanner's port (for example /dev/ttyUSB0 or COM3).")
        if self.suffix not in SUFFIXES:
            raise ValueError(f"The scanner's suffix must be one of {', '.join(SUFFIXES.values())}.")
        if self.bytesize not in (5, 6, 7, 8):
            raise ValueError(f"Data bits must be 5, 6, 7 or 8, not {self.bytesize}.")
        if self.parity not in ("N", "E", "O", "M", "S"):
            raise ValueError(f"Parity must be N, E, O, M or S, not {self.parity!r}.")
        if self.stopbits not in (1, 1.5, 2):
            raise ValueError(f"Stop bits must be 1, 1.5 or 2, not {self.stopbits}.")
        if self.baudrate <= 0 or self.timeout <= 0:
            raise ValueError("Baud rate and timeout must be positive.")


@dataclass(frozen=True, slots=True)
class BadFrame:
    """Something arrived that is not a scan; `reason` says so in plain words."""

    reason: str


class FrameDecoder:
    """Splits the scanner's byte stream into scans at the suffix, whatever the read sizes."""

    def __init__(self, suffix: str = "\r\n", max_frame: int = MAX_SCAN_LENGTH) -> None:
        if not suffix:
            raise ValueError("The suffix cannot be empty.")
        self.suffix = suffix
        self.max_frame = max_frame
        self._suffix = suffix.encode("ascii")
        self._buffer = bytearray()
        self._skipping = False  # inside an over-long frame that was already reported

    @property
    def pending(self) -> bool:
        """Whether part of a frame is waiting for its suffix."""
        return bool(self._buffer)

    def feed(self, data: bytes) -> list[str | BadFrame]:
        """Add bytes from one read; return the complete frames in them, in order."""
        self._buffer += data
        frames: list[str | BadFrame] = []
        while (end := self._buffer.find(self._suffix)) >= 0:
            raw = bytes(self._buffer[:end])
            del self._buffer[: end + len(self._suffix)]
            if self._skipping:
                self._skipping = False  # the rest of the over-long frame, already reported
                continue
            frame = self._decode(raw)
            if frame is not None:
                frames.append(frame)
        if len(self._buffer) > self.max_frame:
            if not self._skipping:
                frames.append(self._too_long())
                self._skipping = True
            # Keep just enough to spot a suffix split across this read and the next.
            del self._buffer[: len(self._buffer) - (len(self._suffix) - 1)]
        return frames

    def expire(self) -> BadFrame | None:
        """The line went quiet mid-frame: drop the partial frame and say why it is no scan."""
        raw = bytes(self._buffer)
        skipping = self._skipping
        self.reset()
        if skipping:
            return None
        frame = self._decode(raw)
        if frame is None or isinstance(frame, BadFrame):
            return frame
        shown = frame if len(frame) <= 40 else frame[:40] + "…"
        return BadFrame(
            f'The scanner sent "{shown}" without its end-of-scan suffix '
            f"({SUFFIXES.get(self.suffix, repr(self.suffix))}). Set the same suffix on the "
            f"scanner and in Settings > Devices.")

    def reset(self) -> None:
        """Forget any partial frame (after a reconnect, its start is gone)."""
        self._buffer.clear()
        self._skipping = False

    def _decode(self, raw: bytes) -> str | BadFrame | None:
        # Scanners set to CR LF are often configured here as CR or LF (or the other way
        # round); both bytes only ever end a line, so strip them rather than fail the scan.
        raw = raw.strip(b"\r\n")
        if not raw:
            return None
        if len(raw) > self.max_frame:
            return self._too_long()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return _not_text(raw[exc.start:exc.start + _SHOWN_BYTES])
        controls = [ch for ch in text if _is_noise(ch)]
        if controls:
            return _not_text("".join(controls[:_SHOWN_BYTES]).encode("utf-8"))
        return text

    def _too_long(self) -> BadFrame:
        return BadFrame(
            f"The scanner sent no end-of-scan suffix after {self.max_frame} characters: "
            f"set the scanner's suffix in Settings > Devices.")


def _is_noise(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 or 0x7F <= code <= 0x9F) and ch not in _TEXT_CONTROLS


def _not_text(sample: bytes) -> BadFrame:
    shown = " ".join(f"0x{b:02x}" for b in sample)
    return BadFrame(
        f"The scanner sent something that is not text (bytes {shown}). "
        f"Check the scanner's baud rate and suffix in Settings > Devices.")


class SerialPort(Protocol):
    """The part of pyserial's Serial the reader uses."""

    @property
    def in_waiting(self) -> int: ...

    def read(self, size: int = 1) -> bytes: ...

    def close(self) -> None: ...


class SerialScanner:
    """Opens the port lazily, reads and decodes scans, and reconnects after an unplug."""

    def __init__(self, settings: SerialSettings,
                 opener: Callable[..., SerialPort] = serial.serial_for_url, *,
                 first_retry_s: float = FIRST_RETRY_S, max_retry_s: float = MAX_RETRY_S,
                 quiet_after_s: float = QUIET_AFTER_S) -> None:
        self.settings = settings
        self._opener = opener
        self._first_retry_s = first_retry_s
        self._max_retry_s = max_retry_s
        self._quiet_after_s = quiet_after_s
        self._decoder = FrameDecoder(settings.suffix)
        self._port: SerialPort | None = None
        self._lock = threading.Lock()  # close() and interrupt() may come from another thread

    def run(self, on_scan: OnScan, on_status: OnStatus, stop_event: threading.Event) -> None:
        """Read until stop_event is set; report scans and status through the callbacks."""
        retry_s = self._first_retry_s
        online: bool | None = None  # the last state reported; None before the first
        while not stop_event.is_set():
            try:
                if self._port is None:
                    self._open()
                    online, retry_s = True, self._first_retry_s
                    _call(on_status, "online", f"Scanner on {self.settings.port} connected.")
                self._pump(on_scan, on_status, stop_event)
            except OSError as exc:  # pyserial's SerialException is an OSError too
                self.close()
                if stop_event.is_set():
                    break  # the port was closed to stop us: not an unplug
                if online is not False:
                    online = False
                    _call(on_status, "offline", self._offline_message(exc))
                stop_event.wait(retry_s)
                retry_s = min(retry_s * 2, self._max_retry_s)
            except Exception:  # a bug: logged with its traceback; the counter keeps scanning
                log.exception("serial scanner reader failed on %s", self.settings.port)
                self.close()
                online = None
                _call(on_status, "error",
                      f"The scanner reader on {self.settings.port} hit a bug and restarted; "
                      f"the details are in the log.")
                stop_event.wait(retry_s)
                retry_s = min(retry_s * 2, self._max_retry_s)
        self.close()

    def interrupt(self) -> None:
        """Wake a blocked read so a stop request is seen at once (where pyserial can)."""
        with self._lock:
            port = self._port
        cancel = getattr(port, "cancel_read", None)
        if cancel is not None:
            try:
                cancel()
            except Exception:  # a port closing under us: the read ends anyway
                log.debug("cancel_read failed", exc_info=True)

    def close(self) -> None:
        """Close the port if open; safe to call any number of times."""
        with self._lock:
            port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:  # an unplugged port may fail to close; it is gone either way
                log.debug("closing %s failed", self.settings.port, exc_info=True)

    def _open(self) -> None:
        s = self.settings
        port = self._opener(s.port, baudrate=s.baudrate, bytesize=s.bytesize, parity=s.parity,
                            stopbits=s.stopbits, timeout=s.timeout)
        self._decoder.reset()  # a partial frame from before an unplug has lost its start
        with self._lock:
            self._port = port

    def _pump(self, on_scan: OnScan, on_status: OnStatus, stop_event: threading.Event) -> None:
        last_data = time.monotonic()
        while not stop_event.is_set():
            port = self._port
            if port is None:
                return
            # read(1) returns on the first byte (or the timeout); the rest is then waiting.
            data = port.read(port.in_waiting or 1)
            if data:
                last_data = time.monotonic()
                for frame in self._decoder.feed(data):
                    if isinstance(frame, BadFrame):
                        _call(on_status, "warning", frame.reason)
                    else:
                        _call(on_scan, frame)
            elif (self._decoder.pending
                  and time.monotonic() - last_data >= self._quiet_after_s):
                expired = self._decoder.expire()
                if expired is not None:
                    _call(on_status, "warning", expired.reason)

    def _offline_message(self, exc: OSError) -> str:
        port = self.settings.port
        if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
            return (f"Warranty Desk may not open the scanner on {port}. On Linux, add this user "
                    f"to the 'dialout' group and sign in again; retrying…")
        return f"Scanner on {port} is unplugged or off; reconnecting…"


def _call(callback: Callable[..., None], *args: str) -> None:
    """Run a receiver's callback; its bug must not stop the reader."""
    try:
        callback(*args)
    except Exception:
        log.exception("scanner callback %r failed", callback)
