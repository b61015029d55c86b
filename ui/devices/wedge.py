"""Tells a keyboard-wedge scanner's keystrokes from a person's by their timing alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "GS",
    "EndKey",
    "Release",
    "WedgeConfig",
    "WedgeDetector",
    "WedgeEvent",
    "is_burst_char",
]

# A wedge scanner types GS1's FNC1 field separator as Ctrl+] (ASCII GS). It belongs to the
# scan: warranty_desk.scanning needs it to split GS1 fields.
GS = "\x1d"

EndKey = Literal["enter", "tab"]

_END_KEY_CHARS: dict[str, tuple[str, ...]] = {"enter": ("\r", "\n"), "tab": ("\t",)}


@dataclass(frozen=True, slots=True)
class WedgeConfig:
    """Timing thresholds that separate a scanner's burst from a person's typing."""

    # Serials, warranty codes and invoice numbers are all longer than this, while a fast
    # typist's key rollover ("the", "ing") can put two or three characters within a few ms
    # of each other, but not four in a row followed by Enter.
    min_length: int = 4
    # USB wedge scanners send a key every 2-20 ms (some let you add up to ~30 ms of
    # inter-character delay); even a 150-words-a-minute typist averages about 80 ms a key.
    max_gap_ms: float = 35.0
    # Slack for the first gap only, where jitter hurts most: a scan often starts while the app
    # is still busy showing the previous result. It is also how long a typed character may
    # wait before it appears (see WedgeDetector), so it stays well under a person's 80 ms.
    max_first_gap_ms: float = 50.0
    # The end-of-scan suffixes scanners are set up with: Enter (sent as CR or LF) or Tab.
    terminators: tuple[str, ...] = ("\r", "\n", "\t")

    def __post_init__(self) -> None:
        if self.min_length < 1:
            raise ValueError(f"min_length must be at least 1: {self.min_length!r}")
        if self.max_gap_ms <= 0 or self.max_first_gap_ms <= 0:
            raise ValueError("max_gap_ms and max_first_gap_ms must be positive")
        unknown = set(self.terminators) - {"\r", "\n", "\t"}
        if unknown:
            raise ValueError(f"terminators may only be CR, LF or Tab: {sorted(unknown)!r}")


@dataclass(frozen=True, slots=True)
class Release:
    """Held characters that turned out to be typing: give them to the focused widget now."""

    text: str


# What feed() can report besides "holding"; a union so later kinds need no new method.
WedgeEvent = Release


class WedgeDetector:
    """Holds back a burst of characters until it is known to be a scan or a person's typing.

    Approach: hold and replay. Every printable character is held (not shown) while it may
    still be the start of a scan. The burst is settled either way:

    - a scan: at least `min_length` characters, each within `max_gap_ms` of the previous
      (`max_first_gap_ms` for the second), then Enter or Tab within `max_gap_ms`.
      `end_key()` returns the text; the wrapper swallows the end key, so the field never sees
      the scan and its form is not submitted with it.
    - typing: the next character comes too late, the burst goes quiet (the wrapper's timer
      calls `release()`), or any other key, click or focus change interrupts it. The held
      characters come back as a `Release` and the wrapper replays the original key events,
      in order, to the widget they were meant for.

    The alternative, letting keys through and deleting a scan afterwards, only works in
    QLineEdit, fires textChanged/textEdited for every scanned character (search-as-you-type
    screens would run a query per key) and must restore selections by hand. Holding never
    loses a keystroke (everything held is either a scan or replayed) and never leaves scanner
    text in a field. Its cost is latency: a typed character appears up to `max_first_gap_ms`
    late (plus the wrapper's timer margin), well under the ~100 ms people notice.

    Times are in milliseconds on any clock that only moves forward between calls; a gap that
    is negative (clock wrap, mixed clocks) counts as too long, which errs towards typing.
    """

    def __init__(self, config: WedgeConfig | None = None) -> None:
        self.config = config or WedgeConfig()
        self._chars: list[str] = []
        self._last_ms = 0.0

    @property
    def held(self) -> str:
        """The characters held back so far (the burst in progress)."""
        return "".join(self._chars)

    def feed(self, char: str, t_ms: float) -> WedgeEvent | None:
        """Hold one typed character; return earlier held characters if its burst broke."""
        if not is_burst_char(char):
            raise ValueError(f"feed() takes one printable character, not {char!r}")
        released: Release | None = None
        if self._chars and not self._in_time(t_ms, self._gap_limit()):
            released = self.release()
        self._chars.append(char)
        self._last_ms = t_ms
        return released

    def end_key(self, key: EndKey, t_ms: float) -> str | None:
        """Enter or Tab: return the scanned text, or None (held characters stay held)."""
        if not self.would_end_scan(key, t_ms):
            return None
        text = self.held
        self._chars.clear()
        return text

    def would_end_scan(self, key: EndKey, t_ms: float) -> bool:
        """Whether this end key, at this time, completes a scan (nothing changes)."""
        return self.could_end_scan(key) and self._in_time(t_ms, self.config.max_gap_ms)

    def could_end_scan(self, key: EndKey) -> bool:
        """Whether this end key would complete a scan if it came in time (nothing changes)."""
        ends = _END_KEY_CHARS[key]
        return (any(ch in self.config.terminators for ch in ends)
                and len(self._chars) >= self.config.min_length)

    def quiet_limit_ms(self) -> float | None:
        """How long after the last held character the burst may still continue, if any."""
        if not self._chars:
            return None
        return self._gap_limit()

    def release(self) -> Release | None:
        """Give back everything held (the burst went quiet or something interrupted it)."""
        if not self._chars:
            return None
        released = Release(self.held)
        self._chars.clear()
        return released

    def _gap_limit(self) -> float:
        if len(self._chars) == 1:
            # Slack, never a tighter limit, if max_gap_ms is set above it in Settings.
            return max(self.config.max_first_gap_ms, self.config.max_gap_ms)
        return self.config.max_gap_ms

    def _in_time(self, t_ms: float, limit: float) -> bool:
        return 0 <= t_ms - self._last_ms <= limit


def is_burst_char(char: str) -> bool:
    """Whether a key's text can be part of a scan: one printable character, or GS."""
    return len(char) == 1 and (char.isprintable() or char == GS)
